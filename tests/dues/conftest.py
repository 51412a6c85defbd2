"""Dues tests: the cast of tests/conftest.py, "today" frozen in late November 2026 where a rule reads it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

#: The day the dues tests live on (the demo's "today" is 20 November too).
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def today():
    """Freeze the clock on ``TODAY`` (noon, Beijing time) for the test."""
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield TODAY
