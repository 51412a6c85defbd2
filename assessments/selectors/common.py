"""Helpers the assessment reads share: rates, the years offered, the organizations a page is about."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.scopes import scope_root, sees_everything
from organizations.models import Organization


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with 2 decimals from the two counts beside it (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def year_choices(today: dt.date | None = None, back: int = 5) -> list[tuple[int, str]]:
    """Next year, this year and a few before, newest first."""
    today = today or dt.date.today()
    return [(y, f"{y}年") for y in range(today.year + 1, today.year - back - 1, -1)]


def chosen_year(request: Any, default: int | None = None) -> int:
    """``?year=`` when it is a plausible year, else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default or dt.date.today().year
    today = dt.date.today()
    return year if 2000 <= year <= today.year + 1 else (default or today.year)


def home_org(user: Any) -> Organization | None:
    """The organization a page is about by default: the user's own, or the top of the tree for an administrator."""
    root = scope_root(user)
    if root is not None:
        return root
    if sees_everything(user):
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
