"""失联党员: recording lost contact, the measures taken, and its end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed

from ...models import LostContact, Member
from .common import current_member, not_in_future, required


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
UPDATE_FIELDS = ("measures", "correction_notified_on")


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
    """Update the measures taken and the date the 限期改正 notice was given.

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
    day = changes.get("correction_notified_on")
    if "correction_notified_on" in changed and day is not None:
        not_in_future(day, "correction_notified_on")
        if day < record.since:
            raise ValidationError({"correction_notified_on": "限期改正通知日期不能早于失去联系日期"})
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
