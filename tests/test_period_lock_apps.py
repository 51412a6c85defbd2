"""A submitted period (报送) closes the dues and assessment records dated in it, as it does training's.

``reports`` registers the check (``core.periodlock``); here a stand-in closes branch A's 2026
(the real check is tested in tests/reports/test_json_and_submissions.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import LifeMeeting, StarRating
from core import periodlock
from dues.models import DuesPayment, RetainedFundEntry
from dues.services.payments import dues_void_payment
from tests.factories import make_assessment, make_ledger_entry, make_life_meeting, make_payments, make_rating

pytestmark = pytest.mark.django_db

REFUSAL = "各甫村党支部2026年的数据已报送，不能再修改"


@pytest.fixture
def submitted(monkeypatch, tree):
    closed = {"on": False}

    def check(org, day):
        if closed["on"] and org.pk == tree.branch_a.pk and day.year == 2026:
            return REFUSAL
        return None

    monkeypatch.setattr(periodlock, "_checks", [])
    periodlock.register_period_check(check)
    return closed


def test_dues_dated_in_a_submitted_period_are_not_recorded_or_voided(
    tree, secretary_a, secretary_b, member_a, submitted
):
    make_assessment(member_a, actor=secretary_a)
    [payment] = make_payments(
        tree.branch_a,
        actor=secretary_a,
        entries=[(member_a, dt.date(2026, 1, 1), "1.00")],
        paid_on=dt.date(2026, 1, 20),
    )
    submitted["on"] = True
    with pytest.raises(ValidationError, match=REFUSAL):
        make_payments(
            tree.branch_a,
            actor=secretary_a,
            entries=[(member_a, dt.date(2026, 2, 1), "1.00")],
            paid_on=dt.date(2026, 2, 20),
        )
    with pytest.raises(ValidationError, match=REFUSAL):
        dues_void_payment(actor=secretary_a, payment=payment, reason="重复登记")
    with pytest.raises(ValidationError, match=REFUSAL):
        make_ledger_entry(tree.branch_a, actor=secretary_a, entry_on=dt.date(2026, 3, 1))
    assert DuesPayment.objects.count() == 1 and DuesPayment.objects.get().voided_on is None
    assert not RetainedFundEntry.objects.filter(amount=Decimal("-1200.00")).exists()
    # another organization's period is its own
    make_ledger_entry(tree.branch_b, actor=secretary_b, entry_on=dt.date(2026, 3, 1))


def test_a_submitted_year_closes_its_life_meeting_and_rating(tree, secretary_a, committee_staff, submitted):
    meeting = make_life_meeting(tree.branch_a, actor=secretary_a)
    submitted["on"] = True
    with pytest.raises(ValidationError, match=REFUSAL):
        make_rating(tree.branch_a, actor=committee_staff)
    from assessments.services.meetings import life_meeting_update

    with pytest.raises(ValidationError, match=REFUSAL):
        life_meeting_update(actor=secretary_a, meeting=meeting, expected_version=1, topics="改")
    assert not StarRating.objects.exists()
    assert LifeMeeting.objects.get().topics == meeting.topics
