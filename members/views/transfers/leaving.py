"""Pages of leaving the Party roll: the list, 出党/死亡/停止党籍, 除名 after a suspension, and 恢复党籍."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.dates import add_months
from core.lists import list_page
from core.scopes import can_write
from core.views import form_page, get_visible_or_404, run_service, write_view
from organizations.rules import get_rule

from ...choices import LeaveReason
from ...filters import DepartureFilterSet
from ...forms.transfers import DepartureForm, RemovalForm, RestorationForm
from ...models import Member
from ...selectors.transfers import departure_list
from ...services.transfers import member_depart, member_remove_after_suspension, member_restore
from ...tables import DEPARTURE_TABLE
from .common import crumbs, preselected


@login_required
@require_safe
def departures(request: HttpRequest) -> HttpResponse:
    filters = DepartureFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: departure_list(request.user, filters=filters),
        table=DEPARTURE_TABLE,
        template="members/transfers/departure_list.html",
        context={
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
    """除名 of a member suspended the rule's 2 years ago who still cannot be reached (第24条)."""
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=member_pk)
    form = RemovalForm(request.POST or None)
    if member.leave_reason == LeaveReason.SUSPENDED:
        months = int(get_rule("suspension_removal_months"))
        intro = (
            f"{member.name}于{member.left_on:%Y-%m-%d}停止党籍。停止党籍满{months}个月"
            f"（{add_months(member.left_on, months):%Y-%m-%d}）后仍无法取得联系的，按照规定予以除名。"
        )
    else:
        intro = "只有已停止党籍的党员才能在此办理除名。"  # the service refuses anything else too
    return form_page(
        request,
        form,
        save=lambda data: member_remove_after_suspension(
            actor=request.user,
            member=member,
            day=data["day"],
            document_no=data["document_no"],
            note=data["note"],
        ),
        title=f"除名：{member.name}",
        success=f"已对{member.name}作除名处理",
        cancel_url=member.get_absolute_url(),
        next_url=lambda departure: reverse("members:departure_list"),
        context={
            "intro": intro,
            "danger": True,
            "submit_label": "确认除名",
            "breadcrumbs": crumbs(("失联党员", reverse("members:lost_contact_list")), ("除名", "")),
        },
    )


@write_view
def restore_suspended(request: HttpRequest, member_pk: int) -> HttpResponse:
    """恢复党籍 of a member whose 党籍 was suspended and who came back (第24条)."""
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=member_pk)
    form = RestorationForm(request.POST or None, user=request.user)
    if member.leave_reason == LeaveReason.SUSPENDED:
        intro = (
            f"{member.name}于{member.left_on:%Y-%m-%d}停止党籍（{member.organization.name}）。"
            "停止党籍后本人主动与党组织取得联系、要求恢复党籍的，经党支部审查、支部大会讨论，"
            "报上级党委批准，可以恢复党籍；恢复党籍在党员增减统计中计入“恢复党籍”。"
        )
    else:
        intro = "只有停止党籍的党员才能恢复党籍。"  # the service refuses anything else too
    return form_page(
        request,
        form,
        save=lambda data: member_restore(
            actor=request.user,
            member=member,
            day=data["day"],
            document_no=data["document_no"],
            note=data["note"],
            organization=data["organization"],
        ),
        title=f"恢复党籍：{member.name}",
        success=lambda restoration: f"已为{member.name}恢复党籍（{restoration.day:%Y-%m-%d}）",
        cancel_url=member.get_absolute_url(),
        next_url=lambda restoration: member.get_absolute_url(),
        context={
            "intro": intro,
            "submit_label": "确认恢复党籍",
            "breadcrumbs": [
                ("党员名册", reverse("members:list")),
                (member.name, member.get_absolute_url()),
                ("恢复党籍", ""),
            ],
        },
    )


urls = [
    path("leaving/", departures, name="departure_list"),
    path("leaving/new/", depart, name="departure_new"),
    path("leaving/<int:member_pk>/remove/", remove_suspended, name="departure_remove"),
    path("leaving/<int:member_pk>/restore/", restore_suspended, name="member_restore"),
]
