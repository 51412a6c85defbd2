"""Member pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from partyorg.audit import history_for
from partyorg.views import get_visible_or_404, paginate

from ..models import Member


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    members = Member.objects.visible_to(request.user).current().select_related("organization")
    return render(request, "members/member_list.html", {"page_obj": paginate(request, members)})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    return render(request, "members/member_detail.html", {"member": member, "history": history_for(member)})


urls = [
    path("", member_list, name="list"),
    path("<int:pk>/", detail, name="detail"),
]
