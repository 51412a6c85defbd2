"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from core.access import may_view_access_records
from core.scopes import can_write, scope_root, sees_everything

#: The main navigation.  Each app plugs in by providing the URL name; an
#: entry whose URL does not exist yet (dues, training, … before their apps
#: have pages) is simply not shown, nor is any area to a user without a scope.
NAV_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    # (label, url name, url namespace that marks it active, icon)
    ("工作台", "home", "home", "bi-house"),
    ("组织", "organizations:tree", "organizations", "bi-diagram-3"),
    ("党员", "members:list", "members", "bi-people"),
    ("党费", "dues:index", "dues", "bi-cash-coin"),
    ("教育培训", "training:index", "training", "bi-journal-text"),
    ("考核评议", "assessments:index", "assessments", "bi-clipboard-check"),
    ("数据导入", "imports:index", "imports", "bi-file-earmark-arrow-up"),
    ("统计报表", "reports:index", "reports", "bi-bar-chart"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = (match.namespace or match.url_name) if match else ""
    items = []
    # A user bound to no organization has no area to use: only 首页, which says so.
    has_scope = sees_everything(request.user) or scope_root(request.user) is not None
    for label, url_name, namespace, icon in NAV_ITEMS:
        if url_name != "home" and not has_scope:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": current == namespace, "icon": icon})
    return {
        "nav_items": items,
        "user_can_write": can_write(request.user),
        "may_view_access_records": may_view_access_records(request.user),
    }
