"""Candidates offered by the development forms: committees for plans, approving and upper organizations, contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from core.scopes import sees_everything
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization

from ...models import Member


def committees_for_plans(user: Any) -> QuerySet[Organization]:
    """Committees whose plan the user may set: below the user's own organization (the county sets them)."""
    qs = Organization.objects.visible_to(user).filter(kind__in=COMMITTEE_KINDS).active()
    if not sees_everything(user) and user.organization_id:
        qs = qs.exclude(pk=user.organization_id)
    return qs.order_by("path")


def approving_orgs_for(branch: Organization) -> list[Organization]:
    """Ancestors of the branch with authority to approve new members, nearest first."""
    return list(
        Organization.objects.filter(path__in=branch.ancestor_paths(), can_approve_members=True).order_by(
            "-path"
        )
    )


def upper_orgs_for(branch: Organization) -> list[Organization]:
    """Every ancestor of the branch, nearest first (备案 and 预审 go to any of them)."""
    return list(Organization.objects.filter(path__in=branch.ancestor_paths()).order_by("-path"))


def contact_candidates(user: Any, day: dt.date | None = None) -> QuerySet[Member]:
    """Full members the user may name as 培养联系人 or 入党介绍人."""
    from ...choices import MemberStatus

    qs = Member.objects.visible_to(user).current().filter(status=MemberStatus.FULL)
    if day is not None:
        qs = qs.filter(full_on__lte=day)
    return qs.select_related("organization").order_by("organization__path", "name")
