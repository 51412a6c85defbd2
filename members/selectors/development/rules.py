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


# --- dates -----------------------------------------------------------------


def probation_ends_on(admitted_on: dt.date, extension_months: int | None = None) -> dt.date:
    """Probation is one year from the branch meeting (step 15), plus an extension if one was granted."""
    return add_months(add_years(admitted_on, PROBATION_YEARS), extension_months or 0)


# --- step order --------------------------------------------------------------


def _final_meeting(steps: Sequence[DevelopmentStep]) -> DevelopmentStep | None:
    """The 转正 meeting that decided (按期转正 or 取消预备资格), if any."""
    return next(
        (s for s in steps if s.number == Step.CONFIRMATION_MEETING and s.outcome != Outcome.EXTENDED), None
    )


def extension_of(steps: Sequence[DevelopmentStep]) -> int | None:
    """Months by which the probation was extended (at most once), or None."""
    return next(
        (
            s.extension_months
            for s in steps
            if s.number == Step.CONFIRMATION_MEETING and s.outcome == Outcome.EXTENDED
        ),
        None,
    )


def admitted_on(steps: Sequence[DevelopmentStep]) -> dt.date | None:
    return next((s.day for s in steps if s.number == Step.ADMISSION_MEETING), None)


def first_day(steps: Sequence[DevelopmentStep], number: int) -> dt.date | None:
    return min((s.day for s in steps if s.number == number), default=None)


def sequence_error(applicant: Applicant, steps: Sequence[DevelopmentStep], number: int) -> str | None:
    """Why step ``number`` cannot come next for this applicant (None: it can).

    A step needs every lower-numbered step done (the message names the first
    one missing).  Steps 6 and 21 repeat (half-yearly reviews); steps 23 and
    24 come a second time only after an extension has been approved.
    """
    if applicant.withdrawn_on:
        return "该申请人已终止发展，不能继续记录发展步骤"
    label = Step(number).label
    done = Counter(s.number for s in steps)
    final = _final_meeting(steps)
    if number == Step.APPLICATION:
        return "第1步“递交入党申请书”在登记入党申请人时记录"
    if number == Step.ACTIVIST_REVIEW and done[Step.CANDIDATE]:
        return "已确定为发展对象，入党积极分子阶段的培养教育考察不能再记录"
    if number == Step.PROBATION_REVIEW and final:
        return "转正讨论已有结论，不能再记录继续教育考察"
    if number == Step.CONFIRMATION_MEETING and done[number]:
        if final or done[number] >= 2:
            return "第23步“支部大会讨论”已有结论"
        if done[Step.CONFIRMATION_APPROVAL] < done[number]:
            return "请先完成第24步“上级党委审批”（延长预备期须经上级党委批准）"
        return None
    if number == Step.CONFIRMATION_APPROVAL and done[number]:
        return None if done[number] < done[Step.CONFIRMATION_MEETING] else "第24步“上级党委审批”已记录"
    if done[number] and number not in REPEATABLE_STEPS:
        return f"第{number}步“{label}”已记录"
    for k in range(1, number):
        if not done[k]:
            return f"请先完成第{k}步“{Step(k).label}”"
    if Step.VETTING < number <= Step.ADMISSION_MEETING and any(
        s.number == Step.VETTING and s.vetting_result != VettingResult.PASSED for s in steps
    ):
        return "政治审查结论为不合格，不能继续发展"
    if number == Step.ARCHIVE:
        if not final:
            return "预备期已延长，须经支部大会再次讨论（第23步）后方可归档"
        if done[Step.CONFIRMATION_APPROVAL] < done[Step.CONFIRMATION_MEETING]:
            return "请先完成第24步“上级党委审批”"
    return None


def available_steps(applicant: Applicant, steps: Sequence[DevelopmentStep]) -> list[int]:
    """The steps that may be recorded next (e.g. another review, or the following step)."""
    top = max((s.number for s in steps), default=0)
    # The next step in order, plus the ones that may come again (reviews; 23/24 after an extension).
    candidates = sorted({top + 1, *REPEATABLE_STEPS, Step.CONFIRMATION_MEETING, Step.CONFIRMATION_APPROVAL})
    return [n for n in candidates if 1 < n <= 25 and sequence_error(applicant, steps, n) is None]


# --- the applicant's page ------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    number: int
    name: str
    records: list[DevelopmentStep]
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


def step_deadline(number: int, steps: Sequence[DevelopmentStep]) -> dt.date | None:
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
        return probation_ends_on(admitted, extension_of(steps))
    return None


def applicant_timeline(applicant: Applicant, steps: Sequence[DevelopmentStep], today: dt.date) -> Timeline:
    """The 25 steps in their five phases, with what is done, what may come next and what is late."""
    steps = sorted(steps, key=lambda s: (s.day, s.number, s.id or 0))
    available = available_steps(applicant, steps)
    by_number: dict[int, list[DevelopmentStep]] = {}
    for s in steps:
        by_number.setdefault(s.number, []).append(s)
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
            due = step_deadline(number, steps) if number in available else None
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
        probation_ends_on=probation_ends_on(admitted, extension_of(steps)) if admitted else None,
        warnings=warnings,
    )
