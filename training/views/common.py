"""What every training page shares: the area's tabs and breadcrumbs, the photo/delete helpers."""

from __future__ import annotations

from django.urls import reverse

SECTION = "教育培训"

#: (key, label, url name, icon): the area's tabs (training/_subnav.html).
TABS = (
    ("index", "概览", "training:index", "bi-speedometer2"),
    ("sessions", "培训", "training:session_list", "bi-mortarboard"),
    ("hours", "培训学时", "training:hours", "bi-hourglass-split"),
    ("lectures", "讲党课", "training:lecture_list", "bi-easel"),
    ("av", "电化教育", "training:av_list", "bi-tv"),
    ("meetings", "三会一课", "training:meeting_list", "bi-journal-check"),
    ("publications", "党刊征订", "training:subscription_list", "bi-newspaper"),
)

#: Second-level tabs inside an area: area → (key, label, url name).
SUBTABS = {
    "sessions": (
        ("list", "培训登记", "training:session_list"),
        ("register", "参训记录", "training:attendance_list"),
    ),
    "hours": (
        ("members", "党员学时", "training:hours"),
        ("branches", "按组织汇总", "training:hours_branches"),
    ),
    "av": (
        ("equipment", "电教设备", "training:av_list"),
        ("coverage", "覆盖情况", "training:av_coverage"),
        ("films", "电教片目录", "training:film_list"),
        ("orders", "订购发放", "training:film_order_list"),
    ),
    "meetings": (
        ("records", "会议记录", "training:meeting_list"),
        ("compliance", "开展情况", "training:compliance"),
        ("days", "党员活动日", "training:activity_day_list"),
    ),
}


def nav(area: str, sub: str = "") -> dict[str, object]:
    """The template context of the area's tabs: ``{% include "training/_subnav.html" %}``."""
    return {
        "tabs": [(key, label, reverse(name), icon) for key, label, name, icon in TABS],
        "active": area,
        "subtabs": [(key, label, reverse(name)) for key, label, name in SUBTABS.get(area, ())],
        "subactive": sub,
        "subnav": "training/_subnav.html",
    }


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("training:index")), *tail]
