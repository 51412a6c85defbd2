"""党内统计 (issue 12 item 7): the change table reconciles, the profiles and the organizations add up, the
appraisal, training and dues tables break the summary's figures down by unit and add up, the workbook opens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import MemberAppraisal
from assessments.services.appraisals import follow_up_decide
from reports.indicators import compute
from reports.periods import Period
from reports.statistics import change_table, new_member_table, organization_table, profile_table
from reports.statistics_units import appraisal_table, dues_table, training_table, unit_tables
from tests.factories import (
    grade,
    make_assessment,
    make_equipment,
    make_lecture,
    make_meeting,
    make_member,
    make_org,
    make_payments,
    make_round,
    make_session,
)

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
    assert workbook.sheetnames[:4] == ["党员变动情况", "党员队伍结构", "新发展党员结构", "党组织情况"]
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


# --- 民主评议党员, 党员教育培训, 党费收缴使用: by the organizations directly below --------------------


@pytest.fixture
def activity(county, admin_user, member_a, member_b, member_c):
    """2025's records: an appraisal round, sessions, a lecture, a meeting, AV equipment and dues.

    - appraisal (新华镇党委's round): 张桂芳 优秀 and 王强 不合格 (限期改正) in A, 李明 合格 in B;
    - training: the county's theory session (张桂芳, 李明), C's technical session (nobody signed),
      A's AV session in October (张桂芳, 王强); a lecture at B (李明); A's 支部党员大会;
      equipment at A (a village branch) and at 睦伦乡党委 (a township committee);
    - dues: 张桂芳 assessed at 1.00 元 from January, January–June paid.
    """
    member_c.refresh_from_db()  # moved to A by the county fixture
    with time_machine.travel(TODAY, tick=False):
        round_ = make_round(
            county.committee,
            actor=admin_user,
            year=2025,
            title="2025年度民主评议党员",
            starts_on=dt.date(2025, 11, 1),
            ends_on=dt.date(2025, 12, 31),
        )
        day = dt.date(2025, 11, 20)
        grade(round_, county.branch_a, {member_a: "优秀", member_c: "不合格"}, actor=admin_user, day=day)
        grade(round_, county.branch_b, {member_b: "合格"}, actor=admin_user, day=day)
        follow_up_decide(
            actor=admin_user,
            appraisal=MemberAppraisal.objects.get(member=member_c),
            disposal="CORRECTION",
            decided_on=dt.date(2025, 11, 25),
        )
        make_session(
            county.county, actor=admin_user, start_on=dt.date(2025, 3, 10), present=[member_a, member_b]
        )
        make_session(county.branch_c, actor=admin_user, start_on=dt.date(2025, 4, 1), kind="TECHNICAL")
        make_session(
            county.branch_a,
            actor=admin_user,
            start_on=dt.date(2025, 10, 8),
            form="AV",
            present=[member_a, member_c],
        )
        make_lecture(county.branch_b, actor=admin_user, given_on=dt.date(2025, 4, 15), present=[member_b])
        make_meeting(county.branch_a, actor=admin_user, held_on=dt.date(2025, 3, 5))
        make_equipment(county.branch_a, actor=admin_user, funding="FISCAL")
        make_equipment(county.other_committee, actor=admin_user, funding="FISCAL")
        make_assessment(member_a, actor=admin_user, effective_from=dt.date(2025, 1, 1))
        make_payments(
            county.branch_a,
            actor=admin_user,
            entries=[(member_a, dt.date(2025, month, 1), "1.00") for month in range(1, 7)],
            paid_on=dt.date(2025, 7, 1),
        )
    return county


def rows_of(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def assert_adds_up(table, skip=()):
    """Every numeric column's total is the sum of its rows."""
    for i in range(1, len(table.headers)):
        if i in skip:
            continue
        assert table.total[i] == sum(row[i] for row in table.rows), (table.title, table.headers[i])


@time_machine.travel(TODAY, tick=False)
def test_the_appraisal_table_breaks_the_summary_down_by_committee(activity):
    table = appraisal_table(activity.county, Y2025)
    assert table.headers[1:] == [
        "参加评议党员",
        "评为优秀",
        "评为合格",
        "评为基本合格",
        "评为不合格",
        "不合格：限期改正",
        "不合格：劝其退党",
        "不合格：除名",
        "不合格：尚未处置",
    ]
    assert rows_of(table) == {"新华镇党委": [3, 1, 1, 0, 1, 1, 0, 0, 0], "睦伦乡党委": [0] * 9}
    assert_adds_up(table)
    summary = compute(activity.county, Y2025, ["assessments"])
    assert table.total[1:6] == [
        summary["appraisal.members"],
        summary["appraisal.excellent"],
        summary["appraisal.qualified"],
        summary["appraisal.basically_qualified"],
        summary["appraisal.unqualified"],
    ]
    branches = rows_of(appraisal_table(activity.committee, Y2025))
    assert branches["各甫村党支部"] == [2, 1, 0, 0, 1, 1, 0, 0, 0] and branches["新华社区党支部"][:3] == [
        1,
        0,
        1,
    ]
    # a decision taken after the period's end leaves the 不合格 undecided in it
    assert rows_of(appraisal_table(activity.county, Period.parse("2025H2")))["新华镇党委"][-1] == 0


@time_machine.travel(TODAY, tick=False)
def test_the_training_table_counts_sessions_and_person_times_where_the_organizer_stood(activity):
    table = training_table(activity.county, Y2025)
    cells = {row[0]: dict(zip(table.headers[1:], row[1:], strict=True)) for row in table.rows}
    assert list(cells) == ["本级及其他", "新华镇党委", "睦伦乡党委"]
    own, xinhua, mulun = cells["本级及其他"], cells["新华镇党委"], cells["睦伦乡党委"]
    assert (own["县委培训期数"], own["县委培训人次"], own["理论培训人次"]) == (1, 2, 2)
    assert (xinhua["支部培训期数"], xinhua["电教培训期数"], xinhua["电教培训人次"], xinhua["培训人次"]) == (
        1,
        1,
        2,
        2,
    )
    assert (mulun["科技培训期数"], mulun["科技培训人次"], mulun["电教覆盖乡镇党委"]) == (1, 0, 1)
    assert (
        xinhua["领导干部讲党课期数"],
        xinhua["听党课人次"],
        xinhua["电教覆盖村党支部"],
        xinhua["三会一课次数"],
    ) == (
        1,
        1,
        1,
        1,
    )
    assert_adds_up(table)
    summary = compute(activity.county, Y2025, ["training"])
    total = dict(zip(table.headers[1:], table.total[1:], strict=True))
    for key, label in (("county", "县委"), ("committee", "党委"), ("branch", "支部"), ("av", "电教")):
        assert total[f"{label}培训期数"] == summary[f"training.{key}_sessions"]
        assert total[f"{label}培训人次"] == summary[f"training.{key}_person_times"]
    assert (total["领导干部讲党课期数"], total["听党课人次"]) == (
        summary["lectures.sessions"],
        summary["lectures.person_times"],
    )
    assert (total["电教覆盖乡镇党委"], total["电教覆盖村党支部"]) == (
        summary["av.township_committees_covered"],
        summary["av.village_branches_covered"],
    )
    # each committee's row is that committee's own summary
    own_summary = compute(activity.committee, Y2025, ["training"])
    assert (
        xinhua["培训人次"]
        == own_summary["training.branch_person_times"] + own_summary["training.committee_person_times"]
    )


@time_machine.travel(TODAY, tick=False)
def test_the_dues_table_adds_up_to_the_summarys_figures(activity):
    table = dues_table(activity.county, Y2025)
    cells = dict(zip(table.headers[1:], rows_of(table)["新华镇党委"], strict=True))
    assert (cells["应交（元）"], cells["实交（元）"], cells["收缴率（%）"], cells["欠缴党员（名）"]) == (
        Decimal("12.00"),
        Decimal("6.00"),
        Decimal("50.00"),
        1,
    )
    assert rows_of(table)["睦伦乡党委"][:2] == [Decimal("0.00"), Decimal("0.00")]
    rate_column, remitted_column = table.headers.index("收缴率（%）"), table.headers.index("上缴（元）")
    assert_adds_up(table, skip=(rate_column, remitted_column))
    summary = compute(activity.county, Y2025, ["dues"])
    total = dict(zip(table.headers[1:], table.total[1:], strict=True))
    assert (total["应交（元）"], total["实交（元）"], total["收缴率（%）"], total["欠缴党员（名）"]) == (
        summary["dues.levied"],
        summary["dues.paid"],
        summary["dues.collection_rate"],
        summary["dues.members_in_arrears"],
    )
    assert (total["上缴（元）"], total["支出（元）"]) == (
        summary["dues.remitted"],
        summary["dues.retained_spent"],
    )


@time_machine.travel(TODAY, tick=False)
def test_the_unit_tables_take_the_same_queries_whatever_the_data(
    activity, admin_user, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            unit_tables(activity.county, Y2025)
        return len(ctx.captured_queries)

    small = queries()
    for i in range(5):
        branch = make_org(activity.other_committee, f"C01T02B2{i}", f"增{i}村党支部", actor=admin_user)
        members = [
            make_member(
                branch,
                actor=admin_user,
                name=f"增{i}{j}",
                birth_date=dt.date(1971, 1, 1) + dt.timedelta(days=40 * i + j),
                seq=60 + j,
                joined_on=dt.date(1995, 7, 1),
                full_on=dt.date(1996, 7, 1),
            )
            for j in range(2)
        ]
        with time_machine.travel(TODAY, tick=False):
            make_session(branch, actor=admin_user, start_on=dt.date(2025, 5, 1), present=members)
            make_meeting(branch, actor=admin_user, held_on=dt.date(2025, 5, 2))
            make_equipment(branch, actor=admin_user, funding="FISCAL")
    assert small <= 30
    with django_assert_max_num_queries(small):
        tables = unit_tables(activity.county, Y2025)
    assert rows_of(tables[1])["睦伦乡党委"][1] == 10  # person-times of the five new sessions


def test_the_workbook_has_the_unit_tables_too(client, county_staff, activity):
    with time_machine.travel(TODAY, tick=False):
        client.force_login(county_staff)
        response = client.get(reverse("reports:statistics_xlsx", args=["C01", "2025"]))
        page = client.get(reverse("reports:statistics", args=["C01", "2025"])).content.decode()
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames[4:] == ["民主评议党员情况", "党员教育培训情况", "党费收缴使用情况"]
    sheet = workbook["党员教育培训情况"]
    assert sheet["A1"].value == "单位" and sheet.freeze_panes == "A2" and not sheet.merged_cells.ranges
    assert sheet.cell(sheet.max_row, 1).value == "合计"
    assert "民主评议党员情况" in page and "党费收缴使用情况" in page and "本级及其他" in page
