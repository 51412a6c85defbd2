"""Reads for AV education: the equipment list, coverage on a day, films and orders, and the av.* figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgCategory, OrgKind
from organizations.models import Organization

from ..choices import STATUS_AFTER, EquipmentEventKind, EquipmentStatus
from ..models import AVEquipment, AVEquipmentEvent, AVFilm, FilmOrder


def equipment_list(*, user: Any, filters: Any) -> QuerySet[AVEquipment]:
    """Equipment delivered in the user's scope, narrowed by ``filters``."""
    return (
        filters.filter_queryset(AVEquipment.objects.visible_to(user))
        .select_related("organization")
        .order_by("-delivered_on", "-id")
    )


def film_list(*, user: Any, filters: Any) -> QuerySet[AVFilm]:
    """The film catalogue (the county's, the same for everyone), with the copies ordered in the user's scope."""
    visible = FilmOrder.objects.visible_to(user)
    return (
        filters.filter_queryset(AVFilm.objects.all())
        .annotate(
            ordered=Sum("orders__copies", filter=Q(orders__in=visible)),
            shown=Count("sessions", distinct=True),
        )
        .order_by("kind", "title")
    )


def film_order_list(*, user: Any, filters: Any) -> QuerySet[FilmOrder]:
    """Film orders of organizations in the user's scope, narrowed by ``filters``."""
    return (
        filters.filter_queryset(FilmOrder.objects.visible_to(user))
        .select_related("organization", "film")
        .order_by("-ordered_on", "-id")
    )


# --- working equipment on a day ---------------------------------------------------------------------


def working_on(equipment: QuerySet[AVEquipment], day: dt.date) -> dict[int, int]:
    """Organization id → sets in service on ``day`` among ``equipment`` (two queries).

    Delivered on or before the day, and the last event on or before it (if
    any) left it in service (修复启用); a breakdown or scrapping after the day
    does not count against it.
    """
    delivered = list(equipment.filter(delivered_on__lte=day).values_list("pk", "organization_id", "sets"))
    last: dict[int, str] = {}
    for equipment_id, kind in (
        AVEquipmentEvent.objects.filter(equipment_id__in=[pk for pk, _, _ in delivered], happened_on__lte=day)
        .order_by("equipment_id", "happened_on", "id")
        .values_list("equipment_id", "kind")
    ):
        last[equipment_id] = kind
    sets: dict[int, int] = defaultdict(int)
    for pk, org_id, count in delivered:
        status = STATUS_AFTER[EquipmentEventKind(last[pk])] if pk in last else EquipmentStatus.IN_SERVICE
        if status == EquipmentStatus.IN_SERVICE:
            sets[org_id] += count
    return dict(sets)


@dataclass(frozen=True)
class CoverageRow:
    """A township committee or village branch and the sets it had in service on the day."""

    org: Organization
    parent_name: str
    sets: int

    @property
    def covered(self) -> bool:
        return self.sets > 0

    @property
    def which(self) -> str:
        return "乡镇党委" if self.org.kind in COMMITTEE_KINDS else "村党支部"


def coverage_targets(base: QuerySet[Organization]) -> QuerySet[Organization]:
    """Township committees and (counted) village branches: what the reference's coverage counts."""
    township = Q(kind__in=COMMITTEE_KINDS, category=OrgCategory.TOWNSHIP)
    village = Q(kind=OrgKind.BRANCH, category=OrgCategory.VILLAGE) & ~Q(form__in=NOT_COUNTED_FORMS)
    return base.filter(township | village)


def coverage(orgs: QuerySet[Organization], day: dt.date) -> list[CoverageRow]:
    """Each township committee and village branch among ``orgs`` existing on ``day``, with its sets (three queries)."""
    targets = list(coverage_targets(orgs.existing_on(day)).select_related("parent").order_by("path"))
    sets = working_on(AVEquipment.objects.filter(organization__in=[o.pk for o in targets]), day)
    return [CoverageRow(o, o.parent.name if o.parent_id else "", sets.get(o.pk, 0)) for o in targets]


def coverage_list(*, user: Any, filters: Any, today: dt.date) -> list[CoverageRow]:
    """The coverage page's rows: ``filters`` choose the day, the subtree, the type and gaps only."""
    values = filters.values
    day = values.get("on") or today
    org = values.get("org")
    base = (
        Organization.objects.within_on(org, day)
        if org is not None
        else Organization.objects.visible_on(user, day)
    )
    rows = coverage(base, day)
    if values.get("which") == "township":
        rows = [r for r in rows if r.org.kind in COMMITTEE_KINDS]
    elif values.get("which") == "village":
        rows = [r for r in rows if r.org.kind == OrgKind.BRANCH]
    if values.get("uncovered"):
        rows = [r for r in rows if not r.covered]
    return rows


# --- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AVFigures:
    """av.* for one organization's subtree and period."""

    sets_delivered: int
    amount: Decimal
    committees_equipped: int
    branches_equipped: int
    township_committees_covered: int
    village_branches_covered: int
    township_committees: int
    village_branches: int

    def as_indicators(self) -> dict[str, Any]:
        return {
            "av.sets_delivered": self.sets_delivered,
            "av.amount": self.amount,
            "av.committees_equipped": self.committees_equipped,
            "av.branches_equipped": self.branches_equipped,
            "av.township_committees_covered": self.township_committees_covered,
            "av.village_branches_covered": self.village_branches_covered,
        }


def av_figures(org: Organization, start: dt.date, end: dt.date) -> AVFigures:
    """Deliveries in the period where each recipient stood on its day; coverage at the period's end (five queries)."""
    delivered = AVEquipment.objects.within_then(org, "delivered_on").filter(
        delivered_on__gte=start, delivered_on__lte=end
    )
    totals = delivered.aggregate(sets=Sum("sets"), amount=Sum("amount"))
    recipients = set(delivered.values_list("organization_id", "organization__kind", "organization__form"))
    rows = coverage(Organization.objects.within_on(org, end), end)
    return AVFigures(
        sets_delivered=totals["sets"] or 0,
        amount=(totals["amount"] or Decimal("0")).quantize(Decimal("0.01")),
        committees_equipped=len({pk for pk, kind, _ in recipients if kind in COMMITTEE_KINDS}),
        branches_equipped=len(
            {pk for pk, kind, form in recipients if Organization(kind=kind, form=form).counts_as_branch}
        ),
        township_committees_covered=sum(1 for r in rows if r.covered and r.org.kind in COMMITTEE_KINDS),
        village_branches_covered=sum(1 for r in rows if r.covered and r.org.kind == OrgKind.BRANCH),
        township_committees=sum(1 for r in rows if r.org.kind in COMMITTEE_KINDS),
        village_branches=sum(1 for r in rows if r.org.kind == OrgKind.BRANCH),
    )


def out_of_service(user: Any) -> QuerySet[AVEquipment]:
    """Equipment in the user's scope broken down and not yet repaired."""
    return AVEquipment.objects.visible_to(user).filter(status=EquipmentStatus.BROKEN)
