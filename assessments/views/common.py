"""What the assessment pages share: breadcrumbs, the sub-navigation, the organization and year a page is about."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from core.views import get_visible_or_404
from organizations.models import Organization

from ..selectors.common import chosen_year, home_org

SECTION = "考核评议"
SUBNAV = "assessments/_subnav.html"


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("assessments:index")), *tail]


def page_context(active: str, *tail: tuple[str, str], **extra: Any) -> dict[str, Any]:
    """The context of a form page: the sub-navigation tab and the breadcrumbs."""
    return {"subnav": SUBNAV, "active": active, "breadcrumbs": crumbs(*tail), **extra}


def org_or_404(request: HttpRequest, code: str) -> Organization:
    return get_visible_or_404(Organization.objects.all(), request.user, code=code)


def chosen_org(request: HttpRequest) -> Organization:
    """``?org=<code>`` in the user's scope, else the user's own organization."""
    code = request.GET.get("org")
    if code:
        return org_or_404(request, code)
    org = home_org(request.user)
    if org is None:
        raise Http404("未找到该党组织")
    return org


__all__ = ["chosen_year", "crumbs", "chosen_org", "org_or_404", "page_context"]
