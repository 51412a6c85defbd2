"""失联党员: recording lost contact, the measures taken, its end, and 停止党籍 when contact never comes back.

党员教育管理工作条例 (2019) 第24条: a member out of contact for 6 months
(``lost_contact_suspension_months``) who still cannot be reached is
suspended (停止党籍) on the branch's proposal; 2 years after that, still not
reachable, removed (除名, ``leaving.member_remove_after_suspension``).  A
预备党员 is never suspended: the probation is cancelled (取消预备资格) instead.
限期改正 is a disposal of 民主评议 (不合格), not a stage of lost contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import add_months
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.rules import get_rule

from ...choices import LeaveReason, MemberStatus
from ...models import Departure, LostContact, Member
from .common import current_member, not_in_future, required
from .leaving import NOT_FOR_PROBATIONARY, member_depart


@service
def lost_contact_record(*, actor: Any, member: Member, since: dt.date, measures: str = "") -> LostContact:
    """Record that the branch lost contact with a member since ``since``."""
    check_can_edit(actor, member.organization)
    current_member(member)
    if LostContact.objects.filter(member=member, resolved_on__isnull=True).exists():
        raise ValidationError({"member": "该党员已登记为失联党员"})
    not_in_future(since, "since")
    record = LostContact(
        member=member, organization=member.organization, since=since, measures=measures.strip()
    )
    record.full_clean()
    record.save()
    return record


#: Fields ``lost_contact_update`` may change.
UPDATE_FIELDS = ("measures",)


def _open_record(record: LostContact, expected_version: int | None = None) -> LostContact:
    """The record locked as stored now (``core.versioning``); refuses one already ended."""
    record = lock_for_update(LostContact, record, expected_version=expected_version)
    if not record.is_open:
        raise ValidationError("该失联记录已结束")
    return record


@service
def lost_contact_update(
    *, actor: Any, record: LostContact, expected_version: int | None = None, **changes: Any
) -> LostContact:
    """Update the measures taken to find the member.

    ``changes`` are the fields the user changed; the row is locked and only
    those are written.  ``expected_version`` (the version the user's form was
    loaded with) refuses a save over a newer record.
    """
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"lost_contact_update cannot change {sorted(unknown)}")
    record = _open_record(record, expected_version)
    check_can_edit(actor, record.organization)
    if "measures" in changes:
        changes["measures"] = (changes["measures"] or "").strip()
    changed = [f for f, value in changes.items() if value != getattr(record, f)]
    if not changed:
        return record  # nothing to write, so no new version
    for field in changed:
        setattr(record, field, changes[field])
    record.full_clean()
    save_changed(record, changed)
    return record


@service
def lost_contact_resolve(*, actor: Any, record: LostContact, day: dt.date, resolution: str) -> LostContact:
    """Contact is back (or the case is closed) on ``day``; a form loaded before this goes stale."""
    record = _open_record(record)
    check_can_edit(actor, record.organization)
    resolution = required(resolution, "resolution", "请填写处置结果")
    not_in_future(day, "day")
    if day < record.since:
        raise ValidationError({"day": "恢复联系日期不能早于失去联系日期"})
    record.resolved_on = day
    record.resolution = resolution[:200]
    record.full_clean()
    save_changed(record, ["resolved_on", "resolution"])
    return record


def suspension_due_on(record: LostContact, months: int | None = None) -> dt.date:
    """The first day the branch may propose 停止党籍: ``months`` (the rule) after contact was lost."""
    if months is None:
        months = int(get_rule("lost_contact_suspension_months"))
    return add_months(record.since, months)


@service
def lost_contact_suspend(
    *, actor: Any, record: LostContact, day: dt.date, document_no: str, note: str = ""
) -> Departure:
    """停止党籍 of a member out of contact for the rule's months and still not reachable (第24条).

    The branch's proposal, approved by the committee: the decision's number is
    required.  The member leaves the roll on ``day`` (``member_depart``), which
    ends this record; 2 years later, still not reachable, 除名.
    """
    record = _open_record(record)
    check_can_edit(actor, record.organization)
    member = lock_for_update(Member, record.member)
    current_member(member)
    if member.status == MemberStatus.PROBATIONARY:
        raise ValidationError(NOT_FOR_PROBATIONARY)
    not_in_future(day, "day")
    needed = int(get_rule("lost_contact_suspension_months"))
    if record.since > add_months(day, -needed):  # as the flags count (selectors.transfers)
        raise ValidationError(
            {
                "day": f"失去联系满{needed}个月仍无法取得联系的，方可停止党籍："
                f"{record.since:%Y-%m-%d}起失去联系，{suspension_due_on(record, needed):%Y-%m-%d}满{needed}个月"
            }
        )
    document_no = required(document_no, "document_no", "停止党籍须填写党组织的处理决定文号")
    return member_depart(
        actor=actor,
        member=member,
        reason=LeaveReason.SUSPENDED,
        day=day,
        document_no=document_no,
        note=note.strip() or f"{record.since:%Y-%m-%d}起失去联系，满{needed}个月经多方查找仍无法取得联系",
    )
