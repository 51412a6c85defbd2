"""Project-level pages: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the user's scope and where to go next."""
    from organizations.selectors import scope_overview

    return render(request, "home.html", {"overview": scope_overview(request.user)})
