"""Pages for members in motion: 介绍信 (issue, accept, receipt, void, re-issue, print), the work queue,
certificates, the 流动党员 register, leaving the Party, and lost contact with its flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.scopes import can_write, in_scope
from core.views import get_visible_or_404, paginate, run_service, write_view
from organizations.models import Organization

from ..choices import LeaveReason
from ..forms.transfers import (
    CertificateForm,
    DayForm,
    DepartureForm,
    IncomingTransferForm,
    LostContactForm,
    LostContactResolveForm,
    LostContactUpdateForm,
    MobileEndForm,
    MobileRegisterForm,
    ReceiptForm,
    ReissueForm,
    RemovalForm,
    TransferFilterForm,
    TransferIssueForm,
    VoidForm,
    pick_members,
)
from ..models import Certificate, LostContact, Member, MobileRegistration, Transfer, TransferKind
from ..models.member import age_on
from ..selectors.transfers import (
    certificate_list,
    departure_list,
    lost_contact_flag,
    lost_contact_flags,
    lost_contact_list,
    mobile_list,
    transfer_list,
    transfer_queue,
)
from ..services.transfers import (
    certificate_issue,
    lost_contact_record,
    lost_contact_resolve,
    lost_contact_update,
    member_depart,
    member_remove_after_suspension,
    mobile_end,
    mobile_register,
    transfer_accept,
    transfer_issue,
    transfer_record_incoming,
    transfer_record_receipt,
    transfer_reissue,
    transfer_void,
)

SECTION = "组织关系转接"


def may_edit(user: Any, org: Organization | None) -> bool:
    """Whether the page should offer a write that touches ``org`` (the services decide for real)."""
    return org is not None and can_write(user) and in_scope(user, org)


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("members:transfer_list")), *tail]


def preselected(request: HttpRequest) -> dict[str, Any]:
    """``?member=<pk>`` preselects the member of a form (links from the member's page)."""
    pk = request.GET.get("member", "")
    return {"member": pk} if pk.isdigit() else {}


# --- 介绍信 ---------------------------------------------------------------------


@login_required
@require_safe
def transfer_list_view(request: HttpRequest) -> HttpResponse:
    form = TransferFilterForm(request.GET or None)
    transfers = form.apply(transfer_list(request.user)) if form.is_bound else transfer_list(request.user)
    return render(
        request,
        "members/transfers/transfer_list.html",
        {
            "form": form,
            "page_obj": paginate(request, transfers),
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
                letter_no=data["letter_no"],
                issued_on=data["issued_on"],
                to_org=data["to_org"],
                to_external=data["to_external"],
                validity_days=data["validity_days"],
                dues_paid_until=data["dues_paid_until"],
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
        {"form": form, "title": "开具介绍信", "breadcrumbs": crumbs(("开具介绍信", ""))},
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
    context = {
        "transfer": transfer,
        "today": today,
        "overdue": transfer.is_overdue_on(today),
        "replaced_by": replaced_by,
        "show_full_id": can_write(user),
        "accept_form": forms.get("accept_form") or (DayForm(label="接收日期") if can_accept else None),
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
    form = DayForm(request.POST, label="接收日期")
    if form.is_valid():
        done = run_service(
            form, lambda: transfer_accept(actor=request.user, transfer=transfer, day=form.cleaned_data["day"])
        )
        if done is not None:
            messages.success(
                request,
                f"已接收：{done.person_name}的组织关系自{done.accepted_on:%Y-%m-%d}转入{done.to_org.name}",
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
                letter_no=data["letter_no"],
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
            "cancel_url": transfer.get_absolute_url(),
            "breadcrumbs": crumbs((f"介绍信{transfer.letter_no}", transfer.get_absolute_url()), ("重开", "")),
        },
    )


@login_required
@require_safe
def transfer_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The three-part 介绍信 (存根 / 介绍信 / 回执), ready for the printer."""
    transfer = _transfer(request, pk)
    return render(
        request,
        "members/transfers/letter_print.html",
        {
            "transfer": transfer,
            "age": age_on(transfer.person_birth_date, transfer.issued_on),
            "show_full_id": can_write(request.user),
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


# --- 证明信 -----------------------------------------------------------------------


@login_required
@require_safe
def certificates(request: HttpRequest) -> HttpResponse:
    items = certificate_list(request.user)
    term = request.GET.get("q", "").strip()
    if term:
        items = items.filter(member__name__icontains=term)
    return render(
        request,
        "members/transfers/certificate_list.html",
        {
            "page_obj": paginate(request, items),
            "q": term,
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
                number=data["number"],
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
    certificate = _certificate(request, pk)
    return render(
        request,
        "members/transfers/certificate_print.html",
        {"certificate": certificate, "member": certificate.member, "show_full_id": can_write(request.user)},
    )


# --- 流动党员 ---------------------------------------------------------------------


@login_required
@require_safe
def mobile(request: HttpRequest) -> HttpResponse:
    items = mobile_list(request.user)
    show = request.GET.get("show", "open")
    if show != "all":
        items = items.filter(until__isnull=True)
    return render(
        request,
        "members/transfers/mobile_list.html",
        {
            "page_obj": paginate(request, items),
            "show": show,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("流动党员", "")),
        },
    )


@write_view
def mobile_new(request: HttpRequest) -> HttpResponse:
    form = MobileRegisterForm(request.POST or None, user=request.user, initial=preselected(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = run_service(
            form,
            lambda: mobile_register(
                actor=request.user,
                member=data["member"],
                destination=data["destination"],
                contact=data["contact"],
                since=data["since"],
                work_unit=data["work_unit"],
                card_no=data["card_no"],
                note=data["note"],
            ),
        )
        if registration is not None:
            messages.success(request, f"已将{registration.member.name}登记为流动党员")
            return redirect("members:mobile_list")
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": "登记流动党员",
            "cancel_url": reverse("members:mobile_list"),
            "breadcrumbs": crumbs(("流动党员", reverse("members:mobile_list")), ("登记", "")),
        },
    )


@write_view
def mobile_return(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_visible_or_404(
        MobileRegistration.objects.select_related("member", "organization"), request.user, pk=pk
    )
    form = MobileEndForm(request.POST or None)
    if not registration.is_open:
        form.add_error(None, "该流动党员登记已结束")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: mobile_end(
                actor=request.user, registration=registration, until=data["until"], note=data["note"]
            ),
        )
        if done is not None:
            messages.success(request, f"已登记{registration.member.name}返回")
            return redirect("members:mobile_list")
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": f"流动党员返回：{registration.member.name}（{registration.destination}）",
            "cancel_url": reverse("members:mobile_list"),
            "breadcrumbs": crumbs(("流动党员", reverse("members:mobile_list")), ("登记返回", "")),
        },
    )


# --- 出党、死亡、停止党籍 ----------------------------------------------------------


@login_required
@require_safe
def departures(request: HttpRequest) -> HttpResponse:
    items = departure_list(request.user)
    reason = request.GET.get("reason", "")
    if reason in LeaveReason.values:
        items = items.filter(reason=reason)
    return render(
        request,
        "members/transfers/departure_list.html",
        {
            "page_obj": paginate(request, items),
            "reason": reason,
            "reasons": LeaveReason.choices,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("出党及党员减少", "")),
        },
    )


@write_view
def depart(request: HttpRequest) -> HttpResponse:
    form = DepartureForm(request.POST or None, user=request.user, initial=preselected(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        departure = run_service(
            form,
            lambda: member_depart(
                actor=request.user,
                member=data["member"],
                reason=data["reason"],
                day=data["day"],
                document_no=data["document_no"],
                note=data["note"],
            ),
        )
        if departure is not None:
            messages.success(
                request,
                f"已登记：{departure.member.name}于{departure.day:%Y-%m-%d}{departure.get_reason_display()}",
            )
            return redirect("members:departure_list")
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": "出党、死亡、停止党籍登记",
            "cancel_url": reverse("members:departure_list"),
            "breadcrumbs": crumbs(("出党及党员减少", reverse("members:departure_list")), ("登记", "")),
        },
    )


@write_view
def remove_suspended(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=member_pk)
    form = RemovalForm(request.POST or None)
    if member.leave_reason != LeaveReason.SUSPENDED:
        form.add_error(None, "只有已停止党籍的党员才能在此办理除名")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        departure = run_service(
            form,
            lambda: member_remove_after_suspension(
                actor=request.user,
                member=member,
                day=data["day"],
                document_no=data["document_no"],
                note=data["note"],
            ),
        )
        if departure is not None:
            messages.success(request, f"已对{member.name}作除名处理")
            return redirect("members:departure_list")
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": f"除名：{member.name}（{member.left_on:%Y-%m-%d}起停止党籍）"
            if member.left_on
            else "除名",
            "cancel_url": reverse("members:lost_contact_list"),
            "breadcrumbs": crumbs(("失联党员", reverse("members:lost_contact_list")), ("除名", "")),
        },
    )


# --- 失联党员 ---------------------------------------------------------------------


@login_required
@require_safe
def lost_contacts(request: HttpRequest) -> HttpResponse:
    items = lost_contact_list(request.user)
    show = request.GET.get("show", "open")
    if show != "all":
        items = items.filter(resolved_on__isnull=True)
    return render(
        request,
        "members/transfers/lost_contact_list.html",
        {
            "page_obj": paginate(request, items),
            "show": show,
            "today": dt.date.today(),
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("失联党员", "")),
        },
    )


@login_required
@require_safe
def flags(request: HttpRequest) -> HttpResponse:
    """Members the rules say need a decision: 限期改正, 停止党籍, 除名."""
    return render(
        request,
        "members/transfers/flags.html",
        {
            "flags": lost_contact_flags(request.user),
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("失联党员", reverse("members:lost_contact_list")), ("处置提示", "")),
        },
    )


@write_view
def lost_contact_new(request: HttpRequest) -> HttpResponse:
    form = LostContactForm(request.POST or None, user=request.user, initial=preselected(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = run_service(
            form,
            lambda: lost_contact_record(
                actor=request.user, member=data["member"], since=data["since"], measures=data["measures"]
            ),
        )
        if record is not None:
            messages.success(request, f"已登记{record.member.name}为失联党员")
            return redirect(record)
    return render(
        request,
        "members/transfers/form.html",
        {
            "form": form,
            "title": "登记失联党员",
            "cancel_url": reverse("members:lost_contact_list"),
            "breadcrumbs": crumbs(("失联党员", reverse("members:lost_contact_list")), ("登记", "")),
        },
    )


def _lost_contact(request: HttpRequest, pk: int) -> LostContact:
    return get_visible_or_404(
        LostContact.objects.select_related("member", "organization"), request.user, pk=pk
    )


def _lost_contact_detail(request: HttpRequest, record: LostContact, **forms: Form) -> HttpResponse:
    editable = record.is_open and may_edit(request.user, record.organization)
    today = dt.date.today()
    return render(
        request,
        "members/transfers/lost_contact_detail.html",
        {
            "record": record,
            "today": today,
            "flag": lost_contact_flag(record, today),
            "update_form": forms.get("update_form")
            or (
                LostContactUpdateForm(
                    initial={
                        "measures": record.measures,
                        "correction_notified_on": record.correction_notified_on,
                    }
                )
                if editable
                else None
            ),
            "resolve_form": forms.get("resolve_form") or (LostContactResolveForm() if editable else None),
            "history": history_for(record),
            "breadcrumbs": crumbs(
                ("失联党员", reverse("members:lost_contact_list")), (record.member.name, "")
            ),
        },
    )


@login_required
@require_safe
def lost_contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _lost_contact_detail(request, _lost_contact(request, pk))


@write_view
@require_POST
def lost_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _lost_contact(request, pk)
    form = LostContactUpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: lost_contact_update(
                actor=request.user,
                record=record,
                measures=data["measures"],
                correction_notified_on=data["correction_notified_on"],
            ),
        )
        if done is not None:
            messages.success(request, "已保存")
            return redirect(done)
    return _lost_contact_detail(request, record, update_form=form)


@write_view
@require_POST
def lost_contact_close(request: HttpRequest, pk: int) -> HttpResponse:
    record = _lost_contact(request, pk)
    form = LostContactResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: lost_contact_resolve(
                actor=request.user, record=record, day=data["day"], resolution=data["resolution"]
            ),
        )
        if done is not None:
            messages.success(request, f"{record.member.name}的失联记录已结束")
            return redirect(done)
    return _lost_contact_detail(request, record, resolve_form=form)


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
    path("certificates/", certificates, name="certificate_list"),
    path("certificates/new/", certificate_new, name="certificate_new"),
    path("certificates/<int:pk>/", certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/print/", certificate_print, name="certificate_print"),
    path("mobile/", mobile, name="mobile_list"),
    path("mobile/new/", mobile_new, name="mobile_new"),
    path("mobile/<int:pk>/return/", mobile_return, name="mobile_return"),
    path("leaving/", departures, name="departure_list"),
    path("leaving/new/", depart, name="departure_new"),
    path("leaving/<int:member_pk>/remove/", remove_suspended, name="departure_remove"),
    path("lost-contact/", lost_contacts, name="lost_contact_list"),
    path("lost-contact/flags/", flags, name="lost_contact_flags"),
    path("lost-contact/new/", lost_contact_new, name="lost_contact_new"),
    path("lost-contact/<int:pk>/", lost_contact_detail, name="lost_contact_detail"),
    path("lost-contact/<int:pk>/update/", lost_contact_edit, name="lost_contact_update"),
    path("lost-contact/<int:pk>/resolve/", lost_contact_close, name="lost_contact_resolve"),
]
