"""Rules of the development pipeline: the national time limits, step order, probation and the applicant's timeline."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.dates import add_months, add_years
from organizations.rules import get_rule

from ...models.development import (
    PHASES,
    REPEATABLE_STEPS,
    Applicant,
    Confirmation,
    Decision,
    DevelopmentStep,
    Outcome,
    Step,
    VettingResult,
)

# National rules of 发展党员工作细则 (not configurable, unlike 公示 days and approval months).
TALK_DEADLINE_MONTHS = 1
REVIEW_INTERVAL_MONTHS = 6
ACTIVIST_MIN_YEARS = 1
PROBATION_YEARS = 1
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12
TRAINING_MIN_DAYS, TRAINING_MIN_HOURS = 3, 24
MIN_AGE = 18
PROBATION_NOTICE_DAYS = 30
#: Steps 10 (政审) and 11 (集中培训) run in parallel: either may be recorded first.
PARALLEL_STEPS = frozenset({Step.VETTING, Step.TRAINING})


# --- dates -----------------------------------------------------------------


def probation_ends_on(admitted_on: dt.date, extension_months: int | None = None) -> dt.date:
    """Probation is one year from the branch meeting (step 15), plus an extension if one was granted."""
    return add_months(add_years(admitted_on, PROBATION_YEARS), extension_months or 0)


# --- 转正记录 ------------------------------------------------------------------


def approved_extension(confirmations: Sequence[Confirmation]) -> int | None:
    """Months by which the probation was extended (approved, at most once), or None."""
    return next(
        (
            c.extension_months
            for c in confirmations
            if c.outcome == Outcome.EXTENDED and c.decision == Decision.APPROVED
        ),
        None,
    )


def pending_of(confirmations: Sequence[Confirmation]) -> Confirmation | None:
    """The 转正 discussion waiting for the upper committee's answer (at most one)."""
    return next((c for c in confirmations if not c.decision), None)


def final_of(confirmations: Sequence[Confirmation]) -> Confirmation | None:
    """The approved 按期转正 or 取消预备资格 that ended the probation, if any."""
    return next(
        (
            c
            for c in confirmations
            if c.decision == Decision.APPROVED and c.outcome in (Outcome.ON_TIME, Outcome.CANCELLED)
        ),
        None,
    )


# --- step order --------------------------------------------------------------


def admitted_on(steps: Sequence[DevelopmentStep]) -> dt.date | None:
    return next((s.day for s in steps if s.number == Step.ADMISSION_MEETING), None)


def first_day(steps: Sequence[DevelopmentStep], number: int) -> dt.date | None:
    return min((s.day for s in steps if s.number == number), default=None)


def admission_approved(steps: Sequence[DevelopmentStep]) -> bool:
    return any(s.number == Step.ADMISSION_APPROVAL and s.decision != Decision.REFUSED for s in steps)


def prerequisites(number: int) -> list[int]:
    """The steps that must be done before ``number``: every lower one, its parallel step aside.

    23 and 24 are not steps of the applicant but the member's 转正记录; step 25
    asks for its approved 按期转正 instead (``sequence_error``).
    """
    return [
        k
        for k in range(1, number)
        if not (number in PARALLEL_STEPS and k in PARALLEL_STEPS)
        and k not in (Step.CONFIRMATION_MEETING, Step.CONFIRMATION_APPROVAL)  # the 转正记录's, checked apart
    ]


def sequence_error(
    applicant: Applicant,
    steps: Sequence[DevelopmentStep],
    number: int,
    confirmations: Sequence[Confirmation] = (),
    *,
    refusing: bool = False,
    cancelling: bool = False,
) -> str | None:
    """Why step ``number`` cannot come next for this applicant (None: it can).

    A step needs every lower-numbered step done (the message names the first
    one missing), but steps 10 and 11 run in parallel.  Steps 6 and 21 repeat
    (half-yearly reviews).  Steps 23 and 24 are the applicant's member's
    转正记录 (``confirmations``): 23 comes again after an extension or a
    refusal, 24 answers the discussion waiting for it.  ``refusing``: step 17
    answered 不予批准, which needs only the branch meeting (an overdue case is
    closed without the talk); ``cancelling``: a 23 that cancels the probation,
    possible at any time once the admission was approved.
    """
    if applicant.withdrawn_on:
        return "该申请人已终止发展，不能继续记录发展步骤"
    label = Step(number).label
    done = Counter(s.number for s in steps)
    final = final_of(confirmations)
    pending = pending_of(confirmations)
    if number == Step.APPLICATION:
        return "第1步“递交入党申请书”在登记入党申请人时记录"
    if number == Step.ACTIVIST_REVIEW and done[Step.CANDIDATE]:
        return "已确定为发展对象，入党积极分子阶段的培养教育考察不能再记录"
    if number == Step.PROBATION_REVIEW and final:
        return "转正讨论已有结论，不能再记录继续教育考察"
    if number == Step.ADMISSION_APPROVAL and refusing and not done[number]:
        return None if done[Step.ADMISSION_MEETING] else "请先完成第15步“支部大会讨论”"
    if number == Step.CONFIRMATION_MEETING:
        if final:
            return "第23步“支部大会讨论”已有结论"
        if pending:
            return f"{pending.meeting_on:%Y-%m-%d}的转正讨论待上级党委审批（第24步），审批后方可再次讨论"
        if cancelling:
            if not done[Step.ADMISSION_APPROVAL] or not admission_approved(steps):
                return "接收预备党员尚未经上级党委批准（第17步），不能讨论取消预备资格"
            return None
    if number == Step.CONFIRMATION_APPROVAL:
        return None if pending else "没有待审批的转正讨论（请先完成第23步“支部大会讨论”）"
    if done[number] and number not in REPEATABLE_STEPS:
        return f"第{number}步“{label}”已记录"
    for k in prerequisites(number):
        if not done[k]:
            return f"请先完成第{k}步“{Step(k).label}”"
    if Step.VETTING <= number <= Step.ADMISSION_MEETING and any(
        s.number == Step.VETTING and s.vetting_result != VettingResult.PASSED for s in steps
    ):
        if number != Step.VETTING:
            return "政治审查结论为不合格，不能继续发展"
    if number == Step.ARCHIVE:
        if final is None or final.outcome != Outcome.ON_TIME:
            if pending:
                return "请先完成第24步“上级党委审批”"
            if approved_extension(confirmations):
                return "预备期已延长，须经支部大会再次讨论（第23步）后方可归档"
            return "请先完成第23步“支部大会讨论”并经上级党委批准转正"
    return None


