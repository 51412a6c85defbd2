"""Reads for 三级联创: the ratings list, who is still to be rated, the figures by standard and result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from organizations.choices import COMMITTEE_KINDS, OrgCategory, OrgKind
from organizations.models import Organization

from ..choices import RatingResult, RatingStandard
from ..models import StarRating

RATED = Q(kind__in=COMMITTEE_KINDS, category=OrgCategory.TOWNSHIP) | Q(
    kind=OrgKind.BRANCH, category=OrgCategory.VILLAGE
)


def rating_list(*, user: Any, filters: Any) -> QuerySet[StarRating]:
    return filters.filter_queryset(StarRating.objects.visible_to(user).select_related("organization"))


def rateable(user: Any) -> QuerySet[Organization]:
    """Township committees and village branches the user rates (below their own organization)."""
    root = getattr(user, "organization", None)
    qs = Organization.objects.editable_by(user).active().filter(RATED)
    if root is not None and not user.is_superuser:
        qs = qs.exclude(pk=root.pk)
    return qs.order_by("path")


def unrated(user: Any, year: int) -> QuerySet[Organization]:
    return rateable(user).exclude(star_ratings__year=year)


@dataclass(frozen=True)
class RatingFigures:
    """三级联创 of a year in a subtree: rated and achieved, by standard."""

    townships_rated: int
    townships_achieved: int
    villages_rated: int
    villages_achieved: int


def rating_figures(org: Organization, year: int) -> RatingFigures:
    rows = StarRating.objects.filter(year=year).within_then(org, "rated_on")
    c = rows.aggregate(
        t=Count("id", filter=Q(standard=RatingStandard.SIX_GOOD)),
        ta=Count("id", filter=Q(standard=RatingStandard.SIX_GOOD, result=RatingResult.ACHIEVED)),
        v=Count("id", filter=Q(standard=RatingStandard.FIVE_GOOD)),
        va=Count("id", filter=Q(standard=RatingStandard.FIVE_GOOD, result=RatingResult.ACHIEVED)),
    )
    return RatingFigures(c["t"], c["ta"], c["v"], c["va"])
