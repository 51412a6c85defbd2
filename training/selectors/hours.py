"""Training hours (学时) per member per year against the minimums (32 学时; 56 for secretaries, configurable).

A member's hours in a year are the hours of the sessions they attended that
started in the year, plus those of the party lectures they heard that carry
hours.  A member is a secretary when a 书记 post of their branch or general
branch bears their name during the year (posts name their holder; a member
record is not linked to a post).  "按时间进度" measures the current year
against the share of the minimum for the months already past.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from members.models import Member, MemberPeriod
from organizations.choices import OrgKind, PostTitle
from organizations.models import Organization, OrgLineage
from organizations.rules import rules_in_force

from ..models import Attendance, LectureAttendance

HOURS = DecimalField(max_digits=7, decimal_places=1)
ZERO = Value(Decimal("0"), output_field=HOURS)
PROGRESS = "progress"


@dataclass(frozen=True)
class Minimums:
    """The hours a member (and a secretary) must reach in ``year``, scaled by ``fraction`` (progress)."""

    year: int
    member: Decimal
    secretary: Decimal
    fraction: Decimal = Decimal("1")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def member_target(self) -> Decimal:
        return (self.member * self.fraction).quantize(Decimal("0.1"))

    @property
    def secretary_target(self) -> Decimal:
        return (self.secretary * self.fraction).quantize(Decimal("0.1"))

    @property
    def by_progress(self) -> bool:
        return self.fraction < 1

    @property
    def months(self) -> int:
        return int((self.fraction * 12).to_integral_value())


def minimums(year: int, today: dt.date, measure: str = "") -> Minimums:
    """The year's minimums (one query); by progress, the share of the months past (the current year only)."""
    rules = rules_in_force("training_hours_member", "training_hours_secretary")
    fraction = Decimal("1")
    if measure == PROGRESS and year == today.year:
        fraction = Decimal(today.month - 1) / Decimal(12)
    elif measure == PROGRESS and year > today.year:
        fraction = Decimal("0")
    return Minimums(
        year, Decimal(rules["training_hours_member"]), Decimal(rules["training_hours_secretary"]), fraction
    )


def secretary_q(start: dt.date, end: dt.date) -> Exists:
    """The member holds the 书记 post of their branch or general branch at some time between start and end."""
    return Exists(
        OrgLineage.objects.filter(
            Q(ancestor__posts__end_on__isnull=True) | Q(ancestor__posts__end_on__gt=start),
            descendant=OuterRef("organization"),
            end_on__isnull=True,
            ancestor__kind__in=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
            ancestor__posts__title=PostTitle.SECRETARY,
            ancestor__posts__holder_name=OuterRef("name"),
            ancestor__posts__start_on__lte=end,
        )
    )


def _sum_hours(model: Any, event: str, start: dt.date, end: dt.date) -> Coalesce:
    rows = (
        model.objects.filter(
            member=OuterRef("pk"),
            **{f"{event}__{'start_on' if event == 'session' else 'given_on'}__range": (start, end)},
        )
        .order_by()
        .values("member")
        .annotate(total=Sum(f"{event}__hours"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=HOURS), ZERO)


def with_hours(members: QuerySet[Member], rule: Minimums) -> QuerySet[Member]:
    """Annotate ``hours``, ``is_secretary``, ``target`` and ``shortfall`` for the year of ``rule``."""
    return members.annotate(
        session_hours=_sum_hours(Attendance, "session", rule.start, rule.end),
        lecture_hours=_sum_hours(LectureAttendance, "lecture", rule.start, rule.end),
        hours=F("session_hours") + F("lecture_hours"),
        is_secretary=secretary_q(rule.start, rule.end),
        target=Case(
            When(is_secretary=True, then=Value(rule.secretary_target)),
            default=Value(rule.member_target),
            output_field=HOURS,
        ),
        shortfall=ExpressionWrapper(F("target") - F("hours"), output_field=HOURS),
    )


def members_of_year(
    user: Any, rule: Minimums, today: dt.date, org: Organization | None = None
) -> QuerySet[Member]:
    """Members in the user's scope (or ``org``'s subtree) who were members at the year's end (or today)."""
    as_of = min(rule.end, today)
    base = Member.objects.within(org) if org is not None else Member.objects.visible_to(user)
    return base.filter(Exists(MemberPeriod.objects.on(as_of).filter(member=OuterRef("pk"))))


def hours_list(*, user: Any, filters: Any, rule: Minimums, today: dt.date) -> QuerySet[Member]:
    """The hours list's rows: members with their hours, target and whether they are below it (``rule``'s year)."""
    values = filters.values
    members = filters.filter_queryset(members_of_year(user, rule, today))
    rows = (
        with_hours(members, rule)
        .select_related("organization")
        .only(
            "id",
            "name",
            "gender",
            "joined_on",
            "organization__id",
            "organization__name",
            "organization__path",
        )
    )
    if values.get("below"):
        rows = rows.filter(hours__lt=F("target"))
    if values.get("secretaries"):
        rows = rows.filter(is_secretary=True)
    return rows.order_by("organization__path", "name", "id")


@dataclass
class BranchHours:
    """One organization's members, how many are below their target, and their hours."""

    org: Organization
    parent_name: str
    members: int = 0
    below: int = 0
    secretaries_below: int = 0
    total: Decimal = Decimal("0")

    @property
    def average(self) -> Decimal:
        return (self.total / self.members).quantize(Decimal("0.1")) if self.members else Decimal("0")

    @property
    def rate(self) -> Decimal | None:
        """Share of members at or above their target (%)."""
        if not self.members:
            return None
        return (Decimal(100) * (self.members - self.below) / self.members).quantize(Decimal("0.01"))


def branch_hours(
    user: Any, rule: Minimums, today: dt.date, org: Organization | None = None
) -> list[BranchHours]:
    """Per organization that keeps members: members, below target, average hours (two queries)."""
    rows = with_hours(members_of_year(user, rule, today, org), rule).values_list(
        "organization_id", "hours", "target", "is_secretary"
    )
    found: dict[int, BranchHours] = {}
    tallies: dict[int, list[tuple[Decimal, Decimal, bool]]] = defaultdict(list)
    for org_id, hours, target, secretary in rows:
        tallies[org_id].append((hours or Decimal("0"), target, secretary))
    orgs = Organization.objects.filter(pk__in=tallies).select_related("parent").order_by("path")
    for each in orgs:
        row = BranchHours(each, each.parent.name if each.parent_id else "")
        for hours, target, secretary in tallies[each.pk]:
            row.members += 1
            row.total += hours
            if hours < target:
                row.below += 1
                row.secretaries_below += int(secretary)
        found[each.pk] = row
    return list(found.values())


def below_count(user: Any, rule: Minimums, today: dt.date) -> int:
    """How many members in the user's scope are below their target (one query)."""
    return with_hours(members_of_year(user, rule, today), rule).filter(hours__lt=F("target")).count()
