"""Reads of the development pipeline: step order, timelines, the worklist and the development figures.

The figures (new members, their structure, plan completion, pipeline and the
长期不发展 warning) take ``(org, start, end)`` or ``(org, day)`` and return
small dataclasses of counts, so the reports app can reuse them as the
``development.*`` indicators.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from core.dates import add_months, add_years
from core.scopes import sees_everything
from organizations.choices import COMMITTEE_KINDS, OrgKind
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import HAN, HIGH_SCHOOL_PLUS, Gender, PeriodReason
from ..models import Member, MemberPeriod
from ..models.development import (
    OPEN_STAGES,
    PHASES,
    REPEATABLE_STEPS,
    Applicant,
    DevelopmentPlan,
    DevelopmentStep,
    Outcome,
    Publicity,
    Stage,
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

#: A history that starts with one of these on the 入党日期 is an admission in the county (新发展).
ADMISSION_REASONS = (PeriodReason.ADMITTED, PeriodReason.REGISTERED)


# --- dates -----------------------------------------------------------------


def probation_ends_on(admitted_on: dt.date, extension_months: int | None = None) -> dt.date:
    """Probation is one year from the branch meeting (step 15), plus an extension if one was granted."""
    return add_months(add_years(admitted_on, PROBATION_YEARS), extension_months or 0)


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with 2 decimals, computed from the two printed counts (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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


# --- lists -----------------------------------------------------------------------


def applicant_list(
    user: Any, *, stage: str = "", org: Organization | None = None, query: str = ""
) -> QuerySet[Applicant]:
    """The applicants the user may see, with their stage, application date and latest step."""
    qs = (
        Applicant.objects.visible_to(user)
        .with_stage()
        .annotate(
            applied_on=Min("steps__day", filter=Q(steps__number=Step.APPLICATION)),
            latest_step=Max("steps__number"),
            latest_day=Max("steps__day"),
        )
        .select_related("organization")
    )
    if stage:
        qs = qs.filter(stage_code=stage)
    if org is not None:
        qs = qs.within(org)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(id_number=query.upper()))
    return qs.order_by("organization__path", "name", "id")


def publicity_list(user: Any) -> QuerySet[Publicity]:
    return Publicity.objects.visible_to(user).select_related("applicant__organization")


def plans_for(user: Any, year: int) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.visible_to(user).filter(year=year).select_related("committee")


# --- the worklist ------------------------------------------------------------------


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
    publicity = list(publicity_list(user).filter(result="", starts_on__lte=today).order_by("ends_on", "id"))
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


# --- development figures (reports reuse these) ---------------------------------------


@dataclass(frozen=True)
class NewMemberStructure:
    """New members admitted in a period and their structure (counts; rates from those counts)."""

    total: int
    high_school_plus: int
    female: int
    minority: int
    under_35: int
    frontline: int

    @property
    def high_school_plus_rate(self) -> Decimal | None:
        return rate(self.high_school_plus, self.total)

    @property
    def female_rate(self) -> Decimal | None:
        return rate(self.female, self.total)

    @property
    def minority_rate(self) -> Decimal | None:
        return rate(self.minority, self.total)

    @property
    def under_35_rate(self) -> Decimal | None:
        return rate(self.under_35, self.total)

    @property
    def frontline_rate(self) -> Decimal | None:
        return rate(self.frontline, self.total)


def admissions(start: dt.date | None, end: dt.date) -> QuerySet[MemberPeriod]:
    """The history rows that open a membership (入党日期 = step 15) from ``start`` (None: ever) to ``end``.

    The first period of a member admitted in the county (through the pipeline
    or registered/imported) starts on the admission day; its organization is
    the admitting branch, wherever the member is today.  A member transferred
    in from outside the county starts with a TRANSFER_IN period instead and
    was never admitted here.
    """
    qs = MemberPeriod.objects.filter(
        start_reason__in=ADMISSION_REASONS, start_on=F("member__joined_on"), start_on__lte=end
    )
    return qs if start is None else qs.filter(start_on__gte=start)


def new_members(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Member]:
    """Members admitted in the period by ``org``'s subtree, through the pipeline or registered/imported."""
    admitted = admissions(start, end).within(org).filter(member=OuterRef("pk"))
    return Member.objects.filter(Exists(admitted))


def _date_key(prefix: str) -> Any:
    """YYYYMMDD as an integer: the difference of two keys < 350000 means "under 35 years" between them."""
    return ExtractYear(prefix) * Value(10000) + ExtractMonth(prefix) * Value(100) + ExtractDay(prefix)


def new_member_structure(org: Organization, start: dt.date, end: dt.date) -> NewMemberStructure:
    """Counts of the new members in ``org``'s subtree admitted from ``start`` to ``end`` (one query)."""
    row = (
        new_members(org, start, end)
        .annotate(age_key=_date_key("joined_on") - _date_key("birth_date"))
        .aggregate(
            total=Count("id"),
            high_school_plus=Count("id", filter=Q(education__in=HIGH_SCHOOL_PLUS)),
            female=Count("id", filter=Q(gender=Gender.FEMALE)),
            minority=Count("id", filter=~Q(ethnicity=HAN)),
            under_35=Count("id", filter=Q(age_key__lt=350000)),
            frontline=Count("id", filter=Q(is_frontline=True)),
        )
    )
    return NewMemberStructure(**row)


