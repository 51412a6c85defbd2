"""Fixtures of the training tests: more members of the cast's branches, a frozen "today".

Built on ``tests/factories.py`` (make_session, make_lecture, make_equipment, make_meeting).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import CAST_MEMBERS, make_member

#: The day the training tests run on unless they travel elsewhere.
TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def member_a2(tree, admin_user):
    return make_member(tree.branch_a, actor=admin_user, **CAST_MEMBERS["member_a2"])


def more_members(org, actor, count: int, *, start: int = 20, joined: dt.date = dt.date(2000, 7, 1)) -> list:
    """``count`` full members of ``org`` (born 1960, seq from ``start``), joined on ``joined``."""
    return [
        make_member(
            org,
            actor=actor,
            name=f"党员{org.code[-3:]}{i}",
            gender="M" if i % 2 else "F",
            birth_date=dt.date(1960, 1 + i % 12, 1 + i % 28),
            seq=i,
            joined_on=joined,
            full_on=dt.date(joined.year + 1, joined.month, joined.day),
        )
        for i in range(start, start + count)
    ]
