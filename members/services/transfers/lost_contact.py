"""失联党员: recording lost contact, the measures taken, and its end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit

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


def _open_record(record: LostContact) -> LostContact:
    record = LostContact.objects.select_related("member").get(pk=record.pk)
    if not record.is_open:
        raise ValidationError("该失联记录已结束")
    return record


@service
def lost_contact_update(
    *,
    actor: Any,
    record: LostContact,
    measures: str,
    correction_notified_on: dt.date | None = None,
) -> LostContact:
    """Update the measures taken and the date the 限期改正 notice was given."""
    check_can_edit(actor, record.organization)
    record = _open_record(record)
    if correction_notified_on is not None:
        not_in_future(correction_notified_on, "correction_notified_on")
        if correction_notified_on < record.since:
            raise ValidationError({"correction_notified_on": "限期改正通知日期不能早于失去联系日期"})
    record.measures = measures.strip()
    record.correction_notified_on = correction_notified_on
    record.full_clean()
    record.save()
    return record


@service
def lost_contact_resolve(*, actor: Any, record: LostContact, day: dt.date, resolution: str) -> LostContact:
    """Contact is back (or the case is closed) on ``day``."""
    check_can_edit(actor, record.organization)
    record = _open_record(record)
    resolution = required(resolution, "resolution", "请填写处置结果")
    not_in_future(day, "day")
    if day < record.since:
        raise ValidationError({"day": "恢复联系日期不能早于失去联系日期"})
    record.resolved_on = day
    record.resolution = resolution[:200]
    record.full_clean()
    record.save()
    return record
