"""Lists of the development pages: applicants, 公示 and plans the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min, Q, QuerySet

from organizations.models import Organization

from ...models.development import Applicant, DevelopmentPlan, Publicity, Step


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
