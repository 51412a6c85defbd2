"""Report periods: a year (``2026``) or a half (``2026H1`` 1 Jan–30 Jun, ``2026H2`` 1 Jul–31 Dec)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(?P<year>(19|20)\d\d)(?:H(?P<half>[12]))?$")


@dataclass(frozen=True)
class Period:
    year: int
    half: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026``, ``2026H1`` or ``2026H2``; ValueError with a Chinese message otherwise."""
        match = _PERIOD.match(str(text).strip().upper())
        if not match:
            raise ValueError(f"统计期“{text}”格式不正确：应为年份（如 2026）或半年（如 2026H1、2026H2）")
        half = match.group("half")
        return cls(int(match.group("year")), int(half) if half else None)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def key(self) -> str:
        return f"{self.year}H{self.half}" if self.half else str(self.year)

    @property
    def label(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年" if self.half else f"{self.year}年"

    def __str__(self) -> str:
        return self.key
