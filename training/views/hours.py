"""Pages of training hours: members against their yearly minimum, and a summary per organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.lists import list_page

from ..filters import HoursBranchFilterSet, HoursFilterSet
from ..selectors.hours import branch_hours, hours_list, minimums
from ..tables import HOURS_BRANCH_TABLE, HOURS_TABLE
from .common import crumbs, nav


@login_required
@require_safe
def hours(request: HttpRequest) -> HttpResponse:
    """Members' hours in a year against the minimum (32, secretaries 56); below-minimum ones first to see."""
    filters = HoursFilterSet(request.GET, user=request.user)
    today = timezone.localdate()
    rule = (
        minimums(filters.period.year, today, filters.values.get("measure") or "") if filters.valid else None
    )
    return list_page(
        request,
        filters=filters,
        rows=lambda: hours_list(user=request.user, filters=filters, rule=rule, today=today),
        table=HOURS_TABLE,
        template="training/hours/hours.html",
        context={"rule": rule, "breadcrumbs": crumbs(("培训学时", "")), **nav("hours", "members")},
    )


@login_required
@require_safe
def hours_branches(request: HttpRequest) -> HttpResponse:
    """Per organization: members, how many are below the minimum, average hours."""
    filters = HoursBranchFilterSet(request.GET, user=request.user)
    today = timezone.localdate()
    values = filters.values
    rule = rows = None
    if filters.valid:
        rule = minimums(filters.period.year, today, values.get("measure") or "")
        rows = branch_hours(request.user, rule, today, values.get("org"))
        if values.get("below"):
            rows = [r for r in rows if r.below]
    rows = rows or []
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=HOURS_BRANCH_TABLE,
        template="training/hours/branches.html",
        context={
            "rule": rule,
            "year": filters.period.year,
            "measure": values.get("measure") or "",
            "totals": {"members": sum(r.members for r in rows), "below": sum(r.below for r in rows)}
            if rows
            else None,
            "breadcrumbs": crumbs(("培训学时", ""), ("按组织汇总", "")),
            **nav("hours", "branches"),
        },
    )


urls = [
    path("hours/", hours, name="hours"),
    path("hours/branches/", hours_branches, name="hours_branches"),
]
