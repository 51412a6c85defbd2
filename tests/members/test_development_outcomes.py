"""Admission creates the member; the 转正 meeting's outcome — 转正, one extension or cancellation — takes effect on approval."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from members.choices import LeaveReason, MemberStatus, PeriodReason
from members.models import Applicant, Confirmation, Member, MemberPeriod
from members.models.development import Decision, Outcome, Stage, Step
from members.services.development import step_record
from tests.factories import DATES, PUBLICITY, advance, post_publicity

pytestmark = pytest.mark.django_db


def _stage(applicant: Applicant) -> Stage:
    return Applicant.objects.with_stage().get(pk=applicant.pk).stage


def test_admission_creates_a_probationary_member_with_the_meeting_date_and_history(applicant_a, ctx):
    advance(applicant_a, 15, ctx)
    member = applicant_a.member
    assert member is not None
    assert member.status == MemberStatus.PROBATIONARY
    assert member.joined_on == DATES[15]
    assert member.full_on is None
    assert member.organization == ctx["tree"].branch_a
    assert (member.name, member.id_number, member.is_frontline) == (
        applicant_a.name,
        applicant_a.id_number,
        True,
    )
    periods = list(MemberPeriod.objects.filter(member=member))
    assert [(p.status, p.start_on, p.end_on, p.start_reason) for p in periods] == [
        (MemberStatus.PROBATIONARY, DATES[15], None, PeriodReason.ADMITTED)
    ]
    assert Member.objects.on(DATES[15]).filter(pk=member.pk).exists()
    assert not Member.objects.on(DATES[15] - dt.timedelta(days=1)).filter(pk=member.pk).exists()
    entry = LogEntry.objects.get_for_object(member).get()
    assert entry.actor == ctx["secretary_a"]
    assert _stage(applicant_a) == Stage.PROBATIONARY


def test_confirmation_on_time_makes_the_member_full_one_year_after_admission_once_approved(applicant_a, ctx):
    advance(applicant_a, 23, ctx)
    member = Member.objects.get(pk=applicant_a.member_id)
    assert member.status == MemberStatus.PROBATIONARY  # the branch's decision waits for the committee
    assert _stage(applicant_a) == Stage.PROBATIONARY
    advance(applicant_a, 24, ctx)  # approved 2025-07-20
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert member.full_on == dt.date(2025, 7, 8)  # step 15 (2024-07-08) + 1 year, not the approval day
    periods = list(member.periods.order_by("start_on"))
    assert [(p.status, p.start_on, p.end_on) for p in periods] == [
        (MemberStatus.PROBATIONARY, DATES[15], dt.date(2025, 7, 8)),
        (MemberStatus.FULL, dt.date(2025, 7, 8), None),
    ]
    assert _stage(applicant_a) == Stage.FULL


def test_the_walk_ends_with_approval_and_archive(applicant_a, ctx):
    advance(applicant_a, 25, ctx)
    assert sorted(applicant_a.steps.values_list("number", flat=True)) == [
        n for n in range(1, 26) if n not in (23, 24)
    ]
    confirmation = Confirmation.objects.get(member=applicant_a.member)
    assert (confirmation.meeting_on, confirmation.approved_on, confirmation.decision) == (
        DATES[23],
        DATES[24],
        Decision.APPROVED,
    )
    assert _stage(applicant_a) == Stage.FULL


def _meeting(applicant, ctx, day, **particulars):
    return step_record(
        actor=ctx["secretary_a"],
        applicant=applicant,
        number=Step.CONFIRMATION_MEETING,
        day=day,
        votes_entitled=2,
        votes_present=2,
        votes_for=2,
        **particulars,
    )


def _approve(applicant, ctx, day, **particulars):
    return step_record(
        actor=ctx["committee_staff"],
        applicant=applicant,
        number=Step.CONFIRMATION_APPROVAL,
        day=day,
        approving_org=ctx["committee"],
        **particulars,
    )


def _ready_for_the_meeting(applicant, ctx):
    """Steps up to 22 and the 转正公示 after it."""
    advance(applicant, 22, ctx)
    post_publicity(applicant, Step.CONFIRMATION_REQUEST, ctx["secretary_a"], *PUBLICITY[22])


def test_confirmation_meeting_before_the_probation_ends_is_refused(applicant_a, ctx):
    _ready_for_the_meeting(applicant_a, ctx)
    with pytest.raises(ValidationError) as exc:
        _meeting(applicant_a, ctx, dt.date(2025, 7, 7), outcome=Outcome.ON_TIME)
    assert "期满后方可讨论" in exc.value.message_dict["day"][0]
    assert not Confirmation.objects.exists()
    assert Member.objects.get(pk=applicant_a.member_id).status == MemberStatus.PROBATIONARY


def test_probation_extended_once_then_confirmed_at_the_end_of_the_extension(applicant_a, ctx):
    _ready_for_the_meeting(applicant_a, ctx)
    _meeting(applicant_a, ctx, DATES[23], outcome=Outcome.EXTENDED, extension_months=6)
    member = Member.objects.get(pk=applicant_a.member_id)
    assert member.status == MemberStatus.PROBATIONARY  # an extension changes nothing on the record
    assert _stage(applicant_a) == Stage.PROBATIONARY
    _approve(applicant_a, ctx, dt.date(2025, 7, 20))
    _meeting(applicant_a, ctx, dt.date(2026, 1, 8), outcome=Outcome.ON_TIME)
    _approve(applicant_a, ctx, dt.date(2026, 1, 20))
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert member.full_on == dt.date(2026, 1, 8)  # 2025-07-08 + 6 months
    assert _stage(applicant_a) == Stage.FULL


def test_probation_cannot_be_extended_twice(applicant_a, ctx):
    _ready_for_the_meeting(applicant_a, ctx)
    _meeting(applicant_a, ctx, DATES[23], outcome=Outcome.EXTENDED, extension_months=6)
    _approve(applicant_a, ctx, dt.date(2025, 7, 20))
    before = Confirmation.objects.count()
    with pytest.raises(ValidationError) as exc:
        _meeting(applicant_a, ctx, dt.date(2026, 1, 8), outcome=Outcome.EXTENDED, extension_months=6)
    assert exc.value.message_dict["outcome"] == ["预备期只能延长一次"]
    assert Confirmation.objects.count() == before


@pytest.mark.parametrize("months", [5, 13, None])
def test_extension_is_six_to_twelve_months(applicant_a, ctx, months):
    _ready_for_the_meeting(applicant_a, ctx)
    with pytest.raises(ValidationError) as exc:
        _meeting(applicant_a, ctx, DATES[23], outcome=Outcome.EXTENDED, extension_months=months)
    assert exc.value.message_dict["extension_months"] == ["延长预备期应为6至12个月"]
    assert not Confirmation.objects.exists()


def test_second_confirmation_meeting_needs_the_extension_approved_first(applicant_a, ctx):
    _ready_for_the_meeting(applicant_a, ctx)
    _meeting(applicant_a, ctx, DATES[23], outcome=Outcome.EXTENDED, extension_months=6)
    with pytest.raises(ValidationError) as exc:
        _meeting(applicant_a, ctx, dt.date(2026, 1, 8), outcome=Outcome.ON_TIME)
    assert "待上级党委审批" in exc.value.messages[0]


def test_archive_after_an_extension_waits_for_the_second_meeting(applicant_a, ctx):
    _ready_for_the_meeting(applicant_a, ctx)
    _meeting(applicant_a, ctx, DATES[23], outcome=Outcome.EXTENDED, extension_months=6)
    _approve(applicant_a, ctx, dt.date(2025, 7, 20))
    with pytest.raises(ValidationError) as exc:
        step_record(
            actor=ctx["secretary_a"], applicant=applicant_a, number=Step.ARCHIVE, day=dt.date(2025, 8, 1)
        )
    assert "再次讨论" in exc.value.message_dict["number"][0]


def test_cancelling_the_probation_ends_the_membership_on_approval(applicant_a, ctx):
    advance(applicant_a, 21, ctx)  # no 转正 application: a cancellation needs none
    _meeting(applicant_a, ctx, dt.date(2025, 3, 10), outcome=Outcome.CANCELLED, note="不履行党员义务")
    member = Member.objects.get(pk=applicant_a.member_id)
    assert member.is_current  # not before the committee approves
    _approve(applicant_a, ctx, dt.date(2025, 3, 25))
    member.refresh_from_db()
    assert member.left_on == dt.date(2025, 3, 25)
    assert member.leave_reason == LeaveReason.PROBATION_CANCELLED
    assert member.leave_note == "不履行党员义务"
    assert member.periods.get().end_on == dt.date(2025, 3, 25)
    assert _stage(applicant_a) == Stage.CANCELLED
    assert LogEntry.objects.get_for_object(member).count() == 2  # admitted, then left


def test_the_stage_is_derived_from_the_steps_and_the_member(applicant_a, ctx):
    seen = [_stage(applicant_a)]
    for upto in (3, 7, 15, 24):
        advance(applicant_a, upto, ctx)
        seen.append(_stage(applicant_a))
    assert seen == [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]
    assert applicant_a.stage == Stage.FULL  # the model property reads the same derivation
