"""Reads for 民主生活会: the list, completion by kind, leaders' attendance (the life_meetings.* figures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgKind
from organizations.models import Organization

from ..models import LifeMeeting
from .common import rate

#: The kinds the completion counts, in the reference's order (20个基层党委、14个党总支、385个党支部).
KIND_GROUPS = (
    ("committees", "基层党委", Q(kind__in=COMMITTEE_KINDS)),
    ("general_branches", "党总支", Q(kind=OrgKind.GENERAL_BRANCH)),
    ("branches", "党支部", Q(kind=OrgKind.BRANCH) & ~Q(form__in=NOT_COUNTED_FORMS)),
)


def life_meeting_list(*, user: Any, filters: Any) -> QuerySet[LifeMeeting]:
    return filters.filter_queryset(LifeMeeting.objects.visible_to(user).select_related("organization"))


def expected_orgs(org: Organization, day: dt.date) -> QuerySet[Organization]:
    """The organizations of ``org``'s subtree on ``day`` whose teams hold a life meeting: committees, 党总支, 党支部."""
    counted = Q()
    for _, _, q in KIND_GROUPS:
        counted |= q
    return Organization.objects.within_on(org, day).existing_on(day).filter(counted)


@dataclass(frozen=True)
class KindCompletion:
    key: str
    label: str
    expected: int
    held: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.held, self.expected)


@dataclass(frozen=True)
class LifeMeetingFigures:
    """life_meetings.* for one subtree and period."""

    kinds: tuple[KindCompletion, ...]
    leaders_attended: int
    leaders_expected: int

    def kind(self, key: str) -> KindCompletion:
        return next(k for k in self.kinds if k.key == key)

    @property
    def committees(self) -> int:
        return self.kind("committees").held

    @property
    def general_branches(self) -> int:
        return self.kind("general_branches").held

    @property
    def branches(self) -> int:
        return self.kind("branches").held

    @property
    def held(self) -> int:
        return sum(k.held for k in self.kinds)

    @property
    def expected(self) -> int:
        return sum(k.expected for k in self.kinds)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.held, self.expected)

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.leaders_attended, self.leaders_expected)


def life_meeting_figures(org: Organization, start: dt.date, end: dt.date) -> LifeMeetingFigures:
    """Organizations that held their meeting in the period / all that should, by kind; leaders: three queries.

    1 the organizations that should hold one (existing at period end, as the
    tree stood then), by kind; 2 those of them with a meeting in the period,
    by kind; 3 the leaders expected and attended at the committees' meetings —
    the reference's “参加会议党政领导干部238人，占96.4%” counts the members of
    the committees' leadership teams (党政领导干部), not the branches' 支委.
    """
    expected = expected_orgs(org, end)
    aggregates = {key: Count("id", filter=q) for key, _, q in KIND_GROUPS}
    should = expected.aggregate(**aggregates)
    meetings = LifeMeeting.objects.filter(
        held_on__gte=start, held_on__lte=end, organization__in=expected.values("pk")
    )
    held = meetings.aggregate(
        **{key: Count("organization", distinct=True, filter=_prefixed(q)) for key, _, q in KIND_GROUPS}
    )
    leaders = (
        LifeMeeting.objects.filter(
            held_on__gte=start, held_on__lte=end, organization__kind__in=COMMITTEE_KINDS
        )
        .within_then(org, "held_on")
        .aggregate(attended=Sum("leaders_attended"), expected=Sum("leaders_expected"))
    )
    return LifeMeetingFigures(
        kinds=tuple(KindCompletion(key, label, should[key], held[key]) for key, label, _ in KIND_GROUPS),
        leaders_attended=leaders["attended"] or 0,
        leaders_expected=leaders["expected"] or 0,
    )


def _prefixed(q: Q) -> Q:
    """``q`` (on an organization) as a condition on a meeting's organization."""
    children = [
        _prefixed(child) if isinstance(child, Q) else (f"organization__{child[0]}", child[1])
        for child in q.children
    ]
    return Q(*children, _connector=q.connector, _negated=q.negated)


def orgs_without_meeting(org: Organization, year: int, day: dt.date) -> list[Organization]:
    """The organizations that should hold the year's meeting (existing on ``day``) and have none recorded (one query)."""
    held = LifeMeeting.objects.filter(year=year).values("organization_id")
    return list(expected_orgs(org, day).exclude(pk__in=held).select_related("parent").order_by("path"))


@dataclass(frozen=True)
class ChildCompletion:
    org: Organization
    expected: int
    held: int
    leaders_expected: int
    leaders_attended: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.held, self.expected)

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.leaders_attended, self.leaders_expected)


def completion_by_child(org: Organization, year: int, day: dt.date) -> list[ChildCompletion]:
    """Each organization directly below ``org``: how many of its subtree held the year's meeting, its own team's attendance (three queries)."""
    children = list(
        Organization.objects.active()
        .filter(parent=org)
        .exclude(kind=OrgKind.GROUP)
        .order_by("sort_order", "path")
    )
    expected = list(expected_orgs(org, day).values_list("pk", "path"))
    meetings = list(
        LifeMeeting.objects.filter(year=year, organization__in=[pk for pk, _ in expected]).values_list(
            "organization__path", "leaders_expected", "leaders_attended"
        )
    )
    rows = []
    for child in children:
        inside = [pk for pk, path in expected if path.startswith(child.path)]
        held = [m for m in meetings if m[0].startswith(child.path)]
        own = [m for m in held if m[0] == child.path]  # its own team's meeting: the leaders counted
        rows.append(
            ChildCompletion(
                child,
                len(inside),
                len(held),
                sum(m[1] for m in own),
                sum(m[2] for m in own),
            )
        )
    return [r for r in rows if r.expected]
