"""The demo's development data: every stage present, every history obeying the services' rules, figures agreeing.

The county is seeded once for the module (900 members, year 2025) in a
transaction rolled back at the end.
"""

from __future__ import annotations

import collections
import datetime as dt
import io

import pytest
from django.db import transaction

from core.dates import add_months
from members.choices import LeaveReason, MemberStatus
from members.models import Applicant, Confirmation, DevelopmentPlan, DevelopmentStep, Member
from members.models.development import OPEN_STAGES, Decision, Outcome, Stage, Step
from members.selectors.development import (
    ProbationState,
    first_day,
    new_member_structure,
    plan_completion,
    probation_ends_on,
    probation_file,
    probationary_members,
    sequence_error,
    worklist,
)
from members.services import development as services
from members.services.confirmations import branch_on
from members.services.development_checks import check_decision
from partyorg.demo import STEPS, make_context, run_steps

YEAR = 2025
MEMBERS = 900


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = make_context(seed=7, year=YEAR, members=MEMBERS, stdout=io.StringIO())
        run_steps(ctx, [s for s in STEPS if s in ("organizations", "members", "users", "development")])
        yield ctx
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_development_runs_after_the_users_step():
    assert STEPS.index("development") > STEPS.index("users")


def test_applicants_stand_at_every_stage(county):
    stages = collections.Counter(Applicant.objects.with_stage().values_list("stage_code", flat=True))
    for stage in (*OPEN_STAGES, Stage.FULL, Stage.WITHDRAWN):
        assert stages[stage] > 0, stage


def test_the_demo_secretary_has_applicants_at_the_early_stages(county):
    mine = Applicant.objects.visible_to(county.users["secretary"]).with_stage()
    assert {Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE} <= set(
        mine.values_list("stage_code", flat=True)
    )


def test_every_history_obeys_the_services_rules(county):
    admin = county.users["admin"]
    applicants = Applicant.objects.select_related("organization", "member").prefetch_related(
        "publicities", "steps__first_contact", "steps__second_contact", "steps__first_introducer"
    )
    checked = 0
    for applicant in applicants:
        steps = sorted(applicant.steps.all(), key=lambda s: (s.day, s.number, s.id))
        withdrawn, applicant.withdrawn_on = applicant.withdrawn_on, None  # replay as it was
        done: list[DevelopmentStep] = [steps[0]]
        assert steps[0].number == Step.APPLICATION
        assert steps[0].day >= applicant.birth_date.replace(year=applicant.birth_date.year + 18)
        for step in steps[1:]:
            refusing = step.number == Step.ADMISSION_APPROVAL and step.decision == Decision.REFUSED
            assert sequence_error(applicant, done, step.number, refusing=refusing) is None, (
                applicant.pk,
                step.number,
            )
            services.check_day(done, step.day, step.number)
            if step.number == Step.ADMISSION_MEETING:  # the branch the member belonged to that day
                branch = branch_on(applicant.member, step.day)
                services.check_votes(
                    step.votes_entitled, step.votes_present, step.votes_for, branch, step.day
                )
            else:
                services.STEP_CHECKS.get(step.number, lambda *a: None)(admin, applicant, done, step)
            if step.number in (Step.ACTIVIST, Step.BRANCH_COMMITTEE_REVIEW):
                services.check_publicity(applicant, step.number, step.day)
            done.append(step)
            checked += 1
        decided: list[Confirmation] = []
        for c in Confirmation.objects.filter(member_id=applicant.member_id).order_by("meeting_on", "id"):
            cancelling = c.outcome == Outcome.CANCELLED
            assert (
                sequence_error(applicant, done, Step.CONFIRMATION_MEETING, decided, cancelling=cancelling)
                is None
            )
            if not cancelling:
                applied = first_day(done, Step.CONFIRMATION_REQUEST)
                services.check_publicity(applicant, Step.CONFIRMATION_REQUEST, c.meeting_on, after=applied)
                assert c.meeting_on >= probation_ends_on(applicant.member.joined_on)
            assert c.organization == branch_on(applicant.member, c.meeting_on)
            services.check_votes(c.votes_entitled, c.votes_present, c.votes_for, c.organization, c.meeting_on)
            if c.decision:
                check_decision(
                    decision=c.decision,
                    day=c.approved_on,
                    meeting=c.meeting_on,
                    refusal_reason=c.refusal_reason,
                    late_reason=c.late_reason,
                    what="转正",
                )
            decided.append(c)
            checked += 1
        if withdrawn:
            assert withdrawn >= steps[-1].day
            assert applicant.member_id is None or applicant.withdraw_kind == "NOT_APPROVED"
    assert checked > 900


