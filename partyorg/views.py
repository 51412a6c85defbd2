"""Project-level pages: the home page (工作台)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.scopes import can_write
from organizations.selectors import scope_overview
from organizations.todos import collect_todos


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The 工作台: what waits for this user in their scope, with links to where it is done.

    The to-dos come from every app's registered provider
    (``organizations.todos``); a new app adds its own without touching this view.
    """
    groups = collect_todos(request.user, timezone.localdate())
    writer = can_write(request.user)
    return render(
        request,
        "home.html",
        {
            "overview": scope_overview(request.user),
            "groups": groups,
            "waiting": sum(group.total for group in groups),
            "actions": [action for group in groups for action in group.actions] if writer else [],
        },
    )
