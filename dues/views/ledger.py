"""The retained-dues ledger (留存党费台账): the list with its running balance, an entry, a reversal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.lists import list_page
from core.money import format_yuan, round_yuan
from core.views import form_page, get_visible_or_404, write_view

from ..filters import LedgerFilterSet
from ..forms import LedgerEntryForm, ReasonForm
from ..models import RetainedFundEntry
from ..selectors.lists import ledger_list, ledger_owner
from ..services.ledger import ledger_record, ledger_reverse
from ..tables import LEDGER_TABLE
from .common import crumbs, may_edit


@login_required
@require_safe
def ledger(request: HttpRequest) -> HttpResponse:
    filters = LedgerFilterSet(request.GET, user=request.user)
    today = dt.date.today()
    owner = ledger_owner(request.user, filters) if filters.valid else None
    balance = (
        RetainedFundEntry.objects.filter(organization=owner).aggregate(total=Sum("amount"))["total"]
        if owner is not None
        else None
    )

    def prepare(rows: Any) -> None:
        for row in rows:
            row.balance = round_yuan(row.balance)  # SQLite sums money as floats: back to the cent

    return list_page(
        request,
        filters=filters,
        rows=lambda: ledger_list(user=request.user, filters=filters),
        table=LEDGER_TABLE,
        template="dues/ledger.html",
        prepare=prepare,
        context={
            "owner": owner,
            "balance": round_yuan(balance or Decimal("0")),
            "editable": owner is not None and may_edit(request.user, owner),
            # The return to retired-cadre branches is made at year end: December's, else last year's.
            "return_year": today.year if today.month == 12 else today.year - 1,
            "breadcrumbs": crumbs(("留存台账", "")),
        },
    )


@write_view
def ledger_new(request: HttpRequest) -> HttpResponse:
    form = LedgerEntryForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: ledger_record(
            actor=request.user,
            organization=data["organization"],
            entry_on=data["entry_on"],
            purpose=data["purpose"],
            amount=data["amount"],
            description=data["description"],
            document_no=data["document_no"],
        ),
        title="登记留存党费收支",
        success=lambda e: f"已登记{e.get_purpose_display()}{format_yuan(abs(e.amount))}元",
        cancel_url=reverse("dues:ledger"),
        context={
            "subnav": "dues/_subnav.html",
            "active": "ledger",
            "intro": "留存党费用于电教设备、慰问困难党员、培训资料等。台账只增不改：登记错误的用“冲正”更正。"
            "按比例留存的党费在上缴时自动记账；从留存党费列支的走访慰问在登记慰问金时自动记账。",
            "breadcrumbs": crumbs(("留存台账", reverse("dues:ledger")), ("登记收支", "")),
        },
    )


@write_view
def ledger_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(RetainedFundEntry.objects.select_related("organization"), request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    back = reverse("dues:ledger") + f"?org={entry.organization.code}"
    return form_page(
        request,
        form,
        save=lambda data: ledger_reverse(actor=request.user, entry=entry, reason=data["reason"]),
        title=f"冲正：{entry}",
        success="已登记冲正记录，原记录保留",
        cancel_url=back,
        next_url=lambda e: back,
        context={
            "subnav": "dues/_subnav.html",
            "active": "ledger",
            "danger": True,
            "submit_label": "冲正",
            "intro": "冲正会新增一条金额相反的记录，原记录不修改、不删除。",
            "breadcrumbs": crumbs(("留存台账", back), ("冲正", "")),
        },
    )


urls = [
    path("ledger/", ledger, name="ledger"),
    path("ledger/new/", ledger_new, name="ledger_new"),
    path("ledger/<int:pk>/reverse/", ledger_reverse_view, name="ledger_reverse"),
]
