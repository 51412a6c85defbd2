"""The indicator registry: every figure of ``INDICATORS.md`` with its key, label, unit and definition.

A *family* computes a group of indicators for one organization's subtree and
one period in a fixed number of aggregate queries (grouped counts and sums,
conditional aggregation), over the tree as it stood then (``within_on`` at
period end for stocks, ``within_then`` for events).  :func:`compute` runs the
families and returns the flat mapping the JSON, the summary, the tables and
the dashboards read; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..periods import Period

COUNT, SUM, RATE = "count", "sum", "rate"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    definition: str
    kind: str = COUNT
    #: For a rate: the keys of its numerator and denominator (a roll-up recomputes it from their sums).
    of: tuple[str, str] | None = None


@dataclass(frozen=True)
class Family:
    name: str
    indicators: tuple[Indicator, ...]
    compute: Callable[[Any, Period], dict[str, Any]]


FAMILIES: dict[str, Family] = {}
INDICATORS: dict[str, Indicator] = {}


def family(name: str, *indicators: Indicator) -> Callable[[Callable[[Any, Period], dict[str, Any]]], Any]:
    """Register ``compute(org, period) -> {key: value}`` as the family producing ``indicators``."""

    def register(compute: Callable[[Any, Period], dict[str, Any]]) -> Callable[[Any, Period], dict[str, Any]]:
        FAMILIES[name] = Family(name, indicators, compute)
        for indicator in indicators:
            if indicator.key in INDICATORS:
                raise ValueError(f"indicator {indicator.key} registered twice")
            INDICATORS[indicator.key] = indicator
        return compute

    return register


def count(key: str, label: str, unit: str, definition: str) -> Indicator:
    return Indicator(key, label, unit, definition, COUNT)


def amount(key: str, label: str, definition: str) -> Indicator:
    return Indicator(key, label, "元", definition, SUM)


def rate_of(key: str, label: str, definition: str, of: tuple[str, str]) -> Indicator:
    return Indicator(key, label, "%", definition, RATE, of)


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """A percentage with 2 decimals from the two counts printed beside it; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute(org: Any, period: Period, families: Iterable[str] | None = None) -> dict[str, Any]:
    """Every indicator of the chosen families (all by default) for ``org``'s subtree and ``period``."""
    values: dict[str, Any] = {}
    for name in families or FAMILIES:
        found = FAMILIES[name].compute(org, period)
        expected = {i.key for i in FAMILIES[name].indicators}
        if set(found) != expected:  # a family must produce exactly what it declares
            raise RuntimeError(f"family {name}: {sorted(set(found) ^ expected)}")
        values.update(found)
    return values
