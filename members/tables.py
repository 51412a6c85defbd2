"""How the member pages' lists show their rows (core.lists.Table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from core.lists import Column, Table

from .permissions import may_reveal_id


def shown_id(member: Any, user: Any) -> str:
    """The ID number as a list's export gives it: whole for those who may reveal it, masked for the rest.

    An export is a recorded access (``core.lists.list_page`` records it), so the
    whole number goes only to ``may_reveal_id`` users, as on the member's page.
    (The member roster's own export, ``members:export``, keeps whole numbers for
    every writer: it is the import template, re-imported by them.)  Empty on a
    past day's row of a member who has since left the viewer's scope (``history_only``).
    """
    if getattr(member, "history_only", False):
        return ""
    return member.id_number if may_reveal_id(user) else member.masked_id_number


def today_only(attr: str) -> Callable[[Any, Any], Any]:
    """An export getter of today's data: empty on a ``history_only`` row (members.selectors.member.member_list)."""

    def value(row: Any, user: Any) -> Any:
        if getattr(row, "history_only", False):
            return ""
        found = getattr(row, attr)
        return found() if callable(found) else found

    return value


def full_on_then(member: Any, user: Any) -> Any:
    """转正日期 as the row's day knew it: none while the member was then probationary."""
    if getattr(member, "history_only", False) and member.status_on != "FULL":
        return None
    return member.full_on


MEMBER_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column(
            "性别",
            key="gender",
            order_by=("gender_shown",),
            export=today_only("get_gender_display"),
            phone=False,
        ),
        Column(
            "民族",
            key="ethnicity",
            order_by=("ethnicity_shown",),
            export=today_only("ethnicity"),
            phone=False,
        ),
        Column("年龄", key="age", order_by=("-birth_date_shown",), export=today_only("age_shown")),
        Column("公民身份号码", export=shown_id, phone=False, nowrap=True),
        Column(
            "学历",
            key="education",
            order_by=("education_shown",),
            export=today_only("get_education_display"),
            phone=False,
        ),
        Column(
            "人员类别",
            key="occupation",
            order_by=("occupation_shown",),
            export=today_only("get_occupation_display"),
            phone=False,
        ),
        Column("所在党组织", key="org", order_by=("organization_on_path",), export="organization_on_name"),
        Column(
            "党小组",
            key="group",
            order_by=("party_group_shown", "organization_on_path"),
            export="party_group_shown",
            phone=False,
        ),
        Column("党员类型", key="status", order_by=("status_on",), export="status_label"),
        Column(
            "入党日期", key="joined", order_by=("joined_on",), export="joined_on", phone=False, nowrap=True
        ),
        Column(
            "转正日期", key="full", order_by=("full_on_shown",), export=full_on_then, phone=False, nowrap=True
        ),
    ),
    row_template="members/_member_row.html",
    default_order=("organization_on_path", "name", "id"),
    export_name="党员名册",
    # The member export is the import template's layout, so a clerk can edit it and import it back.
    export_url_name="members:export",
    empty="没有符合条件的党员",
)


CARE_VISIT_TABLE = Table(
    columns=(
        Column("走访日期", key="day", order_by=("visited_on",), export="visited_on", nowrap=True),
        Column("慰问时机", key="occasion", export="get_occasion_display"),
        Column("组织单位", key="org", order_by=("organization__path",), export="organization.name"),
        Column("走访人员", export="visitors", phone=False),
        Column("经费来源", key="funding", export="get_funding_display", phone=False),
        Column("慰问人数", key="members", order_by=("recipient_count",), export="recipient_count"),
        Column("慰问金（元）", key="amount", order_by=("amount_total",), export="amount_total"),
    ),
    row_template="members/care/_visit_row.html",
    default_order=("-visited_on", "-id"),
    export_name="走访慰问记录",
    empty="暂无走访慰问记录",
)


APPLICANT_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column("性别", key="gender", export="get_gender_display", phone=False),
        Column("民族", key="ethnicity", export="ethnicity", phone=False),
        Column("公民身份号码", export=shown_id, phone=False, nowrap=True),
        Column("所在党支部", key="org", order_by=("organization__path",), export="organization.name"),
        Column("阶段", key="stage", order_by=("stage_code",), export="stage.label"),
        Column("申请日期", key="applied", order_by=("applied_on",), export="applied_on", nowrap=True),
        Column(
            "最近步骤",
            key="latest",
            order_by=("latest_day", "latest_step"),
            export="latest_step",
            phone=False,
        ),
    ),
    row_template="members/development/_applicant_row.html",
    default_order=("organization__path", "name", "id"),
    export_name="入党申请人",
    empty="没有符合条件的入党申请人",
)

PUBLICITY_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("applicant__name",), export="applicant.name"),
        Column(
            "所在党支部",
            key="org",
            order_by=("applicant__organization__path",),
            export="applicant.organization.name",
            phone=False,
        ),
        Column("公示事项", key="step", export="get_step_display"),
        Column("公示开始", key="start", order_by=("starts_on",), export="starts_on", nowrap=True),
        Column("公示截止", key="end", order_by=("ends_on",), export="ends_on", nowrap=True),
        Column("地点/范围", export="place", phone=False),
        Column("结果", key="result", export="get_result_display"),
    ),
    row_template="members/development/_publicity_row.html",
    default_order=("-starts_on", "-id"),
    export_name="公示记录",
    empty="暂无公示记录",
)


