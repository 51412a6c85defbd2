"""Pages of 民主生活会: the list (the life-meeting table), completion by kind, recording a meeting."""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view

from ..filters import LifeMeetingFilterSet
from ..forms import LifeMeetingForm
from ..models import LifeMeeting
from ..selectors.common import chosen_year, year_bounds
from ..selectors.meetings import (
    completion_by_child,
    life_meeting_figures,
    life_meeting_list,
    orgs_without_meeting,
)
from ..services.meetings import MEETING_FIELDS, life_meeting_record, life_meeting_update
from ..tables import LIFE_MEETING_TABLE
from .common import chosen_org, crumbs, page_context


def meetings_crumb() -> tuple[str, str]:
    return ("民主生活会", reverse("assessments:life_meeting_list"))


@login_required
@require_safe
def life_meeting_list_page(request: HttpRequest) -> HttpResponse:
    filters = LifeMeetingFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: life_meeting_list(user=request.user, filters=filters),
        table=LIFE_MEETING_TABLE,
        template="assessments/meetings/meeting_list.html",
        context={"can_write": can_write(request.user), "breadcrumbs": crumbs(("民主生活会", ""))},
    )


@login_required
@require_safe
def life_meeting_completion(request: HttpRequest) -> HttpResponse:
    """Which organizations of a subtree held the year's meeting, by kind and by committee; leaders' attendance."""
    org = chosen_org(request)
    year = chosen_year(request)
    start, end = year_bounds(year)
    day = min(end, max(start, dt.date.today()))
    return render(
        request,
        "assessments/meetings/completion.html",
        {
            "org": org,
            "year": year,
            "years": [year - 1, year, year + 1],
            "figures": life_meeting_figures(org, start, end),
            "children": completion_by_child(org, year, day),
            "missing": orgs_without_meeting(org, year, day)[:200],
            "breadcrumbs": crumbs(meetings_crumb(), (f"{year}年度召开情况", "")),
        },
    )


def _meeting(request: HttpRequest, pk: int) -> LifeMeeting:
    return get_visible_or_404(LifeMeeting.objects.select_related("organization"), request.user, pk=pk)


@login_required
@require_safe
def life_meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(
        request,
        "assessments/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "editable": can_write(request.user) and in_scope(request.user, meeting.organization),
            "history": history_for(meeting),
            "breadcrumbs": crumbs(meetings_crumb(), (str(meeting), "")),
        },
    )


@write_view
def life_meeting_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("org"):
        from organizations.models import Organization

        found = Organization.objects.editable_by(request.user).filter(code=request.GET["org"]).first()
        if found is not None:
            initial["organization"] = found.pk
    form = LifeMeetingForm(request.POST or None, user=request.user, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: life_meeting_record(
            actor=request.user, organization=data["organization"], **{f: data[f] for f in MEETING_FIELDS}
        ),
        title="登记民主生活会",
        success="已登记民主生活会",
        cancel_url=reverse("assessments:life_meeting_list"),
        context=page_context(
            "meetings",
            meetings_crumb(),
            ("登记", ""),
            intro="每个党组织每年登记一次。党委填写党政领导班子成员的应到、实到人数；党总支、党支部填写支委会成员。",
        ),
    )


@write_view
def life_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = LifeMeetingForm(request.POST or None, user=request.user, instance=copy.copy(meeting))
    return form_page(
        request,
        form,
        save=lambda data: life_meeting_update(
            actor=request.user, meeting=meeting, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改：{meeting}",
        success="已保存",
        cancel_url=meeting.get_absolute_url(),
        context=page_context(
            "meetings", meetings_crumb(), (str(meeting), meeting.get_absolute_url()), ("修改", "")
        ),
    )


urls = [
    path("life-meetings/", life_meeting_list_page, name="life_meeting_list"),
    path("life-meetings/completion/", life_meeting_completion, name="life_meeting_completion"),
    path("life-meetings/new/", life_meeting_new, name="life_meeting_new"),
    path("life-meetings/<int:pk>/", life_meeting_detail, name="life_meeting_detail"),
    path("life-meetings/<int:pk>/edit/", life_meeting_edit, name="life_meeting_edit"),
]
