"""Leaving the Party roll: death, 出党 and 停止党籍, and 除名 after a suspension."""

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
from ...models import Departure, Member
from ..member import member_leave
from .common import current_member, not_in_future, required

#: Leaving handled by the leaving page; transfers out and 取消预备资格 have their own procedures.
DEPARTURE_REASONS = (
    LeaveReason.DEATH,
    LeaveReason.WITHDRAWAL,
    LeaveReason.PERSUADED,
    LeaveReason.REMOVED,
    LeaveReason.EXPELLED,
    LeaveReason.SUSPENDED,
)


#: What 停止党籍 of a 预备党员 is refused with: the regulation's disposal for them is 取消预备资格.
NOT_FOR_PROBATIONARY = "预备党员不适用停止党籍，应按规定取消其预备资格"

#: Decisions of a Party organization: they carry the decision's document number.
DECIDED_REASONS = (LeaveReason.PERSUADED, LeaveReason.REMOVED, LeaveReason.EXPELLED, LeaveReason.SUSPENDED)


@service
def member_depart(
    *,
    actor: Any,
    member: Member,
    reason: str,
    day: dt.date,
    document_no: str = "",
    note: str = "",
) -> Departure:
    """Record a member's death, 退党, 劝退, 除名, 开除党籍 or 停止党籍; the member leaves on ``day``."""
    check_can_edit(actor, member.organization)
    current_member(member)
    if reason not in DEPARTURE_REASONS:
        raise ValidationError(
            {"reason": "请选择处置方式（转出县外请开具介绍信，取消预备资格请在发展党员中办理）"}
        )
    if reason == LeaveReason.SUSPENDED and member.status == MemberStatus.PROBATIONARY:
        raise ValidationError({"reason": NOT_FOR_PROBATIONARY})
    document_no = document_no.strip()
    if reason in DECIDED_REASONS and not document_no:
        raise ValidationError({"document_no": f"{LeaveReason(reason).label}须填写处理决定文号"})
    not_in_future(day, "day")
    departure = Departure(
        member=member,
        organization=member.organization,
        reason=reason,
        day=day,
        document_no=document_no,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    departure.full_clean()
    # member_leave ends the open mobile registration and lost-contact record
    # (end_records_on_leaving), as for every other way of leaving.
    member_leave(
        actor=actor,
        member=member,
        day=day,
        reason=reason,
        note=" ".join(p for p in (document_no, note.strip()) if p)[:200],
    )
    departure.save()
    return departure


@service
def member_remove_after_suspension(
    *, actor: Any, member: Member, day: dt.date, document_no: str, note: str = ""
) -> Departure:
    """除名 of a member whose 党籍 was suspended (停止党籍) and who, the rule's 2 years later, still cannot be reached."""
    lock_for_update(Member, member)  # a second 除名 at the same time sees the first
    check_can_edit(actor, member.organization)
    if member.is_current or member.leave_reason != LeaveReason.SUSPENDED:
        raise ValidationError("只有已停止党籍的党员才能在此办理除名")
    document_no = required(document_no, "document_no", "除名须填写处理决定文号")
    not_in_future(day, "day")
    # 第24条: 除名 only when, 2 years after 停止党籍, the member still cannot be reached.
    months = int(get_rule("suspension_removal_months"))
    due = add_months(member.left_on, months)
    if day < due:
        raise ValidationError(
            {
                "day": f"停止党籍满{months}个月仍无法取得联系的，方可除名："
                f"{member.left_on:%Y-%m-%d}停止党籍，{due:%Y-%m-%d}满{months}个月"
            }
        )
    departure = Departure(
        member=member,
        organization=member.organization,
        reason=LeaveReason.REMOVED,
        day=day,
        document_no=document_no,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    departure.full_clean()
    departure.save()
    # The member already left the roll on the suspension date (the history and
    # the change table count them there); only the standing reason changes.
    member.leave_reason = LeaveReason.REMOVED
    member.leave_note = " ".join(p for p in (document_no, note.strip()) if p)[:200]
    save_changed(member, ["leave_reason", "leave_note"])
    return departure
