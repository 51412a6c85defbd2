"""Organization pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partyorg.audit import history_for
from partyorg.views import get_visible_or_404

from .models import Organization


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    orgs = Organization.objects.visible_to(request.user).active()
    return render(request, "organizations/tree.html", {"orgs": orgs})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    return render(request, "organizations/detail.html", {"org": org, "history": history_for(org)})
