"""Open 流动党员 and 失联 records follow the member: a move takes them along, leaving ends them.

Every change of branch (the move page, an accepted 介绍信, a merge) and every way
of leaving (出党/死亡, the receipt of a letter out of the county, 取消预备资格)
goes through members.services.member, whose hooks keep these records in step.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from members.choices import LeaveReason
from members.models import LostContact, Member, MemberPeriod, MobileRegistration
from members.models.development import Outcome, Step
from members.selectors.transfers import lost_contact_list, mobile_list
from members.services.development import step_record
from members.services.member import member_leave, member_move
from members.services.transfers import (
    lost_contact_record,
    lost_contact_resolve,
    mobile_end,
    mobile_register,
    transfer_accept,
    transfer_issue,
    transfer_record_receipt,
    transfer_void,
)
from organizations.services import org_merge
from tests.factories import PASSWORD, advance

pytestmark = pytest.mark.django_db

JUNE = lambda day: dt.date(2026, 6, day)  # noqa: E731


@pytest.fixture
def frozen_today():
    # auditlog keys its per-actor signal on time.time(): let the clock tick (see test_transfers_lifecycle).
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


@pytest.fixture
def away(frozen_today, member_a, secretary_a):
    """member_a (branch A) is away as a 流动党员 and, separately, recorded as lost contact."""
    registration = mobile_register(
        actor=secretary_a, member=member_a, destination="广东省东莞市", contact="13800000001", since=JUNE(1)
    )
    lost = lost_contact_record(actor=secretary_a, member=member_a, since=JUNE(2))
    member_a.refresh_from_db()
    return registration, lost


def _refreshed(away):
    registration, lost = away
    registration.refresh_from_db()
    lost.refresh_from_db()
    return registration, lost


def _last_change(obj, actor):
    entry = LogEntry.objects.get_for_object(obj).order_by("-pk").first()
    assert entry.actor == actor
    return entry.changes_dict


# --- a move takes the open records along -------------------------------------------------------------


def test_a_move_takes_the_open_mobile_and_lost_contact_records_to_the_new_branch(
    tree, member_a, committee_staff, away
):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=JUNE(10))
    registration, lost = _refreshed(away)
    assert (registration.organization, lost.organization) == (tree.branch_b, tree.branch_b)
    assert (registration.until, lost.resolved_on) == (None, None)  # still open, only the branch changed
    assert "organization" in _last_change(registration, committee_staff)
    assert "organization" in _last_change(lost, committee_staff)


def test_after_a_move_the_new_secretary_manages_the_records_and_the_old_one_no_longer_sees_them(
    tree, member_a, committee_staff, secretary_a, secretary_b, away
):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=JUNE(10))
    registration, lost = _refreshed(away)
    assert not mobile_list(secretary_a).exists()
    assert not lost_contact_list(secretary_a).exists()
    assert list(mobile_list(secretary_b)) == [registration]
    assert list(lost_contact_list(secretary_b)) == [lost]
    with pytest.raises(Http404):
        mobile_end(actor=secretary_a, registration=registration, until=JUNE(12))
    mobile_end(actor=secretary_b, registration=registration, until=JUNE(12))
    lost_contact_resolve(actor=secretary_b, record=lost, day=JUNE(12), resolution="已恢复联系")
    member_a.refresh_from_db()
    assert not member_a.is_mobile


def test_an_accepted_letter_inside_the_county_takes_the_open_records_along(
    tree, member_a, secretary_a, secretary_b, away
):
    letter = transfer_issue(
        actor=secretary_a,
        kind="INTERNAL",
        member=member_a,
        issued_on=JUNE(3),
        to_org=tree.branch_b,
    )
    transfer_accept(actor=secretary_b, transfer=letter, day=JUNE(10))
    registration, lost = _refreshed(away)
    assert (registration.organization, lost.organization) == (tree.branch_b, tree.branch_b)
    assert "organization" in _last_change(registration, secretary_b)


def test_a_merge_takes_the_open_records_to_the_successor(tree, member_a, admin_user, away):
    org_merge(actor=admin_user, org=tree.branch_a, successor=tree.branch_b, day=JUNE(10))
    registration, lost = _refreshed(away)
    assert (registration.organization, lost.organization) == (tree.branch_b, tree.branch_b)
    assert "organization" in _last_change(lost, admin_user)


def test_a_closed_record_stays_with_the_branch_that_kept_it(
    tree, member_a, committee_staff, secretary_a, away
):
    registration, _ = away
    mobile_end(actor=secretary_a, registration=registration, until=JUNE(5))
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=JUNE(10))
    registration.refresh_from_db()
    assert registration.organization == tree.branch_a


# --- a plain move waits for an open letter ----------------------------------------------------------


@pytest.mark.parametrize(("kind", "waiting"), [("OUT", "待回执"), ("INTERNAL", "待接收")])
def test_a_plain_move_is_refused_while_the_member_has_an_open_letter_naming_it(
    frozen_today, tree, member_a, committee_staff, secretary_a, kind, waiting
):
    to = {"to_external": "中共百色市右江区委组织部"} if kind == "OUT" else {"to_org": tree.branch_c}
    transfer_issue(actor=secretary_a, kind=kind, member=member_a, issued_on=JUNE(3), **to)
    entries = LogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=JUNE(10))
    assert "介绍信富组转〔2026〕1号" in exc.value.messages[0]
    assert waiting in exc.value.messages[0]
    assert Member.objects.get(pk=member_a.pk).organization == tree.branch_a
    assert MemberPeriod.objects.get(member=member_a, end_on__isnull=True).organization == tree.branch_a
    assert LogEntry.objects.count() == entries


def test_a_plain_move_is_possible_again_once_the_letter_is_voided(
    frozen_today, tree, member_a, committee_staff, secretary_a
):
    letter = transfer_issue(
        actor=secretary_a,
        kind="OUT",
        member=member_a,
        issued_on=JUNE(3),
        to_external="中共百色市右江区委组织部",
    )
    transfer_void(actor=secretary_a, transfer=letter, reason="本人不再外出", day=JUNE(5))
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=JUNE(10))
    assert Member.objects.get(pk=member_a.pk).organization == tree.branch_b


def test_the_move_page_shows_the_open_letter_and_moves_nobody(
    frozen_today, client, tree, member_a, committee_staff, secretary_a
):
    transfer_issue(
        actor=secretary_a,
        kind="OUT",
        member=member_a,
        issued_on=JUNE(3),
        to_external="中共百色市右江区委组织部",
    )
    client.login(username=committee_staff.username, password=PASSWORD)
    response = client.post(
        reverse("members:move", args=[member_a.pk]),
        {"to_org": tree.branch_b.pk, "day": "2026-06-10", "document_no": ""},
    )
    assert response.status_code == 200
    assert "介绍信富组转〔2026〕1号" in response.content.decode()
    assert Member.objects.get(pk=member_a.pk).organization == tree.branch_a


# --- every way of leaving ends the open records ------------------------------------------------------


def test_the_receipt_of_a_letter_out_of_the_county_ends_the_open_records_and_the_mobile_flag(
    tree, member_a, secretary_a, away
):
    letter = transfer_issue(
        actor=secretary_a,
        kind="OUT",
        member=member_a,
        issued_on=JUNE(3),
        to_external="中共百色市右江区委组织部",
    )
    transfer_record_receipt(actor=secretary_a, transfer=letter, day=JUNE(12))
    registration, lost = _refreshed(away)
    assert registration.until == JUNE(12)
    assert (lost.resolved_on, lost.resolution) == (JUNE(12), LeaveReason.TRANSFERRED_OUT.label)
    member_a.refresh_from_db()
    assert (member_a.is_mobile, member_a.left_on) == (False, JUNE(12))
    assert "until" in _last_change(registration, secretary_a)
    assert "resolved_on" in _last_change(lost, secretary_a)


def test_leaving_dated_before_a_record_opened_ends_it_on_its_own_start(tree, member_a, secretary_a, away):
    member_leave(actor=secretary_a, member=member_a, day=JUNE(1), reason=LeaveReason.DEATH)
    registration, lost = _refreshed(away)
    assert (registration.until, lost.resolved_on) == (JUNE(1), JUNE(2))
    assert not member_a.is_mobile  # the caller's instance is up to date too


def test_cancelling_the_probation_ends_the_open_records(applicant_a, ctx):
    advance(applicant_a, 22, ctx)
    member = Member.objects.get(pk=applicant_a.member_id)
    secretary = ctx["secretary_a"]
    mobile_register(
        actor=secretary, member=member, destination="东莞", contact="1", since=dt.date(2025, 1, 1)
    )
    lost_contact_record(actor=secretary, member=member, since=dt.date(2025, 3, 1))
    step_record(
        actor=secretary,
        applicant=applicant_a,
        number=Step.CONFIRMATION_MEETING,
        day=dt.date(2025, 6, 30),
        votes_entitled=2,
        votes_present=2,
        votes_for=2,
        outcome=Outcome.CANCELLED,
        note="不履行党员义务",
    )
    step_record(  # the cancellation takes effect when the committee approves it
        actor=ctx["committee_staff"],
        applicant=applicant_a,
        number=Step.CONFIRMATION_APPROVAL,
        day=dt.date(2025, 7, 2),
        approving_org=ctx["committee"],
    )
    assert MobileRegistration.objects.get(member=member).until == dt.date(2025, 7, 2)
    lost = LostContact.objects.get(member=member)
    assert (lost.resolved_on, lost.resolution) == (dt.date(2025, 7, 2), "取消预备资格")
    member.refresh_from_db()
    assert (member.is_mobile, member.leave_reason) == (False, LeaveReason.PROBATION_CANCELLED)


def test_a_refused_leaving_ends_no_record(tree, member_a, secretary_a, away):
    with pytest.raises(ValidationError):
        member_leave(actor=secretary_a, member=member_a, day=dt.date(1970, 1, 1), reason=LeaveReason.DEATH)
    registration, lost = _refreshed(away)
    assert (registration.until, lost.resolved_on) == (None, None)
    member_a.refresh_from_db()
    assert member_a.is_mobile and member_a.is_current
