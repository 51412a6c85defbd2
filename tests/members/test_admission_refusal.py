"""Approval that can say no (issue 8 item 2): step 17 不予批准 reverses a provisional admission.

The walk of ``tests/factories.py``: branch meeting (step 15) on 2024-07-08 in
各甫村党支部 (新华镇党委, which approves); today is 2026-06-30.
"""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.choices import LeaveReason, MemberStatus, PeriodReason
from members.models import Applicant, Member
from members.models.development import Decision, Stage, Step
from members.selectors.development import (
    new_member_structure,
    new_members,
    pipeline_counts,
    plan_completion,
    worklist,
)
from members.selectors.todos import approvals_for
from members.services.development import step_record
from tests.factories import DATES, advance

pytestmark = pytest.mark.django_db

YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def refuse(applicant, ctx, day=DATES[17], reason="群众反映的问题经核实属实，不符合党员条件"):
    return step_record(
        actor=ctx["committee_staff"],
        applicant=applicant,
        number=Step.ADMISSION_APPROVAL,
        day=day,
        approving_org=ctx["committee"],
        decision=Decision.REFUSED,
        refusal_reason=reason,
        document_no="新党发〔2024〕12号",
    )


def figures(ctx) -> tuple[int, int, int, int]:
    committee = ctx["committee"]
    return (
        new_members(committee, *YEAR_2024).count(),
        new_member_structure(committee, *YEAR_2024).total,
        plan_completion(committee, *YEAR_2024).new_members,
        pipeline_counts(committee, dt.date(2024, 7, 20)).probationary,
    )


def test_step_17_refusal_reverses_the_admission_and_the_figures_of_that_period(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    member = Member.objects.get(pk=applicant_a.member_id)
    assert figures(ctx) == (1, 1, 1, 1)  # provisionally a 预备党员 from the meeting

    refuse(applicant_a, ctx)

    member.refresh_from_db()
    assert (member.left_on, member.leave_reason) == (DATES[17], LeaveReason.NOT_APPROVED)
    assert "不予批准" in member.leave_note
    # The admission stays in the history as what it was, ended by the refusal on its date.
    period = member.periods.get()
    assert (period.status, period.start_on, period.end_on, period.start_reason, period.end_reason) == (
        MemberStatus.PROBATIONARY,
        DATES[15],
        DATES[17],
        PeriodReason.ADMITTED,
        PeriodReason.NOT_APPROVED,
    )
    # Every figure of 2024 re-counts: no new member, the applicant a 发展对象 until the refusal.
    assert figures(ctx) == (0, 0, 0, 0)
    assert pipeline_counts(ctx["committee"], dt.date(2024, 7, 20)).candidates == 1
    applicant = Applicant.objects.with_stage().get(pk=applicant_a.pk)
    assert applicant.stage == Stage.NOT_APPROVED
    assert (applicant.withdrawn_on, applicant.withdraw_reason) == (
        DATES[17],
        "群众反映的问题经核实属实，不符合党员条件",
    )
    step = applicant.steps.get(number=Step.ADMISSION_APPROVAL)
    assert (step.decision, step.refusal_reason) == (
        Decision.REFUSED,
        "群众反映的问题经核实属实，不符合党员条件",
    )
    assert LogEntry.objects.get_for_object(member).count() == 2  # admitted, then the refusal
    with pytest.raises(ValidationError) as exc:
        step_record(
            actor=ctx["secretary_a"], applicant=applicant, number=Step.ADMISSION_FILING, day=DATES[18]
        )
    assert "终止发展" in exc.value.message_dict["number"][0]


def test_a_refusal_needs_its_reason(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    with pytest.raises(ValidationError) as exc:
        refuse(applicant_a, ctx, reason="  ")
    assert exc.value.message_dict["refusal_reason"] == ["不予批准须填写理由"]
    assert Member.objects.get(pk=applicant_a.member_id).is_current


def test_step_17_past_six_months_is_on_the_committees_worklist_and_closed_with_an_outcome(applicant_a, ctx):
    advance(applicant_a, 15, ctx)  # the meeting on 2024-07-08; no talk (16), no approval
    day = dt.date(2025, 2, 3)
    work = worklist(ctx["committee_staff"], day)
    overdue = [w for w in work.overdue if w.step == Step.ADMISSION_APPROVAL]
    assert [w.name for w in overdue] == ["陆文华"] and "超过6个月" in overdue[0].message
    assert [w.step for w in approvals_for(ctx["committee_staff"], work.approvals)] == [
        Step.ADMISSION_APPROVAL
    ]
    with pytest.raises(ValidationError) as exc:  # no approval without the talk …
        step_record(
            actor=ctx["committee_staff"],
            applicant=applicant_a,
            number=Step.ADMISSION_APPROVAL,
            day=day,
            approving_org=ctx["committee"],
            late_reason="拖延",
        )
    assert exc.value.message_dict["number"] == ["请先完成第16步“上级党委派人谈话”"]
    refuse(applicant_a, ctx, day=day, reason="超过审批期限，未履行审批程序")  # … but the case is closed
    work = worklist(ctx["committee_staff"], day)
    assert work.approvals == [] and [w for w in work.overdue if w.step == Step.ADMISSION_APPROVAL] == []


def test_the_approval_form_offers_the_refusal(applicant_a, ctx, client):
    advance(applicant_a, 16, ctx)
    client.force_login(ctx["committee_staff"])
    url = reverse("members:applicant_step", args=[applicant_a.pk, Step.ADMISSION_APPROVAL])
    form = client.get(url).context["form"]
    assert {"decision", "refusal_reason"} <= set(form.fields)
    assert form["decision"].value() == Decision.APPROVED
    response = client.post(
        url,
        {
            "day": "2024-08-01",
            "approving_org": ctx["committee"].pk,
            "decision": Decision.REFUSED,
            "refusal_reason": "政治审查材料不实",
        },
    )
    assert response.status_code == 302
    page = client.get(applicant_a.get_absolute_url()).content.decode()
    assert "上级党委不予批准" in page and "政治审查材料不实" in page
