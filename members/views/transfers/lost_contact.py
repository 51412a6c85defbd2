"""Pages of 失联党员: list, decision flags, record, detail, update, resolve, and 停止党籍 after six months."""

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
from core.dates import add_months
from core.lists import list_page
from core.scopes import can_write
from core.views import form_page, get_visible_or_404, run_service, write_view
from organizations.rules import get_rule, rules_in_force

from ...choices import MemberStatus
from ...filters import LostContactFilterSet
from ...forms.transfers import LostContactForm, LostContactResolveForm, LostContactUpdateForm, SuspensionForm
from ...models import LostContact
from ...selectors.transfers import FLAG_RULES, lost_contact_flag, lost_contact_flags, lost_contact_list
from ...services.transfers import (
    lost_contact_record,
    lost_contact_resolve,
    lost_contact_suspend,
    lost_contact_update,
)
from ...services.transfers.lost_contact import NOT_FOR_PROBATIONARY, suspension_due_on
from ...tables import LOST_CONTACT_TABLE
from .common import crumbs, may_edit, preselected


@login_required
@require_safe
def lost_contacts(request: HttpRequest) -> HttpResponse:
    filters = LostContactFilterSet(request.GET, user=request.user)
    today = dt.date.today()
    rules = rules_in_force(*FLAG_RULES)
    return list_page(
        request,
        filters=filters,
        rows=lambda: lost_contact_list(request.user, filters=filters),
        table=LOST_CONTACT_TABLE,
        template="members/transfers/lost_contact_list.html",
        context={
            "today": today,
            "suspension_months": rules["lost_contact_suspension_months"],
            "removal_months": rules["suspension_removal_months"],
            # open records lost since this day or earlier are due for 停止党籍 (as the flags count)
            "suspension_from": add_months(today, -rules["lost_contact_suspension_months"]),
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("失联党员", "")),
        },
    )


@login_required
@require_safe
def flags(request: HttpRequest) -> HttpResponse:
    """Members the rules say need a decision: 停止党籍 (a 预备党员: 取消预备资格), then 除名."""
    rules = rules_in_force(*FLAG_RULES)
    return render(
        request,
        "members/transfers/flags.html",
        {
            "flags": lost_contact_flags(request.user, rules=rules),
            "suspension_months": rules["lost_contact_suspension_months"],
            "removal_months": rules["suspension_removal_months"],
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
    months = int(get_rule("lost_contact_suspension_months"))
    return render(
        request,
        "members/transfers/lost_contact_detail.html",
        {
            "record": record,
            "today": today,
            "flag": lost_contact_flag(record, today, months=months),
            "may_suspend": editable,
            "suspension_months": months,
            "suspension_due_on": suspension_due_on(record, months),
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


@write_view
def lost_contact_suspension(request: HttpRequest, pk: int) -> HttpResponse:
    """停止党籍 of a member lost for the rule's months and still not reachable (第24条)."""
    record = _lost_contact(request, pk)
    member = record.member
    form = SuspensionForm(request.POST or None)
    months = int(get_rule("lost_contact_suspension_months"))
    intro = (
        f"{member.name}自{record.since:%Y-%m-%d}失去联系。按照《中国共产党党员教育管理工作条例》，"
        f"失去联系满{months}个月、经多方查找仍无法取得联系的，由党支部提出停止其党籍的意见，"
        "报上级党委批准；停止党籍后本人主动与党组织取得联系的，可以恢复党籍，满两年仍无法取得联系的予以除名。"
    )
    if not record.is_open:
        intro = "该失联记录已结束，不能再办理停止党籍。"
    elif member.status == MemberStatus.PROBATIONARY:
        intro = NOT_FOR_PROBATIONARY  # the service refuses it too
    return form_page(
        request,
        form,
        save=lambda data: lost_contact_suspend(
            actor=request.user,
            record=record,
            day=data["day"],
            document_no=data["document_no"],
            note=data["note"],
        ),
        title=f"停止党籍：{member.name}",
        success=lambda departure: f"已对{member.name}作停止党籍处理（{departure.day:%Y-%m-%d}）",
        cancel_url=record.get_absolute_url(),
        next_url=lambda departure: member.get_absolute_url(),
        context={
            "intro": intro,
            "danger": True,
            "submit_label": "确认停止党籍",
            "breadcrumbs": crumbs(
                ("失联党员", reverse("members:lost_contact_list")),
                (member.name, record.get_absolute_url()),
                ("停止党籍", ""),
            ),
        },
    )


urls = [
    path("lost-contact/", lost_contacts, name="lost_contact_list"),
    path("lost-contact/flags/", flags, name="lost_contact_flags"),
    path("lost-contact/new/", lost_contact_new, name="lost_contact_new"),
    path("lost-contact/<int:pk>/", lost_contact_detail, name="lost_contact_detail"),
    path("lost-contact/<int:pk>/update/", lost_contact_edit, name="lost_contact_update"),
    path("lost-contact/<int:pk>/resolve/", lost_contact_close, name="lost_contact_resolve"),
    path("lost-contact/<int:pk>/suspend/", lost_contact_suspension, name="lost_contact_suspend"),
]
