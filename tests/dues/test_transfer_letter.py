"""党费缴到 on the 介绍信: computed from the payments when the letter is issued, and kept up with later payments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dues.selectors.paid_until import paid_until
from dues.services.payments import dues_void_payment
from tests.factories import make_assessment, make_payments, make_transfer

pytestmark = pytest.mark.django_db


def paid(org, actor, member, *months: int) -> list:
    return make_payments(org, actor=actor, entries=[(member, dt.date(2026, m, 1), "1.00") for m in months])


def test_the_letter_says_the_last_month_of_the_unbroken_run_of_payments(tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    paid(tree.branch_a, secretary_a, member_a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    letter = make_transfer(member_a, actor=secretary_a, issued_on=today)
    assert letter.dues_paid_until == dt.date(2026, 10, 1)


def test_an_unpaid_month_stops_the_run_however_many_are_paid_after_it(tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    paid(tree.branch_a, secretary_a, member_a, 1, 2, 3, 4, 6, 7, 8)
    assert paid_until(member_a) == dt.date(2026, 4, 1)


def test_nothing_known_leaves_the_month_blank(tree, member_a, secretary_a, today):
    assert make_transfer(member_a, actor=secretary_a, issued_on=today).dues_paid_until is None


def test_the_issue_form_no_longer_asks_for_it(client, tree, member_a, secretary_a, today):
    client.force_login(secretary_a)
    html = client.get(reverse("members:transfer_issue")).content.decode()
    assert "dues_paid_until" not in html and "党费缴至" not in html


def test_a_payment_after_the_letter_is_issued_moves_the_month_on_the_pending_letter(
    client, tree, member_a, secretary_a, today
):
    make_assessment(member_a, actor=secretary_a)
    paid(tree.branch_a, secretary_a, member_a, *range(1, 10))
    letter = make_transfer(member_a, actor=secretary_a, issued_on=today)
    assert letter.dues_paid_until == dt.date(2026, 9, 1)
    payments = paid(
        tree.branch_a, secretary_a, member_a, 10, 11, 12
    )  # paid up to the year's end before leaving
    letter.refresh_from_db()
    assert letter.dues_paid_until == dt.date(2026, 12, 1)
    client.force_login(secretary_a)
    html = client.get(reverse("members:transfer_print", args=[letter.pk])).content.decode()
    assert "党费缴到2026年12月" in html and "党费已交到2026年12月" in html
    dues_void_payment(actor=secretary_a, payment=payments[1], reason="登记错误")  # November voided
    letter.refresh_from_db()
    assert letter.dues_paid_until == dt.date(2026, 10, 1)


def test_the_member_s_dues_page_shows_the_month_too(client, tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    paid(tree.branch_a, secretary_a, member_a, 1, 2, 3)
    client.force_login(secretary_a)
    assert "2026年3月" in client.get(reverse("dues:member", args=[member_a.pk])).content.decode()