def test_admitted_members_have_the_meeting_date_and_the_probation_end(county):
    linked = Applicant.objects.filter(member__isnull=False).select_related("member")
    assert linked.count() > 0.9 * Member.objects.filter(joined_on__year=YEAR).count()
    for applicant in linked:
        member = applicant.member
        assert applicant.steps.get(number=Step.ADMISSION_MEETING).day == member.joined_on
        confirmed = member.confirmations.filter(outcome=Outcome.ON_TIME, decision=Decision.APPROVED).exists()
        assert confirmed == (member.status == MemberStatus.FULL)
        if confirmed:
            assert member.full_on == probation_ends_on(member.joined_on)


def test_every_outcome_is_in_the_demo(county):
    """Confirmed on time, extended, a 转正 waiting for approval, one refused at step 17, one cancelled."""
    approved = Confirmation.objects.filter(decision=Decision.APPROVED)
    assert approved.filter(outcome=Outcome.ON_TIME).count() >= 2
    assert approved.filter(outcome=Outcome.EXTENDED).count() == 1
    assert approved.filter(outcome=Outcome.CANCELLED).count() == 1
    assert Confirmation.objects.filter(decision="").count() == 1
    refused = Applicant.objects.in_stage(Stage.NOT_APPROVED).get()
    assert refused.member.leave_reason == LeaveReason.NOT_APPROVED
    assert refused.member.periods.get().end_on == refused.withdrawn_on
    assert Member.objects.filter(leave_reason=LeaveReason.PROBATION_CANCELLED).count() == 1


def test_some_probationary_members_have_no_pipeline_record(county):
    """Registered from records (建档录入): their 转正 is recorded on the member's page."""
    on_paper = Member.objects.filter(
        status=MemberStatus.PROBATIONARY, left_on__isnull=True, applicant__isnull=True
    )
    assert on_paper.exists()
    assert all(m.periods.get().start_reason == "REGISTERED" for m in on_paper)


def test_every_probationary_member_can_follow_a_legal_path(county):
    """Every 预备党员 of the demo is in a probation that runs, may be discussed now, or waits for an answer in time."""
    today = county.today
    members = list(probationary_members(county.users["admin"]))
    assert len(members) > 10
    for member in members:
        file = probation_file(member, today, overdue_months=18)
        assert file.state != ProbationState.LONG_OVERDUE, member.pk
        if file.pending is not None:
            assert today <= add_months(file.pending.meeting_on, 6)  # the committee may still approve
        applicant = Applicant.objects.filter(member=member).first()
        if applicant is not None and file.state == ProbationState.OVERDUE:
            # discussed as soon as the 转正公示 is done: nothing else stands in the way
            steps = list(applicant.steps.all())
            assert sequence_error(applicant, steps, Step.CONFIRMATION_MEETING, file.confirmations) is None
    assert {probation_file(m, today, 18).state for m in members} >= {
        ProbationState.RUNNING,
        ProbationState.AWAITING,
        ProbationState.OVERDUE,
    }


def test_no_member_is_added_by_the_development_step(county):
    assert Member.objects.count() == MEMBERS


def test_plans_cover_every_committee_and_the_figures_agree(county):
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    completion = plan_completion(county.county, start, end)
    assert all(row.plan for row in completion.rows)
    assert completion.plan == sum(DevelopmentPlan.objects.filter(year=YEAR).values_list("quota", flat=True))
    assert abs(completion.plan - round(526 * MEMBERS / 8800)) <= len(completion.rows)
    structure = new_member_structure(county.county, start, end)
    admitted = Member.objects.filter(joined_on__year=YEAR).exclude(leave_reason=LeaveReason.NOT_APPROVED)
    assert structure.total == completion.new_members == admitted.count() > 0  # the refused admission is none


def test_the_committee_worklist_has_work_on_the_demo_day(county):
    work = worklist(county.users["county"], county.today)
    assert work.due and work.publicity
    assert sum(work.stage_counts.values()) == Applicant.objects.in_stage(*OPEN_STAGES).count()
