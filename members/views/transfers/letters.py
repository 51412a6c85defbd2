"""Pages of the 介绍信: the list and work queue, issue, record incoming, accept, receipt, void, re-issue, print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from core.access import record_access
from core.audit import history_for
from core.lists import list_page
from core.models import AccessKind
from core.scopes import can_write
from core.views import get_visible_or_404, run_service, show_notices, write_view

from ...filters import TransferFilterSet
from ...forms.transfers import (
    AcceptForm,
    IncomingTransferForm,
    ReceiptForm,
    ReissueForm,
    TransferIssueForm,
    VoidForm,
    pick_members,
)
from ...models import Member, Transfer, TransferKind
from ...models.member import age_on
from ...permissions import may_reveal_id
from ...selectors.transfers import suspended_person, transfer_list, transfer_queue
from ...services.transfers import (
    transfer_accept,
    transfer_issue,
    transfer_record_incoming,
    transfer_record_receipt,
    transfer_reissue,
    transfer_void,
)
from ...tables import TRANSFER_TABLE
from .common import crumbs, may_edit, preselected

#: Forms no longer ask for the number: the service gives the next one of the series.
LETTER_NUMBERED = "介绍信编号在开具时自动生成（本县本年度顺序编号，如：富组转〔2026〕88号）。"


@login_required
@require_safe
def transfer_list_view(request: HttpRequest) -> HttpResponse:
    filters = TransferFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: transfer_list(request.user, filters=filters),
        table=TRANSFER_TABLE,
        template="members/transfers/transfer_list.html",
        context={
            "today": dt.date.today(),
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("介绍信", "")),
        },
    )


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    work = transfer_queue(request.user, today)
    for transfer in work.overdue:
        transfer.days_overdue = (today - transfer.valid_until).days
    return render(
        request,
        "members/transfers/queue.html",
        {
            "queue": work,
            "today": today,
            "breadcrumbs": crumbs(("待办", "")),
        },
    )


@write_view
def issue(request: HttpRequest) -> HttpResponse:
    form = TransferIssueForm(request.POST or None, user=request.user, initial=preselected(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = run_service(
            form,
            lambda: transfer_issue(
                actor=request.user,
                kind=data["kind"],
                member=data["member"],
                issued_on=data["issued_on"],
                to_org=data["to_org"],
                to_external=data["to_external"],
                validity_days=data["validity_days"],
                reason=data["reason"],
                note=data["note"],
            ),
        )
        if transfer is not None:
            messages.success(request, f"已开具介绍信{transfer.letter_no}")
            return redirect(transfer)
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": "开具介绍信",
            "intro": LETTER_NUMBERED,
            "breadcrumbs": crumbs(("开具介绍信", "")),
        },
    )


@write_view
def incoming(request: HttpRequest) -> HttpResponse:
    form = IncomingTransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = run_service(
            form,
            lambda: transfer_record_incoming(
                actor=request.user,
                to_org=data["to_org"],
                letter_no=data["letter_no"],
                from_external=data["from_external"],
                issued_on=data["issued_on"],
                validity_days=data["validity_days"],
                dues_paid_until=data["dues_paid_until"],
                person=form.person(),
                reason=data["reason"],
                note=data["note"],
            ),
        )
        if transfer is not None:
            messages.success(request, f"已登记转入介绍信{transfer.letter_no}，请核对后办理接收")
            suspended = suspended_person(transfer, request.user)
            if suspended is not None:
                messages.warning(
                    request,
                    f"{suspended.name}已于{suspended.left_on:%Y-%m-%d}停止党籍：接收本介绍信即恢复其党籍，"
                    "须经支部大会讨论、上级党委批准，接收时填写批准文号",
                )
            show_notices(request, form)  # a 15-digit ID number made 18
            return redirect(transfer)
    return render(
        request,
        "members/transfers/form.html",
        {"form": form, "title": "登记县外转入", "breadcrumbs": crumbs(("登记县外转入", ""))},
    )


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_visible_or_404(
        Transfer.objects.select_related(
            "from_org", "to_org", "member", "replaces", "accepted_by", "issued_by"
        ),
        request.user,
        pk=pk,
    )


def _detail(request: HttpRequest, transfer: Transfer, **forms: Form) -> HttpResponse:
    user = request.user
    today = dt.date.today()
    pending = transfer.is_pending
    sending = transfer.to_org if transfer.kind == TransferKind.IN else transfer.from_org
    can_accept = pending and transfer.kind != TransferKind.OUT and may_edit(user, transfer.to_org)
    can_receipt = pending and transfer.kind == TransferKind.OUT and may_edit(user, transfer.from_org)
    can_void = pending and may_edit(user, sending)
    can_reissue = pending and transfer.kind != TransferKind.IN and transfer.valid_until < today and can_void
    replaced_by = Transfer.objects.filter(replaces=transfer).only("pk", "letter_no").first()
    restoring = suspended_person(transfer, user) if can_accept else None
    accept_form = AcceptForm(restoring=restoring is not None) if can_accept else None
    context = {
        "transfer": transfer,
        "today": today,
        "overdue": transfer.is_overdue_on(today),
        "replaced_by": replaced_by,
        # The page shows the masked number; the full one only on the printed letter (recorded).
        "may_print_full_id": may_reveal_id(user),
        "accept_form": forms.get("accept_form") or accept_form,
        # A suspended member (停止党籍) the letter introduces: accepting it restores them (恢复党籍).
        "restoring": restoring,
        "receipt_form": forms.get("receipt_form") or (ReceiptForm(label="回执日期") if can_receipt else None),
        "void_form": forms.get("void_form") or (VoidForm() if can_void else None),
        "can_reissue": can_reissue,
        "member_visible": transfer.member_id is not None
        and Member.objects.visible_to(user).filter(pk=transfer.member_id).exists(),
        "history": history_for(transfer),
        "breadcrumbs": crumbs((f"介绍信{transfer.letter_no}", "")),
    }
    return render(request, "members/transfers/transfer_detail.html", context)


@login_required
@require_safe
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _transfer(request, pk))


@write_view
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = AcceptForm(request.POST, restoring=suspended_person(transfer, request.user) is not None)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: transfer_accept(
                actor=request.user,
                transfer=transfer,
                day=data["day"],
                restoration_document_no=data.get("restoration_document_no", ""),
            ),
        )
        if done is not None:
            restored = " 并恢复党籍" if hasattr(done, "restoration") else ""
            messages.success(
                request,
                f"已接收：{done.person_name}的组织关系自{done.accepted_on:%Y-%m-%d}转入{done.to_org.name}{restored}",
            )
            return redirect(done)
    return _detail(request, transfer, accept_form=form)


@write_view
@require_POST
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = ReceiptForm(request.POST, label="回执日期")
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: transfer_record_receipt(
                actor=request.user, transfer=transfer, day=data["day"], note=data["note"]
            ),
        )
        if done is not None:
            messages.success(request, f"已登记回执：{done.person_name}自{done.receipt_on:%Y-%m-%d}转出县外")
            return redirect(done)
    return _detail(request, transfer, receipt_form=form)


@write_view
@require_POST
def void(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: transfer_void(
                actor=request.user, transfer=transfer, reason=form.cleaned_data["void_reason"]
            ),
        )
        if done is not None:
            messages.success(request, f"介绍信{done.letter_no}已作废")
            return redirect(done)
    return _detail(request, transfer, void_form=form)


@write_view
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = run_service(
            form,
            lambda: transfer_reissue(
                actor=request.user,
                transfer=transfer,
                issued_on=data["issued_on"],
                validity_days=data["validity_days"],
                note=data["note"],
            ),
        )
        if new is not None:
            messages.success(request, f"已重开介绍信{new.letter_no}，原介绍信{transfer.letter_no}已作废")
            return redirect(new)
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": f"重开介绍信（原{transfer.letter_no}，有效期至{transfer.valid_until:%Y-%m-%d}）",
            "intro": f"重开的介绍信使用新的编号，原介绍信{transfer.letter_no}同时作废。{LETTER_NUMBERED}",
            "cancel_url": transfer.get_absolute_url(),
            "breadcrumbs": crumbs((f"介绍信{transfer.letter_no}", transfer.get_absolute_url()), ("重开", "")),
        },
    )


@login_required
@require_safe
def transfer_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The three-part 介绍信 (存根 / 介绍信 / 回执), ready for the printer.

    The letter goes to the receiving organization and names the member by the
    full ID number, so the organization department's staff — those who may
    reveal it (``may_reveal_id``) — print it in full, and each print is a
    recorded download.  Anyone else (a branch secretary printing a working copy,
    an auditor) gets the sheet with the masked number, and nothing is recorded.
    """
    transfer = _transfer(request, pk)
    show_full_id = may_reveal_id(request.user)
    if show_full_id:
        record_access(
            request=request,
            kind=AccessKind.DOWNLOAD,
            what=f"打印介绍信{transfer.letter_no}（含{transfer.person_name}的完整公民身份号码）",
        )
    return render(
        request,
        "members/transfers/letter_print.html",
        {
            "transfer": transfer,
            "age": age_on(transfer.person_birth_date, transfer.issued_on),
            "show_full_id": show_full_id,
        },
    )


@login_required
@require_safe
def member_pick(request: HttpRequest) -> HttpResponse:
    """htmx: members in scope matching the search box, as radio buttons named ``field``."""
    field = request.GET.get("field", "member")
    if not field.isidentifier():
        field = "member"
    term = request.GET.get(f"{field}_q", "") or request.GET.get("q", "")
    return render(
        request,
        "members/transfers/widgets/member_options.html",
        {"members": pick_members(request.user, term), "field": field, "term": term.strip()},
    )


urls = [
    path("transfers/", transfer_list_view, name="transfer_list"),
    path("transfers/queue/", queue, name="transfer_queue"),
    path("transfers/issue/", issue, name="transfer_issue"),
    path("transfers/incoming/", incoming, name="transfer_incoming"),
    path("transfers/pick-member/", member_pick, name="member_pick"),
    path("transfers/<int:pk>/", transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", accept, name="transfer_accept"),
    path("transfers/<int:pk>/receipt/", receipt, name="transfer_receipt"),
    path("transfers/<int:pk>/void/", void, name="transfer_void"),
    path("transfers/<int:pk>/reissue/", reissue, name="transfer_reissue"),
    path("transfers/<int:pk>/print/", transfer_print, name="transfer_print"),
]
