"""流动党员: registering a member away with no fixed place, and their return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update

from ...models import Member, MobileRegistration
from ..member import member_update
from .common import current_member, not_in_future, required


@service
def mobile_register(
    *,
    actor: Any,
    member: Member,
    destination: str,
    contact: str,
    since: dt.date,
    work_unit: str = "",
    card_no: str = "",
    note: str = "",
) -> MobileRegistration:
    """Register a member as 流动党员, managed by their home branch; marks the member mobile."""
    lock_for_update(Member, member)  # two registrations at once: the second sees the first
    check_can_edit(actor, member.organization)
    current_member(member)
    if MobileRegistration.objects.filter(member=member, until__isnull=True).exists():
        raise ValidationError({"member": "该党员已登记为流动党员，请先登记返回"})
    destination = required(destination, "destination", "请填写流入地点")
    contact = required(contact, "contact", "请填写联系方式")
    not_in_future(since, "since")
    registration = MobileRegistration(
        member=member,
        organization=member.organization,
        destination=destination,
        work_unit=work_unit.strip(),
        contact=contact,
        since=since,
        card_no=card_no.strip(),
        note=note.strip(),
    )
    registration.full_clean()
    registration.save()
    member_update(actor=actor, member=member, is_mobile=True)
    return registration


def end_mobile(actor: Any, registration: MobileRegistration, until: dt.date, note: str) -> MobileRegistration:
    member = registration.member  # the caller's instance: its flag is cleared below
    lock_for_update(MobileRegistration, registration)  # a return recorded meanwhile is seen, not overwritten
    registration.member = member
    if not registration.is_open:
        raise ValidationError("该流动党员登记已结束")
    not_in_future(until, "until")
    if until < registration.since:
        raise ValidationError({"until": "返回日期不能早于外出日期"})
    registration.until = until
    if note.strip():
        registration.note = f"{registration.note} {note.strip()}".strip()[:200]
    registration.full_clean()
    registration.save()
    member = registration.member
    if member.is_current and member.is_mobile:
        member_update(actor=actor, member=member, is_mobile=False)
    return registration


@service
def mobile_end(
    *, actor: Any, registration: MobileRegistration, until: dt.date, note: str = ""
) -> MobileRegistration:
    """A mobile member came back (or the registration ends): clears the member's mobile flag."""
    check_can_edit(actor, registration.organization)
    return end_mobile(actor, registration, until, note)
