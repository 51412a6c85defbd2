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
    Restoration,
    Transfer,
)
from members.selectors.care import care_figures
from members.selectors.changes import member_changes
from members.selectors.transfers import lost_contact_flags, transfer_figures
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
    for model in (
        Transfer,
        Certificate,
        MobileRegistration,
        Departure,
        LostContact,
        Restoration,
        CareVisitMember,
    ):
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


def test_the_demo_proposes_suspension_for_the_long_lost_and_shows_a_restored_member(county):
    secretary, county_staff = county.users["secretary"], county.users["county"]
    flags = lost_contact_flags(county_staff, county.today)
    kinds = {f.kind for f in flags}
    assert {"SUSPENSION", "REMOVAL"} <= kinds
    # the demo secretary's branch has a member lost seven months: 停止党籍 is to be proposed there
    assert [f.label for f in lost_contact_flags(secretary, county.today)] == ["停止党籍（待研究）"]
    restoration = Restoration.objects.select_related("member").get()
    assert restoration.member.is_current and restoration.suspended_on < restoration.day <= county.today
    period = MemberPeriod.objects.get(member=restoration.member, end_on__isnull=True)
    assert (period.start_reason, period.start_on) == ("RESTORED", restoration.day)
    assert Departure.objects.filter(member=restoration.member, reason="SUSPENDED").exists()
    changes = member_changes(county.county, restoration.day, county.today)
    assert changes.restored == 1 and changes.reconciles
