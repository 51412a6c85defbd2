"""民主生活会: one per organization and year, completion by kind, the committees' leaders' attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import LifeMeeting
from assessments.selectors.meetings import life_meeting_figures, orgs_without_meeting
from assessments.services.meetings import life_meeting_update
from tests.factories import make_life_meeting, make_org

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def general_branch(tree, admin_user):
    return make_org(
        tree.other_committee,
        "C01T02G01",
        "睦伦乡机关党总支",
        actor=admin_user,
        kind="GENERAL_BRANCH",
        category="ORGAN",
    )


def test_completion_by_kind_and_the_leaders_attendance(tree, county_staff, general_branch, admin_user):
    make_life_meeting(
        tree.committee, actor=county_staff, leaders_expected=12, leaders_attended=11, absentees="李某因公出差"
    )
    make_life_meeting(tree.other_committee, actor=county_staff, leaders_expected=13, leaders_attended=13)
    make_life_meeting(
        general_branch, actor=county_staff, leaders_expected=5, leaders_attended=4, absentees="病假"
    )
    make_life_meeting(tree.branch_a, actor=county_staff)
    make_life_meeting(tree.branch_c, actor=county_staff)

    figures = life_meeting_figures(tree.county, START, END)
    assert (figures.committees, figures.general_branches, figures.branches) == (2, 1, 2)
    assert [(k.label, k.held, k.expected) for k in figures.kinds] == [
        ("基层党委", 2, 2),
        ("党总支", 1, 1),
        ("党支部", 2, 3),  # branch B has not held one
    ]
    assert figures.rate == Decimal("83.33")  # 5 of 6
    # The committees' leadership teams (党政领导干部) only: 24 of 25, as the reference counts them.
    assert (figures.leaders_attended, figures.leaders_expected) == (24, 25)
    assert figures.attendance_rate == Decimal("96.00")
    assert [o.name for o in orgs_without_meeting(tree.county, 2026, END)] == ["新华社区党支部"]


def test_a_committee_sees_its_own_subtree(tree, county_staff):
    make_life_meeting(
        tree.committee, actor=county_staff, leaders_expected=10, leaders_attended=9, absentees="出差"
    )
    make_life_meeting(tree.branch_c, actor=county_staff)
    figures = life_meeting_figures(tree.committee, START, END)
    assert (figures.committees, figures.branches, figures.expected) == (1, 0, 3)
    assert figures.attendance_rate == Decimal("90.00")


def test_temporary_branches_are_not_expected_to_hold_one(tree, admin_user, county_staff):
    make_org(tree.committee, "C01T01X", "防汛临时党支部", actor=admin_user, form="TEMPORARY")
    assert life_meeting_figures(tree.committee, START, END).kind("branches").expected == 2


def test_one_meeting_per_organization_and_year(tree, secretary_a):
    make_life_meeting(tree.branch_a, actor=secretary_a)
    with pytest.raises(ValidationError, match="2026年度的民主生活会已登记"):
        make_life_meeting(tree.branch_a, actor=secretary_a, held_on=dt.date(2026, 10, 1))
    assert LifeMeeting.objects.count() == 1
    make_life_meeting(tree.branch_a, actor=secretary_a, held_on=dt.date(2025, 9, 1))  # last year's is another


def test_attended_cannot_exceed_expected(tree, secretary_a):
    with pytest.raises(ValidationError, match="实参会人数不能多于应参会人数"):
        make_life_meeting(tree.branch_a, actor=secretary_a, leaders_expected=3, leaders_attended=4)


def test_an_absence_needs_its_reason(tree, secretary_a):
    with pytest.raises(ValidationError, match="缺席人员及原因"):
        make_life_meeting(tree.branch_a, actor=secretary_a, leaders_expected=5, leaders_attended=4)


def test_the_document_number_is_normalised(tree, secretary_a):
    meeting = make_life_meeting(tree.branch_a, actor=secretary_a, document_no="富办发[2026]24号")
    assert meeting.document_no == "富办发〔2026〕24号"


def test_a_meeting_counts_in_the_year_it_was_held_after_a_correction(tree, secretary_a):
    meeting = make_life_meeting(tree.branch_a, actor=secretary_a)
    life_meeting_update(actor=secretary_a, meeting=meeting, held_on=dt.date(2025, 12, 20), expected_version=1)
    meeting.refresh_from_db()
    assert (meeting.year, meeting.version) == (2025, 2)
    assert life_meeting_figures(tree.branch_a, START, END).branches == 0
