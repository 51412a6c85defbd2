"""Pages of 督促检查: the list, an inspection and its findings, rectification, the printable notice."""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view

from ..filters import InspectionFilterSet, RectificationFilterSet
from ..forms import FindingForm, InspectionForm, RectifyForm
from ..models import Inspection, InspectionFinding
from ..selectors.inspections import findings_of, inspection_list, notice, rectification_list
from ..services.inspections import (
    finding_add,
    finding_rectify,
    finding_update,
    inspection_create,
    inspection_update,
)
from ..tables import INSPECTION_TABLE, RECTIFICATION_TABLE
from .common import crumbs, page_context


def inspections_crumb() -> tuple[str, str]:
    return ("督促检查", reverse("assessments:inspection_list"))


@login_required
@require_safe
def inspection_list_page(request: HttpRequest) -> HttpResponse:
    filters = InspectionFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: inspection_list(user=request.user, filters=filters),
        table=INSPECTION_TABLE,
        template="assessments/inspections/inspection_list.html",
        context={"can_write": can_write(request.user), "breadcrumbs": crumbs(("督促检查", ""))},
    )


@login_required
@require_safe
def rectification_list_page(request: HttpRequest) -> HttpResponse:
    filters = RectificationFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: rectification_list(user=request.user, filters=filters),
        table=RECTIFICATION_TABLE,
        template="assessments/inspections/rectification_list.html",
        context={"today": dt.date.today(), "breadcrumbs": crumbs(inspections_crumb(), ("整改事项", ""))},
    )


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_visible_or_404(Inspection.objects.select_related("organization"), request.user, pk=pk)


@login_required
@require_safe
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    findings = list(findings_of(inspection))
    return render(
        request,
        "assessments/inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "targets": inspection.targets.order_by("path"),
            "findings": findings,
            "editable": can_write(request.user) and in_scope(request.user, inspection.organization),
            "today": dt.date.today(),
            "history": history_for(inspection),
            "breadcrumbs": crumbs(inspections_crumb(), (inspection.title, "")),
        },
    )


@write_view
def inspection_new(request: HttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: inspection_create(
            actor=request.user,
            organization=data["organization"],
            kind=data["kind"],
            title=data["title"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            inspectors=data["inspectors"],
            targets=list(data["targets"]),
            summary=data["summary"],
            notice_no=data["notice_no"],
            notice_issued_on=data["notice_issued_on"],
        ),
        title="登记督促检查",
        success="已登记检查，请逐个党组织登记检查发现",
        cancel_url=reverse("assessments:inspection_list"),
        context=page_context("inspections", inspections_crumb(), ("登记", "")),
    )


@write_view
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = InspectionForm(request.POST or None, user=request.user, instance=copy.copy(inspection))
    return form_page(
        request,
        form,
        save=lambda data: inspection_update(
            actor=request.user, inspection=inspection, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改：{inspection.title}",
        success="已保存",
        cancel_url=inspection.get_absolute_url(),
        context=page_context(
            "inspections",
            inspections_crumb(),
            (inspection.title, inspection.get_absolute_url()),
            ("修改", ""),
        ),
    )


@write_view
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = (
            inspection.targets.filter(code=request.GET["org"]).values_list("pk", flat=True).first()
        )
    form = FindingForm(request.POST or None, inspection=inspection, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: finding_add(
            actor=request.user,
            inspection=inspection,
            organization=data["organization"],
            kind=data["kind"],
            content=data["content"],
            requirement=data["requirement"],
            deadline=data["deadline"],
        ),
        title=f"登记检查发现：{inspection.title}",
        success="已登记，可继续登记下一条",
        cancel_url=inspection.get_absolute_url(),
        next_url=lambda f: reverse("assessments:finding_new", args=[inspection.pk]),
        context=page_context(
            "inspections",
            inspections_crumb(),
            (inspection.title, inspection.get_absolute_url()),
            ("登记检查发现", ""),
            intro="主要成效写入通报的“主要成效”；存在问题写入“存在问题”，需要限期整改的填写整改要求和期限，被检查党组织可登记整改情况。",
        ),
    )


def _finding(request: HttpRequest, pk: int) -> InspectionFinding:
    return get_visible_or_404(
        InspectionFinding.objects.select_related("organization", "inspection", "inspection__organization"),
        request.user,
        pk=pk,
    )


@write_view
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    if not in_scope(request.user, finding.inspection.organization):
        raise Http404(
            "未找到该记录或无权查看"
        )  # the inspected branch reports rectification, it does not edit findings
    form = FindingForm(request.POST or None, inspection=finding.inspection, instance=copy.copy(finding))
    return form_page(
        request,
        form,
        save=lambda data: finding_update(
            actor=request.user, finding=finding, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改检查发现：{finding.organization.name}",
        success="已保存",
        cancel_url=finding.get_absolute_url(),
        context=page_context(
            "inspections",
            inspections_crumb(),
            (finding.inspection.title, finding.get_absolute_url()),
            ("修改", ""),
        ),
    )


@write_view
def finding_rectify_page(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = RectifyForm(request.POST or None, finding=finding)
    return form_page(
        request,
        form,
        save=lambda data: finding_rectify(
            actor=request.user,
            finding=finding,
            rectified_on=data["rectified_on"],
            rectification=data["rectification"],
            expected_version=form.loaded_version,
        ),
        title=f"登记整改情况：{finding.organization.name}",
        success="已登记整改情况",
        cancel_url=reverse("assessments:rectification_list"),
        next_url=lambda f: reverse("assessments:rectification_list"),
        template="assessments/inspections/rectify_form.html",
        context=page_context(
            "inspections",
            inspections_crumb(),
            ("整改事项", reverse("assessments:rectification_list")),
            ("登记整改", ""),
            finding=finding,
        ),
    )


@login_required
@require_safe
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The 通报 of an inspection, generated from its findings, on A4 for printing."""
    inspection = _inspection(request, pk)
    return render(
        request,
        "assessments/inspections/notice_print.html",
        {"notice": notice(inspection), "today": dt.date.today()},
    )


urls = [
    path("inspections/", inspection_list_page, name="inspection_list"),
    path("inspections/new/", inspection_new, name="inspection_new"),
    path("inspections/rectifications/", rectification_list_page, name="rectification_list"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/findings/new/", finding_new, name="finding_new"),
    path("inspections/<int:pk>/notice/", inspection_notice, name="inspection_notice"),
    path("inspections/findings/<int:pk>/edit/", finding_edit, name="finding_edit"),
    path("inspections/findings/<int:pk>/rectify/", finding_rectify_page, name="finding_rectify"),
]
