"""转正记录: the branch discusses a 预备党员's 转正 (step 23) and the upper committee answers (step 24).

For every 预备党员, however they arrived — admitted through the pipeline,
registered, imported or transferred in: the record hangs on the member, so
after a move the receiving branch discusses, even when the move came after
the probation ended.

- 按期转正 and 延长预备期 (once, 6–12 months) are discussed once the probation
  has ended; 取消预备资格 at any time of the probation (once the admission was
  approved, for a member admitted through the pipeline).  A member admitted
  through the pipeline also needs steps 19–22 and the 转正公示 (after the
  application, before the meeting; none when the 公示 day count is 0).
- The outcome takes effect when the committee approves it: 转正 dated from
  the end of the probation (the history re-dated if the member moved since),
  取消预备资格 on the approval day.  不予批准 (with its reason) changes nothing
  and the branch discusses again.  The answer is due within 3 months of the
  meeting, up to 6 with a reason; past 6 months only 不予批准 closes the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ..choices import LeaveReason, MemberStatus
from ..models import Member, MemberPeriod
from ..models.development import Applicant, Confirmation, Decision, Outcome, Step
from ..selectors.development import (
    EXTENSION_MAX_MONTHS,
    EXTENSION_MIN_MONTHS,
    approved_extension,
    first_day,
    pending_of,
    probation_ends_on,
    sequence_error,
)
from .development_checks import (
    check_approver,
    check_day,
    check_decision,
    check_publicity,
    check_votes,
    not_future,
)
from .member import member_confirm, member_leave


def branch_on(member: Member, day: dt.date) -> Organization:
    """The member's organization on ``day`` from the history (today's when the history starts later)."""
    period = MemberPeriod.objects.on(day).filter(member=member).select_related("organization").first()
    return period.organization if period is not None else member.organization


def _check_pipeline(
    applicant: Applicant, confirmations: list[Confirmation], day: dt.date, outcome: str
) -> None:
    """A member admitted through the pipeline: steps 19–22 and the 转正公示 first (not to cancel)."""
    steps = list(applicant.steps.order_by("day", "number", "id"))
    error = sequence_error(
        applicant,
        steps,
        Step.CONFIRMATION_MEETING,
        confirmations,
        cancelling=outcome == Outcome.CANCELLED,
    )
    if error:
        raise ValidationError(error)
    check_day(steps, day)
    if outcome != Outcome.CANCELLED:
        check_publicity(
            applicant, Step.CONFIRMATION_REQUEST, day, after=first_day(steps, Step.CONFIRMATION_REQUEST)
        )


@service
def confirmation_record(
    *,
    actor: Any,
    member: Member,
    day: dt.date,
    outcome: str,
    votes_entitled: int | None = None,
    votes_present: int | None = None,
    votes_for: int | None = None,
    extension_months: int | None = None,
    document_no: str = "",
    note: str = "",
) -> Confirmation:
    """Record the branch meeting's 转正 discussion of a 预备党员 (step 23); it waits for the committee's answer."""
    lock_for_update(Member, member)  # one discussion at a time; the answer changes this row
    check_can_edit(actor, member.organization)
    if not member.is_current or member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"outcome": "该党员目前不是预备党员"})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择讨论结果"})
    not_future(day, "day")
    if day < member.joined_on:
        raise ValidationError({"day": f"讨论日期不能早于入党日期（{member.joined_on:%Y-%m-%d}）"})
    confirmations = list(member.confirmations.order_by("meeting_on", "id"))
    pending = pending_of(confirmations)
    if pending is not None:
        raise ValidationError(
            f"{pending.meeting_on:%Y-%m-%d}的转正讨论（{pending.get_outcome_display()}）待上级党委审批，审批后方可再次讨论"
        )
    last = max((c.approved_on or c.meeting_on for c in confirmations), default=None)
    if last is not None and day < last:
        raise ValidationError({"day": f"讨论日期不能早于上一次转正讨论的审批日期（{last:%Y-%m-%d}）"})
    extension = approved_extension(confirmations)
    if outcome == Outcome.EXTENDED:
        if extension is not None:
            raise ValidationError({"outcome": "预备期只能延长一次"})
        if extension_months is None or not EXTENSION_MIN_MONTHS <= extension_months <= EXTENSION_MAX_MONTHS:
            raise ValidationError(
                {"extension_months": f"延长预备期应为{EXTENSION_MIN_MONTHS}至{EXTENSION_MAX_MONTHS}个月"}
            )
    elif extension_months is not None:
        raise ValidationError({"extension_months": "仅在延长预备期时填写"})
    if outcome != Outcome.CANCELLED:
        ends = probation_ends_on(member.joined_on, extension)
        if day < ends:
            raise ValidationError({"day": f"预备期至{ends:%Y-%m-%d}期满，期满后方可讨论转正或延长预备期"})
    applicant = Applicant.objects.filter(member=member).first()
    if applicant is not None:
        _check_pipeline(applicant, confirmations, day, outcome)
    branch = branch_on(member, day)
    check_votes(votes_entitled, votes_present, votes_for, branch, day)
    confirmation = Confirmation(
        member=member,
        organization=branch,
        meeting_on=day,
        votes_entitled=votes_entitled,
        votes_present=votes_present,
        votes_for=votes_for,
        outcome=outcome,
        extension_months=extension_months if outcome == Outcome.EXTENDED else None,
        document_no=(document_no or "").strip(),
        note=(note or "").strip(),
    )
    confirmation.full_clean()
    confirmation.save()
    return confirmation


@service
def confirmation_decide(
    *,
    actor: Any,
    confirmation: Confirmation,
    day: dt.date,
    approving_org: Organization | None,
    decision: str = "",
    refusal_reason: str = "",
    late_reason: str = "",
    approval_document_no: str = "",
) -> Confirmation:
    """The upper committee answers a 转正 discussion (step 24): 批准 takes its outcome into effect, 不予批准 does not.

    ``decision`` blank means 批准.  The record and the member are locked (a
    form loaded before this goes stale; a second answer is refused).
    """
    lock_for_update(Confirmation, confirmation)
    member = lock_for_update(Member, confirmation.member_id)
    check_can_edit(actor, member.organization)
    if confirmation.decision:
        raise ValidationError(
            f"该转正讨论已有审批结论（{confirmation.approved_on:%Y-%m-%d}{confirmation.get_decision_display()}）"
        )
    decision = decision or Decision.APPROVED
    refusal_reason, late_reason = (refusal_reason or "").strip(), (late_reason or "").strip()
    not_future(day, "day")
    if day < confirmation.meeting_on:
        raise ValidationError(
            {"day": f"审批日期不能早于支部大会讨论日期（{confirmation.meeting_on:%Y-%m-%d}）"}
        )
    check_approver(actor, member.organization, approving_org, day)
    check_decision(
        decision=decision,
        day=day,
        meeting=confirmation.meeting_on,
        refusal_reason=refusal_reason,
        late_reason=late_reason,
        what="预备党员转正",
    )
    if decision == Decision.APPROVED and (
        not member.is_current or member.status != MemberStatus.PROBATIONARY
    ):
        raise ValidationError({"decision": "该党员目前不是预备党员，不能批准"})
    confirmation.approving_org = approving_org
    confirmation.approved_on = day
    confirmation.decision = decision
    confirmation.refusal_reason = refusal_reason if decision == Decision.REFUSED else ""
    confirmation.late_reason = late_reason if decision == Decision.APPROVED else ""
    confirmation.approval_document_no = (approval_document_no or "").strip()
    confirmation.full_clean()
    save_changed(
        confirmation,
        ["approving_org", "approved_on", "decision", "refusal_reason", "late_reason", "approval_document_no"],
    )
    if decision == Decision.APPROVED:
        _take_effect(actor, member, confirmation)
    return confirmation


def _take_effect(actor: Any, member: Member, confirmation: Confirmation) -> None:
    """An approved outcome reaches the member's record and history."""
    if confirmation.outcome == Outcome.ON_TIME:
        confirmations = list(member.confirmations.order_by("meeting_on", "id"))
        full_on = probation_ends_on(member.joined_on, approved_extension(confirmations))
        member_confirm(
            actor=actor,
            member=member,
            day=full_on,
            document_no=confirmation.approval_document_no or confirmation.document_no,
        )
    elif confirmation.outcome == Outcome.CANCELLED:
        member_leave(
            actor=actor,
            member=member,
            day=confirmation.approved_on,
            reason=LeaveReason.PROBATION_CANCELLED,
            note=(confirmation.note or "经支部大会讨论、上级党委批准取消预备党员资格")[:200],
        )
