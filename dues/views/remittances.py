"""Remittance pages: the quarter's reconciliation (对账), remitting upward, the list, voiding, the retired branches' return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.access import record_access
from core.lists import list_page
from core.models import AccessKind
from core.money import format_yuan
from core.sheets import Sheet, write_workbook
from core.views import form_page, get_visible_or_404, write_view
from core.xlsx import xlsx_response

from .. import months as m
from ..filters import RemittanceFilterSet
from ..forms import PeriodForm, ReasonForm, RemitForm, ReturnForm
from ..models import Remittance
from ..selectors.lists import remittance_list
from ..selectors.remittance import (
    Reconciliation,
    reconcile,
    reconcile_many,
    reconciliation_rows,
    retired_returns,
)
from ..services.remittances import dues_remit, dues_return_to_retired, dues_void_remittance
from ..tables import REMITTANCE_TABLE
from .common import crumbs, home_org, may_edit, org_or_404

STATEMENT_COLUMNS = (
    "党组织",
    "季度",
    "本级收缴（元）",
    "下级上缴（元）",
    "留存比例（%）",
    "留存（元）",
    "应上缴党费（元）",
    "应上缴特殊党费（元）",
    "已上缴（元）",
    "未上缴（元）",
)


def _statement_row(rec: Reconciliation) -> list[Any]:
    return [
        rec.organization.name,
        rec.label,
        rec.collected + rec.collected_special,
        rec.received + rec.received_special,
        rec.share,
        rec.retained,
        rec.due,
        rec.due_special,
        rec.remitted_total,
        rec.outstanding,
    ]


@login_required
@require_safe
def reconciliation(request: HttpRequest) -> HttpResponse:
    """A quarter's reconciliation of an organization and those directly under it; ``?format=xlsx`` the statement."""
    form = PeriodForm(request.GET or None, user=request.user)
    default = home_org(request.user)
    if default is None:
        raise Http404("未找到党组织")
    org, year, quarter = form.chosen(default)
    today = dt.date.today()
    if quarter:
        rows = reconciliation_rows(org, year, quarter)
    else:
        quarters = [q for q in (1, 2, 3, 4) if m.quarter_span(year, q)[0] <= today]
        rows = [reconcile_many([org], year, q)[0] for q in quarters]
    if request.GET.get("format") == "xlsx":
        title = f"党费上缴对账表（{org.name}{PeriodForm.months_label(year, quarter)}）"
        content = write_workbook(Sheet("党费上缴对账", STATEMENT_COLUMNS, [_statement_row(r) for r in rows]))
        record_access(request=request, kind=AccessKind.EXPORT, what=title, form=form, rows=len(rows))
        return xlsx_response(content, f"{title}.xlsx")
    for row in rows:
        row.may_remit = may_edit(request.user, row.organization) and row.outstanding > 0  # type: ignore[attr-defined]
    return render(
        request,
        "dues/reconciliation.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "quarter": quarter,
            "period_label": PeriodForm.months_label(year, quarter),
            "rows": rows,
            "query": request.GET.urlencode(),
            "breadcrumbs": crumbs(("上缴对账", "")),
        },
    )


@write_view
def remit(request: HttpRequest, code: str, year: int, quarter: int) -> HttpResponse:
    """Remit a quarter upward: the form starts from what is outstanding."""
    org = org_or_404(request, code)
    if quarter not in (1, 2, 3, 4):
        raise Http404("季度应为1至4")
    rec = reconcile(org, year, quarter)
    initial = {
        "amount": max(rec.outstanding_ordinary, 0),
        "special_amount": max(rec.outstanding_special, 0) or "",
    }
    form = RemitForm(request.POST or None, initial=initial, top=org.parent_id is None)
    back = reverse("dues:reconciliation") + f"?org={org.code}&year={year}&quarter={quarter}"
    return form_page(
        request,
        form,
        save=lambda data: dues_remit(
            actor=request.user,
            organization=org,
            year=year,
            quarter=quarter,
            amount=data["amount"],
            special_amount=data.get("special_amount") or "0",
            remitted_on=data["remitted_on"],
            to_external=data.get("to_external", ""),
            reference=data["reference"],
            note=data["note"],
        ),
        title=f"上缴党费：{org.name} {rec.label}",
        success=lambda r: f"已登记上缴{format_yuan(r.total)}元"
        + (f"，留存{format_yuan(rec.retained)}元已记入留存台账" if rec.retained else ""),
        cancel_url=back,
        next_url=lambda r: back,
        template="dues/remit.html",
        context={"org": org, "rec": rec, "breadcrumbs": crumbs(("上缴对账", back), ("上缴", ""))},
    )


@login_required
@require_safe
def remittances(request: HttpRequest) -> HttpResponse:
    filters = RemittanceFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: remittance_list(user=request.user, filters=filters),
        table=REMITTANCE_TABLE,
        template="dues/remittance_list.html",
        context={"breadcrumbs": crumbs(("上缴对账", reverse("dues:reconciliation")), ("上缴记录", ""))},
    )


@write_view
def remittance_void(request: HttpRequest, pk: int) -> HttpResponse:
    remittance = get_visible_or_404(Remittance.objects.select_related("from_org"), request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: dues_void_remittance(
            actor=request.user, remittance=remittance, reason=data["reason"]
        ),
        title=f"作废上缴记录：{remittance}",
        success="已作废",
        cancel_url=reverse("dues:remittances"),
        next_url=lambda r: reverse("dues:remittances"),
        context={
            "subnav": "dues/_subnav.html",
            "active": "remittances",
            "danger": True,
            "submit_label": "作废",
            "intro": "只用于登记错误的上缴记录；作废后该季度重新计为未上缴，已记入留存台账的留存党费同时冲正。",
            "breadcrumbs": crumbs(("上缴记录", reverse("dues:remittances")), ("作废", "")),
        },
    )


@write_view
def returns(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Return the configured share of what retired-cadre branches remitted in ``year`` (返还老干支部)."""
    org = org_or_404(request, code)
    rows = retired_returns(org, year)
    form = ReturnForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: dues_return_to_retired(
            actor=request.user, organization=org, year=year, day=data["day"]
        ),
        title=f"返还老干支部党费：{org.name} {year}年",
        success=lambda entries: f"已返还{len(entries) // 2}个老干支部，记入双方留存台账",
        cancel_url=reverse("dues:ledger") + f"?org={org.code}",
        next_url=lambda entries: reverse("dues:ledger") + f"?org={org.code}",
        template="dues/returns.html",
        context={
            "org": org,
            "year": year,
            "rows": rows,
            "to_return": sum((r.to_return for r in rows), 0),
            "breadcrumbs": crumbs(("留存台账", reverse("dues:ledger")), ("返还老干支部", "")),
        },
    )


urls = [
    path("reconciliation/", reconciliation, name="reconciliation"),
    path("remit/<str:code>/<int:year>/<int:quarter>/", remit, name="remit"),
    path("remittances/", remittances, name="remittances"),
    path("remittances/<int:pk>/void/", remittance_void, name="remittance_void"),
    path("returns/<str:code>/<int:year>/", returns, name="returns"),
]
