"""Working days by the national holiday calendar (节假日安排, with its 调休 weekends).

The ``Holiday`` table holds only the days the State Council's schedule moves:
a day off (法定节假日) or a weekend day made a working day (调休上班).  Every
other day is a working day when it is Monday to Friday.  A year is *covered*
when the table has at least one row in it; a date in a year that is not
covered is refused with :class:`HolidaysMissing` rather than guessed, because
a 公示 counted over an unknown 国庆 would be wrong without anyone noticing.

The table is seeded from the maintained ``chinesecalendar`` package by a data
migration and refreshed with ``manage.py sync_holidays`` after an upgrade.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Holiday, HolidayKind

#: The first year the package (and so the seed) covers.
FIRST_YEAR = 2004

#: The package's English names, in Chinese; a name it adds later is kept as it comes.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class HolidaysMissing(ValidationError):
    """A date falls in a year whose holiday schedule is not in the table."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入，请管理员在“节假日”中补充后再试",
            code="holidays_missing",
        )


class WorkCalendar:
    """The holiday table, read one query per range of years and kept for the calendar's life.

    Build one per request (or per generated data set) and ask it as many
    questions as needed; no question costs a query per day.  ``lenient``
    treats a year that is not covered as Monday to Friday: only for generated
    demo data, never for a rule a user is held to.
    """

    def __init__(self, *, lenient: bool = False) -> None:
        self.lenient = lenient
        self._loaded: set[int] = set()
        self._covered: set[int] = set()
        self._days_off: set[dt.date] = set()
        self._workdays: set[dt.date] = set()

    def load(self, first: dt.date, last: dt.date) -> WorkCalendar:
        """Read the rows of every year from ``first``'s to ``last``'s that are not read yet (one query)."""
        wanted = [y for y in range(first.year, last.year + 1) if y not in self._loaded]
        if not wanted:
            return self
        low, high = dt.date(min(wanted), 1, 1), dt.date(max(wanted), 12, 31)
        rows = Holiday.objects.filter(day__range=(low, high)).values_list("day", "kind")
        for day, kind in rows:
            self._covered.add(day.year)
            (self._workdays if kind == HolidayKind.WORKDAY else self._days_off).add(day)
        self._loaded.update(range(low.year, high.year + 1))
        return self

    def check_covered(self, first: dt.date, last: dt.date) -> None:
        """Refuse (HolidaysMissing) when a year from ``first``'s to ``last``'s is not in the table."""
        self.load(first, last)
        if self.lenient:
            return
        for year in range(first.year, last.year + 1):
            if year not in self._covered:
                raise HolidaysMissing(year)

    def _works(self, day: dt.date) -> bool:
        if day in self._workdays:
            return True
        return day.weekday() < 5 and day not in self._days_off

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day: Monday to Friday and not a holiday, or a 调休 weekend day."""
        self.check_covered(day, day)
        return self._works(day)

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``, both included (0 when ``end`` is earlier)."""
        if end < start:
            return 0
        self.check_covered(start, end)
        count = _monday_to_friday(start, end)
        count -= sum(1 for d in self._days_off if start <= d <= end and d.weekday() < 5)
        count += sum(1 for d in self._workdays if start <= d <= end and d.weekday() >= 5)
        return count

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (before it when negative); ``day`` itself when 0.

        A 公示 of N working days posted on S ends on ``add_working_days(S - 1 day, N)``.
        """
        step = dt.timedelta(days=1 if count > 0 else -1)
        left, year = abs(count), None
        while left:
            day += step
            if day.year != year:
                self.check_covered(day, day)
                year = day.year
            if self._works(day):
                left -= 1
        return day


def _monday_to_friday(start: dt.date, end: dt.date) -> int:
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    return weeks * 5 + sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)


# --- the seed from chinesecalendar ----------------------------------------------------------


def package_rows(years: Iterable[int] | None = None) -> dict[dt.date, tuple[str, str]]:
    """The package's schedule as ``{day: (kind, name)}`` for ``years`` (every year from 2004 when None)."""
    from chinese_calendar import constants

    wanted = None if years is None else set(years)
    rows: dict[dt.date, tuple[str, str]] = {}
    for source, kind in (
        (constants.holidays, HolidayKind.DAY_OFF),
        (constants.workdays, HolidayKind.WORKDAY),
    ):
        for day, name in source.items():
            if day.year >= FIRST_YEAR and (wanted is None or day.year in wanted):
                rows[day] = (str(kind), HOLIDAY_NAMES.get(name, name))
    return rows


@dataclass(frozen=True)
class SyncResult:
    """What a refresh from the package changed."""

    years: list[int]
    created: int
    updated: int
    deleted: int


def sync_from_package(model: Any = Holiday, *, years: Iterable[int] | None = None) -> SyncResult:
    """Make the table match the package for ``years`` (every year the package knows when None).

    Years the package does not know are left as they are, so days an
    administrator entered for a year not yet published stay until the
    package catches up.  ``model`` is the historical model in a migration.
    """
    rows = package_rows(years)
    known = sorted({d.year for d in rows})
    if not known:
        return SyncResult(years=[], created=0, updated=0, deleted=0)
    with transaction.atomic():
        existing = {h.day: h for h in model.objects.filter(day__year__in=known)}
        new = [model(day=d, kind=k, name=n) for d, (k, n) in sorted(rows.items()) if d not in existing]
        changed = []
        for day, (kind, name) in rows.items():
            row = existing.get(day)
            if row is not None and (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                changed.append(row)
        gone = [day for day in existing if day not in rows]
        model.objects.bulk_create(new, batch_size=500)
        model.objects.bulk_update(changed, ["kind", "name"], batch_size=500)
        model.objects.filter(day__in=gone).delete()
    return SyncResult(years=known, created=len(new), updated=len(changed), deleted=len(gone))
