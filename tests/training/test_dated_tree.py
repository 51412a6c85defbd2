"""Figures of a past period count where things stood then: moving branch A in 2026 leaves 2025's figures alone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from organizations.services import org_move
from tests.factories import make_equipment, make_lecture, make_meeting, make_session
from training.periods import Period
from training.selectors.av import av_figures
from training.selectors.compliance import branch_compliance, compliance_branches
from training.selectors.figures import training_indicators

pytestmark = pytest.mark.django_db

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
MOVED_ON = dt.date(2026, 3, 1)


def test_a_branch_moved_in_2026_still_counts_under_its_old_committee_for_2025(
    tree, county_staff, admin_user, member_a
):
    with time_machine.travel(dt.datetime(2025, 12, 20, 10, 0), tick=False):
        make_session(tree.branch_a, actor=county_staff, present=[member_a], start_on=dt.date(2025, 6, 1))
        make_lecture(tree.branch_a, actor=county_staff, present=[member_a], given_on=dt.date(2025, 7, 1))
        make_equipment(tree.branch_a, actor=county_staff, delivered_on=dt.date(2025, 5, 20))
        make_meeting(tree.branch_a, actor=county_staff, held_on=dt.date(2025, 2, 1))
    before = training_indicators(tree.committee, *YEAR_2025)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0), tick=False):
        org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=MOVED_ON)
        assert training_indicators(tree.committee, *YEAR_2025) == before
        assert before["training.branch_sessions"] == 1 and before["training.branch_person_times"] == 1
        assert before["lectures.sessions"] == 1 and before["av.village_branches_covered"] == 1
        assert training_indicators(tree.other_committee, *YEAR_2025)["training.branch_sessions"] == 0
        # Today the branch's coverage belongs to its new committee.
        assert (
            av_figures(
                tree.other_committee, dt.date(2026, 1, 1), dt.date(2026, 3, 2)
            ).village_branches_covered
            == 1
        )
        # 2025's compliance table of the old committee still lists the branch.
        period = Period(2025)
        rows = branch_compliance(
            compliance_branches(county_staff, period, dt.date(2026, 3, 2), tree.committee),
            period,
            dt.date(2026, 3, 2),
        )
        assert tree.branch_a in [r.org for r in rows]


def test_the_indicators_are_the_keys_of_indicators_md(tree):
    keys = set(training_indicators(tree.county, *YEAR_2025))
    for family, names in {
        "training": [
            "theory",
            "technical",
            "county",
            "committee",
            "branch",
            "av",
            "av_theory",
            "av_technical",
        ],
    }.items():
        for name in names:
            assert {f"{family}.{name}_sessions", f"{family}.{name}_person_times"} <= keys
    assert {
        "lectures.units",
        "lectures.leaders",
        "lectures.branches",
        "lectures.sessions",
        "lectures.person_times",
        "av.sets_delivered",
        "av.amount",
        "av.committees_equipped",
        "av.branches_equipped",
        "av.township_committees_covered",
        "av.village_branches_covered",
    } <= keys


def test_a_branch_counts_its_members_attendance_at_anyones_sessions(tree, county_staff, member_a, member_b):
    from training.selectors.figures import members_person_times

    make_session(tree.county, actor=county_staff, present=[member_a, member_b])
    make_session(tree.branch_a, actor=county_staff, present=[member_a])
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert members_person_times(tree.branch_a, *year) == 2
    assert members_person_times(tree.committee, *year) == 3
    assert members_person_times(tree.branch_c, *year) == 0
