"""Fixtures of the assessment tests: a frozen late-November day of 2026, and branch A with members of every kind.

Branch A (各甫村党支部) of the cast gets, beside member_a (张桂芳, a rural member
born 1949, so exempt by the rules as an old rural member):

- two young rural members (not exempt),
- a rural member turning 60 this year (60 counts: exempt),
- a retired member who is not rural (exempt as retired),
- a young member who is neither (not exempt).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import make_member

#: The day the assessment tests run on: the year's agreements signed, the appraisal round under way.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0), tick=False):
        yield TODAY


def young(org, actor, seq, name, **fields):
    fields = {
        "birth_date": dt.date(1990, 3, 1),
        "joined_on": dt.date(2015, 7, 1),
        "full_on": dt.date(2016, 7, 1),
        **fields,
    }
    return make_member(org, actor=actor, seq=seq, name=name, **fields)


@pytest.fixture
def branch_a_members(tree, admin_user, member_a):
    """Branch A's six members: member_a first, then the five above."""
    a = tree.branch_a
    return [
        member_a,
        young(a, admin_user, 11, "黄文军", gender="M"),
        young(a, admin_user, 12, "陆秀兰"),
        young(
            a,
            admin_user,
            13,
            "农德才",
            gender="M",
            birth_date=dt.date(1966, 5, 1),
            joined_on=dt.date(1990, 7, 1),
            full_on=dt.date(1991, 7, 1),
        ),
        young(
            a,
            admin_user,
            14,
            "梁志刚",
            gender="M",
            is_rural=False,
            is_retired=True,
            occupation="RETIRED",
            birth_date=dt.date(1958, 4, 2),
            joined_on=dt.date(1985, 7, 1),
            full_on=dt.date(1986, 7, 1),
        ),
        young(a, admin_user, 15, "韦小红", is_rural=False, occupation="CIVIL_SERVANT"),
    ]
