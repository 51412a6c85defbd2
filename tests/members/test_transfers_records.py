"""Certificates, the 流动党员 register, leaving the Party, and lost contact with its flags."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from members.models import Certificate, Departure, LostContact, MemberPeriod, MobileRegistration
from members.selectors.transfers import lost_contact_flags
from members.services.transfers import (
    certificate_issue,
    lost_contact_record,
    lost_contact_resolve,
    member_depart,
    member_remove_after_suspension,
    mobile_end,
    mobile_register,
)
from organizations.models import RuleSetting
from tests.factories import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def frozen_today():
    # tick=True: auditlog keys its per-actor signal on time.time() (see test_transfers_lifecycle).
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def certificate(actor, member, **extra) -> Certificate:
    fields = dict(
        issued_on=dt.date(2026, 6, 1),
        destination="广东省东莞市",
        reason="外出务工",
        valid_until=dt.date(2026, 12, 1),
    )
    fields.update(extra)
    return certificate_issue(actor=actor, member=member, **fields)


# --- certificates --------------------------------------------------------------------


def test_a_certificate_is_issued_for_up_to_six_months(tree, member_a, secretary_a):
    c = certificate(secretary_a, member_a)
    assert (c.organization, c.valid_until, c.issued_by) == (tree.branch_a, dt.date(2026, 12, 1), secretary_a)
    assert LogEntry.objects.get_for_object(c).get().actor == secretary_a


def test_a_certificate_valid_longer_than_six_months_is_refused(tree, member_a, secretary_a):
    with pytest.raises(ValidationError) as exc:
        certificate(secretary_a, member_a, valid_until=dt.date(2026, 12, 2))
    assert "不能超过6个月" in exc.value.error_dict["valid_until"][0].messages[0]
    assert not Certificate.objects.exists()


def test_the_certificate_limit_is_configurable(tree, member_a, secretary_a):
    RuleSetting.objects.create(key="certificate_max_months", value="3")
    with pytest.raises(ValidationError):
        certificate(secretary_a, member_a, valid_until=dt.date(2026, 9, 2))
    assert certificate(secretary_a, member_a, valid_until=dt.date(2026, 9, 1))


def test_certificates_are_numbered_in_the_countys_yearly_series(tree, member_a, member_b, admin_user):
    first, second = certificate(admin_user, member_a), certificate(admin_user, member_b)
    assert (first.number, second.number) == ("富组证〔2026〕1号", "富组证〔2026〕2号")


def test_a_certificate_ending_before_it_starts_is_refused(tree, member_a, secretary_a):
    with pytest.raises(ValidationError):
        certificate(secretary_a, member_a, valid_until=dt.date(2026, 5, 31))
    assert not Certificate.objects.exists()


def test_a_certificate_for_another_branchs_member_is_not_found(tree, member_b, secretary_a):
    with pytest.raises(Http404):
        certificate(secretary_a, member_b)
    assert not Certificate.objects.exists()


# --- 流动党员 -------------------------------------------------------------------------


def test_registering_a_mobile_member_sets_the_flag_and_the_return_clears_it(tree, member_a, secretary_a):
    registration = mobile_register(
        actor=secretary_a,
        member=member_a,
        destination="广东省东莞市长安镇",
        contact="13800000001",
        since=dt.date(2026, 3, 1),
        card_no="流动证2026001",
    )
    member_a.refresh_from_db()
    assert member_a.is_mobile
    assert registration.organization == tree.branch_a  # the home branch keeps managing
    mobile_end(actor=secretary_a, registration=registration, until=dt.date(2026, 6, 1))
    member_a.refresh_from_db()
    assert not member_a.is_mobile
    assert MobileRegistration.objects.get().until == dt.date(2026, 6, 1)


def test_a_member_is_registered_mobile_once_at_a_time(tree, member_a, secretary_a):
    mobile_register(actor=secretary_a, member=member_a, destination="东莞", contact="1", since=TODAY)
    with pytest.raises(ValidationError):
        mobile_register(actor=secretary_a, member=member_a, destination="深圳", contact="1", since=TODAY)
    assert MobileRegistration.objects.count() == 1


def test_a_return_before_leaving_is_refused(tree, member_a, secretary_a):
    registration = mobile_register(
        actor=secretary_a, member=member_a, destination="东莞", contact="1", since=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError):
        mobile_end(actor=secretary_a, registration=registration, until=dt.date(2026, 2, 1))
    member_a.refresh_from_db()
    assert member_a.is_mobile


# --- leaving ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "document_no"),
    [
        ("DEATH", ""),
        ("WITHDRAWAL", ""),
        ("PERSUADED", "新党发〔2026〕1号"),
        ("REMOVED", "新党发〔2026〕2号"),
        ("EXPELLED", "富纪发〔2026〕3号"),
        ("SUSPENDED", "新党发〔2026〕4号"),
    ],
)
def test_each_leaving_reason_ends_membership_on_its_date(tree, member_a, secretary_a, reason, document_no):
    departure = member_depart(
        actor=secretary_a, member=member_a, reason=reason, day=dt.date(2026, 5, 20), document_no=document_no
    )
    member_a.refresh_from_db()
    assert (member_a.left_on, member_a.leave_reason) == (dt.date(2026, 5, 20), reason)
    last = MemberPeriod.objects.filter(member=member_a).latest("start_on")
    assert (last.end_on, last.end_reason) == (dt.date(2026, 5, 20), "LEFT")
    assert (departure.organization, departure.document_no) == (tree.branch_a, document_no)
    assert LogEntry.objects.get_for_object(departure).get().actor == secretary_a


@pytest.mark.parametrize("reason", ["PERSUADED", "REMOVED", "EXPELLED", "SUSPENDED"])
def test_a_decision_to_leave_needs_its_document_number(tree, member_a, secretary_a, reason):
    with pytest.raises(ValidationError) as exc:
        member_depart(actor=secretary_a, member=member_a, reason=reason, day=dt.date(2026, 5, 20))
    assert "document_no" in exc.value.error_dict
    member_a.refresh_from_db()
    assert member_a.is_current
    assert not Departure.objects.exists()


@pytest.mark.parametrize("reason", ["TRANSFERRED_OUT", "PROBATION_CANCELLED"])
def test_transfers_and_cancelled_probation_are_not_recorded_as_leaving(tree, member_a, secretary_a, reason):
    with pytest.raises(ValidationError):
        member_depart(
            actor=secretary_a, member=member_a, reason=reason, day=dt.date(2026, 5, 20), document_no="x"
        )
    member_a.refresh_from_db()
    assert member_a.is_current


def test_leaving_ends_an_open_mobile_registration_and_lost_contact(tree, member_a, secretary_a):
    mobile_register(
        actor=secretary_a, member=member_a, destination="东莞", contact="1", since=dt.date(2024, 1, 1)
    )
    lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2024, 3, 1))
    member_depart(
        actor=secretary_a,
        member=member_a,
        reason="SUSPENDED",
        day=dt.date(2026, 5, 20),
        document_no="新党发〔2026〕4号",
    )
    assert MobileRegistration.objects.get().until == dt.date(2026, 5, 20)
    assert LostContact.objects.get().resolved_on == dt.date(2026, 5, 20)
    member_a.refresh_from_db()
    assert not member_a.is_mobile


def test_the_auditor_records_no_leaving(tree, member_a, auditor):
    with pytest.raises(PermissionDenied):
        member_depart(actor=auditor, member=member_a, reason="DEATH", day=dt.date(2026, 5, 20))
    member_a.refresh_from_db()
    assert member_a.is_current


def test_a_suspended_member_can_later_be_removed(tree, member_a, secretary_a):
    member_depart(
        actor=secretary_a,
        member=member_a,
        reason="SUSPENDED",
        day=dt.date(2024, 1, 10),
        document_no="新党发〔2024〕1号",
    )
    member_remove_after_suspension(
        actor=secretary_a, member=member_a, day=dt.date(2026, 6, 1), document_no="新党发〔2026〕9号"
    )
    member_a.refresh_from_db()
    assert (member_a.left_on, member_a.leave_reason) == (dt.date(2024, 1, 10), "REMOVED")
    assert list(Departure.objects.order_by("day").values_list("reason", flat=True)) == [
        "SUSPENDED",
        "REMOVED",
    ]


def test_only_a_suspended_member_is_removed_this_way(tree, member_a, secretary_a):
    with pytest.raises(ValidationError):
        member_remove_after_suspension(actor=secretary_a, member=member_a, day=TODAY, document_no="x")
    assert not Departure.objects.exists()


# --- lost contact -------------------------------------------------------------------


def test_lost_contact_for_six_months_flags_a_suspension_proposal(tree, member_a, secretary_a):
    lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2025, 12, 16))
    assert lost_contact_flags(secretary_a, TODAY) == []  # 5 months 30 days
    flags = lost_contact_flags(secretary_a, dt.date(2026, 6, 16))
    assert [(f.label, f.months) for f in flags] == [("停止党籍（待研究）", 6)]


def test_a_probationary_member_lost_six_months_is_flagged_for_cancellation_not_suspension(
    tree, secretary_a, admin_user
):
    probationary = make_member(
        tree.branch_a,
        actor=admin_user,
        name="陆小燕",
        birth_date=dt.date(1995, 3, 8),
        seq=3,
        status="PROBATIONARY",
        joined_on=dt.date(2025, 9, 1),
        full_on=None,
    )
    lost_contact_record(actor=secretary_a, member=probationary, since=dt.date(2025, 12, 1))
    assert [f.label for f in lost_contact_flags(secretary_a, TODAY)] == ["取消预备资格（待研究）"]


def test_two_years_after_suspension_removal_is_flagged(tree, member_a, secretary_a):
    member_depart(
        actor=secretary_a,
        member=member_a,
        reason="SUSPENDED",
        day=dt.date(2024, 6, 15),
        document_no="新党发〔2024〕1号",
    )
    assert [(f.label, f.member) for f in lost_contact_flags(secretary_a, TODAY)] == [
        ("除名（待研究）", member_a)
    ]
    assert lost_contact_flags(secretary_a, dt.date(2026, 6, 14)) == []


def test_resolved_lost_contact_raises_no_flag(tree, member_a, secretary_a):
    record = lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2024, 1, 1))
    lost_contact_resolve(actor=secretary_a, record=record, day=TODAY, resolution="已恢复联系")
    assert lost_contact_flags(secretary_a, TODAY) == []


def test_flags_stay_within_scope(tree, member_a, secretary_a, secretary_b, committee_staff):
    lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2025, 1, 1))
    assert len(lost_contact_flags(secretary_a, TODAY)) == 1
    assert len(lost_contact_flags(committee_staff, TODAY)) == 1
    assert lost_contact_flags(secretary_b, TODAY) == []


def test_a_member_is_recorded_lost_once_at_a_time(tree, member_a, secretary_a):
    lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        lost_contact_record(actor=secretary_a, member=member_a, since=dt.date(2025, 2, 1))
    assert LostContact.objects.count() == 1
