"""The monthly grid (党费收缴登记): an organization's members × months, one save; and the printed receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.money import format_yuan
from core.views import form_page, get_visible_or_404, write_view

from .. import months as m
from ..forms import GridSaveForm
from ..models import DuesPayment
from ..selectors.grid import dues_grid
from ..services.payments import dues_record_payments
from .common import crumbs, org_or_404


def _year(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _saved(payments: list[DuesPayment]) -> str:
    people = {p.member_id for p in payments}
    receipts = sorted({p.receipt_no for p in payments})
    total = sum((p.amount for p in payments), Decimal("0"))
    numbers = receipts[0] if len(receipts) == 1 else f"{receipts[0]}至{receipts[-1]}"
    return f"已登记{len(people)}名党员{len(payments)}个月的党费，共{format_yuan(total)}元；收据编号{numbers}"


def _month_choices(sheet: Any) -> list[tuple[str, str, bool]]:
    """The months (or quarters) the grid may prefill: (value, label, chosen)."""
    if sheet.quarterly:
        return [
            (
                f"{sheet.year}-{3 * q - 2:02d}",
                f"{m.quarter_label(sheet.year, q)[5:]}（{3 * q - 2}—{3 * q}月）",
                sheet.collecting[0].month == 3 * q - 2,
            )
            for q in (1, 2, 3, 4)
        ]
    return [(f"{month:%Y-%m}", f"{month.month}月", month in sheet.collecting) for month in sheet.months]


@write_view
def grid(request: HttpRequest, code: str) -> HttpResponse:
    """Record a month's (or a quarter's) dues for the whole organization on one screen."""
    org = org_or_404(request, code)
    today = dt.date.today()
    year = _year(request, today)
    collect = m.parse_month(request.GET.get("month", ""))
    if collect is not None and collect.year != year:
        collect = None
    sheet = dues_grid(org, year, collect=collect, today=today)
    form = GridSaveForm(request.POST or None, grid=sheet)
    return form_page(
        request,
        form,
        save=lambda data: dues_record_payments(
            actor=request.user,
            organization=org,
            entries=data["entries"],
            paid_on=data["paid_on"],
            note=data["note"],
        ),
        title=f"{org.name} {year}年党费收缴登记",
        success=_saved,
        cancel_url=reverse("dues:index"),
        next_url=lambda payments: request.get_full_path(),
        template="dues/grid.html",
        context={
            "org": org,
            "grid": sheet,
            "years": list(range(today.year + 1, today.year - 6, -1)),
            "month_choices": _month_choices(sheet),
            "collect_label": "、".join(f"{c.month}月" for c in sheet.collecting),
            "breadcrumbs": crumbs(("收缴登记", "")),
        },
    )


@login_required
@require_safe
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The printed receipt (党费收据) of one payment and every month it was handed over with."""
    payment = get_visible_or_404(
        DuesPayment.objects.select_related("organization", "member"), request.user, pk=pk
    )
    lines = list(
        DuesPayment.objects.filter(
            organization=payment.organization,
            receipt_no=payment.receipt_no,
            paid_on__year=payment.paid_on.year,
        )
        .select_related("member", "recorded_by")
        .order_by("month", "id")
    )
    live = [p for p in lines if p.voided_on is None]
    return render(
        request,
        "dues/receipt.html",
        {
            "payment": payment,
            "lines": lines,
            "total": sum((p.amount for p in live), Decimal("0")),
            "breadcrumbs": crumbs(("交纳记录", reverse("dues:payments")), (f"收据{payment.receipt_no}", "")),
        },
    )


urls = [
    path("grid/<str:code>/", grid, name="grid"),
    path("payments/<int:pk>/receipt/", receipt, name="receipt"),
]
