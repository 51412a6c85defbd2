"""制度建设: the registry per organization, the 13 + 5 checklist, the regulations.* counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.models import Regulation
from organizations.regulations import regulation_checklist, regulation_figures, regulation_update
from tests.factories import make_org, make_regulation

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)  # 上半年, as the reference counts them


def test_counts_committees_their_items_and_their_subordinates_items(
    tree, committee_staff, county_staff, secretary_a, admin_user
):
    make_regulation(tree.committee, actor=committee_staff, title="党委工作责任制", category="RESPONSIBILITY")
    make_regulation(tree.committee, actor=committee_staff)
    make_regulation(
        tree.other_committee, actor=county_staff, title="发展党员公示制", category="DEV_PUBLICITY"
    )
    make_regulation(tree.branch_a, actor=secretary_a)
    make_regulation(tree.branch_a, actor=secretary_a, title="“三会一课”制度", category="MEETINGS")
    make_regulation(tree.county, actor=county_staff)  # the county's own: neither
    make_regulation(tree.branch_b, actor=county_staff, adopted_on=dt.date(2025, 3, 1))  # last year
    old = make_regulation(tree.branch_c, actor=county_staff, adopted_on=dt.date(2024, 5, 1))
    regulation_update(actor=county_staff, regulation=old, revised_on=dt.date(2026, 4, 2), expected_version=1)

    figures = regulation_figures(tree.county, START, END)
    assert (figures.committees_improved, figures.items, figures.subordinate_items) == (2, 3, 3)
    figures = regulation_figures(tree.committee, START, END)
    assert (figures.committees_improved, figures.items, figures.subordinate_items) == (1, 2, 2)


def test_a_regulation_adopted_after_the_half_year_counts_in_the_year_only(tree, secretary_a):
    make_regulation(tree.branch_a, actor=secretary_a, adopted_on=dt.date(2026, 9, 1))
    assert regulation_figures(tree.county, START, END).subordinate_items == 0
    assert regulation_figures(tree.county, START, dt.date(2026, 12, 31)).subordinate_items == 1


def test_the_checklist_shows_the_13_and_5_systems_in_force(tree, secretary_a):
    make_regulation(tree.branch_a, actor=secretary_a)
    make_regulation(
        tree.branch_a,
        actor=secretary_a,
        title="长期不发展党员预警制",
        category="DEV_WARNING",
        posted_on_wall=False,
    )
    repealed = make_regulation(tree.branch_a, actor=secretary_a, title="党费制度", category="DUES")
    regulation_update(
        actor=secretary_a, regulation=repealed, repealed_on=dt.date(2026, 5, 1), expected_version=1
    )
    checklist = regulation_checklist(tree.branch_a)
    assert len(checklist.basic) == 13 and len(checklist.development) == 5
    assert (checklist.basic_done, checklist.development_done) == (1, 1)
    warning = next(r for r in checklist.development if r.category == "DEV_WARNING")
    assert warning.in_place and not warning.posted


def test_a_revision_before_adoption_is_refused(tree, secretary_a):
    regulation = make_regulation(tree.branch_a, actor=secretary_a)
    with pytest.raises(ValidationError, match="修订日期不能早于制定日期"):
        regulation_update(
            actor=secretary_a, regulation=regulation, revised_on=dt.date(2026, 1, 1), expected_version=1
        )
    assert Regulation.objects.get().revised_on is None


def test_a_party_group_keeps_no_registry_of_its_own(tree, secretary_a, admin_user):
    group = make_org(tree.branch_a, "C01T01B01G1", "第一党小组", actor=admin_user, kind="GROUP")
    with pytest.raises(ValidationError, match="党小组执行所在党支部的制度"):
        make_regulation(group, actor=secretary_a)
