"""Reads of the organization tree, always through the scope layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .choices import OrgKind
from .models import Organization


@dataclass(frozen=True)
class ScopeOverview:
    root: Organization | None
    org_counts: dict[str, int]  # kind label -> active organizations
    member_total: int
    member_probationary: int


def scope_overview(user: Any) -> ScopeOverview:
    """What the user's scope holds today (for the home page)."""
    from django.apps import apps

    orgs = Organization.objects.visible_to(user).active()
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    counts = {label: by_kind.get(value, 0) for value, label in OrgKind.choices if by_kind.get(value)}
    # members sits above organizations; reach it through the app registry
    # rather than an import so the dependency arrow keeps pointing one way.
    Member = apps.get_model("members", "Member")
    members = Member.objects.visible_to(user).current()
    total = members.count()
    probationary = members.filter(status="PROBATIONARY").count()
    return ScopeOverview(
        root=user.organization if not user.is_superuser else None,
        org_counts=counts,
        member_total=total,
        member_probationary=probationary,
    )


def visible_orgs_on(user: Any, day: dt.date) -> Any:
    return Organization.objects.visible_to(user).existing_on(day)
