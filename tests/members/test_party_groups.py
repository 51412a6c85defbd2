"""党小组 hold members (issue 8 item 10).

A member is placed in a 党小组 of their own branch (step 19 编入党小组, or the
member form); the group shows on the member page, in the roster (a column and a
filter) and in the spreadsheet; the member stays on the branch's roll, so the
tree counts them once; a move to another branch, a closing or a move of the
group keep the rule that the group is one of the member's branch.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from members.models.development import Step
from members.services.development import step_record
from members.services.imports import import_members
from members.services.member import member_move, member_update
from organizations.choices import OrgKind
from organizations.models import Organization
from organizations.selectors import TreeOptions, org_summary, org_tree, scope_overview, subtree_counts
from organizations.services import org_dissolve, org_merge, org_move
from tests.factories import DAY0, advance
from tests.test_versioning import submitted

from .test_imports_support import workbook

pytestmark = pytest.mark.django_db


def group_of(branch, code: str, name: str, *, actor) -> Organization:
    from organizations.services import org_create

    return org_create(
        actor=actor,
        parent=branch,
        code=code,
        name=name,
        kind=OrgKind.GROUP,
        category=branch.category,
        established_on=DAY0,
    )


@pytest.fixture
def groups(tree, admin_user):
    """Two groups of branch A, one of branch B."""
    return (
        group_of(tree.branch_a, "C01T01B01G1", "各甫村第一党小组", actor=admin_user),
        group_of(tree.branch_a, "C01T01B01G2", "各甫村第二党小组", actor=admin_user),
        group_of(tree.branch_b, "C01T01B02G1", "新华社区第一党小组", actor=admin_user),
    )


# --- placing a member ----------------------------------------------------------------------------


def test_a_member_is_placed_in_a_group_of_their_branch(tree, member_a, secretary_a, groups):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    member_a.refresh_from_db()
    assert (member_a.party_group, member_a.version) == (groups[0], 2)


def test_the_group_must_belong_to_the_members_branch(tree, member_a, committee_staff, groups):
    with pytest.raises(ValidationError) as refused:
        member_update(actor=committee_staff, member=member_a, party_group=groups[2])
    assert refused.value.message_dict == {
        "party_group": ["“新华社区第一党小组”不是“各甫村党支部”下设的党小组"]
    }
    with pytest.raises(ValidationError):
        member_update(actor=committee_staff, member=member_a, party_group=tree.branch_b)  # not a group
    member_a.refresh_from_db()
    assert (member_a.party_group, member_a.version) == (None, 1)


def test_a_dissolved_group_takes_no_members_and_lets_its_members_go(
    tree, member_a, member_a2, secretary_a, committee_staff, groups
):
    first, second, _ = groups
    member_update(actor=secretary_a, member=member_a, party_group=first)
    member_update(actor=secretary_a, member=member_a2, party_group=second)
    org_merge(actor=committee_staff, org=first, successor=second, day=dt.date(2026, 3, 1), reason="合并")
    org_dissolve(actor=committee_staff, org=second, day=dt.date(2026, 4, 1), reason="撤销")
    member_a.refresh_from_db()
    member_a2.refresh_from_db()
    assert (member_a.party_group, member_a2.party_group) == (None, None)
    with pytest.raises(ValidationError) as refused:
        member_update(actor=secretary_a, member=member_a, party_group=second)
    assert refused.value.message_dict == {"party_group": ["“各甫村第二党小组”已于2026-04-01撤销"]}


def test_merging_a_group_into_a_sibling_moves_its_members_there(
    tree, member_a, secretary_a, committee_staff, groups
):
    first, second, _ = groups
    member_update(actor=secretary_a, member=member_a, party_group=first)
    org_merge(actor=committee_staff, org=first, successor=second, day=dt.date(2026, 3, 1), reason="合并")
    member_a.refresh_from_db()
    assert member_a.party_group == second


def test_moving_a_member_to_another_branch_clears_the_group(
    tree, member_a, secretary_a, committee_staff, groups
):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    member_a.refresh_from_db()
    assert (member_a.organization, member_a.party_group) == (tree.branch_b, None)


def test_a_group_holding_members_is_not_moved_to_another_branch(
    tree, member_a, secretary_a, committee_staff, groups
):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    with pytest.raises(ValidationError) as refused:
        org_move(actor=committee_staff, org=groups[0], new_parent=tree.branch_b, day=dt.date(2026, 3, 1))
    assert "编有1名党员" in refused.value.message_dict["parent"][0]
    groups[1].refresh_from_db()
    org_move(actor=committee_staff, org=groups[1], new_parent=tree.branch_b, day=dt.date(2026, 3, 1))  # empty


# --- counted once ---------------------------------------------------------------------------------


def test_a_branchs_members_placed_in_its_groups_are_counted_once(
    tree, member_a, member_a2, member_b, secretary_a, county_staff, groups
):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    member_update(actor=secretary_a, member=member_a2, party_group=groups[0])
    orgs = list(Organization.objects.all())
    counts = subtree_counts(orgs, Organization.objects.values_list("id", flat=True))
    assert counts[tree.branch_a.pk].members == 2  # not 4
    assert (counts[groups[0].pk].members, counts[groups[1].pk].members) == (2, 0)
    assert counts[tree.committee.pk].members == 3  # member_a, member_a2, member_b
    assert counts[tree.county.pk].members == 3
    assert scope_overview(county_staff).member_total == 3
    summary = org_summary(tree.branch_a)
    assert summary.counts.members == 2
    assert {node.org.name: node.counts.members for node in summary.children} == {
        "各甫村第一党小组": 2,
        "各甫村第二党小组": 0,
    }
    (county,) = org_tree(county_staff, TreeOptions())
    assert county.counts.members == 3


# --- step 19 ---------------------------------------------------------------------------------------


@pytest.fixture
def admitted(applicant_a, ctx):
    """Applicant A admitted (step 15) and through step 18."""
    advance(applicant_a, 18, ctx)
    return applicant_a


def test_step_19_places_the_new_member_in_a_group_of_the_branch(admitted, ctx, groups):
    step = step_record(
        actor=ctx["secretary_a"],
        applicant=admitted,
        number=Step.GROUP_ASSIGNMENT,
        day=dt.date(2024, 8, 15),
        party_group=groups[1],
    )
    member = Member.objects.get(pk=admitted.member_id)
    assert (step.party_group, member.party_group) == (groups[1], groups[1])


def test_step_19_refuses_a_group_of_another_branch(admitted, ctx, groups):
    with pytest.raises(ValidationError) as refused:
        step_record(
            actor=ctx["secretary_a"],
            applicant=admitted,
            number=Step.GROUP_ASSIGNMENT,
            day=dt.date(2024, 8, 15),
            party_group=groups[2],
        )
    assert list(refused.value.message_dict) == ["party_group"]
    assert Member.objects.get(pk=admitted.member_id).party_group is None
    assert not admitted.steps.filter(number=Step.GROUP_ASSIGNMENT).exists()


def test_step_19_without_a_group_is_still_recorded(admitted, ctx):
    step = step_record(
        actor=ctx["secretary_a"], applicant=admitted, number=Step.GROUP_ASSIGNMENT, day=dt.date(2024, 8, 15)
    )
    assert step.party_group is None


# --- pages ------------------------------------------------------------------------------------------


def test_the_group_shows_on_the_member_page_and_in_the_roster_with_a_filter(
    client, tree, member_a, member_a2, secretary_a, groups
):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    client.force_login(secretary_a)
    page = client.get(member_a.get_absolute_url()).content.decode()
    assert "所在党小组" in page and "各甫村第一党小组" in page
    assert "未编入党小组" in client.get(member_a2.get_absolute_url()).content.decode()

    roster = client.get(reverse("members:list"))
    assert "<th" in roster.content.decode() and "党小组" in roster.content.decode()
    rows = {m.name: m.party_group_shown for m in roster.context["page_obj"]}
    assert rows == {"张桂芳": "各甫村第一党小组", "黄志明": None}
    placed = client.get(reverse("members:list"), {"party_group": groups[0].code})
    assert [m.name for m in placed.context["page_obj"]] == ["张桂芳"]
    unplaced = client.get(reverse("members:list"), {"party_group": "none"})
    assert [m.name for m in unplaced.context["page_obj"]] == ["黄志明"]
    # the filter offers the user's own groups only
    offered = placed.context["filters"].form.fields["party_group"].queryset
    assert set(offered) == {groups[0], groups[1]}


def test_the_member_form_places_in_a_group_and_refuses_another_branchs(
    client, tree, member_a, secretary_a, groups
):
    client.force_login(secretary_a)
    url = reverse("members:edit", args=[member_a.pk])
    page = client.get(url)
    assert set(page.context["form"].fields["party_group"].queryset) == {groups[0], groups[1]}
    assert client.post(url, submitted(page, party_group=str(groups[1].pk))).status_code == 302
    member_a.refresh_from_db()
    assert member_a.party_group == groups[1]
    refused = client.post(url, submitted(client.get(url), party_group=str(groups[2].pk)))
    assert "party_group" in refused.context["form"].errors  # not offered: not a choice
    member_a.refresh_from_db()
    assert member_a.party_group == groups[1]


def test_registering_a_member_in_a_group_of_another_branch_is_refused_on_the_field(
    client, tree, committee_staff, groups
):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:create"),
        {
            "organization": tree.branch_a.pk,
            "party_group": groups[2].pk,
            "status": "FULL",
            "name": "王强",
            "id_number": "513101198201130014",
            "ethnicity": "瑶族",
            "education": "BACHELOR",
            "occupation": "FARMER",
            "joined_on": "2005-07-01",
            "full_on": "2006-07-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["party_group"] == [
        "“新华社区第一党小组”不是“各甫村党支部”下设的党小组"
    ]
    assert not Member.objects.exists()


# --- the spreadsheet --------------------------------------------------------------------------------


def exported(client) -> list[dict]:
    ws = load_workbook(BytesIO(client.get(reverse("members:export")).content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_group_makes_the_round_trip_through_the_spreadsheet(
    client, tree, member_a, member_a2, secretary_a, groups
):
    member_update(actor=secretary_a, member=member_a, party_group=groups[0])
    client.force_login(secretary_a)
    rows = exported(client)
    assert {r["姓名"]: r["所在党小组"] for r in rows} == {"张桂芳": "各甫村第一党小组", "黄志明": None}

    unchanged = import_members(actor=secretary_a, source=workbook(rows))
    assert unchanged.ok and not unchanged.needs_confirmation

    for row in rows:
        row["所在党小组"] = {"张桂芳": "各甫村第二党小组", "黄志明": "C01T01B01G1"}[
            row["姓名"]
        ]  # name or code
    report = import_members(actor=secretary_a, source=workbook(rows), confirmed_digest="*")
    assert report.ok
    assert dict(Member.objects.values_list("name", "party_group__name")) == {
        "张桂芳": "各甫村第二党小组",
        "黄志明": "各甫村第一党小组",
    }
    assert {r["姓名"]: r["所在党小组"] for r in exported(client)} == {
        "张桂芳": "各甫村第二党小组",
        "黄志明": "各甫村第一党小组",
    }


def test_a_new_member_imported_into_a_group_is_placed_there(tree, secretary_a, groups):
    from .test_imports_support import import_row

    report = import_members(
        actor=secretary_a, source=workbook([import_row(3, 所在党小组="各甫村第二党小组")])
    )
    assert report.ok
    assert Member.objects.get().party_group == groups[1]


def test_only_groups_are_offered_in_the_roster_group_filter(client, tree, secretary_a, groups):
    client.force_login(secretary_a)
    fields = client.get(reverse("members:list")).context["filters"].form.fields
    assert all(o.kind == OrgKind.GROUP for o in fields["party_group"].queryset)
    assert not any(o.kind == OrgKind.GROUP for o in fields["org"].queryset)


def test_a_group_outside_the_scope_is_a_filter_error_and_lists_no_row(
    client, tree, member_a, secretary_b, groups
):
    client.force_login(secretary_b)
    response = client.get(reverse("members:list"), {"party_group": groups[0].code})
    assert response.context["filters"].form.errors["party_group"]
    assert list(response.context["page_obj"]) == []