def available_steps(
    applicant: Applicant, steps: Sequence[DevelopmentStep], confirmations: Sequence[Confirmation] = ()
) -> list[int]:
    """The steps that may be recorded next (another review, either of 10 and 11, step 17's refusal …)."""
    return [
        n
        for n in range(2, 26)
        if sequence_error(applicant, steps, n, confirmations) is None
        or (n == Step.ADMISSION_APPROVAL and sequence_error(applicant, steps, n, refusing=True) is None)
    ]


# --- the applicant's page ------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    number: int
    name: str
    records: list[DevelopmentStep] | list[Confirmation]
    available: bool
    due_on: dt.date | None = None
    warning: str = ""


@dataclass(frozen=True)
class PhaseRow:
    title: str
    rows: list[StepRow]


@dataclass(frozen=True)
class Timeline:
    phases: list[PhaseRow]
    available: list[int]
    probation_ends_on: dt.date | None
    warnings: list[str] = field(default_factory=list)
    #: 取消预备资格 may be discussed now (any time of the probation once the admission was approved).
    can_cancel: bool = False


def step_deadline(
    number: int, steps: Sequence[DevelopmentStep], confirmations: Sequence[Confirmation] = ()
) -> dt.date | None:
    """The date by which (or from which, for step 7 and 23) a step falls due."""
    if number == Step.TALK and (applied := first_day(steps, Step.APPLICATION)):
        return add_months(applied, TALK_DEADLINE_MONTHS)
    if number == Step.CANDIDATE and (activist := first_day(steps, Step.ACTIVIST)):
        return add_years(activist, ACTIVIST_MIN_YEARS)
    if number == Step.ACTIVIST_REVIEW and (activist := first_day(steps, Step.ACTIVIST)):
        last = max(s.day for s in steps if s.number in (Step.ACTIVIST, Step.ACTIVIST_REVIEW))
        return add_months(max(last, activist), REVIEW_INTERVAL_MONTHS)
    if number == Step.ADMISSION_APPROVAL and (admitted := admitted_on(steps)):
        return add_months(admitted, int(get_rule("approval_normal_months")))
    if number == Step.CONFIRMATION_MEETING and (admitted := admitted_on(steps)):
        return probation_ends_on(admitted, approved_extension(confirmations))
    if number == Step.CONFIRMATION_APPROVAL and (pending := pending_of(confirmations)):
        return add_months(pending.meeting_on, int(get_rule("approval_normal_months")))
    return None


def applicant_timeline(
    applicant: Applicant,
    steps: Sequence[DevelopmentStep],
    today: dt.date,
    confirmations: Sequence[Confirmation] = (),
) -> Timeline:
    """The 25 steps in their five phases, with what is done, what may come next and what is late.

    Steps 23 and 24 show the member's 转正记录 (``confirmations``): each
    discussion under 23, each answer under 24.
    """
    steps = sorted(steps, key=lambda s: (s.day, s.number, s.id or 0))
    confirmations = sorted(confirmations, key=lambda c: (c.meeting_on, c.id or 0))
    available = available_steps(applicant, steps, confirmations)
    by_number: dict[int, list] = {}
    for s in steps:
        by_number.setdefault(s.number, []).append(s)
    by_number[Step.CONFIRMATION_MEETING] = list(confirmations)
    by_number[Step.CONFIRMATION_APPROVAL] = [c for c in confirmations if c.decision]
    warnings: list[str] = []
    applied = first_day(steps, Step.APPLICATION)
    talked = first_day(steps, Step.TALK)
    if applied and (talked or today) > add_months(applied, TALK_DEADLINE_MONTHS):
        warnings.append(
            "党组织未在收到入党申请书后1个月内派人谈话" + ("（已补谈）" if talked else "，请尽快安排谈话")
        )
    phases = []
    for title, first, last in PHASES:
        rows = []
        for number in range(first, last + 1):
            due = step_deadline(number, steps, confirmations) if number in available else None
            rows.append(
                StepRow(
                    number=number,
                    name=Step(number).label,
                    records=by_number.get(number, []),
                    available=number in available,
                    due_on=due,
                )
            )
        phases.append(PhaseRow(title=title, rows=rows))
    admitted = admitted_on(steps)
    return Timeline(
        phases=phases,
        available=available,
        probation_ends_on=probation_ends_on(admitted, approved_extension(confirmations))
        if admitted
        else None,
        warnings=warnings,
        can_cancel=sequence_error(applicant, steps, Step.CONFIRMATION_MEETING, confirmations, cancelling=True)
        is None,
    )
