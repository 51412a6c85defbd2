"""Reads of member records: scoped querysets and counts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from organizations.hooks import DirectCounts

from ..choices import MemberStatus
from ..models import Member


def direct_member_counts(org_ids: Iterable[int]) -> dict[int, DirectCounts]:
    """Current members held directly by each organization, in one grouped query."""
    rows = (
        Member.objects.current()
        .filter(organization_id__in=org_ids)  # a queryset stays a subquery
        .values("organization_id")
        .annotate(
            members=Count("id"),
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
        )
    )
    return {
        r["organization_id"]: DirectCounts(r["members"], r["full"], r["members"] - r["full"]) for r in rows
    }
