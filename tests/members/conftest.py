"""Fixtures of the members tests: a second member of branch A, the development walk's context, one applicant.

Built on ``tests/factories.py``; the walk itself (``DATES``, ``advance`` …) lives there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.factories import CAST_MEMBERS, TODAY, make_applicant, make_member


@pytest.fixture
def frozen():
    """Freeze today at TODAY (the business day of the walk)."""
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def member_a2(tree, admin_user):
    """A second full member of branch A (introducer and contact)."""
    return make_member(tree.branch_a, actor=admin_user, **CAST_MEMBERS["member_a2"])


@pytest.fixture
def ctx(tree, secretary_a, committee_staff, member_a, member_a2) -> dict[str, Any]:
    """What ``advance`` needs to walk an applicant of branch A through the steps."""
    return {
        "tree": tree,
        "committee": tree.committee,
        "secretary_a": secretary_a,
        "committee_staff": committee_staff,
        "member_a": member_a,
        "member_a2": member_a2,
    }


@pytest.fixture
def applicant_a(frozen, ctx):
    """An applicant of branch A who handed in the application on 2023-03-01 (step 1 only)."""
    return make_applicant(ctx["tree"].branch_a, actor=ctx["secretary_a"])
