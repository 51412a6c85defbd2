"""Arrears: overdue unpaid months, the 6-month flag (自行脱党 rule) with frozen dates, the list and its filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from dues.selectors.arrears import arrears_in
from dues.services.assessments import dues_schedule_set
from tests.factories import make_assessment, make_payments

pytestmark = pytest.mark.django_db


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0), tick=False)


def test_six_consecutive_unpaid_months_are_flagged_once_the_sixth_is_over(tree, member_a, secretary_a):
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)  # owes from January, never pays
    with on(dt.date(2026, 6, 30)):
        [row] = arrears_in(tree.committee)
        assert (row.count, row.longest_run) == (5, 5)  # June still being collected: January–May overdue
    with on(dt.date(2026, 7, 1)):
        [row] = arrears_in(tree.committee)
        assert (row.count, row.longest_run, row.owed) == (6, 6, Decimal("6.00"))
        assert row.months_label == "2026年1月—6月"


def test_a_paid_month_breaks_the_run(tree, member_a, secretary_a):
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)
    with on(dt.date(2026, 4, 15)):
        make_payments(tree.branch_a, actor=secretary_a, entries=[(member_a, dt.date(2026, 4, 1), "1.00")])
    with on(dt.date(2026, 9, 1)):
        [row] = arrears_in(tree.committee)
        assert (row.count, row.longest_run) == (7, 4)  # Jan–Mar and May–Aug
        assert row.months_label == "2026年1月—3月、5月—8月"


def test_a_quarterly_branch_is_late_only_when_the_quarter_is_over(tree, member_a, secretary_a):
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)
        dues_schedule_set(
            actor=secretary_a, organization=tree.branch_a, quarterly=True, agreed_on=dt.date(2026, 1, 5)
        )
    with on(dt.date(2026, 3, 31)):
        assert arrears_in(tree.committee) == []
    with on(dt.date(2026, 4, 1)):
        assert [r.count for r in arrears_in(tree.committee)] == [3]


def test_the_arrears_list_filters_the_flagged_and_shows_no_rows_on_a_bad_filter(
    client, tree, member_a, member_b, secretary_a, admin_user, county_staff
):
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)
        make_assessment(member_b, actor=admin_user, effective_from=dt.date(2026, 5, 1))
    client.force_login(county_staff)
    with on(dt.date(2026, 8, 10)):
        names = [r.member.name for r in client.get(reverse("dues:arrears")).context["page_obj"]]
        assert names == ["张桂芳", "李明"]
        flagged = client.get(reverse("dues:arrears"), {"flagged": "on"})
        assert [r.member.name for r in flagged.context["page_obj"]] == ["张桂芳"]
        assert "连续6个月" in flagged.content.decode()
        bad = client.get(reverse("dues:arrears"), {"months": "0"})
        assert bad.context["listing"].count == 0 and "筛选条件有误" in bad.content.decode()


def test_a_secretary_sees_only_their_branch_s_arrears(
    client, tree, member_a, member_b, secretary_a, admin_user
):
    with on(dt.date(2026, 1, 10)):
        make_assessment(member_a, actor=secretary_a)
        make_assessment(member_b, actor=admin_user)
    client.force_login(secretary_a)
    with on(dt.date(2026, 8, 10)):
        names = [r.member.name for r in client.get(reverse("dues:arrears")).context["page_obj"]]
    assert names == ["张桂芳"]
