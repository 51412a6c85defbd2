"""Calendar arithmetic every app shares: months, years, ages, working days."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .holidays import WorkCalendar


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February falls back to the 28th)."""
    return add_months(day, 12 * years)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    return add_months(day, -12 * years)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def working_days(start: dt.date, end: dt.date, *, calendar: WorkCalendar | None = None) -> int:
    """Working days from ``start`` to ``end``, both included, by the national holiday calendar.

    Raises :class:`core.holidays.HolidaysMissing` (a ValidationError) for a
    year the holiday table does not cover.  Pass one ``calendar`` to ask many
    questions for one query per range of years.
    """
    from .holidays import WorkCalendar

    return (calendar or WorkCalendar()).working_days(start, end)


def add_working_days(day: dt.date, count: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The ``count``-th working day after ``day`` (before it when negative), by the national holiday calendar."""
    from .holidays import WorkCalendar

    return (calendar or WorkCalendar()).add_working_days(day, count)
