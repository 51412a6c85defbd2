"""Pages of the 党员身份证明: list, issue, detail, print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.access import record_access
from core.audit import history_for
from core.lists import list_page
from core.models import AccessKind
from core.scopes import can_write
from core.views import get_visible_or_404, run_service, write_view

from ...filters import CertificateFilterSet
from ...forms.transfers import CertificateForm
from ...models import Certificate
from ...permissions import may_reveal_id
from ...selectors.transfers import certificate_list
from ...services.transfers import certificate_issue
from ...tables import CERTIFICATE_TABLE
from .common import crumbs, preselected


@login_required
@require_safe
def certificates(request: HttpRequest) -> HttpResponse:
    filters = CertificateFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: certificate_list(request.user, filters=filters),
        table=CERTIFICATE_TABLE,
        template="members/transfers/certificate_list.html",
        context={
            "can_write": can_write(request.user),
            "today": dt.date.today(),
            "breadcrumbs": crumbs(("党员身份证明", "")),
        },
    )


@write_view
def certificate_new(request: HttpRequest) -> HttpResponse:
    form = CertificateForm(request.POST or None, user=request.user, initial=preselected(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        certificate = run_service(
            form,
            lambda: certificate_issue(
                actor=request.user,
                member=data["member"],
                issued_on=data["issued_on"],
                destination=data["destination"],
                reason=data["reason"],
                valid_until=data["valid_until"],
            ),
        )
        if certificate is not None:
            messages.success(request, f"已出具党员身份证明{certificate.number}")
            return redirect(certificate)
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": "出具党员身份证明",
            "intro": "证明编号在出具时自动生成（本县本年度顺序编号，如：富组证〔2026〕5号）。",
            "cancel_url": reverse("members:certificate_list"),
            "breadcrumbs": crumbs(("党员身份证明", reverse("members:certificate_list")), ("出具", "")),
        },
    )


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    return get_visible_or_404(
        Certificate.objects.select_related("member", "organization", "issued_by"), request.user, pk=pk
    )


@login_required
@require_safe
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    return render(
        request,
        "members/transfers/certificate_detail.html",
        {
            "certificate": certificate,
            "history": history_for(certificate),
            "breadcrumbs": crumbs(
                ("党员身份证明", reverse("members:certificate_list")), (certificate.number, "")
            ),
        },
    )


@login_required
@require_safe
def certificate_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The 党员身份证明 for the printer: the full ID number for ``may_reveal_id`` users, recorded (see transfer_print)."""
    certificate = _certificate(request, pk)
    show_full_id = may_reveal_id(request.user)
    if show_full_id:
        record_access(
            request=request,
            kind=AccessKind.DOWNLOAD,
            what=f"打印党员身份证明{certificate.number}（含{certificate.member.name}的完整公民身份号码）",
        )
    return render(
        request,
        "members/transfers/certificate_print.html",
        {"certificate": certificate, "member": certificate.member, "show_full_id": show_full_id},
    )


urls = [
    path("certificates/", certificates, name="certificate_list"),
    path("certificates/new/", certificate_new, name="certificate_new"),
    path("certificates/<int:pk>/", certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/print/", certificate_print, name="certificate_print"),
]
