"""The tree on any past day (issue 8 item 5): last year's figures do not change when a branch moves today."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from members.models import Member, MemberPeriod
from members.selectors.development.figures import new_member_structure, new_members, plan_completion
from members.selectors.member import filter_members
from members.selectors.transfers import transfer_figures
from members.services.transfers import transfer_accept, transfer_issue
from organizations.lineage import (
    Move,
    Node,
    children_on,
    compute_lineage,
    parent_on,
    rebuild_lineage,
    subtree_on,
)
from organizations.models import Organization, OrgLineage
from organizations.services import org_merge, org_move
from tests.factories import make_id, make_member, make_org

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
END_2025 = dt.date(2025, 12, 31)
MOVED_ON = dt.date(2026, 3, 1)


def members_on(org: Organization, day: dt.date) -> int:
    return MemberPeriod.objects.on(day).within_on(org, day).count()


@pytest.fixture
def admitted_2025(tree, admin_user) -> Member:
    """A 预备党员 admitted by branch A (under 新华镇党委) on 2025-05-01."""
    return make_member(
        tree.branch_a,
        actor=admin_user,
        name="韦小兰",
        birth_date=dt.date(1998, 4, 2),
        id_number=make_id(dt.date(1998, 4, 2), 31, False),
        status="PROBATIONARY",
        joined_on=dt.date(2025, 5, 1),
        full_on=None,
    )


def _figures(tree) -> dict[str, object]:
    return {
        "committee members 2025-12-31": members_on(tree.committee, END_2025),
        "other committee members 2025-12-31": members_on(tree.other_committee, END_2025),
        "committee new 2025": new_members(tree.committee, *YEAR_2025).count(),
        "other committee new 2025": new_members(tree.other_committee, *YEAR_2025).count(),
        "committee structure 2025": new_member_structure(tree.committee, *YEAR_2025),
        "county plan rows 2025": [
            (row.committee.code, row.new_members) for row in plan_completion(tree.county, *YEAR_2025).rows
        ],
    }


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_a_branch_moved_in_2026_leaves_2025_figures_unchanged(tree, admin_user, member_a, admitted_2025):
    before = _figures(tree)
    assert before["committee members 2025-12-31"] == 2  # member_a and 韦小兰, both in branch A
    assert before["committee new 2025"] == 1

    org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=MOVED_ON)

    assert _figures(tree) == before
    # after the move the branch counts under its new committee
    assert members_on(tree.other_committee, dt.date(2026, 6, 1)) == 2 + members_on(
        tree.branch_c, dt.date(2026, 6, 1)
    )
    assert members_on(tree.committee, dt.date(2026, 6, 1)) == members_on(tree.branch_b, dt.date(2026, 6, 1))


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_the_roster_of_a_past_day_keeps_a_branch_moved_away_since(
    tree, admin_user, committee_staff, member_a, admitted_2025
):
    org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=MOVED_ON)

    _, on_2025 = filter_members(committee_staff, QueryDict("on=2025-12-31"))
    assert sorted(m.name for m in on_2025) == ["张桂芳", "韦小兰"]
    assert all(m.history_only for m in on_2025)  # no longer in the committee's scope: that day's fields only
    _, today = filter_members(committee_staff, QueryDict(""))
    assert list(today) == []


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_transfers_of_2025_count_where_the_branch_stood_then(tree, admin_user, member_a):
    letter = transfer_issue(
        actor=admin_user,
        member=member_a,
        kind="INTERNAL",
        to_org=tree.branch_c,
        issued_on=dt.date(2025, 9, 1),
        reason="工作调动",
    )
    transfer_accept(actor=admin_user, transfer=letter, day=dt.date(2025, 9, 10))
    before = transfer_figures(tree.committee, *YEAR_2025)
    assert (before.transfers_out, before.transfers_in) == (1, 0)

    org_move(actor=admin_user, org=tree.branch_c, new_parent=tree.committee, day=MOVED_ON)

    assert transfer_figures(tree.committee, *YEAR_2025) == before


def test_subtree_figures_of_a_past_day_are_one_query(tree, admin_user, member_a, member_b, member_c):
    with CaptureQueriesContext(connection) as ctx:
        members_on(tree.county, END_2025)
        new_members(tree.county, *YEAR_2025).count()
    assert len(ctx.captured_queries) == 2
    plan = next(q["sql"] for q in ctx.captured_queries)
    assert "organizations_orglineage" in plan


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_the_dated_tree_agrees_with_todays_paths_after_moves_and_merges(tree, admin_user):
    extra = make_org(tree.committee, "C01T01B09", "新村党支部", actor=admin_user)
    org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=dt.date(2025, 3, 1))
    org_merge(actor=admin_user, org=extra, successor=tree.branch_b, day=dt.date(2026, 1, 1))
    today = dt.date(2026, 6, 15)
    for org in Organization.objects.existing_on(today):
        expected = set(Organization.objects.within(org).existing_on(today).values_list("pk", flat=True))
        assert set(subtree_on(org, today).values_list("descendant_id", flat=True)) == expected, org.name
        assert parent_on(org, today) == org.parent
    # a full rebuild from the events finds nothing to change: the incremental rows were right
    assert rebuild_lineage() == (0, 0)
    assert set(children_on(tree.committee, dt.date(2025, 1, 1))) == {tree.branch_a, tree.branch_b, extra}
    assert set(children_on(tree.committee, today)) == {tree.branch_b}


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_a_move_dated_before_the_last_move_is_refused(tree, admin_user):
    org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=MOVED_ON)
    with pytest.raises(ValidationError) as refused:
        org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.committee, day=dt.date(2026, 2, 1))
    assert "不能早于该党组织上次调整隶属关系的日期（2026-03-01）" in str(refused.value)
    assert parent_on(tree.branch_a, dt.date(2026, 4, 1)) == tree.other_committee
    assert OrgLineage.objects.filter(descendant=tree.branch_a, ancestor=tree.committee).count() == 1


def test_a_move_away_and_back_is_one_span_per_side():
    day = dt.date
    nodes = {1: Node(1, None, None), 2: Node(2, 1, None), 3: Node(3, 1, None), 4: Node(4, 2, None)}
    moves = [Move(4, day(2020, 1, 1), 2, 3), Move(4, day(2022, 1, 1), 3, 2)]
    rows = {r for r in compute_lineage(nodes, moves) if r[1] == 4}
    assert rows == {
        (4, 4, 0, dt.date.min, None),
        (1, 4, 2, dt.date.min, None),  # the county above it all along: one span
        (2, 4, 1, dt.date.min, day(2020, 1, 1)),
        (3, 4, 1, day(2020, 1, 1), day(2022, 1, 1)),
        (2, 4, 1, day(2022, 1, 1), None),
    }


def test_a_closed_organization_leaves_the_tree_on_its_closing_day():
    nodes = {1: Node(1, None, None), 2: Node(2, 1, dt.date(2024, 7, 1))}
    rows = {r for r in compute_lineage(nodes, []) if r[1] == 2}
    assert rows == {(2, 2, 0, dt.date.min, dt.date(2024, 7, 1)), (1, 2, 1, dt.date.min, dt.date(2024, 7, 1))}
