"""The flat JSON object of INDICATORS.md for one organization and period, and the roll-up of several.

Counts are integers, sums Decimal strings with two places, rates numbers with
two decimals (``null`` on a zero denominator); besides the indicators the
object carries ``org``, ``org_name``, ``period``, ``generated_at`` and ``missing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .indicators import INDICATORS, compute
from .indicators.base import RATE, SUM, rate
from .periods import Period
from .submissions import missing_for

META_KEYS = ("org", "org_name", "period", "generated_at", "missing")


def _json_value(key: str, value: Any) -> Any:
    indicator = INDICATORS[key]
    if value is None:
        return None
    if indicator.kind == SUM:
        return f"{Decimal(value):.2f}"
    if indicator.kind == RATE:
        return float(value)
    return int(value)


def report_document(org: Any, period: Period) -> dict[str, Any]:
    """Every indicator of ``org``'s subtree for ``period``, as the JSON endpoint and the command give it."""
    values = compute(org, period)
    document: dict[str, Any] = {
        "org": org.code,
        "org_name": org.name,
        "period": period.key,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "missing": missing_for(org, period),
    }
    document.update({key: _json_value(key, values[key]) for key in INDICATORS if key in values})
    return document


def roll_up(documents: Iterable[dict[str, Any]], *, org: str, org_name: str) -> dict[str, Any]:
    """Several documents of one period (e.g. the counties of a prefecture) as one: counts and sums added, rates recomputed."""
    documents = list(documents)
    periods = {d.get("period") for d in documents}
    if len(periods) != 1:
        raise ValueError(f"只能汇总同一统计期的数据（收到：{'、'.join(sorted(map(str, periods)))}）")
    combined: dict[str, Any] = {
        "org": org,
        "org_name": org_name,
        "period": periods.pop(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "missing": [
            {
                "indicator": item["indicator"],
                "organizations": [f"{d['org_name']}：{o}" for o in item["organizations"]],
            }
            for d in documents
            for item in d.get("missing", [])
        ],
    }
    totals: dict[str, Decimal] = {}
    for key, indicator in INDICATORS.items():
        if indicator.kind == RATE or not all(key in d for d in documents):
            continue
        totals[key] = sum((Decimal(str(d[key] or 0)) for d in documents), Decimal(0))
        combined[key] = f"{totals[key]:.2f}" if indicator.kind == SUM else int(totals[key])
    for key, indicator in INDICATORS.items():
        if indicator.kind == RATE and indicator.of and all(k in totals for k in indicator.of):
            value = rate(totals[indicator.of[0]], totals[indicator.of[1]])
            combined[key] = None if value is None else float(value)
    return combined
