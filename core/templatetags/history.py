"""The 修改记录 include's helper: LogEntry rows in, readable rows out (core.history)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from core.history import HistoryRow, history_rows

register = template.Library()


@register.simple_tag
def readable_history(entries: Iterable[Any] | None) -> list[HistoryRow]:
    """``{% readable_history history as rows %}``; rows already made by history_rows pass through."""
    entries = list(entries or [])
    if entries and isinstance(entries[0], HistoryRow):
        return entries
    return history_rows(entries)
