"""Party lectures by leading cadres: the figures the reference leaves blank (units, leaders, branches, sessions, 人次)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.choices import OrgKind
from tests.factories import make_lecture, make_org
from training.models import LecturerUnit
from training.selectors.lectures import lecture_figures

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_lecture_figures_count_units_leaders_branches_lectures_and_person_times(
    tree, county_staff, member_a, member_a2, member_b, member_c
):
    # 县财政局's head twice (two branches), its deputy once, 县农业局's head once: 2 units, 3 leaders.
    make_lecture(tree.branch_a, actor=county_staff, present=[member_a, member_a2])
    make_lecture(tree.branch_b, actor=county_staff, present=[member_b], given_on=dt.date(2026, 5, 2))
    make_lecture(
        tree.branch_a,
        actor=county_staff,
        present=[member_a],
        lecturer_name="陆美兰",
        lecturer_rank="SECTION_DEPUTY",
        lecturer_post="副局长",
        given_on=dt.date(2026, 6, 2),
    )
    make_lecture(
        tree.branch_c, actor=county_staff, present=[member_c], lecturer_name="黄文", unit_name="县农业局"
    )
    # Not counted: a township cadre (not a county-level unit), a clerk below 科级, last year's lecture.
    LecturerUnit.objects.create(name="新华镇人民政府", county_level=False)
    make_lecture(
        tree.branch_a,
        actor=county_staff,
        present=[member_a],
        lecturer_name="农镇长",
        unit_name="新华镇人民政府",
    )
    make_lecture(
        tree.branch_a, actor=county_staff, present=[member_a], lecturer_name="小李", lecturer_rank="BELOW"
    )
    make_lecture(tree.branch_a, actor=county_staff, present=[member_a], given_on=dt.date(2025, 12, 1))
    county = lecture_figures(tree.county, *YEAR)
    assert (county.units, county.leaders, county.branches, county.sessions, county.person_times) == (
        2,
        3,
        3,
        4,
        5,
    )
    committee = lecture_figures(tree.committee, *YEAR)
    assert (
        committee.units,
        committee.leaders,
        committee.branches,
        committee.sessions,
        committee.person_times,
    ) == (
        1,
        2,
        2,
        3,
        4,
    )
    assert committee.as_indicators()["lectures.person_times"] == 4


def test_the_same_leader_on_two_lectures_is_one_leader_and_a_member_lecturer_is_known_by_the_member(
    tree, county_staff, member_a, member_a2
):
    make_lecture(tree.branch_a, actor=county_staff, lecturer_name="韦国强")
    make_lecture(tree.branch_b, actor=county_staff, lecturer_name="韦国强 ", given_on=dt.date(2026, 4, 20))
    make_lecture(
        tree.branch_a,
        actor=county_staff,
        lecturer_name="",
        lecturer_member=member_a2,
        given_on=dt.date(2026, 4, 21),
    )
    figures = lecture_figures(tree.county, *YEAR)
    assert (figures.leaders, figures.sessions, figures.branches) == (2, 3, 2)


def test_a_lecture_at_a_general_branch_counts_but_not_as_a_branch(tree, county_staff):
    general = make_org(
        tree.committee, "C01T01G1", "新华镇机关党总支", actor=county_staff, kind=OrgKind.GENERAL_BRANCH
    )
    make_lecture(general, actor=county_staff)
    figures = lecture_figures(tree.county, *YEAR)
    assert (figures.sessions, figures.branches) == (1, 0)


def test_a_lecture_names_its_lecturer_and_a_new_unit_joins_the_catalogue(tree, secretary_a, member_a2):
    lecture = make_lecture(tree.branch_a, actor=secretary_a, unit_name="县 水利局")
    assert lecture.lecturer_unit.name == "县水利局" and lecture.lecturer_unit.county_level
    assert lecture.section_or_above
    with pytest.raises(ValidationError, match="请填写讲课人"):
        make_lecture(tree.branch_a, actor=secretary_a, lecturer_name=" ")
    named = make_lecture(tree.branch_a, actor=secretary_a, lecturer_name="", lecturer_member=member_a2)
    assert named.lecturer_name == member_a2.name
