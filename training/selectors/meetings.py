"""Reads for 三会一课 records, the fixed activity days and publication subscriptions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from members.models import MemberPeriod
from organizations.choices import OrgKind
from organizations.models import Organization

from ..models import ActivityDay, OrgMeeting, Subscription


def meeting_list(*, user: Any, filters: Any) -> QuerySet[OrgMeeting]:
    """Meetings held in the user's scope, narrowed by ``filters`` (the minutes are not loaded)."""
    return (
        filters.filter_queryset(OrgMeeting.objects.visible_to(user))
        .select_related("organization")
        .defer("minutes")
        .order_by("-held_on", "-id")
    )


def activity_day_list(*, user: Any, filters: Any) -> QuerySet[ActivityDay]:
    return (
        filters.filter_queryset(ActivityDay.objects.visible_to(user))
        .select_related("organization")
        .order_by("organization__path")
    )


def subscription_list(*, user: Any, filters: Any) -> QuerySet[Subscription]:
    return (
        filters.filter_queryset(Subscription.objects.visible_to(user))
        .select_related("organization", "publication")
        .order_by("-year", "organization__path", "publication__name")
    )


def subscription_totals(rows: QuerySet[Subscription]) -> list[dict[str, Any]]:
    """Copies and amount per publication over the filtered rows (one query)."""
    return list(
        rows.order_by()
        .values("publication__name")
        .annotate(copies=Sum("copies"), amount=Sum("amount"), orgs=Count("organization", distinct=True))
        .order_by("publication__name")
    )


def members_on(org: Organization, day: Any) -> int:
    """How many members ``org`` (and its groups' branch) had on ``day`` — the 应到人数 a form suggests."""
    if org.kind == OrgKind.GROUP:
        from members.models import Member

        return Member.objects.filter(party_group=org, left_on__isnull=True).count()
    return MemberPeriod.objects.on(day).filter(organization=org).count()
