"""The development worklist: what is due, overdue, waiting for approval or ending soon in the user's scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from core.dates import add_months, add_years
from organizations.rules import get_rule

from ...models.development import OPEN_STAGES, Applicant, Outcome, Publicity, Stage, Step
from .lists import publicity_list
from .rules import (
    ACTIVIST_MIN_YEARS,
    PROBATION_NOTICE_DAYS,
    REVIEW_INTERVAL_MONTHS,
    TALK_DEADLINE_MONTHS,
    probation_ends_on,
)


@dataclass(frozen=True)
class WorkItem:
    """One thing to do for one applicant; ``due_on`` is a deadline, or the earliest day when ``earliest``."""

    applicant: Applicant
    step: int
    due_on: dt.date | None
    message: str
    earliest: bool = False

    @property
    def step_name(self) -> str:
        return Step(self.step).label


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


def _day_of(number: int, agg: str = "min") -> Any:
    fn = Min if agg == "min" else Max
    return fn("steps__day", filter=Q(steps__number=number))


def _count_of(number: int, **extra: Any) -> Count:
    return Count("steps", filter=Q(steps__number=number, **{f"steps__{k}": v for k, v in extra.items()}))


def open_applicants(user: Any) -> QuerySet[Applicant]:
    """Applicants still in the pipeline (not withdrawn, not archived) with the dates the worklist reads."""
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
            n_committee_talk=_count_of(Step.COMMITTEE_TALK),
            n_approval=_count_of(Step.ADMISSION_APPROVAL),
            admitted_on=_day_of(Step.ADMISSION_MEETING),
            n_meeting=_count_of(Step.CONFIRMATION_MEETING),
            n_final=Count(
                "steps",
                filter=Q(steps__number=Step.CONFIRMATION_MEETING) & ~Q(steps__outcome=Outcome.EXTENDED),
            ),
            n_confirmation_approval=_count_of(Step.CONFIRMATION_APPROVAL),
            extension=Max("steps__extension_months", filter=Q(steps__number=Step.CONFIRMATION_MEETING)),
            n_archive=_count_of(Step.ARCHIVE),
        )
        .filter(n_archive=0)
        .select_related("organization")
        .order_by("organization__path", "name", "id")
    )


def _next_step(a: Applicant) -> int | None:
    """The main step due next, from the annotated counts (steps are recorded in order)."""
    if a.n_meeting > a.n_confirmation_approval:
        return Step.CONFIRMATION_APPROVAL
    if a.extension and a.n_final == 0 and a.n_meeting == 1:
        return Step.CONFIRMATION_MEETING
    nxt = (a.top_step or 0) + 1
    return nxt if nxt <= 25 else None


def worklist(user: Any, today: dt.date) -> Worklist:
    """What needs doing in the user's scope on ``today``: two queries whatever the number of applicants."""
    normal = int(get_rule("approval_normal_months"))
    maximum = int(get_rule("approval_max_months"))
    due, overdue, ending, approvals = [], [], [], []
    stage_counts: Counter[str] = Counter()
    for a in open_applicants(user):
        if a.stage_code in OPEN_STAGES:
            stage_counts[a.stage_code] += 1
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
                overdue.append(
                    WorkItem(
                        a, Step.ADMISSION_APPROVAL, deadline, f"支部大会讨论已超过{maximum}个月，尚未审批"
                    )
                )
            elif today > deadline:
                overdue.append(
                    WorkItem(
                        a,
                        Step.ADMISSION_APPROVAL,
                        deadline,
                        f"支部大会讨论已超过{normal}个月，尚未审批（审批时须说明原因）",
                    )
                )
        if a.n_committee_talk and a.n_approval == 0:
            approvals.append(
                WorkItem(a, Step.ADMISSION_APPROVAL, add_months(a.admitted_on, normal), "接收预备党员待审批")
            )
        if a.n_meeting > a.n_confirmation_approval:
            approvals.append(WorkItem(a, Step.CONFIRMATION_APPROVAL, None, "转正讨论结果待审批"))
        if a.stage_code == Stage.PROBATIONARY and a.n_final == 0 and a.n_meeting <= (1 if a.extension else 0):
            ends = probation_ends_on(a.admitted_on, a.extension)
            if nxt == Step.CONFIRMATION_MEETING:
                due_on = ends
            if today > ends:
                overdue.append(WorkItem(a, Step.CONFIRMATION_MEETING, ends, "预备期已满，尚未讨论转正"))
            elif (ends - today).days <= PROBATION_NOTICE_DAYS:
                ending.append(WorkItem(a, Step.CONFIRMATION_MEETING, ends, f"预备期{ends:%Y-%m-%d}期满"))
        if nxt is not None:
            due.append(WorkItem(a, nxt, due_on, "", earliest=nxt == Step.CANDIDATE))
    publicity = list(
        publicity_list(user=user).filter(result="", starts_on__lte=today).order_by("ends_on", "id")
    )
    far = dt.date.max
    return Worklist(
        today=today,
        due=sorted(due, key=lambda w: (w.due_on or far, w.applicant.organization.path, w.applicant.name)),
        overdue=sorted(overdue, key=lambda w: (w.due_on or far, w.applicant.name)),
        publicity=publicity,
        probation_ending=sorted(ending, key=lambda w: (w.due_on or far, w.applicant.name)),
        approvals=approvals,
        stage_counts=dict(stage_counts),
    )
