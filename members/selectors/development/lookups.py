"""Candidates offered by the development forms: committees for plans, approving and upper organizations, contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet

from core.scopes import sees_everything
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization

from ...choices import MemberStatus
from ...models import Member, MemberPeriod


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


def contact_candidates(user: Any, branch: Organization | None = None) -> QuerySet[Member]:
    """Members the user may name as 培养联系人 or 入党介绍人: full members of the branch at some time.

    Whether one was a full member *on the step's date* is the service's rule,
    read from the history; so a step back-filled after an introducer left, died
    or moved away can still name them (current members first).
    """
    full_periods = MemberPeriod.objects.filter(member=OuterRef("pk"), status=MemberStatus.FULL)
    if branch is not None:
        full_periods = full_periods.within(branch)
    return (
        Member.objects.visible_to(user)
        .filter(Exists(full_periods))
        .select_related("organization")
        .order_by(F("left_on").asc(nulls_first=True), "organization__path", "name")
    )


def full_members_on(branch: Organization, day: dt.date) -> int:
    """Full members of ``branch`` (its 党小组 included) on ``day``, from the history: who may vote that day."""
    return MemberPeriod.objects.on(day).within_on(branch, day).filter(status=MemberStatus.FULL).count()
