"""The monthly grid: members × months, prefilled, one save; constant queries; scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dues.models import DuesPayment
from dues.selectors.grid import DUE, ELSEWHERE, PAID, UNASSESSED, dues_grid
from tests.factories import make_assessment, make_member, make_payments

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def add_members(org, actor, count: int, start: int = 100) -> list:
    members = []
    for i in range(count):
        member = make_member(
            org,
            actor=actor,
            name=f"党员{start + i:03d}",
            birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=start + i),
            seq=start + i,
            joined_on=dt.date(1990, 7, 1),
            full_on=dt.date(1991, 7, 1),
        )
        make_assessment(member, actor=actor)
        members.append(member)
    return members


def grid_url(org, **query) -> str:
    url = reverse("dues:grid", args=[org.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_grid_prefills_this_month_with_the_amount_due_and_shows_what_is_paid(
    tree, member_a, admin_user, secretary_a, today
):
    make_assessment(member_a, actor=secretary_a, effective_from=dt.date(2026, 3, 1))
    make_payments(tree.branch_a, actor=secretary_a, entries=[(member_a, dt.date(2026, 10, 1), "1.00")])
    grid = dues_grid(tree.branch_a, 2026, today=today)
    row = grid.rows[0]
    states = [c.state for c in row.cells]
    assert states[:2] == [UNASSESSED, UNASSESSED] and states[2] == DUE and states[9] == PAID
    november = row.cells[10]
    assert (november.state, november.value, november.collecting) == (DUE, "1.00", True)
    assert row.cells[8].value == "" and row.cells[8].overdue  # September: owed, not prefilled, overdue
    assert row.overdue_unpaid == 7  # March–September


def test_a_member_who_moved_in_shows_the_months_owed_elsewhere_greyed(tree, member_b, admin_user, today):
    from members.services.member import member_move

    make_assessment(member_b, actor=admin_user)
    member_move(actor=admin_user, member=member_b, to_org=tree.branch_a, day=dt.date(2026, 6, 10))
    cells = dues_grid(tree.branch_a, 2026, today=today).rows[0].cells
    assert [c.state for c in cells[:6]] == [ELSEWHERE] * 6 and cells[6].state == DUE
    before = dues_grid(tree.branch_b, 2026, today=today).rows[0].cells
    assert [c.state for c in before[:7]] == [DUE] * 6 + [ELSEWHERE]  # June: in branch A on its first day


def test_the_grid_page_costs_the_same_queries_for_five_members_or_sixty(
    client, tree, admin_user, secretary_a, django_assert_num_queries, today
):
    add_members(tree.branch_a, admin_user, 5)
    client.force_login(secretary_a)
    url = grid_url(tree.branch_a)
    for count in (5, 60):
        with django_assert_num_queries(11):
            # 1 the session, 2 the user, 3 the organization of the URL, 4 the user's organization (scope),
            # 5 the collection schedule, 6 the members, 7 their periods, 8 their assessments,
            # 9 their letters in, 10 the dues standards, 11 the payments of the year
            response = client.get(url)
        assert len(response.context["grid"].rows) == count
        if count == 5:
            add_members(tree.branch_a, admin_user, 55, start=200)


def test_one_save_records_the_month_for_the_whole_branch_in_constant_queries(
    client, tree, admin_user, secretary_a, today
):
    def save(members, month="202611"):
        data = {"paid_on": "2026-11-20", "note": ""}
        data.update({f"p{m.pk}_{month}": "1.00" for m in members})
        with CaptureQueriesContext(connection) as queries:
            response = client.post(grid_url(tree.branch_a), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        return len(queries)

    client.force_login(secretary_a)
    few = add_members(tree.branch_a, admin_user, 5)
    save(few, "202610")  # the year's first save also opens the branch's receipt numbers
    # The page as on a GET (11, see above), then the service: 12 a savepoint, 13 whether the period of the
    # day paid was submitted (报送), 14 the receipt numbers locked, 15 the members' names, 16–19 their
    # periods, assessments, letters in and the standards, 20 the months already paid, 21–23 the payments
    # inserted (savepoint, insert, release), 24 their audit rows (one executemany), 25 the receipt numbers
    # saved, 26 pending 介绍信 of these members, 27 the release.
    assert save(few) == 27
    many = add_members(tree.branch_a, admin_user, 60, start=300)
    assert save(many) == 27
    assert DuesPayment.objects.filter(month=NOV).count() == 65
    assert len(set(DuesPayment.objects.filter(paid_on=today).values_list("receipt_no", flat=True))) == 70


def test_the_page_saves_what_was_typed_and_says_so(client, tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.post(
        grid_url(tree.branch_a),
        {"paid_on": "2026-11-20", f"p{member_a.pk}_202611": "1.00", f"p{member_a.pk}_202609": "1"},
        follow=True,
    )
    assert "已登记1名党员2个月的党费，共2.00元；收据编号2026-0001" in response.content.decode()
    months = sorted(p.month.month for p in DuesPayment.objects.filter(member=member_a))
    assert months == [9, 11]


def test_a_wrong_amount_is_marked_on_its_cell_and_nothing_is_saved(
    client, tree, member_a, secretary_a, today
):
    make_assessment(member_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.post(
        grid_url(tree.branch_a),
        {"paid_on": "2026-11-20", f"p{member_a.pk}_202611": "1.00", f"p{member_a.pk}_202610": "一元"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "有1处金额填写有误" in html
    cells = response.context["grid"].cells
    assert cells[f"p{member_a.pk}_202610"].error == "党费应为数字，如 200 或 200.50"
    assert cells[f"p{member_a.pk}_202611"].value == "1.00"  # what was typed stays
    assert 'value="一元"' in html
    assert not DuesPayment.objects.exists()


def test_a_refusal_by_the_service_keeps_the_typed_cells(client, tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.post(
        grid_url(tree.branch_a), {"paid_on": "2026-11-20", f"p{member_a.pk}_202611": "1500"}
    )
    assert response.status_code == 200
    assert "请登记为特殊党费" in response.content.decode()
    assert response.context["grid"].cells[f"p{member_a.pk}_202611"].value == "1500"


def test_a_quarterly_branch_is_prefilled_with_the_quarter(client, tree, member_a, secretary_a, today):
    from dues.services.assessments import dues_schedule_set

    make_assessment(member_a, actor=secretary_a)
    dues_schedule_set(
        actor=secretary_a, organization=tree.branch_a, quarterly=True, agreed_on=dt.date(2026, 1, 5)
    )
    grid = dues_grid(tree.branch_a, 2026, today=today)
    assert [c.month.month for c in grid.rows[0].cells if c.value] == [10, 11, 12]
    assert not grid.rows[0].cells[9].overdue  # October is not late in a quarter still running


def test_another_branch_s_grid_is_not_found(client, tree, member_a, secretary_a, secretary_b, today):
    make_assessment(member_a, actor=secretary_a)
    client.force_login(secretary_b)
    assert client.get(grid_url(tree.branch_a)).status_code == 404
    response = client.post(
        grid_url(tree.branch_a), {"paid_on": "2026-11-20", f"p{member_a.pk}_202611": "1.00"}
    )
    assert response.status_code == 404
    assert not DuesPayment.objects.exists()


def test_a_cell_of_a_member_of_another_branch_posted_to_my_grid_is_ignored(
    client, tree, member_a, member_b, secretary_a, admin_user, today
):
    make_assessment(member_a, actor=secretary_a)
    make_assessment(member_b, actor=admin_user)
    client.force_login(secretary_a)
    client.post(
        grid_url(tree.branch_a),
        {"paid_on": "2026-11-20", f"p{member_a.pk}_202611": "1.00", f"p{member_b.pk}_202611": "1.00"},
    )
    assert list(DuesPayment.objects.values_list("member_id", "amount")) == [(member_a.pk, Decimal("1.00"))]
