"""恢复党籍: a suspended member (停止党籍) who reappears is restored to the roll.

党员教育管理工作条例 (2019) 第24条: a member whose 党籍 was suspended after
losing contact, and who comes back, may be restored on the branch's proposal
with the committee's approval (the decision's number is required).  Only a
suspension is undone this way: after 除名 or any other way of leaving, the
person must join again.  The restoration is a dated record (``Restoration``)
and a new period of the member's history with the reason 恢复党籍, which the
member change figures count (``selectors.changes``).  A member who comes back
with a 介绍信 from outside the county is restored when the letter is accepted
(``incoming.admit_incoming``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ...choices import LeaveReason, PeriodReason
from ...models import Member, MemberPeriod, Restoration, Transfer
from ..member import validate_holding_org
from .common import not_in_future, required

#: What restoring writes on the member besides the person fields a letter may refresh.
RESTORED_FIELDS = ("organization", "party_group", "left_on", "leave_reason", "leave_note")

DOCUMENT_REQUIRED = "恢复党籍须经支部大会讨论、上级党委批准，请填写批准文号"


def check_restorable(member: Member, day: dt.date, field: str = "day") -> None:
    """``member`` (locked) was suspended, and ``day`` is not before the suspension nor after today."""
    if member.is_current:
        raise ValidationError("该党员在册，无需恢复党籍")
    if member.leave_reason != LeaveReason.SUSPENDED:
        raise ValidationError(
            f"只有停止党籍的党员才能恢复党籍（该党员已于{member.left_on:%Y-%m-%d}"
            f"{member.get_leave_reason_display()}，如再申请入党应重新履行入党手续）"
        )
    not_in_future(day, field)
    if day < member.left_on:
        raise ValidationError({field: f"恢复党籍日期不能早于停止党籍日期（{member.left_on:%Y-%m-%d}）"})


def restore(
    member: Member,
    *,
    organization: Organization,
    day: dt.date,
    document_no: str,
    note: str = "",
    actor: Any = None,
    transfer: Transfer | None = None,
    also_changed: tuple[str, ...] = (),
) -> Restoration:
    """Write the restoration of a locked, checked ``member``: the record, the member row, the history.

    ``also_changed`` names fields the caller set on ``member`` (a letter's person data) to save with it.
    """
    restoration = Restoration(
        member=member,
        organization=organization,
        suspended_on=member.left_on,
        day=day,
        document_no=document_no,
        note=note.strip(),
        transfer=transfer,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    restoration.full_clean()
    restoration.save()
    member.organization = organization
    member.party_group = None  # placed in a 党小组 again by the branch (编入党小组)
    member.left_on = None
    member.leave_reason = ""
    member.leave_note = ""
    member.full_clean(validate_unique=False)
    # A new version: a form loaded before the restoration is refused and shows it.
    save_changed(member, [*also_changed, *RESTORED_FIELDS])
    MemberPeriod.objects.create(
        member=member,
        organization=organization,
        status=member.status,
        start_on=day,
        start_reason=PeriodReason.RESTORED,
        document_no=document_no,
    )
    return restoration


@service
def member_restore(
    *,
    actor: Any,
    member: Member,
    day: dt.date,
    document_no: str,
    note: str = "",
    organization: Organization | None = None,
) -> Restoration:
    """恢复党籍 of a suspended member from ``day``, in the branch that suspended them (or ``organization``)."""
    lock_for_update(Member, member)
    check_can_edit(actor, member.organization)
    target = organization or member.organization
    check_can_edit(actor, target)
    check_restorable(member, day)
    document_no = required(document_no, "document_no", DOCUMENT_REQUIRED)
    validate_holding_org(target, day, "organization")
    return restore(member, organization=target, day=day, document_no=document_no, note=note, actor=actor)