@dataclass(frozen=True)
class PlanRow:
    committee: Organization
    plan: int | None
    new_members: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.new_members, self.plan or 0)


@dataclass(frozen=True)
class PlanCompletion:
    """New members against the annual plans, per committee and in total."""

    year: int
    rows: list[PlanRow]
    plan: int
    new_members: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.new_members, self.plan)

    @property
    def committees_with_new(self) -> int:
        return sum(1 for r in self.rows if r.new_members)


def plan_total(org: Organization, year: int) -> int:
    """Sum of the annual plans of the committees in ``org``'s subtree."""
    return DevelopmentPlan.objects.within(org).filter(year=year).aggregate(s=Sum("quota"))["s"] or 0


def plan_completion(org: Organization, start: dt.date, end: dt.date) -> PlanCompletion:
    """Per committee of the subtree: plan of ``start``'s year and members it admitted in the period (3 queries)."""
    year = start.year
    plan = DevelopmentPlan.objects.filter(committee=OuterRef("pk"), year=year).values("quota")[:1]
    admitted = (
        admissions(start, end)
        .filter(organization__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(n=Func(F("member_id"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)"))
        .values("n")
    )
    committees = (
        Organization.objects.within(org)
        .filter(kind__in=COMMITTEE_KINDS, established_on__lte=end)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=start))
        .annotate(plan=Subquery(plan), admitted=Subquery(admitted, output_field=IntegerField()))
        .order_by("path")
    )
    rows = [PlanRow(committee=c, plan=c.plan, new_members=c.admitted or 0) for c in committees]
    return PlanCompletion(
        year=year,
        rows=rows,
        plan=plan_total(org, year),
        new_members=new_members(org, start, end).count(),
    )


@dataclass(frozen=True)
class PipelineCounts:
    """Applicants in each open stage on a day (as of that day's steps)."""

    applicants: int
    activists: int
    candidates: int
    probationary: int


def pipeline_counts(org: Organization, day: dt.date) -> PipelineCounts:
    """Where the applicants of ``org``'s subtree stood on ``day`` (one query)."""

    def reached(number: int) -> Exists:
        return Exists(DevelopmentStep.objects.filter(applicant=OuterRef("pk"), number=number, day__lte=day))

    def decided() -> Exists:
        return Exists(
            DevelopmentStep.objects.filter(
                applicant=OuterRef("pk"), number=Step.CONFIRMATION_MEETING, day__lte=day
            ).exclude(outcome=Outcome.EXTENDED)
        )

    row = (
        Applicant.objects.within(org)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .annotate(s1=reached(1), s3=reached(3), s7=reached(7), s15=reached(15), done=decided())
        .aggregate(
            applicants=Count("id", filter=Q(s1=True, s3=False)),
            activists=Count("id", filter=Q(s3=True, s7=False)),
            candidates=Count("id", filter=Q(s7=True, s15=False)),
            probationary=Count("id", filter=Q(s15=True, done=False)),
        )
    )
    return PipelineCounts(**row)


@dataclass(frozen=True)
class BranchWarning:
    """A branch flagged 长期不发展: no new member for the configured number of years."""

    branch: Organization
    last_admission: dt.date | None
    years: int


def branches_without_new(org: Organization, day: dt.date) -> list[BranchWarning]:
    """Branches existing on ``day`` (for at least N years) that admitted no member in the last N years."""
    years = int(get_rule("no_development_warning_years"))
    since = add_years(day, -years)
    last = (
        admissions(None, day).filter(organization=OuterRef("pk")).order_by("-start_on").values("start_on")[:1]
    )
    branches = (
        Organization.objects.within(org)
        .filter(kind=OrgKind.BRANCH, established_on__lte=since)
        .existing_on(day)
        .annotate(last_joined=Subquery(last))
        .filter(Q(last_joined__isnull=True) | Q(last_joined__lte=since))
        .select_related("parent")
        .order_by("path")
    )
    return [BranchWarning(branch=b, last_admission=b.last_joined, years=years) for b in branches]


def committees_for_plans(user: Any) -> QuerySet[Organization]:
    """Committees whose plan the user may set: below the user's own organization (the county sets them)."""
    qs = Organization.objects.visible_to(user).filter(kind__in=COMMITTEE_KINDS).active()
    if not sees_everything(user) and user.organization_id:
        qs = qs.exclude(pk=user.organization_id)
    return qs.order_by("path")


def approving_orgs_for(branch: Organization) -> list[Organization]:
    """Ancestors of the branch with authority to approve new members, nearest first."""
    return list(
        Organization.objects.filter(path__in=branch.ancestor_paths(), can_approve_members=True).order_by(
            "-path"
        )
    )


def upper_orgs_for(branch: Organization) -> list[Organization]:
    """Every ancestor of the branch, nearest first (备案 and 预审 go to any of them)."""
    return list(Organization.objects.filter(path__in=branch.ancestor_paths()).order_by("-path"))


def contact_candidates(user: Any, day: dt.date | None = None) -> QuerySet[Member]:
    """Full members the user may name as 培养联系人 or 入党介绍人."""
    from ..choices import MemberStatus

    qs = Member.objects.visible_to(user).current().filter(status=MemberStatus.FULL)
    if day is not None:
        qs = qs.filter(full_on__lte=day)
    return qs.select_related("organization").order_by("organization__path", "name")
