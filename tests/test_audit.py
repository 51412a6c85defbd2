"""Every service write leaves an audit row with its actor; ID numbers are masked in the diffs."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.models import Member
from members.services.member import member_confirm, member_leave, member_move, member_register, member_update
from organizations.choices import OrgCategory, OrgKind, PostTitle
from organizations.models import LeadershipPost, Organization
from organizations.services import (
    org_create,
    org_dissolve,
    org_merge,
    org_move,
    org_rename,
    org_update,
    post_appoint,
    post_end,
)

from .conftest import member_fields

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def entries_for(obj) -> list[LogEntry]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(LogEntry.objects.filter(content_type=ct, object_pk=str(obj.pk)).order_by("id"))


def last_entry(obj) -> LogEntry:
    return entries_for(obj)[-1]


def new_branch(actor, parent, code="NEW1") -> Organization:
    return org_create(
        actor=actor,
        parent=parent,
        code=code,
        name="新建党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=DAY,
    )


def test_org_create_is_audited_with_its_actor(committee_staff, tree):
    org = new_branch(committee_staff, tree.committee)
    rows = entries_for(org)
    # one row: the path written right after the insert is not audited (derived)
    assert [r.action for r in rows] == [LogEntry.Action.CREATE]
    assert rows[0].actor == committee_staff


def test_org_rename_update_move_are_audited(committee_staff, tree):
    org = new_branch(committee_staff, tree.committee)
    org_rename(actor=committee_staff, org=org, name="更名后党支部", day=DAY)
    assert last_entry(org).changes_dict["name"] == ["新建党支部", "更名后党支部"]
    org_update(actor=committee_staff, org=org, category=OrgCategory.COMMUNITY)
    assert "category" in last_entry(org).changes_dict
    assert last_entry(org).actor == committee_staff


def test_org_move_dissolve_merge_are_audited(county_staff, tree):
    org = new_branch(county_staff, tree.committee)
    org_move(actor=county_staff, org=org, new_parent=tree.other_committee, day=DAY)
    assert "parent" in last_entry(org).changes_dict
    org_dissolve(actor=county_staff, org=org, day=DAY, reason="村级合并")
    assert "dissolved_on" in last_entry(org).changes_dict
    other = new_branch(county_staff, tree.committee, code="NEW2")
    org_merge(actor=county_staff, org=other, successor=tree.branch_a, day=DAY)
    assert last_entry(other).changes_dict["successor"][1] == "各甫村党支部"


def test_post_appoint_and_end_are_audited(committee_staff, tree):
    post = post_appoint(
        actor=committee_staff,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="黄文",
        start_on=DAY,
        holder_id_number="11010519491231002X",
    )
    entry = last_entry(post)
    assert entry.actor == committee_staff
    assert entry.changes_dict["holder_id_number"][1] == "110105************"
    post_end(actor=committee_staff, post=post, end_on=dt.date(2026, 6, 1))
    assert last_entry(post).changes_dict["end_on"] == [None, "2026-06-01"]


def test_appointing_a_new_secretary_ends_the_previous_one_audited(committee_staff, tree):
    first = post_appoint(
        actor=committee_staff, org=tree.branch_a, title=PostTitle.SECRETARY, holder_name="黄文", start_on=DAY
    )
    post_appoint(
        actor=committee_staff,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="陆强",
        start_on=dt.date(2026, 5, 1),
    )
    first.refresh_from_db()
    assert first.end_on == dt.date(2026, 5, 1)
    assert last_entry(first).actor == committee_staff
    assert LeadershipPost.objects.filter(organization=tree.branch_a, end_on__isnull=True).count() == 1


def test_member_register_masks_the_id_number_in_the_stored_diff(secretary_a, tree):
    member = member_register(actor=secretary_a, organization=tree.branch_a, **member_fields())
    entry = entries_for(member)[0]
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == secretary_a
    assert entry.changes_dict["id_number"][1] == "110105************"
    assert "11010519491231002X" not in str(entry.changes)


def test_member_services_each_leave_an_audit_row(county_staff, tree):
    member = member_register(
        actor=county_staff,
        organization=tree.branch_a,
        **member_fields(status="PROBATIONARY", full_on=None, joined_on=dt.date(2025, 7, 1)),
    )
    before = len(entries_for(member))
    member_update(actor=county_staff, member=member, phone="13800000000")
    assert entries_for(member)[-1].changes_dict["phone"] == ["", "13800000000"]
    member_confirm(actor=county_staff, member=member, day=dt.date(2026, 7, 1))
    member_move(actor=county_staff, member=member, to_org=tree.branch_b, day=dt.date(2026, 8, 1))
    member_leave(actor=county_staff, member=member, day=dt.date(2026, 9, 1), reason="DEATH")
    rows = entries_for(member)
    assert len(rows) == before + 4
    assert all(r.actor == county_staff for r in rows[before:])


def test_audit_row_records_the_client_ip_of_a_request(client, county_staff, member_a):
    """A write made inside a request carries that request's IP."""
    from auditlog.context import set_extra_data

    from core.audit import acting_as

    with set_extra_data({"actor": county_staff, "remote_addr": "10.1.2.3", "remote_port": None}):
        with acting_as(county_staff):
            member_update(actor=county_staff, member=member_a, phone="13900000000")
        # the outer context is restored: a later write still gets actor and IP
        member = Member.objects.get(pk=member_a.pk)
        member.phone = "13900000001"
        member.save()
    rows = entries_for(member_a)
    assert rows[-2].remote_addr == "10.1.2.3" and rows[-2].actor == county_staff
    assert rows[-1].remote_addr == "10.1.2.3" and rows[-1].actor == county_staff


def test_refused_service_writes_no_row_and_no_audit(secretary_b, tree, member_a):
    count = LogEntry.objects.count()
    from django.http import Http404

    with pytest.raises(Http404):
        member_update(actor=secretary_b, member=member_a, phone="13812345678")
    member_a.refresh_from_db()
    assert member_a.phone == ""
    assert LogEntry.objects.count() == count


def test_auditor_cannot_write_through_a_service(auditor, tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        new_branch(auditor, tree.committee)
    assert not Organization.objects.filter(code="NEW1").exists()


def test_nested_services_keep_their_actor_under_a_frozen_clock(county_staff, tree):
    """auditlog keys its receiver on time.time(); a frozen clock must not lose the actor."""
    import time_machine

    from core.audit import acting_as

    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        with acting_as(county_staff):
            org = new_branch(county_staff, tree.committee)  # a service nested in a context
            org_rename(actor=county_staff, org=org, name="再次更名党支部", day=DAY)
    assert all(e.actor == county_staff for e in entries_for(org))


def test_a_move_records_the_previous_parent_for_rebuilding_past_trees(county_staff, tree):
    from organizations.models import OrgEvent

    org = new_branch(county_staff, tree.committee)
    org_move(actor=county_staff, org=org, new_parent=tree.other_committee, day=DAY)
    event = OrgEvent.objects.get(organization=org, kind="MOVE")
    assert (event.previous_parent, event.related, event.date) == (tree.committee, tree.other_committee, DAY)


def test_history_lists_only_a_records_own_fields(secretary_a, tree):
    """No reverse relations (periods, steps, transfers …) as empty changes on a create."""
    member = member_register(actor=secretary_a, organization=tree.branch_a, **member_fields())
    own = {f.name for f in Member._meta.concrete_fields}
    assert set(entries_for(member)[0].changes_dict) <= own
    assert "periods" not in entries_for(member)[0].changes_dict
