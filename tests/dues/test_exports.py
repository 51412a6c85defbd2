"""Exports: the dues register, the remittance statement, self-inspection and the ledger, opened again with openpyxl."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AccessRecord
from tests.factories import make_assessment, make_ledger_entry, make_payments

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).worksheets[0]


def test_the_register_has_a_row_per_member_and_a_column_per_month(client, tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a, effective_from=dt.date(2026, 3, 1))
    make_payments(
        tree.branch_a, actor=secretary_a, entries=[(member_a, dt.date(2026, m, 1), "1.00") for m in (3, 4)]
    )
    client.force_login(secretary_a)
    ws = sheet(client.get(reverse("dues:register", args=[tree.branch_a.code]), {"year": "2026"}))
    rows = list(ws.values)
    assert rows[0][:4] == ("姓名", "类别", "2026年1月", "2026年2月") and rows[0][-3:] == (
        "应交合计（元）",
        "已交合计（元）",
        "欠缴（元）",
    )
    name, category, *months, due, paid, owed = rows[1]
    assert (name, category) == ("张桂芳", "农民")
    assert months[:6] == ["未核定", "未核定", 1, 1, "未交", "未交"]
    assert months[10] in ("", None)  # November: still being collected
    assert (Decimal(str(due)), Decimal(str(paid)), Decimal(str(owed))) == (
        Decimal("10"),
        Decimal("2"),
        Decimal("6"),
    )
    assert AccessRecord.objects.filter(what__contains="党费收缴登记表").count() == 1


def test_the_register_of_another_branch_is_not_found(client, tree, secretary_b, today):
    client.force_login(secretary_b)
    assert client.get(reverse("dues:register", args=[tree.branch_a.code])).status_code == 404


def test_the_remittance_statement_lists_the_quarter_of_each_organization(
    client, tree, member_a, secretary_a, committee_staff, today
):
    make_assessment(member_a, actor=secretary_a)
    make_payments(
        tree.branch_a, actor=secretary_a, entries=[(member_a, dt.date(2026, m, 1), "1.00") for m in (10, 11)]
    )
    client.force_login(committee_staff)
    ws = sheet(client.get(reverse("dues:reconciliation"), {"year": "2026", "quarter": "4", "format": "xlsx"}))
    rows = list(ws.values)
    assert rows[0][0] == "党组织" and rows[0][-1] == "未上缴（元）"
    branch = next(r for r in rows if r[0] == "各甫村党支部")
    assert (
        branch[1] == "2026年第四季度"
        and Decimal(str(branch[2])) == Decimal("2")
        and Decimal(str(branch[-1])) == Decimal("2")
    )


def test_the_ledger_export_is_formula_safe(client, tree, county_staff, today):
    make_ledger_entry(
        tree.county, actor=county_staff, description='=HYPERLINK("http://x")慰问', purpose="OTHER"
    )
    client.force_login(county_staff)
    ws = sheet(client.get(reverse("dues:ledger"), {"format": "xlsx"}))
    rows = list(ws.values)
    assert rows[0][:3] == ("日期", "项目", "摘要")
    assert rows[1][2].startswith("'=")  # neutralised: text, not a formula
    assert Decimal(str(rows[1][5])) == Decimal("1200")


def test_self_inspection_writes_each_kind_of_anomaly_on_its_own_sheet(
    client, tree, member_a, secretary_a, today
):
    make_assessment(member_a, actor=secretary_a, effective_from=dt.date(2026, 7, 1))
    client.force_login(secretary_a)
    response = client.get(reverse("dues:inspection"), {"year": "2026", "quarter": "3", "format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[:5] == ["低于标准", "未交月份", "已收未缴", "留存不符", "余额为负"]
    unpaid = list(book["未交月份"].values)
    assert unpaid[1][:3] == ("张桂芳", "各甫村党支部", 3) and unpaid[1][3] == "2026年7月—9月"
