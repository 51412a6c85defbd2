"""Pages of the 流动党员 register: list, register, return."""

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

from ...filters import MobileFilterSet
from ...forms.transfers import MobileEndForm, MobileRegisterForm
from ...models import MobileRegistration
from ...selectors.transfers import mobile_list
from ...services.transfers import mobile_end, mobile_register
from ...tables import MOBILE_TABLE
from .common import crumbs, preselected


@login_required
@require_safe
def mobile(request: HttpRequest) -> HttpResponse:
    filters = MobileFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: mobile_list(request.user, filters=filters),
        table=MOBILE_TABLE,
        template="members/transfers/mobile_list.html",
        context={
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


urls = [
    path("mobile/", mobile, name="mobile_list"),
    path("mobile/new/", mobile_new, name="mobile_new"),
    path("mobile/<int:pk>/return/", mobile_return, name="mobile_return"),
]
