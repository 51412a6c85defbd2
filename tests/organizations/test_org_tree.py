"""The tree as data: subtree queries, history by date, and the tree page's figures."""

from __future__ import annotations

import datetime as dt

from organizations.choices import OrgCategory, OrgKind
from organizations.models import Organization
from organizations.selectors import TreeOptions, org_tree
from organizations.services import org_create, org_dissolve


def flatten(nodes):
    for node in nodes:
        yield node
        yield from flatten(node.children)


def test_a_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT organizations WHERE path GLOB '<committee path>*'
        codes = [o.code for o in Organization.objects.within(tree.committee)]
    assert codes == ["C01T01", "C01T01B01", "C01T01B02"]


def test_a_user_sees_only_their_subtree(tree, committee_staff, secretary_a):
    assert set(Organization.objects.visible_to(committee_staff).values_list("code", flat=True)) == {
        "C01T01",
        "C01T01B01",
        "C01T01B02",
    }
    assert list(Organization.objects.visible_to(secretary_a).values_list("code", flat=True)) == ["C01T01B01"]


def test_existing_on_answers_which_organizations_existed_that_day(tree, admin_user):
    new = org_create(
        actor=admin_user,
        parent=tree.committee,
        code="NEW",
        name="新设党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=dt.date(2020, 3, 1),
    )
    org_dissolve(actor=admin_user, org=tree.branch_b, day=dt.date(2021, 6, 30), reason="村改居")

    def codes_on(day):
        return set(
            Organization.objects.within(tree.committee).existing_on(day).values_list("code", flat=True)
        )

    assert codes_on(dt.date(2020, 2, 29)) == {"C01T01", "C01T01B01", "C01T01B02"}
    assert codes_on(dt.date(2021, 6, 29)) == {"C01T01", "C01T01B01", "C01T01B02", new.code}
    # Dissolved on 30 June: it no longer exists that day.
    assert codes_on(dt.date(2021, 6, 30)) == {"C01T01", "C01T01B01", new.code}


def test_established_between_and_dissolved_between_count_a_period(tree, admin_user):
    org_create(
        actor=admin_user,
        parent=tree.committee,
        code="NEW",
        name="新设党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=dt.date(2020, 3, 1),
    )
    org_dissolve(actor=admin_user, org=tree.branch_b, day=dt.date(2020, 12, 31), reason="村改居")
    year = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert list(Organization.objects.established_between(*year).values_list("code", flat=True)) == ["NEW"]
    assert list(Organization.objects.dissolved_between(*year).values_list("code", flat=True)) == ["C01T01B02"]
    assert not Organization.objects.dissolved_between(dt.date(2021, 1, 1), dt.date(2021, 12, 31)).exists()


def test_the_tree_adds_member_counts_up_the_paths(
    county_staff, tree, member_a, member_b, member_c, add_members
):
    add_members(tree.branch_a, 2, status="PROBATIONARY")
    nodes = {n.org.code: n for n in flatten(org_tree(county_staff, TreeOptions()))}
    assert nodes["C01T01B01"].counts.members == 3
    assert nodes["C01T01B01"].counts.full == 1
    assert nodes["C01T01B01"].counts.probationary == 2
    assert nodes["C01T01"].counts.members == 4  # branch A (3) + branch B (1)
    assert nodes["C01"].counts.members == 5
    assert nodes["C01"].child_count == 2
    assert nodes["C01"].descendant_count == 5


def test_the_tree_costs_one_query_for_organizations_and_one_for_counts(
    county_staff, tree, member_a, member_b, django_assert_num_queries
):
    county_staff.organization  # noqa: B018 -- the user's organization is loaded with the request
    with django_assert_num_queries(2):
        # 1. the organizations of the scope
        # 2. current members per organization (grouped)
        roots = org_tree(county_staff, TreeOptions())
    assert [r.org.code for r in roots] == ["C01"]


def test_the_tree_hides_dissolved_organizations_unless_asked(tree, admin_user, county_staff):
    org_dissolve(actor=admin_user, org=tree.branch_b, day=dt.date(2020, 1, 1), reason="撤并")
    shown = {n.org.code for n in flatten(org_tree(county_staff, TreeOptions()))}
    assert "C01T01B02" not in shown
    shown = {n.org.code for n in flatten(org_tree(county_staff, TreeOptions(include_dissolved=True)))}
    assert "C01T01B02" in shown


def test_the_tree_as_of_a_date_shows_what_existed_then(tree, admin_user, county_staff):
    org_dissolve(actor=admin_user, org=tree.branch_b, day=dt.date(2020, 1, 1), reason="撤并")
    shown = {n.org.code for n in flatten(org_tree(county_staff, TreeOptions(on=dt.date(2019, 12, 31))))}
    assert "C01T01B02" in shown
    shown = {n.org.code for n in flatten(org_tree(county_staff, TreeOptions(on=dt.date(1999, 12, 31))))}
    assert shown == set()


def test_searching_keeps_the_matches_and_their_ancestors(county_staff, tree):
    roots = org_tree(county_staff, TreeOptions(query="睦伦村"))
    nodes = list(flatten(roots))
    assert [n.org.code for n in nodes] == ["C01", "C01T02", "C01T02B01"]
    assert [n.matched for n in nodes] == [False, False, True]


def test_searching_matches_codes_too(county_staff, tree):
    nodes = list(flatten(org_tree(county_staff, TreeOptions(query="c01t01b02"))))
    assert [n.org.code for n in nodes if n.matched] == ["C01T01B02"]


def test_a_secretary_tree_is_their_branch_alone(secretary_a, tree):
    roots = org_tree(secretary_a, TreeOptions())
    assert [(r.org.code, r.depth, len(r.children)) for r in roots] == [("C01T01B01", 0, 0)]
