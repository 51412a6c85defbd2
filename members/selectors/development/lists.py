"""Lists of the development pages: applicants, 公示 and plans the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min, Q, QuerySet

from ...filters import ApplicantFilterSet, PublicityFilterSet
from ...models.development import Applicant, DevelopmentPlan, Publicity, Step


def applicant_list(*, user: Any, filters: ApplicantFilterSet) -> QuerySet[Applicant]:
    """The applicants the user may see, with their stage, application date and latest step, filtered."""
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
    return filters.filter_queryset(qs).order_by("organization__path", "name", "id")


def publicity_list(*, user: Any, filters: PublicityFilterSet | None = None) -> QuerySet[Publicity]:
    """The 公示 records of the user's scope (narrowed by ``filters`` on the list page)."""
    qs = Publicity.objects.visible_to(user).select_related("applicant__organization")
    return filters.filter_queryset(qs) if filters is not None else qs


def plans_for(user: Any, year: int) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.visible_to(user).filter(year=year).select_related("committee")
