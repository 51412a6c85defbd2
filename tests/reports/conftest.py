"""The hand-built county the report tests share (see tests/reports/test_indicators.py's docstring)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from members.services.transfers import transfer_accept, transfer_issue
from organizations.services import org_dissolve
from tests.factories import make_id, make_member, make_org

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def county(tree, admin_user, member_a, member_b, member_c):
    with time_machine.travel(TODAY, tick=False):
        make_member(
            tree.branch_a,
            actor=admin_user,
            name="韦小兰",
            gender="F",
            ethnicity="壮族",
            birth_date=dt.date(1998, 4, 2),
            id_number=make_id(dt.date(1998, 4, 2), 31, False),
            status="PROBATIONARY",
            joined_on=dt.date(2025, 5, 1),
            full_on=None,
        )
        make_org(
            tree.committee, "C01T01B04", "新村党支部", actor=admin_user, established_on=dt.date(2025, 3, 1)
        )
        gone = make_org(tree.committee, "C01T01B05", "旧村党支部", actor=admin_user)
        org_dissolve(actor=admin_user, org=gone, day=dt.date(2025, 8, 1), reason="村组合并")
        letter = transfer_issue(
            actor=admin_user,
            member=member_c,
            kind="INTERNAL",
            to_org=tree.branch_a,
            issued_on=dt.date(2025, 9, 1),
        )
        transfer_accept(actor=admin_user, transfer=letter, day=dt.date(2025, 9, 10))
    return tree
