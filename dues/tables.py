"""How the dues lists show their rows (core.lists.Table): columns, sorting, what a phone shows, the export."""

from __future__ import annotations

from typing import Any

from core.lists import Column, Table

from . import months as m
from .choices import CATEGORY_SHORT


def _month(row: Any, user: Any) -> str:
    return m.label(row.month)


def _status(row: Any, user: Any) -> str:
    return f"已作废（{row.void_reason}）" if row.voided_on else "有效"


def _category(row: Any, user: Any) -> str:
    return CATEGORY_SHORT.get(row.dues_category, "未核定") if row.dues_category else "未核定"


def _base(row: Any, user: Any) -> Any:
    return row.dues_income if row.dues_income is not None else row.dues_amount


def _since(row: Any, user: Any) -> str:
    return m.label(row.dues_since) if row.dues_since else ""


PAYMENT_TABLE = Table(
    columns=(
        Column("所属月份", key="month", order_by=("month",), export=_month, nowrap=True),
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column(
            "收缴党组织", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("类型", key="kind", export="get_kind_display", phone=False),
        Column("金额（元）", key="amount", export="amount"),
        Column("应交（元）", export="due", phone=False),
        Column("交纳日期", key="paid", order_by=("paid_on",), export="paid_on", nowrap=True, phone=False),
        Column("收据编号", key="receipt", order_by=("receipt_no",), export="receipt_no", phone=False),
        Column("状态", export=_status, phone=False),
        Column(""),
    ),
    row_template="dues/_payment_row.html",
    default_order=("-month", "organization__path", "member__name", "id"),
    export_name="党费交纳记录",
    empty="没有符合条件的交纳记录",
)

ASSESSMENT_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column(
            "所在党组织", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("党员类别", key="category", order_by=("dues_category",), export=_category),
        Column(
            "计费基数/定额（元）",
            key="base",
            order_by=("dues_income", "dues_amount"),
            export=_base,
            phone=False,
        ),
        Column("起始月份", key="since", order_by=("dues_since",), export=_since, phone=False, nowrap=True),
        Column("本月应交（元）", export="dues_due"),
        Column(""),
    ),
    row_template="dues/_assessment_row.html",
    default_order=("organization__path", "name", "id"),
    export_name="党费核定",
    empty="没有符合条件的党员",
)

ARREARS_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column(
            "所在党组织",
            key="org",
            order_by=("member__organization__path",),
            export="member.organization.name",
        ),
        Column("欠缴月数", key="count", order_by=("count",), export="count"),
        Column("欠缴月份", export="months_label", phone=False),
        Column("最长连续", key="run", order_by=("longest_run",), export="longest_run", phone=False),
        Column("欠缴金额（元）", key="owed", order_by=("owed",), export="owed"),
        Column(""),
    ),
    row_template="dues/_arrears_row.html",
    default_order=("member__organization__path", "member__name"),
    export_name="欠缴党费党员",
    empty="没有欠缴党费的党员",
)

REMITTANCE_TABLE = Table(
    columns=(
        Column(
            "季度",
            key="quarter",
            order_by=("year", "quarter"),
            export=lambda r, u: m.quarter_label(r.year, r.quarter),
        ),
        Column("上缴党组织", key="org", order_by=("from_org__path",), export="from_org.name"),
        Column("接收党组织", export="to_name", phone=False),
        Column("上缴党费（元）", key="amount", export="amount"),
        Column("其中特殊党费（元）", export="special_amount", phone=False),
        Column(
            "上缴日期", key="day", order_by=("remitted_on",), export="remitted_on", nowrap=True, phone=False
        ),
        Column("凭证号", export="reference", phone=False),
        Column("状态", export=_status, phone=False),
        Column(""),
    ),
    row_template="dues/_remittance_row.html",
    default_order=("-year", "-quarter", "from_org__path", "-id"),
    export_name="党费上缴记录",
    empty="没有上缴记录",
)

LEDGER_TABLE = Table(
    columns=(
        Column("日期", key="day", order_by=("entry_on", "id"), export="entry_on", nowrap=True),
        Column("项目", key="purpose", export="get_purpose_display", phone=False),
        Column("摘要", export="description"),
        Column("凭证号/文号", export="document_no", phone=False),
        Column("收入（元）", export="income"),
        Column("支出（元）", export="expense"),
        Column("余额（元）", export="balance", phone=False),
        Column(""),
    ),
    row_template="dues/_ledger_row.html",
    default_order=("entry_on", "id"),
    export_name="留存党费台账",
    empty="台账中还没有记录",
)
