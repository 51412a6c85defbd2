"""Benchmarks of partyorg (``make bench`` = ``python -m benchmarks.run``).

``benchmarks.run`` creates a throwaway database (a temporary SQLite file, or
a ``test_…`` database on the server ``DATABASE_URL`` names — never the
database itself), seeds the demo county once, then calls ``run(ctx)`` of
every ``benchmarks/bench_*.py`` module in name order and prints one table.

A benchmark module::

    def run(ctx: BenchContext) -> None:
        ctx.record("党员导入", "10000行", 12.3, "秒", "openpyxl 只读流式")

``ctx`` (a :class:`BenchContext`) gives the seeded demo county as
``ctx.demo`` (a :class:`partyorg.demo.DemoContext`: users, branches,
members …), the seed timings, a scratch directory ``ctx.tmpdir`` and
``ctx.record(...)`` for the figures.  Benchmarks measure; they never assert
(figures go to docs/benchmarks.md, not into the test suite).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Figure:
    bench: str
    metric: str
    value: float | int | str
    unit: str = ""
    note: str = ""


@dataclass
class BenchContext:
    demo: Any  # partyorg.demo.DemoContext of the seeded county
    tmpdir: Path
    vendor: str  # "sqlite" or "postgresql"
    seed_seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    current: str = ""  # the module being run, used as the figures' default bench name

    def record(
        self, metric: str, value: float | int | str, unit: str = "", note: str = "", bench: str = ""
    ) -> None:
        self.figures.append(Figure(bench or self.current, metric, value, unit, note))


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as elapsed: …`` then ``elapsed()`` in seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
