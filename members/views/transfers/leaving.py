"""Pages of leaving the Party roll: the list, 出党/死亡/停止党籍, and 除名 after a suspension."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.lists import list_page
from core.scopes import can_write
from core.views import get_visible_or_404, run_service, write_view

from ...choices import LeaveReason
from ...filters import DepartureFilterSet
from ...forms.transfers import DepartureForm, RemovalForm
from ...models import Member
from ...selectors.transfers import departure_list
from ...services.transfers import member_depart, member_remove_after_suspension
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


urls = [
    path("leaving/", departures, name="departure_list"),
    path("leaving/new/", depart, name="departure_new"),
    path("leaving/<int:member_pk>/remove/", remove_suspended, name="departure_remove"),
]
