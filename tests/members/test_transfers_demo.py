"""The demo county's transfers, registers and care visits agree with its member history."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from members.models import (
    CareVisitMember,
    Certificate,
    Departure,
    LostContact,
    Member,
    MemberPeriod,
    MobileRegistration,
    Transfer,
)
from members.selectors.care import care_figures
from members.selectors.transfers import transfer_figures
from partyorg.demo import make_context, run_steps

pytestmark = pytest.mark.django_db

STEPS = ["organizations", "members", "users", "development", "transfers", "care"]


@pytest.fixture
def county():
    """A small demo county (1,200 members)."""
    return run_steps(make_context(seed=7, year=2026, members=1200, stdout=io.StringIO()), STEPS)


def year(ctx) -> tuple[dt.date, dt.date]:
    return dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)


def test_every_generated_record_is_valid_and_the_mobile_flag_matches_the_register(county):
    for model in (Transfer, Certificate, MobileRegistration, Departure, LostContact, CareVisitMember):
        for row in model.objects.all():
            row.full_clean(validate_unique=False)
    flagged = set(Member.objects.filter(is_mobile=True, left_on__isnull=True).values_list("pk", flat=True))
    registered = set(
        MobileRegistration.objects.filter(until__isnull=True).values_list("member_id", flat=True)
    )
    assert flagged == registered


def test_letters_agree_with_member_history(county):
    start, _ = year(county)
    # out of the county: the receipt's day is the leaving day
    gone = Member.objects.filter(leave_reason="TRANSFERRED_OUT", left_on__gte=start)
    receipts = {t.member_id: t.completed_on for t in Transfer.objects.filter(kind="OUT", status="COMPLETED")}
    assert gone.exists()
    assert all(receipts.get(m.pk) == m.left_on for m in gone)
    # into the county: the acceptance day starts the TRANSFER_IN period
    arrivals = MemberPeriod.objects.filter(start_reason="TRANSFER_IN", start_on__gte=start)
    accepted = {(t.member_id, t.completed_on) for t in Transfer.objects.filter(kind="IN", status="COMPLETED")}
    assert arrivals.exists()
    assert all((p.member_id, p.start_on) in accepted for p in arrivals)
    # open letters: the member is still on the sending branch's roll
    pending = Transfer.objects.filter(status="PENDING").select_related("member")
    assert pending.exists()
    assert all(t.member.is_current and t.member.organization_id == t.from_org_id for t in pending)


def test_the_year_has_transfers_certificates_and_a_july_first_visit_shaped_like_the_reference(county):
    transfers = transfer_figures(county.county, *year(county))
    assert transfers.total == round(23 * 1200 / 8800)
    assert transfers.certificates_issued >= 2
    care = care_figures(county.county, *year(county))
    assert care.members_visited == round(326 * 1200 / 8800)
    assert care.amount == Decimal("2730.00")  # 20,000 元 scaled to the county's size, in tens
    assert 1 <= care.committees <= care.branches <= care.members_visited
