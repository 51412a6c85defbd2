"""A period an organization has submitted (报送) is closed: its training records are not changed (core.periodlock)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import periodlock
from tests.factories import make_equipment, make_lecture, make_meeting, make_session
from training.models import Attendance, TrainingSession
from training.services.lectures import lecture_update
from training.services.meetings import meeting_delete
from training.services.sessions import session_attendance_record, session_update

pytestmark = pytest.mark.django_db

REFUSAL = "各甫村党支部2026年上半年的数据已报送，不能再修改"


@pytest.fixture
def submitted(monkeypatch, tree):
    """Branch A has submitted the first half of 2026 (as reports registers the check)."""
    closed = {"on": False}

    def check(org, day):
        if closed["on"] and org.pk == tree.branch_a.pk and dt.date(2026, 1, 1) <= day <= dt.date(2026, 6, 30):
            return REFUSAL
        return None

    monkeypatch.setattr(periodlock, "_checks", [])
    periodlock.register_period_check(check)
    return closed


def test_nothing_dated_in_a_submitted_period_is_recorded_or_changed(
    tree, secretary_a, member_a, member_a2, submitted
):
    session = make_session(tree.branch_a, actor=secretary_a, present=[member_a])
    lecture = make_lecture(tree.branch_a, actor=secretary_a)
    meeting = make_meeting(tree.branch_a, actor=secretary_a)
    submitted["on"] = True
    with pytest.raises(ValidationError, match=REFUSAL):
        make_session(tree.branch_a, actor=secretary_a, title="补登")
    with pytest.raises(ValidationError, match=REFUSAL):
        session_attendance_record(
            actor=secretary_a,
            session=session,
            organization=tree.branch_a,
            present=[member_a.pk, member_a2.pk],
        )
    with pytest.raises(ValidationError, match=REFUSAL):
        session_update(
            actor=secretary_a,
            session=session,
            expected_version=1,
            start_on=dt.date(2026, 7, 2),
            end_on=dt.date(2026, 7, 2),
        )
    with pytest.raises(ValidationError, match=REFUSAL):
        lecture_update(actor=secretary_a, lecture=lecture, expected_version=1, topic="改题目")
    with pytest.raises(ValidationError, match=REFUSAL):
        meeting_delete(actor=secretary_a, meeting=meeting)
    with pytest.raises(ValidationError, match=REFUSAL):
        make_equipment(tree.branch_a, actor=secretary_a, delivered_on=dt.date(2026, 3, 1))
    assert TrainingSession.objects.count() == 1 and Attendance.objects.count() == 1
    # Another branch, or a day after the submitted half, is open.
    make_session(tree.branch_b, actor=secretary_a.__class__.objects.get(username="admin"))
    make_session(tree.branch_a, actor=secretary_a, start_on=dt.date(2026, 7, 1), title="下半年")
