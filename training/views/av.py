"""Pages of AV education: equipment and its service, coverage on a day, the film catalogue and its orders."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view
from organizations.models import Organization

from ..choices import EquipmentEventKind, EquipmentStatus
from ..filters import CoverageFilterSet, EquipmentFilterSet, FilmFilterSet, FilmOrderFilterSet
from ..forms.av import EquipmentEventForm, EquipmentForm, FilmForm, FilmOrderForm
from ..hooks import ledger_connected
from ..models import AVEquipment, AVFilm, FilmOrder
from ..selectors.av import coverage_list, equipment_list, film_list, film_order_list
from ..services.av import (
    EQUIPMENT_FIELDS,
    ORDER_FIELDS,
    equipment_create,
    equipment_event_record,
    equipment_update,
    film_create,
    film_order_create,
    film_order_update,
    film_update,
    may_edit_catalogue,
)
from ..tables import COVERAGE_TABLE, EQUIPMENT_TABLE, FILM_ORDER_TABLE, FILM_TABLE
from .common import crumbs, nav

NEXT_EVENTS = {
    EquipmentStatus.IN_SERVICE: [EquipmentEventKind.BROKEN, EquipmentEventKind.SCRAPPED],
    EquipmentStatus.BROKEN: [EquipmentEventKind.REPAIRED, EquipmentEventKind.SCRAPPED],
    EquipmentStatus.SCRAPPED: [],
}


def _equipment(request: HttpRequest, pk: int) -> AVEquipment:
    return get_visible_or_404(
        AVEquipment.objects.select_related("organization", "created_by"), request.user, pk=pk
    )


def _av_crumb() -> tuple[str, str]:
    return ("电化教育", reverse("training:av_list"))


@login_required
@require_safe
def av_list(request: HttpRequest) -> HttpResponse:
    filters = EquipmentFilterSet(request.GET, user=request.user)
    rows = equipment_list(user=request.user, filters=filters) if filters.valid else AVEquipment.objects.none()
    totals = rows.aggregate(sets=Sum("sets"), amount=Sum("amount"))
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=EQUIPMENT_TABLE,
        template="training/av/equipment_list.html",
        context={
            "totals": totals,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("电化教育", "")),
            **nav("av", "equipment"),
        },
    )


@write_view
def av_new(request: HttpRequest) -> HttpResponse:
    form = EquipmentForm(request.POST or None, user=request.user, ledger=ledger_connected())
    return form_page(
        request,
        form,
        save=lambda data: equipment_create(
            actor=request.user, organization=data["organization"], **{f: data[f] for f in EQUIPMENT_FIELDS}
        ),
        title="登记电教设备配发",
        success="已登记电教设备",
        cancel_url=reverse("training:av_list"),
        context={"breadcrumbs": crumbs(_av_crumb(), ("登记配发", "")), **nav("av", "equipment")},
    )


@write_view
def av_edit(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment(request, pk)
    form = EquipmentForm(
        request.POST or None, user=request.user, instance=equipment, ledger=ledger_connected()
    )
    return form_page(
        request,
        form,
        save=lambda data: equipment_update(
            actor=request.user, equipment=equipment, expected_version=form.loaded_version, **form.edits()
        ),
        title="修改电教设备",
        success="已保存",
        cancel_url=equipment.get_absolute_url(),
        context={
            "breadcrumbs": crumbs(_av_crumb(), (str(equipment), equipment.get_absolute_url()), ("修改", "")),
            **nav("av", "equipment"),
        },
    )


@login_required
@require_safe
def av_detail(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment(request, pk)
    editable = can_write(request.user) and in_scope(request.user, equipment.organization)
    return render(
        request,
        "training/av/equipment_detail.html",
        {
            "equipment": equipment,
            "events": list(equipment.events.select_related("created_by").order_by("happened_on", "id")),
            "editable": editable,
            "can_report": editable and bool(NEXT_EVENTS[EquipmentStatus(equipment.status)]),
            "ledger": ledger_connected(),
            "history": history_for(equipment),
            "breadcrumbs": crumbs(_av_crumb(), (str(equipment), "")),
            **nav("av", "equipment"),
        },
    )


@write_view
def av_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a breakdown, a repair or a scrapping."""
    equipment = _equipment(request, pk)
    allowed = NEXT_EVENTS[EquipmentStatus(equipment.status)]
    form = EquipmentEventForm(
        request.POST or None, allowed=allowed, initial={"happened_on": timezone.localdate()}
    )
    return form_page(
        request,
        form,
        save=lambda data: equipment_event_record(actor=request.user, equipment=equipment, **data),
        title="登记设备使用情况",
        success=lambda event: f"已登记：{event.get_kind_display()}",
        cancel_url=equipment.get_absolute_url(),
        next_url=lambda event: equipment.get_absolute_url(),
        context={
            "subtitle": f"{equipment.organization.name} · {equipment} · 当前：{equipment.get_status_display()}",
            "intro": "设备已报废的不能再登记；故障修复后登记“修复启用”。" if allowed else "该设备已报废。",
            "breadcrumbs": crumbs(
                _av_crumb(), (str(equipment), equipment.get_absolute_url()), ("使用情况", "")
            ),
            **nav("av", "equipment"),
        },
    )


