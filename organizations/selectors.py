"""Reads of the organization tree, always through the scope layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .choices import OrgKind
from .hooks import direct_member_counts
from .models import Organization


@dataclass(frozen=True)
class ScopeOverview:
    root: Organization | None
    org_counts: dict[str, int]  # kind label -> active organizations
    member_total: int
    member_probationary: int


def scope_overview(user: Any) -> ScopeOverview:
    """What the user's scope holds today (for the home page)."""
    orgs = Organization.objects.visible_to(user).active()
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    kinds = {label: by_kind.get(value, 0) for value, label in OrgKind.choices if by_kind.get(value)}
    counts = direct_member_counts(orgs.values_list("id", flat=True))
    total = sum(c.members for c in counts.values())
    probationary = sum(c.probationary for c in counts.values())
    return ScopeOverview(
        root=user.organization if not user.is_superuser else None,
        org_counts=kinds,
        member_total=total,
        member_probationary=probationary,
    )


def visible_orgs_on(user: Any, day: dt.date) -> Any:
    return Organization.objects.visible_to(user).existing_on(day)
