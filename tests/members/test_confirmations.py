"""转正 for every 预备党员, however they arrived (issue 8 items 1 and 3, and the long-overdue worklist of item 9).

A 转正记录 (``Confirmation``) holds the branch meeting and the upper committee's
answer; it hangs on the member, with or without an ``Applicant``.  Today is
2026-06-30 (``frozen``); the cast's branch A has one full member (member_a),
branch B one (member_b), so one vote is entitled in each.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from core.fieldcrypto import id_hash_q
from members.choices import LeaveReason, MemberStatus, PeriodReason
from members.models import Applicant, Confirmation, Member
from members.models.development import Decision, Outcome, Step
from members.selectors.development import worklist
from members.selectors.todos import member_todos
from members.services.development import confirmation_decide, confirmation_record, step_record
from members.services.imports import import_members
from members.services.member import member_leave, member_move
from members.services.transfers import member_depart, transfer_accept, transfer_record_incoming
from organizations.models import RuleSetting
from tests.factories import DATES, PUBLICITY, advance, make_id, make_probationary, post_publicity

from .test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db


def periods(member: Member) -> list[tuple[str, str, dt.date, dt.date | None, str, str]]:
    return [
        (p.organization.name, p.status, p.start_on, p.end_on, p.start_reason, p.end_reason)
        for p in member.periods.select_related("organization").order_by("start_on", "id")
    ]


def discuss(member, actor, day, outcome=Outcome.ON_TIME, voters=1, **extra) -> Confirmation:
    return confirmation_record(
        actor=actor,
        member=member,
        day=day,
        outcome=outcome,
        votes_entitled=voters,
        votes_present=voters,
        votes_for=voters,
        **extra,
    )


def approve(confirmation, actor, org, day, **extra) -> Confirmation:
    return confirmation_decide(actor=actor, confirmation=confirmation, day=day, approving_org=org, **extra)


# --- however they arrived --------------------------------------------------------------------------------


def test_a_probationary_member_imported_then_confirmed(
    frozen, tree, member_a, county_staff, secretary_a, committee_staff
):
    row = import_row(1, 党员类型="预备党员", 入党日期=dt.date(2025, 5, 20), 转正日期=None)
    assert import_members(actor=county_staff, source=workbook([row])).ok
    member = Member.objects.get(id_hash_q("id_number", row["公民身份号码"]))
    assert not Applicant.objects.filter(member=member).exists()  # no development record in the system

    meeting = discuss(member, secretary_a, dt.date(2026, 5, 26), document_no="各支〔2026〕5号")
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY  # waits for the committee
    approve(
        meeting,
        committee_staff,
        tree.committee,
        dt.date(2026, 6, 15),
        approval_document_no="新党发〔2026〕9号",
    )

    member.refresh_from_db()
    assert (member.status, member.full_on) == (
        MemberStatus.FULL,
        dt.date(2026, 5, 20),
    )  # the end of the probation
    assert periods(member) == [
        (
            "各甫村党支部",
            "PROBATIONARY",
            dt.date(2025, 5, 20),
            dt.date(2026, 5, 20),
            "REGISTERED",
            "CONFIRMED",
        ),
        ("各甫村党支部", "FULL", dt.date(2026, 5, 20), None, "CONFIRMED", ""),
    ]
    meeting.refresh_from_db()
    assert (meeting.decision, meeting.approved_on, meeting.organization) == (
        Decision.APPROVED,
        dt.date(2026, 6, 15),
        tree.branch_a,
    )
    assert LogEntry.objects.get_for_object(meeting).count() == 2  # recorded, then answered


def test_a_probationary_member_transferred_in_after_the_probation_ended_is_confirmed(
    frozen, tree, member_a, secretary_a, committee_staff
):
    birth = dt.date(1996, 2, 14)
    letter = transfer_record_incoming(
        actor=secretary_a,
        to_org=tree.branch_a,
        letter_no="百组转〔2026〕31号",
        from_external="中共百色市右江区委组织部",
        issued_on=dt.date(2026, 4, 1),
        person={
            "name": "蒙丽华",
            "gender": "F",
            "ethnicity": "壮族",
            "birth_date": birth,
            "id_number": make_id(birth, 5, False),
            "education": "BACHELOR",
            "occupation": "PROFESSIONAL",
            "status": MemberStatus.PROBATIONARY,
            "joined_on": dt.date(2025, 3, 1),
            "full_on": None,
        },
    )
    transfer_accept(actor=secretary_a, transfer=letter, day=dt.date(2026, 4, 10))
    member = Member.objects.get(name="蒙丽华")
    meeting = discuss(member, secretary_a, dt.date(2026, 4, 20))
    approve(meeting, committee_staff, tree.committee, dt.date(2026, 5, 8))
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, dt.date(2026, 3, 1))
    # In the county from the transfer on, full all along (the 转正 came before the arrival).
    assert periods(member) == [
        ("各甫村党支部", "FULL", dt.date(2026, 4, 10), None, "TRANSFER_IN", ""),
    ]


# --- a move: the record follows the member, the receiving branch confirms ------------------------------------


def test_a_probationary_member_moved_before_the_probation_ended_is_confirmed_by_the_receiving_branch(
    applicant_a, ctx, member_b, secretary_b
):
    advance(applicant_a, 21, ctx)  # admitted 2024-07-08 in branch A
    member = Member.objects.get(pk=applicant_a.member_id)
    member_move(
        actor=ctx["committee_staff"], member=member, to_org=ctx["tree"].branch_b, day=dt.date(2025, 3, 3)
    )
    applicant_a.refresh_from_db()
    assert applicant_a.organization == ctx["tree"].branch_b  # the development record followed
    # The receiving branch records the rest of the steps and the 转正.
    step_record(actor=secretary_b, applicant=applicant_a, number=Step.CONFIRMATION_REQUEST, day=DATES[22])
    post_publicity(applicant_a, Step.CONFIRMATION_REQUEST, secretary_b, *PUBLICITY[22])
    meeting = step_record(
        actor=secretary_b,
        applicant=applicant_a,
        number=Step.CONFIRMATION_MEETING,
        day=DATES[23],
        outcome=Outcome.ON_TIME,
        votes_entitled=1,
        votes_present=1,
        votes_for=1,
    )
    assert meeting.organization == ctx["tree"].branch_b
    step_record(
        actor=ctx["committee_staff"],
        applicant=applicant_a,
        number=Step.CONFIRMATION_APPROVAL,
        day=DATES[24],
        approving_org=ctx["committee"],
    )
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, dt.date(2025, 7, 8))
    assert periods(member) == [
        ("各甫村党支部", "PROBATIONARY", DATES[15], dt.date(2025, 3, 3), "ADMITTED", "MOVED"),
        ("新华社区党支部", "PROBATIONARY", dt.date(2025, 3, 3), dt.date(2025, 7, 8), "MOVED", "CONFIRMED"),
        ("新华社区党支部", "FULL", dt.date(2025, 7, 8), None, "CONFIRMED", ""),
    ]


def test_a_probationary_member_moved_after_the_probation_ended_is_confirmed_by_the_receiving_branch(
    frozen, tree, member_a, member_b, admin_user, committee_staff, secretary_b
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2))
    member_move(actor=committee_staff, member=member, to_org=tree.branch_b, day=dt.date(2026, 4, 15))
    assert worklist(secretary_b, frozen).probation_overdue[0].member == member  # the receiving branch's to-do
    meeting = discuss(member, secretary_b, dt.date(2026, 5, 6))
    approve(meeting, committee_staff, tree.committee, dt.date(2026, 5, 20))
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, dt.date(2026, 3, 2))
    # The history is re-dated: full from the end of the probation, in branch A, then in branch B.
    assert periods(member) == [
        ("各甫村党支部", "PROBATIONARY", dt.date(2025, 3, 2), dt.date(2026, 3, 2), "REGISTERED", "CONFIRMED"),
        ("各甫村党支部", "FULL", dt.date(2026, 3, 2), dt.date(2026, 4, 15), "CONFIRMED", "MOVED"),
        ("新华社区党支部", "FULL", dt.date(2026, 4, 15), None, "MOVED", ""),
    ]


def test_the_old_branch_no_longer_sees_a_moved_members_confirmations(
    frozen, tree, member_a, member_b, admin_user, committee_staff, secretary_a, secretary_b
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2))
    meeting = discuss(member, secretary_a, dt.date(2026, 3, 10))
    member_move(actor=committee_staff, member=member, to_org=tree.branch_b, day=dt.date(2026, 4, 15))
    assert list(Confirmation.objects.visible_to(secretary_b)) == [meeting]
    assert not Confirmation.objects.visible_to(secretary_a).exists()


# --- the rules of the 转正 discussion and its approval ----------------------------------------------------


def test_the_meeting_before_the_probation_ends_is_refused(frozen, tree, member_a, admin_user, secretary_a):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 9, 1))
    with pytest.raises(ValidationError) as exc:
        discuss(member, secretary_a, dt.date(2026, 6, 1))
    assert exc.value.message_dict["day"] == ["预备期至2026-09-01期满，期满后方可讨论转正或延长预备期"]
    assert not Confirmation.objects.exists()


def test_the_committee_refuses_a_confirmation_and_the_branch_discusses_again(
    frozen, tree, member_a, admin_user, secretary_a, committee_staff
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2))
    first = discuss(member, secretary_a, dt.date(2026, 3, 10))
    with pytest.raises(ValidationError) as exc:
        approve(first, committee_staff, tree.committee, dt.date(2026, 3, 20), decision=Decision.REFUSED)
    assert exc.value.message_dict["refusal_reason"] == ["不予批准须填写理由"]
    approve(
        first,
        committee_staff,
        tree.committee,
        dt.date(2026, 3, 20),
        decision=Decision.REFUSED,
        refusal_reason="预备期考察材料不全",
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY  # a refusal changes nothing on the record
    second = discuss(member, secretary_a, dt.date(2026, 4, 2), Outcome.EXTENDED, extension_months=6)
    approve(second, committee_staff, tree.committee, dt.date(2026, 4, 20))
    assert worklist(secretary_a, frozen).probation_overdue == []  # the probation runs to 2026-09-02


def test_the_confirmations_approval_is_due_within_three_months_and_six_with_a_reason(
    tree, member_a, admin_user, secretary_a, committee_staff
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10), tick=False):
        member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2))
        meeting = discuss(member, secretary_a, dt.date(2026, 3, 10))
        with pytest.raises(ValidationError) as exc:
            approve(meeting, committee_staff, tree.committee, dt.date(2026, 6, 11))
        assert exc.value.message_dict["late_reason"] == ["支部大会讨论后超过3个月审批，须说明原因"]
        with pytest.raises(ValidationError) as exc:
            approve(meeting, committee_staff, tree.committee, dt.date(2026, 9, 11), late_reason="换届")
        assert "不能再批准" in exc.value.message_dict["decision"][0]
        # Past six months the case is closed with 不予批准, never stuck.
        approve(
            meeting,
            committee_staff,
            tree.committee,
            dt.date(2026, 9, 11),
            decision=Decision.REFUSED,
            refusal_reason="超过审批期限，请支部重新讨论",
        )
        assert Confirmation.objects.get().decision == Decision.REFUSED


def test_only_the_committee_answers_a_confirmation(frozen, tree, member_a, admin_user, secretary_a):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2))
    meeting = discuss(member, secretary_a, dt.date(2026, 3, 10))
    with pytest.raises(ValidationError) as exc:
        approve(meeting, secretary_a, tree.committee, dt.date(2026, 3, 20))
    assert exc.value.message_dict["approving_org"] == ["审批须由“新华镇党委”或其上级的工作人员办理"]


# --- 取消预备资格 at any time, never 停止党籍 -------------------------------------------------------------------


def test_the_probation_is_cancelled_mid_probation(
    frozen, tree, member_a, admin_user, secretary_a, committee_staff
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 11, 3))
    meeting = discuss(member, secretary_a, dt.date(2026, 4, 8), Outcome.CANCELLED, note="长期不参加组织生活")
    approve(meeting, committee_staff, tree.committee, dt.date(2026, 4, 21))
    member.refresh_from_db()
    assert (member.left_on, member.leave_reason) == (dt.date(2026, 4, 21), LeaveReason.PROBATION_CANCELLED)
    assert periods(member)[-1][3:] == (dt.date(2026, 4, 21), "REGISTERED", PeriodReason.LEFT)


def test_a_probationary_member_admitted_through_the_pipeline_is_cancelled_before_applying(applicant_a, ctx):
    advance(applicant_a, 20, ctx)  # admitted 2024-07-08, approved, oath taken; no 转正 application
    meeting = step_record(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        number=Step.CONFIRMATION_MEETING,
        day=dt.date(2024, 12, 2),
        outcome=Outcome.CANCELLED,
        votes_entitled=2,
        votes_present=2,
        votes_for=2,
    )
    assert meeting.outcome == Outcome.CANCELLED


def test_suspension_does_not_apply_to_a_probationary_member(frozen, tree, member_a, admin_user, secretary_a):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 11, 3))
    with pytest.raises(ValidationError) as exc:
        member_depart(
            actor=secretary_a,
            member=member,
            reason=LeaveReason.SUSPENDED,
            day=dt.date(2026, 6, 1),
            document_no="新党发〔2026〕3号",
        )
    assert "预备党员不适用停止党籍" in exc.value.message_dict["reason"][0]  # … 取消预备资格 instead
    with pytest.raises(ValidationError):
        member_leave(actor=secretary_a, member=member, day=dt.date(2026, 6, 1), reason=LeaveReason.SUSPENDED)
    member.refresh_from_db()
    assert member.is_current


# --- the worklist and the 工作台 -------------------------------------------------------------------------------


def test_a_long_overdue_probationary_member_is_on_the_worklist(tree, member_a, admin_user, secretary_a):
    with time_machine.travel(dt.datetime(2025, 5, 1, 10), tick=False):  # registered while still plausible
        member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2024, 5, 6))
    with time_machine.travel(dt.datetime(2026, 12, 1, 10), tick=False):
        today = dt.date(2026, 12, 1)
        overdue = worklist(secretary_a, today).probation_overdue
        assert [(w.member, w.applicant, w.due_on) for w in overdue] == [(member, None, dt.date(2025, 5, 6))]
        assert "超过18个月仍为预备党员" in overdue[0].message
        assert overdue[0].url == member.get_absolute_url() + "#probation"
        todo = next(
            t
            for g in member_todos(secretary_a, today)
            for t in g.todos
            if t.key == "development.probation_overdue"
        )
        assert todo.count == 1


def test_the_worklist_lists_probations_ending_overdue_and_waiting_for_approval(
    frozen, tree, member_a, admin_user, secretary_a, committee_staff
):
    ending = make_probationary(
        tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 7, 20), seq=32, name="甲"
    )
    overdue = make_probationary(
        tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 4, 1), seq=33, name="乙"
    )
    waiting = make_probationary(
        tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 3, 2), seq=34, name="丙"
    )
    discuss(waiting, secretary_a, dt.date(2026, 3, 10))
    work = worklist(committee_staff, frozen)
    assert [w.member for w in work.probation_ending] == [ending]
    assert [w.member for w in work.probation_overdue] == [overdue]
    assert [(w.member, w.step, w.due_on) for w in work.approvals] == [
        (waiting, Step.CONFIRMATION_APPROVAL, dt.date(2026, 6, 10))
    ]


# --- the pages -----------------------------------------------------------------------------------------------


def test_the_member_page_records_the_discussion_and_the_committee_answers_it(
    frozen, client, tree, member_a, admin_user, secretary_a, committee_staff
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 5, 6))
    client.force_login(secretary_a)
    page = client.get(member.get_absolute_url()).content.decode()
    assert "预备期与转正" in page and "预备期已满，尚未讨论转正" in page
    url = reverse("members:confirmation_new", args=[member.pk])
    assert url in page
    response = client.post(
        url,
        {
            "day": "2026-05-12",
            "votes_entitled": 2,
            "votes_present": 2,
            "votes_for": 2,
            "outcome": Outcome.ON_TIME,
        },
    )
    assert "不能多于“各甫村党支部”2026-05-12的正式党员人数（1人" in str(response.context["form"].errors)
    response = client.post(
        url,
        {
            "day": "2026-05-12",
            "votes_entitled": 1,
            "votes_present": 1,
            "votes_for": 1,
            "outcome": Outcome.ON_TIME,
        },
    )
    assert response.status_code == 302
    meeting = Confirmation.objects.get()
    client.force_login(committee_staff)
    decide = reverse("members:confirmation_decide", args=[meeting.pk])
    assert decide in client.get(member.get_absolute_url()).content.decode()
    response = client.post(
        decide, {"day": "2026-06-01", "approving_org": tree.committee.pk, "decision": Decision.APPROVED}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, dt.date(2026, 5, 6))


def test_the_cancellation_form_opens_with_its_outcome(
    frozen, client, tree, member_a, admin_user, secretary_a
):
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2025, 11, 3))
    client.force_login(secretary_a)
    response = client.get(reverse("members:confirmation_new", args=[member.pk]) + "?outcome=CANCELLED")
    assert response.context["form"]["outcome"].value() == Outcome.CANCELLED
    assert "不适用停止党籍" in response.content.decode()


def test_the_long_overdue_rule_is_configurable(tree, member_a, admin_user, secretary_a):
    RuleSetting.objects.create(key="probation_overdue_months", value="6")
    with time_machine.travel(dt.datetime(2025, 5, 1, 10), tick=False):
        make_probationary(tree.branch_a, actor=admin_user, joined_on=dt.date(2024, 5, 6))
    overdue = worklist(secretary_a, dt.date(2025, 11, 10)).probation_overdue
    assert "超过6个月仍为预备党员" in overdue[0].message


# --- two clerks at once (PostgreSQL row locks) -----------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_answering_the_same_confirmation_answer_it_once(
    tree, member_a, admin_user, secretary_a, committee_staff
):
    """The first holds the 转正记录's row; the second waits, then is told it is answered (the member confirmed once)."""
    today = dt.date.today()
    member = make_probationary(tree.branch_a, actor=admin_user, joined_on=today - dt.timedelta(days=400))
    meeting = discuss(member, secretary_a, today - dt.timedelta(days=20))
    answered, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    refusal: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                approve(meeting, committee_staff, tree.committee, today - dt.timedelta(days=5))
                answered.set()
                release.wait(10)  # still uncommitted: the second must wait for this commit
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            answered.set()

    def second() -> None:
        try:
            answered.wait(10)
            approve(Confirmation.objects.get(pk=meeting.pk), committee_staff, tree.committee, today)
        except ValidationError as exc:
            refusal.extend(exc.messages)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [in_thread(first), in_thread(second)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second answer should wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(20)

    assert not errors, errors
    assert refusal and refusal[0].startswith("该转正讨论已有审批结论")
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert member.periods.filter(status=MemberStatus.FULL).count() == 1


def in_thread(work) -> threading.Thread:
    """Run ``work`` in a thread with its own database connection, closed at the end."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_admission_entered_long_after_the_meeting_still_leads_on_to_its_confirmation(applicant_a, ctx):
    """Back-filled: the meeting of 2024-07-08 entered in 2027, past the 18 months a registration allows."""
    with time_machine.travel(dt.datetime(2027, 2, 1, 10), tick=False):
        advance(applicant_a, 24, ctx)
    member = Member.objects.get(pk=applicant_a.member_id)
    assert (member.status, member.full_on) == (MemberStatus.FULL, dt.date(2025, 7, 8))
