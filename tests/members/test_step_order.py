"""Step order where steps run in parallel, the 转正公示, votes and introducers by the date (issue 8 item 8).

The walk of ``tests/factories.py`` in 各甫村党支部, whose full members are
member_a (since 1976) and member_a2 (since 1996); today is 2026-06-30.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.choices import LeaveReason
from members.models import Confirmation, DevelopmentStep, Publicity
from members.models.development import Outcome, Step, VettingResult
from members.selectors.development import available_steps
from members.services.development import publicity_create, step_record
from members.services.member import member_leave
from organizations.models import RuleSetting
from tests.factories import DATES, PUBLICITY, advance, make_member, post_publicity

pytestmark = pytest.mark.django_db


def record(ctx, applicant, number, day, **particulars):
    return step_record(actor=ctx["secretary_a"], applicant=applicant, number=number, day=day, **particulars)


# --- 政审 and 培训 in parallel ----------------------------------------------------------------------------


def test_vetting_and_training_are_recorded_in_either_order(applicant_a, ctx):
    advance(applicant_a, 9, ctx)
    assert {Step.VETTING, Step.TRAINING} <= set(available_steps(applicant_a, list(applicant_a.steps.all())))
    # The training is entered first; the vetting, done before it, afterwards with its own (earlier) date.
    record(ctx, applicant_a, Step.TRAINING, dt.date(2024, 6, 3), training_days=3)
    record(ctx, applicant_a, Step.VETTING, dt.date(2024, 5, 20), vetting_result=VettingResult.PASSED)
    advance(applicant_a, 12, ctx)
    assert applicant_a.steps.filter(number=Step.BRANCH_COMMITTEE_REVIEW).exists()


def test_the_branch_committees_review_needs_both_vetting_and_training(applicant_a, ctx):
    advance(applicant_a, 9, ctx)
    record(ctx, applicant_a, Step.TRAINING, dt.date(2024, 6, 3), training_days=3)
    with pytest.raises(ValidationError) as exc:
        record(ctx, applicant_a, Step.BRANCH_COMMITTEE_REVIEW, DATES[12])
    assert exc.value.message_dict["number"] == ["请先完成第10步“进行政治审查”"]


def test_a_failed_vetting_stops_the_training_too(applicant_a, ctx):
    advance(applicant_a, 9, ctx)
    record(ctx, applicant_a, Step.VETTING, DATES[10], vetting_result=VettingResult.FAILED)
    with pytest.raises(ValidationError) as exc:
        record(ctx, applicant_a, Step.TRAINING, DATES[11], training_days=3)
    assert exc.value.message_dict["number"] == ["政治审查结论为不合格，不能继续发展"]


# --- the 转正公示 between the application and the meeting -------------------------------------------------


def _post(applicant, ctx, starts, ends):
    return publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant,
        step=Step.CONFIRMATION_REQUEST,
        starts_on=starts,
        ends_on=ends,
        place="村务公开栏",
    )


def test_the_confirmation_publicity_comes_after_step_22_and_before_step_23(applicant_a, ctx):
    advance(applicant_a, 21, ctx)
    with pytest.raises(ValidationError) as exc:  # not before the application
        _post(applicant_a, ctx, dt.date(2025, 6, 16), dt.date(2025, 6, 20))
    assert "请先完成第22步" in exc.value.message_dict["step"][0]
    record(ctx, applicant_a, Step.CONFIRMATION_REQUEST, DATES[22])  # no 公示 before the application
    with pytest.raises(ValidationError) as exc:  # and the meeting needs it
        record(ctx, applicant_a, Step.CONFIRMATION_MEETING, DATES[23], outcome=Outcome.ON_TIME, **VOTES)
    assert "请先登记转正公示" in exc.value.message_dict["publicity"][0]
    post_publicity(applicant_a, Step.CONFIRMATION_REQUEST, ctx["secretary_a"], *PUBLICITY[22])
    record(ctx, applicant_a, Step.CONFIRMATION_MEETING, DATES[23], outcome=Outcome.ON_TIME, **VOTES)
    assert Confirmation.objects.filter(member=applicant_a.member).exists()


def test_no_publicity_is_required_when_the_day_count_is_zero(applicant_a, ctx):
    RuleSetting.objects.create(key="publicity_working_days", value="0")
    for number in range(2, 23):
        particulars = {
            Step.CONTACTS: {"first_contact": ctx["member_a"]},
            Step.INTRODUCERS: {"first_introducer": ctx["member_a"], "second_introducer": ctx["member_a2"]},
            Step.VETTING: {"vetting_result": VettingResult.PASSED},
            Step.TRAINING: {"training_days": 3},
            Step.ADMISSION_MEETING: VOTES,
        }.get(number, {})
        actor = ctx["committee_staff"] if number == Step.ADMISSION_APPROVAL else ctx["secretary_a"]
        if number == Step.ADMISSION_APPROVAL:
            particulars = {"approving_org": ctx["committee"]}
        step_record(actor=actor, applicant=applicant_a, number=number, day=DATES[number], **particulars)
    record(ctx, applicant_a, Step.CONFIRMATION_MEETING, DATES[23], outcome=Outcome.ON_TIME, **VOTES)
    assert not Publicity.objects.exists()
    assert DevelopmentStep.objects.filter(applicant=applicant_a).count() == 22


# --- votes: no more entitled than the branch's full members that day ---------------------------------------

VOTES = {"votes_entitled": 2, "votes_present": 2, "votes_for": 2}


def test_votes_above_the_branchs_full_members_are_refused(applicant_a, ctx):
    advance(applicant_a, 14, ctx)
    with pytest.raises(ValidationError) as exc:
        record(
            ctx,
            applicant_a,
            Step.ADMISSION_MEETING,
            DATES[15],
            votes_entitled=3,
            votes_present=3,
            votes_for=3,
        )
    assert exc.value.message_dict["votes_entitled"] == [
        "应到会有表决权的党员（3人）不能多于“各甫村党支部”2024-07-08的正式党员人数（2人；预备党员没有表决权）"
    ]
    assert applicant_a.member is None


def test_the_full_members_are_counted_on_the_meeting_date(applicant_a, ctx, admin_user):
    # A third full member who joined the branch after the meeting does not count that day.
    make_member(
        ctx["tree"].branch_a,
        actor=admin_user,
        name="韦建新",
        birth_date=dt.date(1980, 6, 1),
        seq=9,
        gender="M",
        joined_on=dt.date(2023, 9, 1),
        full_on=dt.date(2024, 9, 1),
    )
    advance(applicant_a, 14, ctx)
    with pytest.raises(ValidationError):
        record(
            ctx,
            applicant_a,
            Step.ADMISSION_MEETING,
            DATES[15],
            votes_entitled=3,
            votes_present=3,
            votes_for=3,
        )
    record(
        ctx,
        applicant_a,
        Step.ADMISSION_MEETING,
        dt.date(2024, 9, 2),
        votes_entitled=3,
        votes_present=3,
        votes_for=2,
    )


# --- introducers and contacts: full members on the step's date -------------------------------------------


def test_an_introducer_who_left_later_is_accepted_when_back_filled(applicant_a, ctx, client):
    advance(applicant_a, 8, ctx)  # 发展对象 since 2024-04-10
    member_leave(
        actor=ctx["secretary_a"], member=ctx["member_a2"], day=dt.date(2025, 1, 15), reason=LeaveReason.DEATH
    )
    # Entered today (2026-06-30) for the step of 2024-05-06, when 黄志明 was still a full member.
    client.force_login(ctx["secretary_a"])
    form = client.get(reverse("members:applicant_step", args=[applicant_a.pk, Step.INTRODUCERS])).context[
        "form"
    ]
    assert "黄志明（各甫村党支部，已离开）" in [
        label for _, label in form.fields["second_introducer"].choices
    ]
    record(
        ctx,
        applicant_a,
        Step.INTRODUCERS,
        DATES[9],
        first_introducer=ctx["member_a"],
        second_introducer=ctx["member_a2"],
    )
    assert applicant_a.steps.get(number=Step.INTRODUCERS).second_introducer == ctx["member_a2"]


def test_an_introducer_must_have_been_full_on_the_step_date(applicant_a, ctx, admin_user):
    late = make_member(
        ctx["tree"].branch_a,
        actor=admin_user,
        name="韦建新",
        birth_date=dt.date(1980, 6, 1),
        seq=9,
        gender="M",
        joined_on=dt.date(2023, 9, 1),
        full_on=dt.date(2024, 9, 1),
    )
    advance(applicant_a, 8, ctx)
    with pytest.raises(ValidationError) as exc:
        record(
            ctx,
            applicant_a,
            Step.INTRODUCERS,
            DATES[9],
            first_introducer=ctx["member_a"],
            second_introducer=late,
        )
    assert exc.value.message_dict["second_introducer"] == [
        "入党介绍人须为正式党员（“韦建新”在2024-05-06不是正式党员）"
    ]
