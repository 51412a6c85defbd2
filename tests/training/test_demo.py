"""The demo county's education and organizational life: the reference's shape at any size.

The steps the training ones read (the tree, the users, the members) and the
training steps run once for the class on a 600-member county, rolled back afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from organizations.models import Organization, User
from partyorg.demo import make_context, run_steps
from training.models import ActivityDay, AVEquipment, PartyLecture, Subscription, TrainingSession
from training.periods import Period
from training.selectors.compliance import branch_compliance, compliance_branches
from training.selectors.figures import training_indicators

YEAR = 2025
TODAY = dt.date(YEAR, 11, 20)
STEPS = ["organizations", "users", "members", "training", "lectures", "av", "meetings"]


@pytest.fixture(scope="class")
def county(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        ctx = make_context(seed=2026, year=YEAR, members=600, stdout=io.StringIO())
        run_steps(ctx, STEPS)
        yield training_indicators(ctx.county, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestDemoTraining:
    def test_one_county_session_and_39_committee_sessions(self, county) -> None:
        assert county["training.county_sessions"] == 1
        assert county["training.committee_sessions"] == 39
        assert county["training.branch_sessions"] > 2000
        assert county["training.county_person_times"] >= 30  # about 495 at the default 8,800 members
        assert county["training.theory_sessions"] and county["training.technical_sessions"]
        assert county["training.av_theory_sessions"] and county["training.av_technical_sessions"]

    def test_lectures_fill_the_references_blanks(self, county) -> None:
        assert (county["lectures.units"], county["lectures.leaders"], county["lectures.sessions"]) == (
            12,
            26,
            45,
        )
        assert county["lectures.branches"] == 40 and county["lectures.person_times"] > 0
        assert PartyLecture.objects.filter(lecturer_unit__county_level=False).exists()

    def test_55_sets_from_60000_yuan_of_retained_dues_cover_every_township_and_village(self, county) -> None:
        assert (county["av.sets_delivered"], county["av.amount"]) == (55, Decimal("60000.00"))
        assert (county["av.committees_equipped"], county["av.branches_equipped"]) == (8, 47)
        assert (county["av.township_committees_covered"], county["av.village_branches_covered"]) == (15, 145)
        assert AVEquipment.objects.filter(status="BROKEN").count() == 3

    def test_some_branches_are_behind_and_the_pilot_keeps_its_fixed_day(self, county) -> None:
        admin = User.objects.get(username="admin")
        period = Period(YEAR)
        rows = branch_compliance(compliance_branches(admin, period, TODAY), period, TODAY)
        behind = [r for r in rows if r.behind]
        assert 0 < len(behind) < len(rows) // 5
        pilots = ActivityDay.objects.filter(is_pilot=True).values_list("organization__name", flat=True)
        assert sorted(pilots) == ["各甫村党支部", "睦伦村党支部"]

    def test_the_demo_users_have_a_roll_to_take(self, county) -> None:
        secretary = User.objects.get(username="secretary")
        waiting = TrainingSession.objects.filter(
            organization=secretary.organization, attendances__isnull=True
        )
        assert waiting.exists()
        xinhua = Organization.objects.get(name="新华镇党委")
        assert TrainingSession.objects.filter(
            organization=xinhua, start_on=TODAY - dt.timedelta(days=2)
        ).exists()
        assert (
            Subscription.objects.filter(year=YEAR).count() == 40
        )  # two titles for each of the 20 committees
