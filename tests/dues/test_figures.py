"""dues.* figures: owed and paid for the period's months, arrears at its end, remitted, retained spending — on the dated tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dues.selectors.figures import dues_breakdown, dues_figures
from dues.services.ledger import ledger_record
from organizations.services import org_move
from tests.factories import make_assessment, make_care_visit, make_member, make_payments, make_remittance

pytestmark = pytest.mark.django_db

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0), tick=False)


@pytest.fixture
def dues_2025(tree, member_a, member_b, admin_user, county_staff):
    """2025 in the cast: member A pays Jan–Oct, member B (branch B) pays nothing after March; spending at the county."""
    with on(dt.date(2025, 1, 5)):
        make_assessment(member_a, actor=admin_user, effective_from=dt.date(2025, 1, 1))
        make_assessment(member_b, actor=admin_user, effective_from=dt.date(2025, 1, 1), amount="0.50")
    with on(dt.date(2025, 11, 10)):
        make_payments(
            tree.branch_a,
            actor=admin_user,
            entries=[(member_a, dt.date(2025, m, 1), "1.00") for m in range(1, 11)],
        )
        make_payments(
            tree.branch_b,
            actor=admin_user,
            entries=[(member_b, dt.date(2025, m, 1), "0.50") for m in (1, 2, 3)],
        )
        make_remittance(tree.branch_a, actor=admin_user, year=2025, quarter=4, amount="10.00")
        ledger_record(
            actor=county_staff,
            organization=tree.county,
            entry_on=dt.date(2025, 5, 20),
            purpose="AV_EQUIPMENT",
            amount="60000",
            description="电教设备55套",
        )
    with on(dt.date(2025, 7, 1)):
        make_care_visit(tree.county, actor=county_staff, entries=[(member_a, "100.00"), (member_b, "100.00")])
    return tree


def test_the_year_s_figures(dues_2025, today):
    tree = dues_2025
    committee = dues_figures(tree.committee, *YEAR_2025)
    assert (committee.levied, committee.paid) == (Decimal("18.00"), Decimal("11.50"))  # 12 × 1.00 + 12 × 0.50
    assert committee.collection_rate == Decimal("63.9")
    assert committee.members_in_arrears == 2  # A: Nov–Dec; B: Apr–Dec
    assert committee.members_flagged == 1  # B: nine months in a row
    assert dues_figures(tree.branch_a, *YEAR_2025).remitted == Decimal("10.00")
    county = dues_figures(tree.county, *YEAR_2025)
    assert (county.retained_spent, county.retained_spent_av, county.retained_spent_care) == (
        Decimal("60200.00"),
        Decimal("60000.00"),
        Decimal("200.00"),
    )
    assert county.retained_balance == Decimal("-60200.00")
    indicators = county.as_indicators()
    assert indicators["dues.collection_rate"] == Decimal("63.9") and indicators[
        "dues.retained_spent_av"
    ] == Decimal("60000.00")


def test_last_year_s_figures_stay_when_a_branch_moves_this_year(dues_2025, admin_user, today):
    tree = dues_2025
    before = {
        org: dues_figures(getattr(tree, org), *YEAR_2025)
        for org in ("committee", "other_committee", "branch_b")
    }
    with on(dt.date(2026, 3, 1)):
        org_move(
            actor=admin_user, org=tree.branch_b, new_parent=tree.other_committee, day=dt.date(2026, 3, 1)
        )
    after = {
        org: dues_figures(getattr(tree, org), *YEAR_2025)
        for org in ("committee", "other_committee", "branch_b")
    }
    for org in before:
        assert (after[org].levied, after[org].paid, after[org].members_in_arrears) == (
            before[org].levied,
            before[org].paid,
            before[org].members_in_arrears,
        ), org
    assert after["other_committee"].levied == 0  # branch B was not under 睦伦乡党委 in 2025


def test_the_breakdown_has_a_row_per_organization_under_it(dues_2025, today):
    total, rows = dues_breakdown(dues_2025.committee, *YEAR_2025)
    assert [(r.organization.name, r.figures.levied) for r in rows] == [
        ("各甫村党支部", Decimal("12.00")),
        ("新华社区党支部", Decimal("6.00")),
    ]
    assert total.levied == Decimal("18.00") and total.members_in_arrears == 2


def test_the_figures_cost_the_same_queries_for_two_members_or_forty(tree, admin_user, dues_2025, today):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            dues_figures(tree.county, *YEAR_2025)
        return len(queries)

    few = count()
    with on(dt.date(2025, 1, 5)):
        for i in range(40):
            member = make_member(
                tree.branch_a,
                actor=admin_user,
                name=f"党员{i:02d}",
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=i),
                seq=40 + i,
                joined_on=dt.date(1990, 7, 1),
                full_on=dt.date(1991, 7, 1),
            )
            make_assessment(member, actor=admin_user, effective_from=dt.date(2025, 1, 1))
    assert count() == few
