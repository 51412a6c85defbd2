"""Pages of 制度建设: the regulation list, one organization's checklist, registering and revising a regulation."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view

from .filters import RegulationFilterSet
from .forms import RegulationForm
from .models import Organization, Regulation
from .regulations import (
    REGULATION_FIELDS,
    regulation_checklist,
    regulation_create,
    regulation_list,
    regulation_update,
)
from .tables import REGULATION_TABLE

SECTION = "制度建设"
SUBNAV = "organizations/_subnav.html"


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("organizations:regulation_list")), *tail]


@login_required
@require_safe
def regulation_list_page(request: HttpRequest) -> HttpResponse:
    filters = RegulationFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: regulation_list(user=request.user, filters=filters),
        table=REGULATION_TABLE,
        template="organizations/regulations/regulation_list.html",
        context={
            "can_write": can_write(request.user),
            "can_edit": can_write(request.user),
            "breadcrumbs": crumbs(("制度目录", "")),
        },
    )


@login_required
@require_safe
def regulation_checklist_page(request: HttpRequest, code: str) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    return render(
        request,
        "organizations/regulations/checklist.html",
        {
            "org": org,
            "checklist": regulation_checklist(org),
            "editable": can_write(request.user) and in_scope(request.user, org),
            "can_edit": can_write(request.user),
            "breadcrumbs": crumbs((org.name, org.get_absolute_url()), ("制度清单", "")),
        },
    )


def _regulation(request: HttpRequest, pk: int) -> Regulation:
    return get_visible_or_404(Regulation.objects.select_related("organization"), request.user, pk=pk)


@login_required
@require_safe
def regulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = _regulation(request, pk)
    return render(
        request,
        "organizations/regulations/regulation_detail.html",
        {
            "regulation": regulation,
            "editable": can_write(request.user) and in_scope(request.user, regulation.organization),
            "can_edit": can_write(request.user),
            "history": history_for(regulation),
            "breadcrumbs": crumbs((str(regulation), "")),
        },
    )


@write_view
def regulation_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    org_code = request.GET.get("org")
    if org_code:
        org = Organization.objects.editable_by(request.user).filter(code=org_code).first()
        if org is not None:
            initial["organization"] = org.pk
    form = RegulationForm(request.POST or None, user=request.user, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: regulation_create(
            actor=request.user,
            organization=data["organization"],
            **{f: data[f] for f in REGULATION_FIELDS if f in data and f != "repealed_on"},
        ),
        title="登记制度",
        success="已登记制度",
        cancel_url=reverse("organizations:regulation_list"),
        context={
            "subnav": SUBNAV,
            "active": "regulations",
            "intro": "登记本组织制定或修订的制度。基层党组织应建立13项基层组织制度和发展党员5项制度，制度清单逐项显示是否已建立、已上墙。",
            "breadcrumbs": crumbs(("登记制度", "")),
        },
    )


@write_view
def regulation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = _regulation(request, pk)
    form = RegulationForm(request.POST or None, user=request.user, instance=copy.copy(regulation))
    return form_page(
        request,
        form,
        save=lambda data: regulation_update(
            actor=request.user, regulation=regulation, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改制度：{regulation.title}",
        success="已保存",
        cancel_url=regulation.get_absolute_url(),
        context={
            "subnav": SUBNAV,
            "active": "regulations",
            "intro": "修订制度请填写最近修订日期；制度不再执行的填写废止日期（不删除，留存记录）。",
            "breadcrumbs": crumbs((str(regulation), regulation.get_absolute_url()), ("修改", "")),
        },
    )


urls = [
    path("regulations/", regulation_list_page, name="regulation_list"),
    path("regulations/new/", regulation_new, name="regulation_new"),
    path("regulations/<int:pk>/", regulation_detail, name="regulation_detail"),
    path("regulations/<int:pk>/edit/", regulation_edit, name="regulation_edit"),
    path("regulations/checklist/<str:code>/", regulation_checklist_page, name="regulation_checklist"),
]
