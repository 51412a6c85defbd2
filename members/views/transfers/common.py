"""What the pages of members in motion share: the section's breadcrumbs, the member preselection, may_edit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.scopes import can_write, in_scope
from organizations.models import Organization

SECTION = "组织关系转接"


def may_edit(user: Any, org: Organization | None) -> bool:
    """Whether the page should offer a write that touches ``org`` (the services decide for real)."""
    return org is not None and can_write(user) and in_scope(user, org)


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("members:transfer_list")), *tail]


def preselected(request: HttpRequest) -> dict[str, Any]:
    """``?member=<pk>`` preselects the member of a form (links from the member's page)."""
    pk = request.GET.get("member", "")
    return {"member": pk} if pk.isdigit() else {}
