"""Months and quarters as dues count them: a month is its first day, or an index (year × 12 + month − 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator


def month_of(day: dt.date) -> dt.date:
    """The month holding ``day`` (its first day)."""
    return day.replace(day=1)


def index(day: dt.date) -> int:
    """A month as one integer, so runs of months are ranges."""
    return day.year * 12 + day.month - 1


def from_index(i: int) -> dt.date:
    year, month = divmod(i, 12)
    return dt.date(year, month + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``."""
    return from_index(index(month) + 1) - dt.timedelta(days=1)


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month from ``start``'s to ``end``'s, both included."""
    return [from_index(i) for i in range(index(start), index(end) + 1)]


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1–4)."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    return [first, from_index(index(first) + 1), from_index(index(first) + 2)]


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, month_end(from_index(index(first) + 2))


def quarters_between(start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    """Every (year, quarter) touching the period, in order."""
    year, quarter = quarter_of(start)
    last = quarter_of(end)
    while (year, quarter) <= last:
        yield year, quarter
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


def parse_month(text: str) -> dt.date | None:
    """``2026-07`` (or ``2026-7``, ``2026年7月``) → 2026-07-01; None for anything else."""
    text = (text or "").strip().replace("年", "-").replace("月", "").replace("/", "-")
    parts = text.split("-")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (1921 <= year <= 2200 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)
