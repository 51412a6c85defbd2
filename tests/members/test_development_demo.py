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

from members.models import Applicant, DevelopmentPlan, DevelopmentStep, Member
from members.models.development import OPEN_STAGES, Outcome, Stage, Step
from members.selectors.development import (
    new_member_structure,
    plan_completion,
    probation_ends_on,
    sequence_error,
    worklist,
)
from members.services import development as services
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
            assert sequence_error(applicant, done, step.number) is None, (applicant.pk, step.number)
            services._check_day(done, step.day)
            if step.number != Step.CONFIRMATION_MEETING:  # that check reads the member as it is now
                services.STEP_CHECKS.get(step.number, services._check_nothing)(admin, applicant, done, step)
            else:
                services._check_votes(step)
            if step.number in (Step.ACTIVIST, Step.BRANCH_COMMITTEE_REVIEW, Step.CONFIRMATION_REQUEST):
                services._check_publicity(applicant, step.number, step.day)
            done.append(step)
            checked += 1
        if withdrawn:
            assert withdrawn >= steps[-1].day and applicant.member_id is None
    assert checked > 1000


def test_admitted_members_have_the_meeting_date_and_the_probation_end(county):
    linked = Applicant.objects.filter(member__isnull=False).select_related("member")
    assert linked.count() > 0.9 * Member.objects.filter(joined_on__year=YEAR).count()
    for applicant in linked:
        member = applicant.member
        assert applicant.steps.get(number=Step.ADMISSION_MEETING).day == member.joined_on
        confirmed = applicant.steps.filter(number=Step.CONFIRMATION_MEETING, outcome=Outcome.ON_TIME).exists()
        assert confirmed == (member.status == "FULL")
        if confirmed:
            assert member.full_on == probation_ends_on(member.joined_on)


def test_no_member_is_added_by_the_development_step(county):
    assert Member.objects.count() == MEMBERS


def test_plans_cover_every_committee_and_the_figures_agree(county):
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    completion = plan_completion(county.county, start, end)
    assert all(row.plan for row in completion.rows)
    assert completion.plan == sum(DevelopmentPlan.objects.filter(year=YEAR).values_list("quota", flat=True))
    assert abs(completion.plan - round(526 * MEMBERS / 8800)) <= len(completion.rows)
    structure = new_member_structure(county.county, start, end)
    assert (
        structure.total == completion.new_members == Member.objects.filter(joined_on__year=YEAR).count() > 0
    )


def test_the_committee_worklist_has_work_on_the_demo_day(county):
    work = worklist(county.users["county"], county.today)
    assert work.due and work.publicity
    assert sum(work.stage_counts.values()) == Applicant.objects.in_stage(*OPEN_STAGES).count()
