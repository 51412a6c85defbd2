"""The 介绍信 lifecycle: issue, accept, receipt, void, re-issue — and what each does to member history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.fieldcrypto import id_hash_q
from members.models import Member, MemberPeriod, Transfer
from members.services.member import member_leave
from members.services.transfers import (
    transfer_accept,
    transfer_issue,
    transfer_record_incoming,
    transfer_record_receipt,
    transfer_reissue,
    transfer_void,
)
from organizations.models import RuleSetting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 6, 15)
JUNE = lambda day: dt.date(2026, 6, day)  # noqa: E731


@pytest.fixture
def frozen_today():
    # tick=True: auditlog keys its per-actor signal on time.time(); a stopped clock
    # would give nested services the same key and lose the outer actor.
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def members_of(org, day) -> set[str]:
    return set(MemberPeriod.objects.on(day).within(org).values_list("member__name", flat=True))


def issue_internal(actor, member, to_org, **extra) -> Transfer:
    fields = dict(issued_on=JUNE(1), to_org=to_org)
    fields.update(extra)
    return transfer_issue(actor=actor, kind="INTERNAL", member=member, **fields)


def issue_out(actor, member, **extra) -> Transfer:
    fields = dict(issued_on=JUNE(1), to_external="中共百色市右江区委组织部")
    fields.update(extra)
    return transfer_issue(actor=actor, kind="OUT", member=member, **fields)


def person(**overrides) -> dict:
    fields = dict(
        name="黄文军",
        gender="M",
        ethnicity="壮族",
        birth_date=dt.date(1980, 1, 1),
        id_number="532627198001010011",
        status="FULL",
        joined_on=dt.date(2003, 7, 1),
        full_on=dt.date(2004, 7, 1),
        education="COLLEGE",
        occupation="PROFESSIONAL",
        phone="13800000000",
        work_unit="富宁县人民医院 医生",
    )
    fields.update(overrides)
    return fields


def record_in(actor, to_org, **extra) -> Transfer:
    fields = dict(
        letter_no="右组转〔2026〕33号",
        from_external="中共百色市右江区委组织部",
        issued_on=JUNE(2),
        person=person(),
    )
    fields.update(extra)
    return transfer_record_incoming(actor=actor, to_org=to_org, **fields)


# --- inside the county ------------------------------------------------------------


def test_a_transfer_inside_the_county_moves_the_member_on_the_acceptance_date(
    tree, member_a, secretary_a, secretary_b
):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    transfer_accept(actor=secretary_b, transfer=transfer, day=JUNE(10))

    assert members_of(tree.branch_a, JUNE(9)) == {"张桂芳"}
    assert members_of(tree.branch_b, JUNE(9)) == set()
    assert members_of(tree.branch_a, JUNE(10)) == set()
    assert members_of(tree.branch_b, JUNE(10)) == {"张桂芳"}
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b
    period = MemberPeriod.objects.get(member=member_a, end_on__isnull=True)
    assert (period.start_on, period.start_reason, period.document_no) == (
        JUNE(10),
        "MOVED",
        "富组转〔2026〕1号",
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.completed_on, transfer.accepted_by) == (
        "COMPLETED",
        JUNE(10),
        secretary_b,
    )


def test_the_member_stays_with_the_old_branch_until_the_receiving_side_accepts(
    tree, member_a, secretary_a, secretary_b
):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_a
    assert members_of(tree.branch_a, TODAY) == {"张桂芳"}
    # the receiving secretary sees the letter but not yet the member
    assert Transfer.objects.visible_to(secretary_b).filter(pk=transfer.pk).exists()
    assert not Member.objects.visible_to(secretary_b).filter(pk=member_a.pk).exists()


def test_only_the_receiving_side_accepts_a_letter(tree, member_a, secretary_a):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    with pytest.raises(Http404):
        transfer_accept(actor=secretary_a, transfer=transfer, day=JUNE(10))
    transfer.refresh_from_db()
    assert transfer.status == "PENDING"
    assert MemberPeriod.objects.filter(member=member_a).count() == 2


def test_a_letter_past_its_validity_cannot_be_accepted(tree, member_a, secretary_a, secretary_b):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b, issued_on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as exc:
        transfer_accept(actor=secretary_b, transfer=transfer, day=JUNE(10))
    assert "过期" in str(exc.value)
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_a


def test_a_letter_inside_the_county_to_the_members_own_branch_is_refused(tree, member_a, secretary_a):
    with pytest.raises(ValidationError) as exc:
        issue_internal(secretary_a, member_a, tree.branch_a)
    assert "to_org" in exc.value.error_dict
    assert not Transfer.objects.exists()


def test_a_member_with_an_open_letter_cannot_get_a_second_one(tree, member_a, secretary_a):
    issue_internal(secretary_a, member_a, tree.branch_b)
    with pytest.raises(ValidationError) as exc:
        issue_out(secretary_a, member_a)
    assert "办理中" in str(exc.value)
    assert Transfer.objects.count() == 1


def test_a_branch_secretary_can_address_any_organization_of_the_county(
    tree, member_a, secretary_a, county_staff
):
    transfer = issue_internal(secretary_a, member_a, tree.branch_c)
    assert transfer.to_org == tree.branch_c
    transfer_accept(actor=county_staff, transfer=transfer, day=JUNE(3))
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_c


# --- validity ---------------------------------------------------------------------


def test_a_letter_valid_longer_than_the_maximum_is_refused(tree, member_a, secretary_a):
    with pytest.raises(ValidationError) as exc:
        issue_out(secretary_a, member_a, validity_days=91)
    assert exc.value.error_dict["validity_days"][0].messages == ["介绍信有效期最长90天"]
    assert not Transfer.objects.exists()


def test_validity_defaults_to_the_configured_days(tree, member_a, member_b, secretary_a, secretary_b):
    transfer = issue_out(secretary_a, member_a)
    assert (transfer.validity_days, transfer.valid_until) == (30, JUNE(1) + dt.timedelta(days=30))
    RuleSetting.objects.create(key="letter_validity_days", value="45")
    second = issue_out(secretary_b, member_b)
    assert second.validity_days == 45


# --- out of the county ------------------------------------------------------------


def test_out_of_the_county_the_receipt_ends_membership_on_the_receipt_date(tree, member_a, secretary_a):
    transfer = issue_out(secretary_a, member_a)
    member_a.refresh_from_db()
    assert member_a.is_current  # the sending branch stays responsible until the receipt
    transfer_record_receipt(actor=secretary_a, transfer=transfer, day=JUNE(12))

    member_a.refresh_from_db()
    assert (member_a.left_on, member_a.leave_reason) == (JUNE(12), "TRANSFERRED_OUT")
    last = MemberPeriod.objects.filter(member=member_a).latest("start_on")
    assert (last.end_on, last.end_reason) == (JUNE(12), "TRANSFER_OUT")
    assert members_of(tree.county, JUNE(11)) == {"张桂芳"}
    assert members_of(tree.county, JUNE(12)) == set()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.receipt_on, transfer.completed_on) == ("COMPLETED", JUNE(12), JUNE(12))


def test_a_receipt_is_recorded_only_for_letters_out_of_the_county(tree, member_a, secretary_a):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    with pytest.raises(ValidationError):
        transfer_record_receipt(actor=secretary_a, transfer=transfer, day=JUNE(12))
    transfer.refresh_from_db()
    assert transfer.receipt_on is None


def test_a_receipt_dated_before_the_letter_is_refused(tree, member_a, secretary_a):
    transfer = issue_out(secretary_a, member_a)
    with pytest.raises(ValidationError):
        transfer_record_receipt(actor=secretary_a, transfer=transfer, day=dt.date(2026, 5, 31))
    member_a.refresh_from_db()
    assert member_a.is_current


# --- into the county --------------------------------------------------------------


def test_into_the_county_acceptance_creates_the_member_with_transfer_in_history(tree, secretary_b):
    transfer = record_in(secretary_b, tree.branch_b)
    assert not Member.objects.filter(id_hash_q("id_number", "532627198001010011")).exists()
    transfer_accept(actor=secretary_b, transfer=transfer, day=JUNE(5))

    member = Member.objects.get(id_hash_q("id_number", "532627198001010011"))
    assert (member.name, member.organization, member.status) == ("黄文军", tree.branch_b, "FULL")
    periods = list(MemberPeriod.objects.filter(member=member))
    assert [(p.start_on, p.start_reason, p.document_no, p.organization) for p in periods] == [
        (JUNE(5), "TRANSFER_IN", "右组转〔2026〕33号", tree.branch_b)
    ]
    assert members_of(tree.branch_b, JUNE(4)) == set()
    assert members_of(tree.branch_b, JUNE(5)) == {"黄文军"}
    transfer.refresh_from_db()
    assert transfer.member == member


def test_a_returning_member_is_reactivated_rather_than_duplicated(tree, member_a, secretary_a, secretary_b):
    out = issue_out(secretary_a, member_a, issued_on=dt.date(2026, 1, 5))
    transfer_record_receipt(actor=secretary_a, transfer=out, day=dt.date(2026, 1, 20))
    back = record_in(
        secretary_b,
        tree.branch_b,
        person=person(
            name="张桂芳",
            gender="F",
            birth_date=dt.date(1949, 12, 31),
            id_number="11010519491231002X",
            joined_on=dt.date(1975, 7, 1),
            full_on=dt.date(1976, 7, 1),
        ),
    )
    transfer_accept(actor=secretary_b, transfer=back, day=JUNE(6))

    assert Member.objects.filter(id_hash_q("id_number", "11010519491231002X")).count() == 1
    member_a.refresh_from_db()
    assert (member_a.organization, member_a.left_on, member_a.leave_reason) == (tree.branch_b, None, "")
    reasons = list(MemberPeriod.objects.filter(member=member_a).values_list("start_reason", "end_reason"))
    assert reasons[-1] == ("TRANSFER_IN", "")
    assert members_of(tree.county, dt.date(2026, 3, 1)) == set()  # away between the two letters
    assert members_of(tree.county, JUNE(6)) == {"张桂芳"}


def test_someone_who_left_for_another_reason_cannot_return_by_a_transfer(
    tree, member_a, admin_user, secretary_b
):
    member_leave(actor=admin_user, member=member_a, day=dt.date(2026, 1, 10), reason="EXPELLED")
    with pytest.raises(ValidationError) as exc:
        record_in(
            secretary_b,
            tree.branch_b,
            person=person(
                name="张桂芳",
                gender="F",
                birth_date=dt.date(1949, 12, 31),
                id_number="11010519491231002X",
                joined_on=dt.date(1975, 7, 1),
                full_on=dt.date(1976, 7, 1),
            ),
        )
    assert "id_number" in exc.value.error_dict
    assert not Transfer.objects.exists()


def test_an_incoming_letter_for_someone_on_the_roll_is_refused(tree, member_a, secretary_b):
    with pytest.raises(ValidationError):
        record_in(
            secretary_b,
            tree.branch_b,
            person=person(gender="F", birth_date=dt.date(1949, 12, 31), id_number="11010519491231002X"),
        )
    assert not Transfer.objects.exists()


def test_an_incoming_letter_with_a_bad_id_number_is_refused(tree, secretary_b):
    with pytest.raises(ValidationError) as exc:
        record_in(secretary_b, tree.branch_b, person=person(id_number="110105195001010014"))
    assert exc.value.error_dict["id_number"][0].messages == ["公民身份号码校验位错误"]
    assert not Transfer.objects.exists()


# --- void and re-issue ----------------------------------------------------------


def test_the_sending_side_voids_an_open_letter(tree, member_a, secretary_a):
    transfer = issue_out(secretary_a, member_a)
    transfer_void(actor=secretary_a, transfer=transfer, reason="本人放弃外出")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.voided_on, transfer.void_reason) == ("VOID", TODAY, "本人放弃外出")
    member_a.refresh_from_db()
    assert member_a.is_current


def test_the_receiving_side_cannot_void_the_senders_letter(tree, member_a, secretary_a, secretary_b):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    with pytest.raises(Http404):
        transfer_void(actor=secretary_b, transfer=transfer, reason="不接收")
    transfer.refresh_from_db()
    assert transfer.status == "PENDING"


def test_a_completed_letter_cannot_be_voided(tree, member_a, secretary_a, secretary_b):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    transfer_accept(actor=secretary_b, transfer=transfer, day=JUNE(3))
    with pytest.raises(ValidationError):
        transfer_void(actor=secretary_a, transfer=transfer, reason="误操作")
    transfer.refresh_from_db()
    assert transfer.status == "COMPLETED"


def test_an_expired_letter_is_reissued_and_the_old_one_voided(tree, member_a, secretary_a, secretary_b):
    old = issue_internal(secretary_a, member_a, tree.branch_b, issued_on=dt.date(2026, 4, 1))
    new = transfer_reissue(actor=secretary_a, transfer=old, issued_on=JUNE(10))
    old.refresh_from_db()
    assert old.status == "VOID"
    # a re-issue is a new letter: the next number of the series, named in the old one's void reason
    assert (old.letter_no, new.letter_no) == ("富组转〔2026〕1号", "富组转〔2026〕2号")
    assert old.void_reason == "逾期未办结，重开介绍信富组转〔2026〕2号"
    assert (new.status, new.replaces, new.to_org, new.member) == ("PENDING", old, tree.branch_b, member_a)
    transfer_accept(actor=secretary_b, transfer=new, day=JUNE(12))
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b


def test_a_letter_still_valid_is_not_reissued(tree, member_a, secretary_a):
    old = issue_out(secretary_a, member_a)
    with pytest.raises(ValidationError) as exc:
        transfer_reissue(actor=secretary_a, transfer=old, issued_on=JUNE(15))
    assert "issued_on" in exc.value.error_dict
    old.refresh_from_db()
    assert old.status == "PENDING"
    assert Transfer.objects.count() == 1


# --- scope, roles, audit -------------------------------------------------------------


def test_a_secretary_cannot_issue_a_letter_for_another_branchs_member(tree, member_b, secretary_a):
    with pytest.raises(Http404):
        issue_out(secretary_a, member_b)
    assert not Transfer.objects.exists()


def test_the_auditor_cannot_issue_a_letter(tree, member_a, auditor):
    with pytest.raises(PermissionDenied):
        issue_out(auditor, member_a)
    assert not Transfer.objects.exists()


def test_issuing_writes_an_audit_row_with_the_id_number_masked(tree, member_a, secretary_a):
    transfer = issue_out(secretary_a, member_a)
    entry = LogEntry.objects.get_for_object(transfer).get()
    assert entry.actor == secretary_a
    assert entry.changes_dict["person_id_number"][1] == "110105************"


def test_acceptance_writes_audit_rows_for_the_letter_and_the_member(tree, member_a, secretary_a, secretary_b):
    transfer = issue_internal(secretary_a, member_a, tree.branch_b)
    transfer_accept(actor=secretary_b, transfer=transfer, day=JUNE(3))
    assert LogEntry.objects.get_for_object(transfer).filter(actor=secretary_b, action=1).exists()
    assert LogEntry.objects.get_for_object(member_a).filter(actor=secretary_b, action=1).exists()
