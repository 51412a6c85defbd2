"""Reads for care visits: the list, the candidates to visit, and the figures reports use."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from core.dates import years_before
from organizations.choices import COMMITTEE_KINDS, OrgKind
from organizations.lineage import covers
from organizations.models import Organization, OrgLineage
from organizations.rules import get_rule

from ..filters import CareVisitFilterSet
from ..models import CareVisit, CareVisitMember, Member


def care_visit_list(*, user: Any, filters: CareVisitFilterSet) -> QuerySet[CareVisit]:
    """Visits organized in the user's scope, narrowed by ``filters``, with their totals."""
    return with_totals(filters.filter_queryset(CareVisit.objects.visible_to(user)))


def with_totals(visits: QuerySet[CareVisit]) -> QuerySet[CareVisit]:
    """List rows: the organizer, how many members each visit reached and the money given."""
    # Aggregating queries ignore Meta.ordering: order explicitly for stable pages.
    return (
        visits.select_related("organization")
        .annotate(recipient_count=Count("recipients"), amount_total=Sum("recipients__amount"))
        .order_by("-visited_on", "-id")
    )


def visit_recipients(visit: CareVisit) -> QuerySet[CareVisitMember]:
    return visit.recipients.select_related("member", "organization").order_by(
        "organization__path", "member__name", "id"
    )


def care_candidates(
    user: Any, visit: CareVisit, *, everyone: bool = False, old_age: int | None = None
) -> QuerySet[Member]:
    """Members the visit may still reach: in scope and under the organizer, not yet on the list.

    By default only hardship members (困难党员) and old members (≥ 70 on the
    visit date, configurable); ``everyone`` lifts that.
    """
    members = (
        Member.objects.visible_to(user)
        .within(visit.organization)
        .filter(joined_on__lte=visit.visited_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=visit.visited_on))
        .exclude(care_visits__visit=visit)
    )
    if not everyone:
        old_age = old_age if old_age is not None else int(get_rule("care_old_member_age"))
        members = members.filter(
            Q(is_hardship=True) | Q(birth_date__lte=years_before(visit.visited_on, old_age))
        )
    return members.select_related("organization").order_by("organization__path", "name", "id")


@dataclass(frozen=True)
class CareFigures:
    """care.* for one organization's subtree and period."""

    members_visited: int  # distinct members
    committees: int  # base committees (incl. 党工委) whose members were visited
    branches: int  # 党支部 whose members were visited
    amount: Decimal  # 元, two places


def care_figures(org: Organization, start: dt.date, end: dt.date) -> CareFigures:
    """Members visited, committees and branches reached, money given (four queries).

    A member counts under the organization they belonged to on the visit
    date, placed in the tree as it stood that day; a committee counts when any
    organization below it (or itself) had a member visited.
    """
    rows = CareVisitMember.objects.within_then(org, "visit__visited_on").filter(
        visit__visited_on__gte=start, visit__visited_on__lte=end
    )
    totals = rows.aggregate(members=Count("member", distinct=True), amount=Sum("amount"))
    reached = set(rows.order_by().values_list("organization_id", "organization__kind", "visit__visited_on"))
    branches = len({org_id for org_id, kind, _ in reached if kind == OrgKind.BRANCH})
    # Which committees of the subtree stood above each reached organization on its visit day:
    # the lineage of the reached organizations and of the subtree, in one query.
    spans = OrgLineage.objects.filter(
        Q(ancestor=org)
        | Q(descendant__in={org_id for org_id, _, _ in reached}, ancestor__kind__in=COMMITTEE_KINDS)
    ).values_list("ancestor_id", "descendant_id", "ancestor__kind", "start_on", "end_on")
    inside: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    above: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for ancestor, descendant, kind, start_on, end_on in spans:
        if ancestor == org.pk:
            inside[descendant].append((start_on, end_on))
        if kind in COMMITTEE_KINDS:
            above[descendant].append((ancestor, start_on, end_on))
    committees = {
        committee
        for org_id, _, day in reached
        for committee, start_on, end_on in above[org_id]
        if covers(start_on, end_on, day) and any(covers(s, e, day) for s, e in inside[committee])
    }
    return CareFigures(
        members_visited=totals["members"],
        committees=len(committees),
        branches=branches,
        amount=(totals["amount"] or Decimal("0")).quantize(Decimal("0.01")),
    )
