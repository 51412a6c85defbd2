"""What the dues pages share: the section's breadcrumbs, the organization of a URL, the user's own organization."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.scopes import can_write, in_scope, scope_root
from core.views import get_visible_or_404
from organizations.models import Organization

SECTION = "党费"


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("dues:index")), *tail]


def org_or_404(request: HttpRequest, code: str) -> Organization:
    """An organization the user may see, by its code; anything else is "not found"."""
    return get_visible_or_404(Organization.objects.all(), request.user, code=code)


def home_org(user: Any) -> Organization | None:
    """The organization a page opens on: the user's own (a superuser without one: the top of the tree)."""
    root = scope_root(user)
    if root is not None:
        return root
    return Organization.objects.filter(parent__isnull=True).order_by("path").first()


def may_edit(user: Any, org: Organization) -> bool:
    return can_write(user) and in_scope(user, org)
