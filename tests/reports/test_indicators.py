"""The indicators on a small hand-built county with known answers (issue 12 item 1).

The cast: 富宁县委 → 新华镇党委 (branches A, B) and 睦伦乡党委 (branch C); members
张桂芳 (A, female, 壮族, born 1949), 李明 (B, born 1880), 王强 (C, 瑶族, born 1982).
This file adds: 韦小兰, admitted by A on 2025-05-01 (female, 壮族, born 1998);
a village branch D under 新华镇党委 established 2025-03-01; a branch E established
in 2000 and dissolved on 2025-08-01; 王强 transferred from C to A on 2025-09-10.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.services import org_move
from reports.indicators import INDICATORS, compute, rate
from reports.periods import Period
from tests.factories import make_member, make_org

Y2025 = Period.parse("2025")
TODAY = dt.date(2026, 6, 15)


def test_every_indicator_has_a_label_a_unit_and_a_definition():
    assert len(INDICATORS) >= 40
    for indicator in INDICATORS.values():
        assert indicator.label and indicator.unit and indicator.definition, indicator.key


@time_machine.travel(TODAY, tick=False)
def test_the_county_figures_of_2025(county):
    values = compute(county.county, Y2025)
    assert {k: v for k, v in values.items() if k.startswith("orgs.")} == {
        "orgs.committees": 2,
        "orgs.township_committees": 2,
        "orgs.general_branches": 0,
        "orgs.branches": 4,  # A, B, C and the new D; E was dissolved in August
        "orgs.village_branches": 3,  # B is a community branch
        "orgs.branches_established": 1,
        "orgs.general_branches_established": 0,
        "orgs.branches_dissolved": 1,
        "orgs.branches_merged": 0,
    }
    assert {k: v for k, v in values.items() if k.startswith("members.")} == {
        "members.total": 4,
        "members.full": 3,
        "members.probationary": 1,
        "members.female": 2,
        "members.minority": 3,
        "members.under_35": 1,
        "members.over_60": 2,
    }
    assert values["development.new_members"] == 1
    assert values["development.new_female_rate"] == Decimal("100.00")
    assert values["development.new_frontline_rate"] == Decimal("0.00")
    assert values["development.plan"] == 0 and values["development.plan_rate"] is None
    # 王强's move from C to A stays inside the county: neither in nor out
    assert (values["transfers.in"], values["transfers.out"], values["transfers.total"]) == (0, 0, 0)


@time_machine.travel(TODAY, tick=False)
def test_a_member_transferred_mid_year_counts_where_he_was_at_each_period_end(county):
    h1, h2 = Period.parse("2025H1"), Period.parse("2025H2")
    assert compute(county.other_committee, h1, ["members"])["members.total"] == 1
    assert compute(county.other_committee, h2, ["members"])["members.total"] == 0
    assert compute(county.committee, h2, ["members"])["members.total"] == 4
    committee = compute(county.committee, Y2025, ["transfers"])
    assert (committee["transfers.in"], committee["transfers.out"]) == (1, 0)
    other = compute(county.other_committee, Y2025, ["transfers"])
    assert (other["transfers.in"], other["transfers.out"]) == (0, 1)


@time_machine.travel(TODAY, tick=False)
def test_half_year_periods_split_the_events(county):
    h1 = compute(county.county, Period.parse("2025H1"))
    h2 = compute(county.county, Period.parse("2025H2"))
    assert (h1["development.new_members"], h2["development.new_members"]) == (1, 0)
    assert (h1["orgs.branches_established"], h2["orgs.branches_established"]) == (1, 0)
    assert (h1["orgs.branches_dissolved"], h2["orgs.branches_dissolved"]) == (0, 1)
    assert h1["orgs.branches"] == 5  # E still existed on 30 June


@time_machine.travel(TODAY, tick=False)
def test_a_branch_moved_this_year_leaves_last_years_figures_unchanged(county, admin_user):
    before = {
        code: compute(org, Y2025) for code, org in (("C", county.committee), ("O", county.other_committee))
    }
    org_move(
        actor=admin_user, org=county.branch_a, new_parent=county.other_committee, day=dt.date(2026, 3, 1)
    )
    after = {
        code: compute(org, Y2025) for code, org in (("C", county.committee), ("O", county.other_committee))
    }
    assert after == before
    assert compute(county.other_committee, Period.parse("2026H1"), ["members"])["members.total"] == 3


def test_rates_come_from_the_counts_and_are_null_without_a_denominator():
    assert rate(7844, 8789) == Decimal("89.25")
    assert rate(1, 3) == Decimal("33.33")
    assert rate(2, 3) == Decimal("66.67")
    assert rate(5, 0) is None


@pytest.mark.parametrize("text", ["2026x", "26", "2026H3", "二〇二六"])
def test_a_bad_period_is_refused_in_chinese(text):
    with pytest.raises(ValueError, match="统计期"):
        Period.parse(text)


def test_periods_have_their_dates_and_labels():
    assert (Period.parse("2026").start, Period.parse("2026").end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert Period.parse("2026h2").start == dt.date(2026, 7, 1)
    assert Period.parse("2026H1").label == "2026年上半年"


@time_machine.travel(TODAY, tick=False)
def test_the_number_of_queries_does_not_grow_with_the_data(county, admin_user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute(county.county, Y2025)
        return len(ctx.captured_queries)

    small = queries()
    for i in range(10):
        branch = make_org(county.other_committee, f"C01T02B1{i}", f"加{i}村党支部", actor=admin_user)
        for j in range(3):
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=37 * i + j)
            make_member(
                branch,
                actor=admin_user,
                name=f"加{i}{j}",
                birth_date=birth,
                seq=40 + j,
                joined_on=dt.date(1995, 7, 1),
                full_on=dt.date(1996, 7, 1),
            )
    assert compute(county.county, Y2025)["members.total"] == 34
    assert queries() == small <= 50
