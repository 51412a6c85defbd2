"""Services that change the tree: move, merge, dissolve, rename, posts — each audited, nothing half-done."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from members.models import Member, MemberPeriod
from organizations.choices import OrgCategory, OrgEventKind, OrgKind, PostTitle
from organizations.models import LeadershipPost, Organization, OrgEvent
from organizations.services import (
    org_create,
    org_dissolve,
    org_merge,
    org_move,
    org_rename,
    org_update,
    post_appoint,
    post_end,
    post_update,
)

DAY = dt.date(2024, 3, 1)


@pytest.fixture
def group(tree, admin_user) -> Organization:
    """A party group under branch A, so a move has a grandchild to carry along."""
    return org_create(
        actor=admin_user,
        parent=tree.branch_a,
        code="C01T01B01G1",
        name="第一党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.VILLAGE,
        established_on=dt.date(2001, 1, 1),
    )


def test_move_rewrites_the_paths_of_the_whole_subtree(tree, group, county_staff):
    org_move(
        actor=county_staff, org=tree.branch_a, new_parent=tree.other_committee, day=DAY, reason="区划调整"
    )
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    group.refresh_from_db()
    assert branch.parent == tree.other_committee
    assert branch.path.startswith(tree.other_committee.path)
    assert group.path.startswith(branch.path)
    assert set(Organization.objects.within(tree.other_committee).values_list("code", flat=True)) == {
        "C01T02",
        "C01T02B01",
        "C01T01B01",
        "C01T01B01G1",
    }
    assert not Organization.objects.within(tree.committee).filter(pk=group.pk).exists()


def test_move_records_the_event_and_the_audit_row(tree, county_staff):
    org_move(
        actor=county_staff,
        org=tree.branch_a,
        new_parent=tree.other_committee,
        day=DAY,
        document_no="富办发〔2024〕3号",
    )
    event = OrgEvent.objects.get(organization=tree.branch_a, kind=OrgEventKind.MOVE)
    assert (event.old_value, event.new_value, event.document_no) == (
        "新华镇党委",
        "睦伦乡党委",
        "富办发〔2024〕3号",
    )
    entry = LogEntry.objects.get_for_object(tree.branch_a).filter(action=LogEntry.Action.UPDATE).first()
    assert entry.actor == county_staff


def test_move_refuses_a_parent_inside_its_own_subtree(tree, group, county_staff):
    with pytest.raises(ValidationError) as err:
        org_move(actor=county_staff, org=tree.committee, new_parent=tree.branch_a, day=DAY)
    assert "parent" in err.value.message_dict
    assert Organization.objects.get(pk=tree.committee.pk).path == tree.committee.path
    assert not OrgEvent.objects.filter(kind=OrgEventKind.MOVE).exists()


def test_move_refuses_a_parent_of_the_wrong_kind(tree, county_staff):
    with pytest.raises(ValidationError) as err:
        org_move(actor=county_staff, org=tree.branch_a, new_parent=tree.branch_b, day=DAY)
    assert "党支部不能设在“党支部”之下" in err.value.message_dict["parent"][0]


def test_move_outside_the_actors_scope_is_not_found(tree, committee_staff):
    with pytest.raises(Http404):
        org_move(actor=committee_staff, org=tree.branch_a, new_parent=tree.other_committee, day=DAY)
    assert Organization.objects.get(pk=tree.branch_a.pk).parent == tree.committee


def test_an_auditor_cannot_move(tree, auditor):
    with pytest.raises(PermissionDenied):
        org_move(actor=auditor, org=tree.branch_a, new_parent=tree.other_committee, day=DAY)


def test_merge_moves_the_members_to_the_successor_and_closes_the_organization(
    tree, member_a, member_b, committee_staff
):
    org_merge(
        actor=committee_staff,
        org=tree.branch_b,
        successor=tree.branch_a,
        day=DAY,
        reason="支部合并",
        document_no="新党发〔2024〕1号",
    )
    merged = Organization.objects.get(pk=tree.branch_b.pk)
    assert (merged.dissolved_on, merged.successor) == (DAY, tree.branch_a)
    assert Member.objects.get(pk=member_b.pk).organization == tree.branch_a
    # History: member B was in branch B until the merger, in branch A from that day.
    assert (
        MemberPeriod.objects.on(DAY - dt.timedelta(days=1)).get(member=member_b).organization == tree.branch_b
    )
    assert MemberPeriod.objects.on(DAY).get(member=member_b).organization == tree.branch_a
    event = OrgEvent.objects.get(organization=merged, kind=OrgEventKind.MERGE)
    assert (event.related, event.document_no) == (tree.branch_a, "新党发〔2024〕1号")
    assert LogEntry.objects.get_for_object(merged).filter(actor=committee_staff).exists()


def test_merge_refuses_merging_into_itself(tree, committee_staff):
    with pytest.raises(ValidationError) as err:
        org_merge(actor=committee_staff, org=tree.branch_b, successor=tree.branch_b, day=DAY)
    assert err.value.message_dict["successor"] == ["不能与自身合并"]
    assert Organization.objects.get(pk=tree.branch_b.pk).dissolved_on is None


def test_dissolve_refuses_while_members_remain(tree, member_b, committee_staff):
    with pytest.raises(ValidationError) as err:
        org_dissolve(actor=committee_staff, org=tree.branch_b, day=DAY, reason="撤销")
    assert "尚有1名党员" in err.value.message_dict["dissolved_on"][0]
    assert Organization.objects.get(pk=tree.branch_b.pk).dissolved_on is None
    assert not OrgEvent.objects.filter(kind=OrgEventKind.DISSOLVE).exists()


def test_dissolve_refuses_while_open_children_remain(tree, county_staff):
    with pytest.raises(ValidationError) as err:
        org_dissolve(actor=county_staff, org=tree.other_committee, day=DAY, reason="撤销")
    assert "睦伦村党支部" in err.value.message_dict["dissolved_on"][0]
    assert Organization.objects.get(pk=tree.other_committee.pk).dissolved_on is None


def test_dissolve_requires_a_reason(tree, committee_staff):
    with pytest.raises(ValidationError) as err:
        org_dissolve(actor=committee_staff, org=tree.branch_b, day=DAY, reason=" ")
    assert err.value.message_dict["reason"] == ["请填写撤销原因"]


def test_dissolve_closes_the_organization_and_ends_its_posts(tree, committee_staff):
    post = post_appoint(
        actor=committee_staff, org=tree.branch_b, title=PostTitle.SECRETARY, holder_name="黄丽", start_on=DAY
    )
    org_dissolve(
        actor=committee_staff,
        org=tree.branch_b,
        day=dt.date(2024, 6, 30),
        reason="村改居后撤销",
        document_no="富办发〔2002〕24号",
    )
    post.refresh_from_db()
    assert post.end_on == dt.date(2024, 6, 30)
    event = OrgEvent.objects.get(organization=tree.branch_b, kind=OrgEventKind.DISSOLVE)
    assert (event.reason, event.document_no) == ("村改居后撤销", "富办发〔2002〕24号")


def test_rename_keeps_the_old_name_in_the_history(tree, committee_staff):
    org_rename(actor=committee_staff, org=tree.branch_b, name="新华社区第一党支部", day=DAY)
    event = OrgEvent.objects.get(organization=tree.branch_b, kind=OrgEventKind.RENAME)
    assert (event.old_value, event.new_value) == ("新华社区党支部", "新华社区第一党支部")


def test_update_with_a_new_term_records_a_term_event(tree, committee_staff):
    org_update(actor=committee_staff, org=tree.branch_b, term_started_on=DAY)
    assert OrgEvent.objects.filter(organization=tree.branch_b, kind=OrgEventKind.TERM, date=DAY).exists()


def test_a_new_secretary_ends_the_previous_one(tree, secretary_a):
    first = post_appoint(
        actor=secretary_a,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="农光明",
        start_on=dt.date(2021, 1, 1),
    )
    post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.SECRETARY, holder_name="黄丽", start_on=DAY
    )
    first.refresh_from_db()
    assert first.end_on == DAY
    assert LeadershipPost.objects.current_on(DAY).get(organization=tree.branch_a).holder_name == "黄丽"


def test_post_end_refuses_a_post_already_ended(tree, secretary_a):
    post = post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.ORGANIZATION, holder_name="农光明", start_on=DAY
    )
    post_end(actor=secretary_a, post=post, end_on=dt.date(2024, 5, 1))
    with pytest.raises(ValidationError) as err:
        post_end(actor=secretary_a, post=post, end_on=dt.date(2024, 6, 1))
    assert err.value.message_dict["end_on"] == ["该职务已离任"]
    post.refresh_from_db()
    assert post.end_on == dt.date(2024, 5, 1)


def test_post_update_corrects_a_holders_name_with_an_audit_row(tree, secretary_a):
    post = post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.ORGANIZATION, holder_name="农光名", start_on=DAY
    )
    post_update(actor=secretary_a, post=post, holder_name="农光明")
    post.refresh_from_db()
    assert post.holder_name == "农光明"
    entry = LogEntry.objects.get_for_object(post).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == secretary_a
    assert entry.changes_dict["holder_name"] == ["农光名", "农光明"]


def test_post_update_refuses_an_end_before_the_start(tree, secretary_a):
    post = post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.ORGANIZATION, holder_name="农光明", start_on=DAY
    )
    with pytest.raises(ValidationError) as err:
        post_update(actor=secretary_a, post=post, end_on=dt.date(2024, 1, 1))
    assert err.value.message_dict["end_on"] == ["离任日期不能早于任职日期"]
    post.refresh_from_db()
    assert post.end_on is None


def test_post_update_cannot_change_the_title(tree, secretary_a):
    post = post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.ORGANIZATION, holder_name="农光明", start_on=DAY
    )
    with pytest.raises(ValueError):
        post_update(actor=secretary_a, post=post, title=PostTitle.SECRETARY)


def test_post_update_outside_scope_is_not_found(tree, secretary_a, secretary_b):
    post = post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.ORGANIZATION, holder_name="农光明", start_on=DAY
    )
    with pytest.raises(Http404):
        post_update(actor=secretary_b, post=post, holder_name="别人")
