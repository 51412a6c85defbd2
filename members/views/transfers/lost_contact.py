"""Pages of 失联党员: list, decision flags, record, detail, update, resolve."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write
from core.views import get_visible_or_404, run_service, write_view

from ...filters import LostContactFilterSet
from ...forms.transfers import LostContactForm, LostContactResolveForm, LostContactUpdateForm
from ...models import LostContact
from ...selectors.transfers import lost_contact_flag, lost_contact_flags, lost_contact_list
from ...services.transfers import lost_contact_record, lost_contact_resolve, lost_contact_update
from ...tables import LOST_CONTACT_TABLE
from .common import crumbs, may_edit, preselected


@login_required
@require_safe
def lost_contacts(request: HttpRequest) -> HttpResponse:
    filters = LostContactFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: lost_contact_list(request.user, filters=filters),
        table=LOST_CONTACT_TABLE,
        template="members/transfers/lost_contact_list.html",
        context={
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
            or (LostContactUpdateForm(record=record) if editable else None),
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
    form = LostContactUpdateForm(request.POST, record=record)
    if form.is_valid():
        done = run_service(
            form,
            lambda: lost_contact_update(
                actor=request.user, record=record, expected_version=form.loaded_version, **form.edits()
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
    path("lost-contact/", lost_contacts, name="lost_contact_list"),
    path("lost-contact/flags/", flags, name="lost_contact_flags"),
    path("lost-contact/new/", lost_contact_new, name="lost_contact_new"),
    path("lost-contact/<int:pk>/", lost_contact_detail, name="lost_contact_detail"),
    path("lost-contact/<int:pk>/update/", lost_contact_edit, name="lost_contact_update"),
    path("lost-contact/<int:pk>/resolve/", lost_contact_close, name="lost_contact_resolve"),
]
