"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from core.scopes import can_write

#: The main navigation.  Each app plugs in by providing the URL name; an
#: entry whose URL does not exist yet is simply not shown.
NAV_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    # (label, url name, url namespace that marks it active, icon)
    ("首页", "home", "home", "bi-house"),
    ("组织", "organizations:tree", "organizations", "bi-diagram-3"),
    ("党员", "members:list", "members", "bi-people"),
    ("党费", "dues:index", "dues", "bi-cash-coin"),
    ("教育培训", "training:index", "training", "bi-journal-text"),
    ("考核评议", "assessments:index", "assessments", "bi-clipboard-check"),
    ("统计报表", "reports:index", "reports", "bi-bar-chart"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = (match.namespace or match.url_name) if match else ""
    items = []
    for label, url_name, namespace, icon in NAV_ITEMS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": current == namespace, "icon": icon})
    return {"nav_items": items, "user_can_write": can_write(request.user)}
