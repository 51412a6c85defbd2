"""What follows the member: hooks of :mod:`members.services.member` for moves and leaving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ...choices import LeaveReason
from ...models import LostContact, Member, MobileRegistration, Transfer
from ..member import LEAVING_HANDLERS, MOVE_CHECKS, MOVED_HANDLERS, register_hook
from .mobile import end_mobile


def refuse_move_with_open_letter(member: Member, to_org: Organization, day: dt.date) -> None:
    """A move on the move page would strand an open 介绍信 (its acceptance or receipt could no longer be recorded)."""
    open_letter = Transfer.objects.pending().filter(member=member).first()
    if open_letter is not None:
        raise ValidationError(
            f"该党员有办理中的组织关系转接（介绍信{open_letter.letter_no}，{open_letter.waiting_for}），"
            "请先办结或作废该介绍信"
        )


def records_follow_member(member: Member, from_org: Organization, day: dt.date, actor: Any) -> None:
    """The open 流动党员 registration and 失联 record move with the member to the new branch."""
    for registration in MobileRegistration.objects.filter(member=member, until__isnull=True):
        registration.organization = member.organization
        registration.save(update_fields=["organization"])
    for record in LostContact.objects.filter(member=member, resolved_on__isnull=True):
        lock_for_update(LostContact, record)
        record.organization = member.organization
        save_changed(record, ["organization"])  # a form loaded before the move goes stale


def end_records_on_leaving(member: Member, day: dt.date, reason: str, actor: Any) -> None:
    """Leaving ends the open 流动党员 registration (clearing the flag) and the open 失联 record on ``day``.

    A record opened after ``day`` (the leaving was dated back) ends on its own start date.
    """
    label = LeaveReason(reason).label
    for registration in MobileRegistration.objects.filter(member=member, until__isnull=True):
        registration.member = member  # the flag is cleared on the caller's instance
        end_mobile(actor, registration, max(day, registration.since), f"因{label}结束")
    for record in LostContact.objects.filter(member=member, resolved_on__isnull=True):
        lock_for_update(LostContact, record)
        record.resolved_on = max(day, record.since)
        record.resolution = label
        save_changed(record, ["resolved_on", "resolution"])  # a form loaded before the leaving goes stale


def register_member_hooks() -> None:
    """Called from ``MembersConfig.ready()``: these records follow every move and leaving."""
    register_hook(MOVE_CHECKS, refuse_move_with_open_letter)
    register_hook(MOVED_HANDLERS, records_follow_member)
    register_hook(LEAVING_HANDLERS, end_records_on_leaving)
