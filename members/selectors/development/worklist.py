"""The development worklist: what is due, overdue, waiting for approval or ending soon in the user's scope.

Applicants are followed through their steps; every current 预备党员 — admitted
through the pipeline or not — through their probation and 转正记录.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from core.dates import add_months, add_years
from organizations.models import Organization
from organizations.rules import rules_in_force

from ...choices import MemberStatus
from ...models import Member
from ...models.development import OPEN_STAGES, Applicant, Confirmation, Publicity, Stage, Step
from .lists import publicity_list
from .probation import ProbationState, probation_state, probationary_members
from .rules import (
    ACTIVIST_MIN_YEARS,
    PROBATION_YEARS,
    REVIEW_INTERVAL_MONTHS,
    TALK_DEADLINE_MONTHS,
    probation_ends_on,
)


@dataclass(frozen=True)
class WorkItem:
    """One thing to do for one applicant or 预备党员; ``due_on`` is a deadline, or the earliest day when ``earliest``.

    ``applicant`` is set when the person came through the pipeline (the item
    links to the 25-step page); a 预备党员 registered, imported or transferred
    in has only ``member`` (the item links to the member's 预备期与转正).
    """

    applicant: Applicant | None
    step: int
    due_on: dt.date | None
    message: str
    earliest: bool = False
    member: Member | None = None

    @property
    def step_name(self) -> str:
        return Step(self.step).label

    @property
    def name(self) -> str:
        return self.applicant.name if self.applicant else self.member.name  # type: ignore[union-attr]

    @property
    def organization(self) -> Organization:
        return (self.applicant or self.member).organization  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        if self.applicant is not None:
            return self.applicant.get_absolute_url()
        return self.member.get_absolute_url() + "#probation"  # type: ignore[union-attr]

    @property
    def stage_label(self) -> str:
        return self.applicant.stage.label if self.applicant else MemberStatus.PROBATIONARY.label


@dataclass(frozen=True)
class Worklist:
    today: dt.date
    due: list[WorkItem]
    overdue: list[WorkItem]
    publicity: list[Publicity]
    probation_ending: list[WorkItem]
    approvals: list[WorkItem]
    stage_counts: dict[str, int]

    @property
    def stage_rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.stage_counts.get(s.value, 0)) for s in OPEN_STAGES]

    @property
    def probation_overdue(self) -> list[WorkItem]:
        """预备期已满 not yet discussed (the long-overdue among them): the 工作台 counts these."""
        return [w for w in self.overdue if w.step == Step.CONFIRMATION_MEETING]


def _day_of(number: int, agg: str = "min") -> Any:
    fn = Min if agg == "min" else Max
    return fn("steps__day", filter=Q(steps__number=number))


def _count_of(number: int, **extra: Any) -> Count:
    return Count("steps", filter=Q(steps__number=number, **{f"steps__{k}": v for k, v in extra.items()}))


def open_applicants(user: Any) -> QuerySet[Applicant]:
    """Applicants still in the pipeline (not withdrawn, not archived) with the dates the worklist reads.

    Steps 23 and 24 live in the member's 转正记录: the member's status (full
    once 转正 is approved) and a discussion waiting for approval are annotated.
    """
    return (
        Applicant.objects.visible_to(user)
        .filter(withdrawn_on__isnull=True)
        .with_stage()
        .annotate(
            top_step=Max("steps__number"),
            applied_on=_day_of(Step.APPLICATION),
            n_talk=_count_of(Step.TALK),
            activist_on=_day_of(Step.ACTIVIST),
            last_review_on=Max(
                "steps__day", filter=Q(steps__number__in=[Step.ACTIVIST, Step.ACTIVIST_REVIEW])
            ),
            n_vetting=_count_of(Step.VETTING),
            n_training=_count_of(Step.TRAINING),
            n_committee_talk=_count_of(Step.COMMITTEE_TALK),
            n_approval=_count_of(Step.ADMISSION_APPROVAL),
            admitted_on=_day_of(Step.ADMISSION_MEETING),
            n_archive=_count_of(Step.ARCHIVE),
            n_pending=Exists(Confirmation.objects.filter(member=OuterRef("member"), decision="")),
        )
        .filter(n_archive=0)
        .select_related("organization")
        .order_by("organization__path", "name", "id")
    )


def _next_step(a: Applicant) -> int | None:
    """The main step due next, from the annotated counts (10 and 11 in either order)."""
    if a.stage_code == Stage.FULL:
        return Step.ARCHIVE
    if a.n_pending:
        return Step.CONFIRMATION_APPROVAL
    top = a.top_step or 0
    if top >= Step.CONFIRMATION_REQUEST:
        return Step.CONFIRMATION_MEETING
    if top in (Step.VETTING, Step.TRAINING) and not (a.n_vetting and a.n_training):
        return Step.TRAINING if a.n_vetting else Step.VETTING
    return top + 1


def worklist(user: Any, today: dt.date) -> Worklist:
    """What needs doing in the user's scope on ``today``: four queries whatever the number of people.

    The three rules in one read; the open applicants; the current 预备党员
    (every one, with or without an applicant: their probation and 转正记录);
    the running 公示.
    """
    rules = rules_in_force("approval_normal_months", "approval_max_months", "probation_overdue_months")
    normal, maximum = rules["approval_normal_months"], rules["approval_max_months"]
    overdue_months = rules["probation_overdue_months"]
    due, overdue, ending, approvals = [], [], [], []
    stage_counts: Counter[str] = Counter()
    by_member: dict[int, Applicant] = {}
    for a in open_applicants(user):
        if a.member_id:
            by_member[a.member_id] = a
        if a.stage_code in OPEN_STAGES:
            stage_counts[a.stage_code] += 1
        elif a.stage_code != Stage.FULL:
            continue  # cancelled: nothing more to do
        nxt = _next_step(a)
        due_on: dt.date | None = None
        if nxt == Step.TALK:
            due_on = add_months(a.applied_on, TALK_DEADLINE_MONTHS)
            if today > due_on:
                overdue.append(WorkItem(a, Step.TALK, due_on, "递交入党申请书已满1个月，尚未派人谈话"))
        elif nxt in (Step.ACTIVIST_REVIEW, Step.CANDIDATE):
            due_on = add_years(a.activist_on, ACTIVIST_MIN_YEARS) if nxt == Step.CANDIDATE else None
        if a.stage_code == Stage.ACTIVIST and a.last_review_on:
            review_due = add_months(a.last_review_on, REVIEW_INTERVAL_MONTHS)
            if nxt == Step.ACTIVIST_REVIEW:
                due_on = review_due
            if today >= review_due:
                overdue.append(WorkItem(a, Step.ACTIVIST_REVIEW, review_due, "已满半年，应进行培养教育考察"))
        if a.admitted_on and a.n_approval == 0:
            deadline = add_months(a.admitted_on, normal)
            if nxt == Step.ADMISSION_APPROVAL:
                due_on = deadline
            if today > add_months(a.admitted_on, maximum):
                message = f"支部大会讨论已超过{maximum}个月，尚未审批：应作出审批结论（超过期限的不予批准）"
                overdue.append(WorkItem(a, Step.ADMISSION_APPROVAL, deadline, message))
            elif today > deadline:
                message = f"支部大会讨论已超过{normal}个月，尚未审批（审批时须说明原因）"
                overdue.append(WorkItem(a, Step.ADMISSION_APPROVAL, deadline, message))
            if a.n_committee_talk or today > deadline:
                # Past the deadline the case is the committee's even without the talk: it may refuse.
                approvals.append(WorkItem(a, Step.ADMISSION_APPROVAL, deadline, "接收预备党员待审批"))
        if nxt is not None and nxt not in (Step.CONFIRMATION_MEETING, Step.CONFIRMATION_APPROVAL):
            due.append(WorkItem(a, nxt, due_on, "", earliest=nxt == Step.CANDIDATE))
    _probation(user, today, normal, maximum, overdue_months, by_member, due, overdue, ending, approvals)
    publicity = list(
        publicity_list(user=user).filter(result="", starts_on__lte=today).order_by("ends_on", "id")
    )
    far = dt.date.max
    return Worklist(
        today=today,
        due=sorted(due, key=lambda w: (w.due_on or far, w.organization.path, w.name)),
        overdue=sorted(overdue, key=lambda w: (w.due_on or far, w.name)),
        publicity=publicity,
        probation_ending=sorted(ending, key=lambda w: (w.due_on or far, w.name)),
        approvals=approvals,
        stage_counts=dict(stage_counts),
    )


def _probation(
    user: Any,
    today: dt.date,
    normal: int,
    maximum: int,
    overdue_months: int,
    by_member: dict[int, Applicant],
    due: list[WorkItem],
    overdue: list[WorkItem],
    ending: list[WorkItem],
    approvals: list[WorkItem],
) -> None:
    """Every current 预备党员's probation (one query): ending, overdue, long overdue, 转正 waiting for approval."""
    for m in probationary_members(user):
        applicant = by_member.get(m.pk)

        def item(
            step: int, due_on: dt.date | None, message: str, a: Any = applicant, m: Member = m
        ) -> WorkItem:
            return WorkItem(a, step, due_on, message, member=m)

        if m.pending_on:
            deadline = add_months(m.pending_on, normal)
            approvals.append(item(Step.CONFIRMATION_APPROVAL, deadline, "转正讨论结果待审批"))
            due.append(item(Step.CONFIRMATION_APPROVAL, deadline, ""))
            if today > add_months(m.pending_on, maximum):
                message = f"转正讨论已超过{maximum}个月，尚未审批：应作出审批结论（超过期限的不予批准）"
                overdue.append(item(Step.CONFIRMATION_APPROVAL, deadline, message))
            elif today > deadline:
                message = f"转正讨论已超过{normal}个月，尚未审批（审批时须说明原因）"
                overdue.append(item(Step.CONFIRMATION_APPROVAL, deadline, message))
            continue
        ends = probation_ends_on(m.joined_on, m.extension)
        state = probation_state(
            open_=True,
            pending=False,
            ends_on=ends,
            long_overdue_on=add_months(add_years(m.joined_on, PROBATION_YEARS), overdue_months),
            today=today,
        )
        if applicant is None or (applicant.top_step or 0) >= Step.CONFIRMATION_REQUEST:
            due.append(item(Step.CONFIRMATION_MEETING, ends, ""))
        if state == ProbationState.ENDING:
            ending.append(item(Step.CONFIRMATION_MEETING, ends, f"预备期{ends:%Y-%m-%d}期满"))
        elif state == ProbationState.OVERDUE:
            overdue.append(item(Step.CONFIRMATION_MEETING, ends, "预备期已满，尚未讨论转正"))
        elif state == ProbationState.LONG_OVERDUE:
            message = (
                f"预备期已于{ends:%Y-%m-%d}期满，超过{overdue_months}个月仍为预备党员："
                "请核实，经支部大会讨论转正或取消预备资格，或更正入党、转正日期"
            )
            overdue.append(item(Step.CONFIRMATION_MEETING, ends, message))
