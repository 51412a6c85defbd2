"""Training hours per member per year against the minimums (32; 56 for secretaries), configurable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.models import RuleSetting
from organizations.services import post_end
from tests.factories import make_lecture, make_post, make_session
from training.filters import HoursFilterSet
from training.selectors.hours import below_count, branch_hours, hours_list, minimums

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 31)


def rows(user, **query) -> dict[str, tuple[Decimal, Decimal, bool]]:
    filters = HoursFilterSet({"year": "2026", **query}, user=user)
    assert filters.valid, filters.errors
    rule = minimums(2026, TODAY, filters.values.get("measure") or "")
    listed = hours_list(user=user, filters=filters, rule=rule, today=TODAY)
    return {m.name: (m.hours, m.target, m.is_secretary) for m in listed}


def test_hours_add_up_the_years_sessions_and_the_lectures_that_carry_hours(
    tree, secretary_a, member_a, member_a2
):
    make_session(tree.branch_a, actor=secretary_a, present=[member_a, member_a2], hours=Decimal("20"))
    make_session(
        tree.committee,
        actor=secretary_a.__class__.objects.get(username="admin"),
        present=[member_a],
        hours=Decimal("8.5"),
        start_on=dt.date(2026, 9, 1),
    )
    make_session(
        tree.branch_a,
        actor=secretary_a,
        present=[member_a],
        hours=Decimal("30"),
        start_on=dt.date(2025, 6, 1),
    )
    make_lecture(tree.branch_a, actor=secretary_a, present=[member_a], hours=Decimal("3.5"))
    make_lecture(tree.branch_a, actor=secretary_a, present=[member_a2], topic="不计学时的党课")
    found = rows(secretary_a)
    assert found[member_a.name][0] == Decimal("32.0")  # 20 + 8.5 + 3.5; last year's 30 not counted
    assert found[member_a2.name][0] == Decimal("20.0")


def test_a_member_below_32_hours_is_listed_as_below_and_one_at_32_is_not(
    tree, secretary_a, member_a, member_a2
):
    make_session(tree.branch_a, actor=secretary_a, present=[member_a, member_a2], hours=Decimal("31.5"))
    make_session(tree.branch_a, actor=secretary_a, present=[member_a], hours=Decimal("0.5"), title="补课")
    assert list(rows(secretary_a, below="on")) == [member_a2.name]
    assert rows(secretary_a)[member_a.name][1] == Decimal("32.0")


def test_a_secretary_needs_56_hours(tree, secretary_a, admin_user, member_a, member_a2):
    make_post(tree.branch_a, actor=admin_user, title="SECRETARY", holder_name=member_a.name)
    make_session(tree.branch_a, actor=secretary_a, present=[member_a, member_a2], hours=Decimal("40"))
    found = rows(secretary_a)
    assert found[member_a.name] == (Decimal("40.0"), Decimal("56.0"), True)
    assert found[member_a2.name] == (Decimal("40.0"), Decimal("32.0"), False)
    assert list(rows(secretary_a, below="on")) == [member_a.name]
    assert list(rows(secretary_a, secretaries="on")) == [member_a.name]


def test_a_secretary_who_left_the_post_before_the_year_is_a_member_again(
    tree, admin_user, secretary_a, member_a
):
    post = make_post(tree.branch_a, actor=admin_user, title="SECRETARY", holder_name=member_a.name)
    post_end(actor=admin_user, post=post, end_on=dt.date(2025, 12, 31))
    assert rows(secretary_a)[member_a.name][1:] == (Decimal("32.0"), False)


def test_the_minimums_are_rules_an_administrator_may_change(tree, secretary_a, admin_user, member_a):
    RuleSetting.objects.create(key="training_hours_member", value="24")
    RuleSetting.objects.create(key="training_hours_secretary", value="40")
    make_post(tree.branch_a, actor=admin_user, title="SECRETARY", holder_name="别人")
    make_session(tree.branch_a, actor=secretary_a, present=[member_a], hours=Decimal("24"))
    assert rows(secretary_a)[member_a.name][1] == Decimal("24.0")
    assert rows(secretary_a, below="on") == {}


def test_by_progress_the_current_year_asks_for_the_months_past(tree, secretary_a, member_a):
    rule = minimums(2026, dt.date(2026, 7, 15), "progress")
    assert (rule.member_target, rule.secretary_target, rule.months) == (Decimal("16.0"), Decimal("28.0"), 6)
    assert minimums(2025, dt.date(2026, 7, 15), "progress").member_target == Decimal("32.0")
    assert minimums(2026, dt.date(2026, 1, 15), "progress").member_target == Decimal("0.0")
    make_session(tree.branch_a, actor=secretary_a, present=[member_a], hours=Decimal("16"))
    assert below_count(secretary_a, rule, dt.date(2026, 7, 15)) == 0
    assert below_count(secretary_a, minimums(2026, TODAY), TODAY) == 1


def test_the_branch_summary_counts_members_below_per_branch(
    tree, county_staff, member_a, member_a2, member_b
):
    make_session(tree.committee, actor=county_staff, present=[member_a, member_b], hours=Decimal("40"))
    summary = {
        r.org.name: (r.members, r.below, r.average)
        for r in branch_hours(county_staff, minimums(2026, TODAY), TODAY)
    }
    assert summary[tree.branch_a.name] == (2, 1, Decimal("20.0"))
    assert summary[tree.branch_b.name] == (1, 0, Decimal("40.0"))


def test_a_branch_secretary_sees_only_their_members(client, tree, secretary_b, member_a, member_b):
    client.force_login(secretary_b)
    page = client.get(reverse("training:hours"), {"year": "2026"})
    assert [m.name for m in page.context["page_obj"]] == [member_b.name]


def test_the_hours_list_costs_the_same_queries_for_more_members(
    client, tree, county_staff, admin_user, django_assert_num_queries
):
    from .conftest import more_members

    for size in (1, 5):
        members = more_members(tree.branch_a, admin_user, size, start=50 + size * 10)
        make_session(tree.branch_a, actor=county_staff, present=members, title=f"第{size}期")
        client.force_login(county_staff)
        with django_assert_num_queries(7):
            # 1 the log-in session, 2 the user, 3 the user's organization, 4 the two minimums, 5 the count,
            # 6 the organizations of the filter, 7 the page (hours, target and secretary computed in it)
            client.get(reverse("training:hours"), {"year": "2026"})
