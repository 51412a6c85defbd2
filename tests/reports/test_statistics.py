"""党内统计 (issue 12 item 7): the change table reconciles, the profiles and the organizations add up, the workbook opens."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports.periods import Period
from reports.statistics import change_table, new_member_table, organization_table, profile_table

TODAY = dt.date(2026, 6, 15)
Y2025 = Period.parse("2025")


def as_dict(table) -> dict:
    return {row[0]: row[1] for row in table.rows}


@time_machine.travel(TODAY, tick=False)
def test_the_change_table_reconciles_last_years_total_with_this_years(county):
    committee = as_dict(change_table(county.committee, Y2025))
    assert committee["2024年12月31日党员数"] == 2
    assert committee["增加：新发展"] == 1
    assert committee["增加：从县内其他党组织转入"] == 1  # 王强 from 睦伦乡 in September
    assert committee["减少合计"] == 0
    assert committee["2025年12月31日党员数"] == 4
    other = as_dict(change_table(county.other_committee, Y2025))
    assert (
        other["2024年12月31日党员数"],
        other["减少：转往县内其他党组织"],
        other["2025年12月31日党员数"],
    ) == (1, 1, 0)
    # for the county the move is internal: no change, and the books still balance
    whole = as_dict(change_table(county.county, Y2025))
    assert whole["增加合计"] == 1 and whole["减少合计"] == 0
    assert (
        whole["2024年12月31日党员数"] + whole["增加合计"] - whole["减少合计"] == whole["2025年12月31日党员数"]
    )


@time_machine.travel(TODAY, tick=False)
def test_each_profile_dimension_adds_up_to_the_total(county):
    for table in (profile_table(county.county, Y2025), new_member_table(county.county, Y2025)):
        total = table.total[2]
        for dimension in {row[0] for row in table.rows}:
            assert sum(row[2] for row in table.rows if row[0] == dimension) == total, (table.title, dimension)
    profile = profile_table(county.county, Y2025)
    assert profile.total[2] == 4
    assert ["性别", "女", 2, "50.00"] in profile.rows
    new = new_member_table(county.county, Y2025)
    assert new.total[2] == 1 and ["年龄", "30岁及以下", 1, "100.00"] in new.rows


@time_machine.travel(TODAY, tick=False)
def test_the_organization_table_counts_kind_by_category_at_period_end(county):
    table = organization_table(county.county, Y2025)
    rows = {row[0]: row for row in table.rows}
    assert rows["基层党委"][-1] == 2 and rows["党支部"][-1] == 4  # E was dissolved in August
    assert table.total[-1] == sum(row[-1] for row in table.rows) == 6


@time_machine.travel(TODAY, tick=False)
def test_the_workbook_has_a_sheet_per_table_with_its_totals(client, county_staff, county):
    client.force_login(county_staff)
    response = client.get(reverse("reports:statistics_xlsx", args=["C01", "2025"]))
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["党员变动情况", "党员队伍结构", "新发展党员结构", "党组织情况"]
    sheet = workbook["党组织情况"]
    assert sheet["A1"].value == "组织类型" and sheet.freeze_panes == "A2" and not sheet.merged_cells.ranges
    assert sheet.oddHeader.center.text == "富宁县委党组织情况（2025年12月31日）　统计期：2025年"
    last = sheet.max_row
    assert sheet.cell(last, 1).value == "合计" and sheet.cell(last, sheet.max_column).value == 6
    page = client.get(reverse("reports:statistics", args=["C01", "2025"])).content.decode()
    assert "党员变动情况" in page and "党组织情况" in page


def test_a_committee_cannot_fetch_the_countys_tables(client, committee_staff, tree):
    client.force_login(committee_staff)
    assert client.get(reverse("reports:statistics_xlsx", args=["C01", "2025"])).status_code == 404
    assert client.get(reverse("reports:statistics", args=["C01T01", "2025"])).status_code == 200
