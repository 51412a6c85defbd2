"""The periods the training pages ask for: a year, or a half or quarter of it (2026, 2026H1, 2026Q3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import add_months

#: (value, label, first month, months)
PARTS: tuple[tuple[str, str, int, int], ...] = (
    ("", "全年", 1, 12),
    ("H1", "上半年", 1, 6),
    ("H2", "下半年", 7, 6),
    ("Q1", "第一季度", 1, 3),
    ("Q2", "第二季度", 4, 3),
    ("Q3", "第三季度", 7, 3),
    ("Q4", "第四季度", 10, 3),
)
PART_CHOICES = [(value, label) for value, label, _, _ in PARTS if value]


@dataclass(frozen=True)
class Period:
    year: int
    part: str = ""

    @property
    def start(self) -> dt.date:
        first = next(month for value, _, month, _ in PARTS if value == self.part)
        return dt.date(self.year, first, 1)

    @property
    def end(self) -> dt.date:
        months = next(n for value, _, _, n in PARTS if value == self.part)
        return add_months(self.start, months) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        name = next(label for value, label, _, _ in PARTS if value == self.part)
        return f"{self.year}年" + ("" if not self.part else name)

    @property
    def code(self) -> str:
        """As the reports name it: 2026, 2026H1, 2026Q3."""
        return f"{self.year}{self.part}"


def current_period(today: dt.date) -> Period:
    return Period(today.year)