@login_required
@require_safe
def av_coverage(request: HttpRequest) -> HttpResponse:
    """Which township committees and village branches had equipment in service on a day."""
    filters = CoverageFilterSet(request.GET, user=request.user)
    today = timezone.localdate()
    rows = coverage_list(user=request.user, filters=filters, today=today) if filters.valid else []
    day = filters.values.get("on") or today
    summary = {
        "township": sum(1 for r in rows if r.which == "乡镇党委"),
        "township_covered": sum(1 for r in rows if r.which == "乡镇党委" and r.covered),
        "village": sum(1 for r in rows if r.which == "村党支部"),
        "village_covered": sum(1 for r in rows if r.which == "村党支部" and r.covered),
    }
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=COVERAGE_TABLE,
        template="training/av/coverage.html",
        context={
            "day": day,
            "summary": summary,
            "breadcrumbs": crumbs(_av_crumb(), ("覆盖情况", "")),
            **nav("av", "coverage"),
        },
    )


def _check_catalogue(request: HttpRequest) -> None:
    if not may_edit_catalogue(request.user):
        raise PermissionDenied("电教片目录由县委组织部维护")


@login_required
@require_safe
def film_list_view(request: HttpRequest) -> HttpResponse:
    filters = FilmFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: film_list(user=request.user, filters=filters),
        table=FILM_TABLE,
        template="training/av/film_list.html",
        context={
            "can_edit_catalogue": may_edit_catalogue(request.user),
            "breadcrumbs": crumbs(_av_crumb(), ("电教片目录", "")),
            **nav("av", "films"),
        },
    )


@write_view
def film_new(request: HttpRequest) -> HttpResponse:
    _check_catalogue(request)
    form = FilmForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: film_create(actor=request.user, **data),
        title="添加电教片",
        success="已加入电教片目录",
        cancel_url=reverse("training:film_list"),
        next_url=lambda film: reverse("training:film_list"),
        context={
            "breadcrumbs": crumbs(_av_crumb(), ("电教片目录", reverse("training:film_list")), ("添加", "")),
            **nav("av", "films"),
        },
    )


@write_view
def film_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _check_catalogue(request)
    film = get_object_or_404(AVFilm, pk=pk)
    form = FilmForm(request.POST or None, instance=copy.copy(film))
    return form_page(
        request,
        form,
        save=lambda data: film_update(actor=request.user, film=film, **form.edits()),
        title="修改电教片",
        success="已保存",
        cancel_url=reverse("training:film_list"),
        next_url=lambda film: reverse("training:film_list"),
        context={
            "breadcrumbs": crumbs(
                _av_crumb(), ("电教片目录", reverse("training:film_list")), (str(film), "")
            ),
            **nav("av", "films"),
        },
    )


@login_required
@require_safe
def film_order_list_view(request: HttpRequest) -> HttpResponse:
    filters = FilmOrderFilterSet(request.GET, user=request.user)
    rows = film_order_list(user=request.user, filters=filters) if filters.valid else FilmOrder.objects.none()
    totals = rows.aggregate(copies=Sum("copies"), amount=Sum("amount"))
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=FILM_ORDER_TABLE,
        template="training/av/order_list.html",
        context={
            "totals": totals,
            "can_write": can_write(request.user) and may_order(request.user),
            "breadcrumbs": crumbs(_av_crumb(), ("订购发放", "")),
            **nav("av", "orders"),
        },
    )


def may_order(user: object) -> bool:
    """Films are ordered by committees (and the county, and general branches), not by branches."""
    return Organization.objects.editable_by(user).active().filter(kind__in=FilmOrderForm.org_kinds).exists()


@write_view
def film_order_new(request: HttpRequest) -> HttpResponse:
    if not may_order(request.user):
        raise PermissionDenied("电教片由党委订购，请联系所在党委")
    form = FilmOrderForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: film_order_create(
            actor=request.user,
            organization=data["organization"],
            film=data["film"],
            **{f: data[f] for f in ORDER_FIELDS},
        ),
        title="登记电教片订购",
        success="已登记订购",
        cancel_url=reverse("training:film_order_list"),
        next_url=lambda order: reverse("training:film_order_list"),
        context={
            "breadcrumbs": crumbs(
                _av_crumb(), ("订购发放", reverse("training:film_order_list")), ("登记", "")
            ),
            **nav("av", "orders"),
        },
    )


@write_view
def film_order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_visible_or_404(FilmOrder.objects.select_related("organization", "film"), request.user, pk=pk)
    form = FilmOrderForm(request.POST or None, user=request.user, instance=order)
    return form_page(
        request,
        form,
        save=lambda data: film_order_update(
            actor=request.user, order=order, expected_version=form.loaded_version, **form.edits()
        ),
        title="修改订购 / 登记发放",
        success="已保存",
        cancel_url=reverse("training:film_order_list"),
        next_url=lambda order: reverse("training:film_order_list"),
        context={
            "subtitle": f"{order.organization.name} · {order}",
            "breadcrumbs": crumbs(
                _av_crumb(), ("订购发放", reverse("training:film_order_list")), (str(order), "")
            ),
            **nav("av", "orders"),
        },
    )


urls = [
    path("av/", av_list, name="av_list"),
    path("av/new/", av_new, name="av_new"),
    path("av/<int:pk>/", av_detail, name="av_detail"),
    path("av/<int:pk>/edit/", av_edit, name="av_edit"),
    path("av/<int:pk>/status/", av_status, name="av_status"),
    path("av/coverage/", av_coverage, name="av_coverage"),
    path("av/films/", film_list_view, name="film_list"),
    path("av/films/new/", film_new, name="film_new"),
    path("av/films/<int:pk>/edit/", film_edit, name="film_edit"),
    path("av/orders/", film_order_list_view, name="film_order_list"),
    path("av/orders/new/", film_order_new, name="film_order_new"),
    path("av/orders/<int:pk>/edit/", film_order_edit, name="film_order_edit"),
]
