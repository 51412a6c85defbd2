"""The demo county's assessment year at the reference's proportions (a small county, seeded once for the module)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction

from assessments.models import AppraisalRound, AssessmentScore, Inspection, InspectionFinding, TargetAgreement
from assessments.selectors.agreements import agreement_figures
from assessments.selectors.appraisals import appraisal_figures, round_progress
from assessments.selectors.meetings import life_meeting_figures
from organizations.models import Organization
from organizations.regulations import regulation_figures
from partyorg.demo import STEPS, make_context, run_steps

YEAR = 2025
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A 600-member county with the year's assessment records, rolled back after the module.

    The steps before this one that it reads: the tree, the users, the members (development's
    applicants and the other apps' records play no part in it).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = make_context(seed=7, year=YEAR, members=600, stdout=io.StringIO())
        steps = [
            s
            for s in STEPS[: STEPS.index("assessments") + 1]
            if s in ("organizations", "users", "members", "assessments")
        ]
        run_steps(ctx, steps)
        yield ctx
        transaction.set_rollback(True)


@pytest.fixture
def root(county, db):
    return Organization.objects.get(pk=county.county.pk)


def test_about_89_percent_of_members_signed_and_nobody_was_left_out(root, county):
    figures = agreement_figures(root, START, END)
    assert abs(figures.members_rate - Decimal("89.25")) < Decimal("0.5"), figures
    agreements = TargetAgreement.objects.filter(year=YEAR, level="MEMBER")
    exempt = agreements.exclude(exemption="")
    assert exempt.exists() and not exempt.filter(exemption_note="").exists()
    assert set(exempt.values_list("exemption", flat=True)) <= {"RURAL_ELDERLY", "RETIRED"}
    counted = sum(1 for b in county.branches if b.counts_as_branch)
    assert (figures.committees_signed, figures.branches_signed) == (20, counted - 3)  # three still to sign
    assert "占党员总数" in county.stdout.getvalue()


def test_every_organization_held_its_life_meeting_and_a_few_leaders_were_absent(root):
    figures = life_meeting_figures(root, START, END)
    assert (figures.committees, figures.general_branches) == (20, 14)
    assert figures.rate == Decimal("100.00")
    assert (figures.leaders_attended, figures.leaders_expected) == (238, 247)
    assert figures.attendance_rate == Decimal("96.36")


def test_the_november_appraisal_uses_the_references_three_grades(root):
    round_ = AppraisalRound.objects.get(year=YEAR)
    assert round_.grade_set == "优秀、称职、不称职" and round_.starts_on == dt.date(YEAR, 11, 1)
    figures = appraisal_figures(root, START, END)
    signed = TargetAgreement.objects.filter(year=YEAR, level="MEMBER", signed_on__isnull=False).count()
    assert 0.8 * signed < figures.members <= signed  # “与签订目标管理责任书基本一致”
    assert figures.basically_qualified == 0 and figures.excellent > 0
    assert round_progress(round_).warnings  # some branches went over a third


def test_inspections_scores_and_regulations_are_there(root):
    assert Inspection.objects.filter(year=YEAR).count() == 2
    overdue = InspectionFinding.objects.overdue_on(dt.date(YEAR, 11, 20))
    assert overdue.count() == 2
    assert AssessmentScore.objects.filter(agreement__year=YEAR - 1).count() > 20
    figures = regulation_figures(root, START, dt.date(YEAR, 6, 30))
    assert figures.committees_improved == 16 and figures.items > 40 and figures.subordinate_items > 100