# --- members in motion ------------------------------------------------------------------


def transfer_id(transfer: Any, user: Any) -> str:
    """The letter's ID number as a list's export gives it (see ``shown_id``)."""
    return transfer.person_id_number if may_reveal_id(user) else transfer.masked_id_number


def member_id(record: Any, user: Any) -> str:
    """The ID number of a record's member as the viewer may read it."""
    return shown_id(record.member, user)


def transfer_status(transfer: Any, user: Any) -> str:
    """待回执 / 待接收 (逾期 when past validity today), 已完成, 已作废."""
    overdue = transfer.is_overdue_on(dt.date.today())
    return f"逾期{transfer.waiting_for}" if overdue else transfer.status_label


def recorded_by(departure: Any, user: Any) -> str:
    return str(departure.recorded_by) if departure.recorded_by_id else ""


TRANSFER_TABLE = Table(
    columns=(
        Column("介绍信编号", key="no", order_by=("letter_no",), export="letter_no", nowrap=True),
        Column("类型", key="kind", export="get_kind_display"),
        Column("姓名", key="name", order_by=("person_name",), export="person_name"),
        Column("公民身份号码", export=transfer_id, phone=False, nowrap=True),
        Column("转出党组织", export="from_name", phone=False),
        Column("接收党组织", export="to_name", phone=False),
        Column("开具日期", key="issued", order_by=("issued_on",), export="issued_on", nowrap=True),
        Column(
            "有效期至", key="valid", order_by=("valid_until",), export="valid_until", phone=False, nowrap=True
        ),
        Column("状态", key="status", export=transfer_status),
        Column(
            "办结日期",
            key="done",
            order_by=("completed_on",),
            export="completed_on",
            phone=False,
            nowrap=True,
        ),
    ),
    row_template="members/transfers/_transfer_row.html",
    default_order=("-issued_on", "-id"),
    export_name="组织关系介绍信",
    empty="没有符合条件的介绍信",
)

CERTIFICATE_TABLE = Table(
    columns=(
        Column("证明编号", key="no", order_by=("number",), export="number", nowrap=True),
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("公民身份号码", export=member_id, phone=False, nowrap=True),
        Column(
            "出具党组织", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("前往地点", export="destination"),
        Column("外出事由", export="reason", phone=False),
        Column("出具日期", key="issued", order_by=("issued_on",), export="issued_on", nowrap=True),
        Column(
            "有效期至", key="valid", order_by=("valid_until",), export="valid_until", phone=False, nowrap=True
        ),
    ),
    row_template="members/transfers/_certificate_row.html",
    default_order=("-issued_on", "-id"),
    export_name="党员身份证明",
    empty="没有符合条件的党员身份证明",
)

MOBILE_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("公民身份号码", export=member_id, phone=False, nowrap=True),
        Column(
            "管理党支部", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("流入地点", key="place", order_by=("destination",), export="destination"),
        Column("外出单位/从业", export="work_unit", phone=False),
        Column("联系方式", export="contact"),
        Column("活动证编号", export="card_no", phone=False),
        Column("外出日期", key="since", export="since", nowrap=True),
        Column("返回日期", key="until", export="until", phone=False, nowrap=True),
        Column(""),
    ),
    row_template="members/transfers/_mobile_row.html",
    default_order=("-since", "-id"),
    export_name="流动党员",
    empty="没有符合条件的流动党员",
)

DEPARTURE_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("公民身份号码", export=member_id, phone=False, nowrap=True),
        Column(
            "所在党组织", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("处置方式", key="reason", export="get_reason_display"),
        Column("日期", key="day", export="day", nowrap=True),
        Column("文号", export="document_no", phone=False),
        Column("原因说明", export="note", phone=False),
        Column("经办人", export=recorded_by, phone=False),
    ),
    row_template="members/transfers/_departure_row.html",
    default_order=("-day", "-id"),
    export_name="出党及党员减少",
    empty="没有符合条件的记录",
)

LOST_CONTACT_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("公民身份号码", export=member_id, phone=False, nowrap=True),
        Column(
            "所在党组织", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("失去联系日期", key="since", export="since", nowrap=True),
        Column("采取的措施", export="measures", phone=False),
        Column(
            "恢复联系/处置日期", key="resolved", order_by=("resolved_on",), export="resolved_on", nowrap=True
        ),
        Column("处置结果", export="resolution", phone=False),
    ),
    row_template="members/transfers/_lost_contact_row.html",
    default_order=("since", "id"),
    export_name="失联党员",
    empty="没有符合条件的失联党员",
)


IMPORT_JOB_TABLE = Table(
    columns=(
        Column("上传时间", key="at", order_by=("created_at",), export="created_at", nowrap=True),
        Column("文件", key="file", order_by=("file_name",), export="file_name"),
        Column(
            "导入人",
            key="user",
            order_by=("created_by__full_name", "created_by__username"),
            export="created_by",
            phone=False,
        ),
        Column("状态", key="status", export="get_status_display"),
        Column("新增", key="created", order_by=("created_count",), export="created_count", phone=False),
        Column("更新", key="updated", order_by=("updated_count",), export="updated_count", phone=False),
        Column("错误数", key="errors", order_by=("error_count",), export="error_count"),
    ),
    row_template="members/imports/_job_row.html",
    default_order=("-created_at", "-id"),
    export_name="党员导入记录",
    empty="暂无导入记录",
)
