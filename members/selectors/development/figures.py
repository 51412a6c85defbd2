"""Development figures: new members, their structure, plan completion, pipeline counts, 长期不发展 warnings.

The figures take ``(org, start, end)`` or ``(org, day)`` and return small
dataclasses of counts, so the reports app can reuse them as the
``development.*`` indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from core.dates import add_years
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization
from organizations.rules import get_rule

from ...choices import HIGH_SCHOOL_PLUS, MINORITY_GROUPS, Gender, LeaveReason, MemberStatus, PeriodReason
from ...models import Member, MemberPeriod
from ...models.development import Applicant, Decision, DevelopmentPlan, DevelopmentStep, Step

#: A history that starts with one of these on the 入党日期 is an admission in the county (新发展).
ADMISSION_REASONS = (PeriodReason.ADMITTED, PeriodReason.REGISTERED)


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with 2 decimals, computed from the two printed counts (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
    was never admitted here.  An admission the upper committee refused
    (step 17, 不予批准) was never one: it is left out of every period, even one
    counted before the refusal came.
    """
    qs = MemberPeriod.objects.filter(
        start_reason__in=ADMISSION_REASONS, start_on=F("member__joined_on"), start_on__lte=end
    ).exclude(member__leave_reason=LeaveReason.NOT_APPROVED)
    return qs if start is None else qs.filter(start_on__gte=start)


def new_members(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Member]:
    """Members admitted in the period by ``org``'s subtree, through the pipeline or registered/imported."""
    admitted = admissions(start, end).within_then(org, "start_on").filter(member=OuterRef("pk"))
    return Member.objects.filter(Exists(admitted))


def _date_key(prefix: str) -> Any:
    """YYYYMMDD as an integer: the difference of two keys < 360000 means "35 years or less" between them."""
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
            minority=Count("id", filter=Q(ethnicity__in=MINORITY_GROUPS)),
            # 35岁及以下 (以下 includes the number): not yet 36 on the admission day.
            under_35=Count("id", filter=Q(age_key__lt=360000)),
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
    """Sum of the annual plans of the committees in ``org``'s subtree at the end of ``year``."""
    plans = DevelopmentPlan.objects.within_on(org, dt.date(year, 12, 31)).filter(year=year)
    return plans.aggregate(s=Sum("quota"))["s"] or 0


def plan_completion(org: Organization, start: dt.date, end: dt.date) -> PlanCompletion:
    """Per committee of the subtree: plan of ``start``'s year and members it admitted in the period (3 queries)."""
    year = start.year
    plan = DevelopmentPlan.objects.filter(committee=OuterRef("pk"), year=year).values("quota")[:1]
    # Each admission counts under the committee its branch belonged to on the admission day.
    admitted = (
        admissions(start, end)
        .within_then(OuterRef(OuterRef("pk")), "start_on")
        .order_by()
        .annotate(n=Func(F("member_id"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)"))
        .values("n")
    )
    # Committees under ``org`` at the start or the end of the period (one may have moved in or out).
    committees = (
        (Organization.objects.within_on(org, start) | Organization.objects.within_on(org, end))
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
    """Applicants in each open stage on a day (as of that day's steps), and the 预备党员 that day."""

    applicants: int
    activists: int
    candidates: int
    probationary: int


def pipeline_counts(org: Organization, day: dt.date) -> PipelineCounts:
    """Where the people of ``org``'s subtree stood on ``day`` (two queries).

    申请人, 积极分子 and 发展对象 from the applicants' steps up to ``day``; an
    admission refused at step 17 was never one, so its applicant counts as a
    发展对象 until the refusal ended the application.  预备党员 from the
    members' history on ``day`` (every one, admitted through the pipeline or
    not), in the tree as it stood then, the refused admissions left out.
    """

    def reached(number: int) -> Exists:
        return Exists(DevelopmentStep.objects.filter(applicant=OuterRef("pk"), number=number, day__lte=day))

    refused = Exists(
        DevelopmentStep.objects.filter(
            applicant=OuterRef("pk"), number=Step.ADMISSION_APPROVAL, decision=Decision.REFUSED
        )
    )
    row = (
        Applicant.objects.within_on(org, day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .annotate(s1=reached(1), s3=reached(3), s7=reached(7), s15=reached(15), refused=refused)
        .aggregate(
            applicants=Count("id", filter=Q(s1=True, s3=False)),
            activists=Count("id", filter=Q(s3=True, s7=False)),
            candidates=Count("id", filter=Q(s7=True) & (Q(s15=False) | Q(refused=True))),
        )
    )
    probationary = (
        MemberPeriod.objects.on(day)
        .within_on(org, day)
        .filter(status=MemberStatus.PROBATIONARY)
        .exclude(member__leave_reason=LeaveReason.NOT_APPROVED)
        .count()
    )
    return PipelineCounts(**row, probationary=probationary)


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
        Organization.objects.within_on(org, day)
        .counted_branches()
        .filter(established_on__lte=since)
        .existing_on(day)
        .annotate(last_joined=Subquery(last))
        .filter(Q(last_joined__isnull=True) | Q(last_joined__lte=since))
        .select_related("parent")
        .order_by("path")
    )
    return [BranchWarning(branch=b, last_admission=b.last_joined, years=years) for b in branches]
