"""Unpaid dues on the 工作台: the branch sees who has not paid, who is flagged, who is not assessed, what is not remitted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dues.selectors.todos import dues_todos
from tests.factories import make_assessment, make_member, make_payments

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 8, 10)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0), tick=False)


def counts(user, day=DAY) -> dict[str, int]:
    [group] = dues_todos(user, day)
    return {t.key: t.count for t in group.todos}


@pytest.fixture
def owing(tree, member_a, admin_user, secretary_a):
    """Member A owes since January and never paid; a second member paid up to July."""
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)
        payer = make_member(
            tree.branch_a,
            actor=admin_user,
            name="黄志明",
            gender="M",
            birth_date=dt.date(1970, 2, 3),
            seq=7,
            joined_on=dt.date(1995, 7, 1),
            full_on=dt.date(1996, 7, 1),
        )
        make_assessment(payer, actor=secretary_a)
    with on(dt.date(2026, 7, 30)):
        make_payments(
            tree.branch_a,
            actor=secretary_a,
            entries=[(payer, dt.date(2026, m, 1), "1.00") for m in range(1, 8)],
        )
    return payer


def test_the_branch_sees_the_flagged_member_the_arrears_and_this_month_unpaid(
    tree, owing, secretary_a, member_b
):
    with on(DAY):
        found = counts(secretary_a)
        [group] = dues_todos(secretary_a, DAY)
    assert found["dues.flagged"] == 1 and found["dues.arrears"] == 1
    assert found["dues.unpaid"] == 2  # August: neither has paid yet
    assert found["dues.unassessed"] == 0  # member B is in another branch
    flagged = next(t for t in group.todos if t.key == "dues.flagged")
    assert [item.label for item in flagged.items] == ["张桂芳"] and flagged.items[0].note == "连续7个月"
    assert [a.label for a in group.actions] == ["党费收缴登记", "上缴对账"]


def test_the_committee_counts_its_branches_and_sees_members_not_assessed(
    tree, owing, member_b, committee_staff
):
    with on(DAY):
        found = counts(committee_staff)
    assert found["dues.flagged"] == 1 and found["dues.unassessed"] == 1  # member B never assessed


def test_the_auditor_sees_the_counts_and_no_buttons(tree, owing, auditor):
    with on(DAY):
        [group] = dues_todos(auditor, DAY)
    assert not group.actions and any(t.count for t in group.todos)


def test_the_home_page_shows_unpaid_dues(client, tree, owing, secretary_a):
    client.force_login(secretary_a)
    with on(DAY):
        html = client.get(reverse("home")).content.decode()
    assert "连续6个月未交党费" in html and "张桂芳" in html


def test_the_todos_cost_the_same_queries_for_two_members_or_forty(tree, owing, admin_user, secretary_a):
    def queries() -> int:
        with on(DAY), CaptureQueriesContext(connection) as captured:
            dues_todos(secretary_a, DAY)
        return len(captured)

    few = queries()
    with on(dt.date(2026, 1, 10)):
        for i in range(38):
            member = make_member(
                tree.branch_a,
                actor=admin_user,
                name=f"党员{i:02d}",
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=i),
                seq=50 + i,
                joined_on=dt.date(1990, 7, 1),
                full_on=dt.date(1991, 7, 1),
            )
            make_assessment(member, actor=secretary_a)
    assert queries() == few
