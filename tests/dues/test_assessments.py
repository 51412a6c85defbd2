"""Setting a member's category and base (核定): each rule its own refusal; corrections carry the version; the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.versioning import StaleRecord
from dues.models import DuesAssessment, DuesSchedule
from dues.services.assessments import (
    dues_assess_many,
    dues_assessment_create,
    dues_assessment_update,
    dues_schedule_set,
)
from tests.factories import make_assessment, make_member

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)


def refused(actor, member, message: str, **fields) -> None:
    before = (DuesAssessment.objects.count(), LogEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        dues_assessment_create(actor=actor, member=member, **{"effective_from": JAN, **fields})
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert (DuesAssessment.objects.count(), LogEntry.objects.count()) == before


def test_an_in_service_member_is_assessed_on_a_base_from_a_month_and_it_is_audited(
    tree, member_a, secretary_a, today
):
    assessment = dues_assessment_create(
        actor=secretary_a,
        member=member_a,
        effective_from=dt.date(2026, 3, 15),
        category="IN_SERVICE",
        income="4,800元",
    )
    assert (assessment.effective_from, assessment.income, assessment.amount) == (
        dt.date(2026, 3, 1),  # the month, whatever day was given
        Decimal("4800.00"),
        None,
    )
    entry = LogEntry.objects.get_for_object(assessment).get()
    assert entry.actor == secretary_a


def test_an_in_service_or_retired_member_needs_a_base(tree, member_a, secretary_a, today):
    refused(secretary_a, member_a, "请填写月计费基数", category="RETIRED")


def test_a_farmer_s_amount_lies_within_the_range(tree, member_a, secretary_a, today):
    refused(secretary_a, member_a, "每月定额应在0.20元至1.00元之间", category="FARMER", amount="1.50")
    assert dues_assessment_create(
        actor=secretary_a, member=member_a, effective_from=JAN, category="FARMER", amount="0.50"
    ).amount == Decimal("0.50")


def test_a_fixed_amount_category_ignores_a_base(tree, member_a, secretary_a, today):
    assessment = dues_assessment_create(
        actor=secretary_a, member=member_a, effective_from=JAN, category="STUDENT", income="3000"
    )
    assert (assessment.income, assessment.amount) == (None, None)


def test_an_exemption_says_who_approved_it(tree, member_a, secretary_a, today):
    refused(secretary_a, member_a, "须经支部委员会讨论、上级党委批准", category="EXEMPT")


def test_one_assessment_a_month(tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    refused(secretary_a, member_a, "已有核定记录，请修改原记录", category="FARMER")


def test_a_member_who_left_is_not_assessed_after_leaving(tree, admin_user, secretary_a, today):
    from members.services.transfers import member_depart

    member = make_member(
        tree.branch_a, actor=admin_user, name="黄志明", gender="M", birth_date=dt.date(1950, 2, 3), seq=7
    )
    member_depart(actor=admin_user, member=member, reason="DEATH", day=dt.date(2026, 5, 10))
    member.refresh_from_db()
    refused(admin_user, member, "不能再核定", category="FARMER", effective_from=dt.date(2026, 6, 1))


def test_another_branch_s_member_is_not_found(tree, member_a, secretary_b, today):
    from django.http import Http404

    with pytest.raises(Http404):
        dues_assessment_create(actor=secretary_b, member=member_a, effective_from=JAN, category="FARMER")


def test_a_correction_loaded_before_another_is_refused_as_stale(
    tree, member_a, secretary_a, committee_staff, today
):
    assessment = make_assessment(member_a, actor=secretary_a, category="IN_SERVICE", income="4000")
    dues_assessment_update(actor=committee_staff, assessment=assessment, expected_version=1, income="4200")
    with pytest.raises(StaleRecord, match="该记录已被"):
        dues_assessment_update(
            actor=secretary_a,
            assessment=DuesAssessment.objects.get(pk=assessment.pk),
            expected_version=1,
            income="4100",
        )
    assert DuesAssessment.objects.get(pk=assessment.pk).income == Decimal("4200.00")


def test_many_farmers_are_assessed_at_once_but_never_a_salaried_category(
    tree, member_a, admin_user, secretary_a, today
):
    second = make_member(
        tree.branch_a, actor=admin_user, name="黄志明", gender="M", birth_date=dt.date(1950, 2, 3), seq=7
    )
    created = dues_assess_many(
        actor=secretary_a, members=[member_a, second], effective_from=JAN, category="FARMER"
    )
    assert len(created) == 2
    with pytest.raises(ValidationError, match="请逐人核定"):
        dues_assess_many(actor=secretary_a, members=[member_a], effective_from=JAN, category="IN_SERVICE")


def test_paying_by_the_quarter_needs_the_meeting_s_date(tree, secretary_a, today):
    with pytest.raises(ValidationError, match="须经支部党员大会同意"):
        dues_schedule_set(actor=secretary_a, organization=tree.branch_a, quarterly=True)
    schedule = dues_schedule_set(
        actor=secretary_a, organization=tree.branch_a, quarterly=True, agreed_on=dt.date(2026, 1, 5)
    )
    assert DuesSchedule.objects.get().quarterly and schedule.version == 1


def test_the_assessment_page_suggests_the_category_from_the_member_s_record(
    client, tree, member_a, secretary_a, today
):
    client.force_login(secretary_a)
    url = reverse("dues:assessment_new", args=[member_a.pk])
    assert client.get(url).context["form"].initial["category"] == "FARMER"  # a rural member
    response = client.post(
        url, {"effective_from": "2026-02", "category": "FARMER", "amount": "", "income": ""}
    )
    assert response.status_code == 302
    assert DuesAssessment.objects.get().effective_from == dt.date(2026, 2, 1)
    refused_page = client.post(url, {"effective_from": "2026-02", "category": "FARMER"})
    assert "已有核定记录" in refused_page.content.decode()
