"""The development worklist: what is due, overdue, on 公示, ending or waiting for approval — on frozen dates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from members.models.development import Step
from members.selectors.development import worklist
from members.services.development import applicant_create, publicity_create
from tests.factories import DATES, advance, person

pytestmark = pytest.mark.django_db


def on(day: dt.date) -> time_machine.travel:
    """Travel to ``day`` (noon in Shanghai) for the pages, which read today's date."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, 0), tick=False)


def steps_of(items) -> list[tuple[str, int]]:
    return [(i.name, i.step) for i in items]


def test_a_talk_not_held_within_a_month_is_overdue(applicant_a, ctx):
    secretary = ctx["secretary_a"]
    assert worklist(secretary, dt.date(2023, 4, 1)).overdue == []  # the deadline day itself
    overdue = worklist(secretary, dt.date(2023, 4, 2)).overdue
    assert steps_of(overdue) == [("陆文华", Step.TALK)]
    assert overdue[0].due_on == dt.date(2023, 4, 1)
    assert overdue[0].message == "递交入党申请书已满1个月，尚未派人谈话"


def test_the_worklist_page_shows_the_overdue_talk_on_a_frozen_day(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    with on(dt.date(2023, 4, 2)):
        response = client.get(reverse("members:development_index"))
    assert response.context["work"].today == dt.date(2023, 4, 2)
    assert steps_of(response.context["work"].overdue) == [("陆文华", Step.TALK)]
    assert "尚未派人谈话" in response.content.decode()


def test_an_activists_half_yearly_review_falls_due(applicant_a, ctx):
    advance(applicant_a, 5, ctx)  # activist since 2023-04-10, no review yet
    assert worklist(ctx["secretary_a"], dt.date(2023, 10, 9)).overdue == []
    overdue = worklist(ctx["secretary_a"], dt.date(2023, 10, 10)).overdue
    assert steps_of(overdue) == [("陆文华", Step.ACTIVIST_REVIEW)]
    assert overdue[0].message == "已满半年，应进行培养教育考察"


def test_the_next_review_is_due_half_a_year_after_the_last_one(applicant_a, ctx):
    advance(applicant_a, 6, ctx)  # reviewed 2023-10-25
    assert worklist(ctx["secretary_a"], dt.date(2024, 4, 24)).overdue == []
    assert steps_of(worklist(ctx["secretary_a"], dt.date(2024, 4, 25)).overdue) == [
        ("陆文华", Step.ACTIVIST_REVIEW)
    ]


def test_approval_not_given_three_months_after_admission_is_overdue(applicant_a, ctx):
    advance(applicant_a, 16, ctx)  # branch meeting 2024-07-08
    committee = ctx["committee_staff"]
    assert worklist(committee, dt.date(2024, 10, 8)).overdue == []
    late = worklist(committee, dt.date(2024, 10, 9)).overdue
    assert steps_of(late) == [("陆文华", Step.ADMISSION_APPROVAL)]
    assert "超过3个月" in late[0].message
    very_late = worklist(committee, dt.date(2025, 1, 9)).overdue
    assert "超过6个月" in very_late[0].message


def test_admissions_wait_for_the_committees_approval(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    work = worklist(ctx["committee_staff"], dt.date(2024, 7, 20))
    assert steps_of(work.approvals) == [("陆文华", Step.ADMISSION_APPROVAL)]
    assert work.approvals[0].due_on == dt.date(2024, 10, 8)
    assert steps_of(work.due) == [("陆文华", Step.ADMISSION_APPROVAL)]


def test_confirmations_wait_for_the_committees_approval(applicant_a, ctx):
    advance(applicant_a, 23, ctx)
    work = worklist(ctx["committee_staff"], dt.date(2025, 7, 10))
    assert steps_of(work.approvals) == [("陆文华", Step.CONFIRMATION_APPROVAL)]


def test_a_running_publicity_is_listed_until_its_result_is_recorded(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    publicity = publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2023, 3, 27),
        ends_on=dt.date(2023, 3, 31),
        place="村务公开栏",
    )
    assert worklist(ctx["secretary_a"], dt.date(2023, 3, 26)).publicity == []
    assert worklist(ctx["secretary_a"], dt.date(2023, 3, 29)).publicity == [publicity]
    assert worklist(ctx["secretary_a"], dt.date(2023, 4, 3)).publicity == [publicity]  # ended, no result yet


def test_a_probation_ending_within_30_days_is_listed(applicant_a, ctx):
    advance(applicant_a, 22, ctx)  # probation ends 2025-07-08
    assert worklist(ctx["secretary_a"], dt.date(2025, 6, 7)).probation_ending == []
    ending = worklist(ctx["secretary_a"], dt.date(2025, 6, 8)).probation_ending
    assert steps_of(ending) == [("陆文华", Step.CONFIRMATION_MEETING)]
    assert ending[0].due_on == dt.date(2025, 7, 8)


def test_a_probation_over_without_a_meeting_is_overdue(applicant_a, ctx):
    advance(applicant_a, 22, ctx)
    work = worklist(ctx["secretary_a"], dt.date(2025, 7, 9))
    assert work.probation_ending == []
    assert steps_of(work.overdue) == [("陆文华", Step.CONFIRMATION_MEETING)]
    assert work.overdue[0].message == "预备期已满，尚未讨论转正"


def test_an_extended_probation_ends_at_the_end_of_the_extension(applicant_a, ctx):
    advance(applicant_a, 22, ctx)
    advance(
        applicant_a,
        24,
        ctx,
        overrides={23: {"outcome": "EXTENDED", "extension_months": 6}},
    )
    work = worklist(ctx["secretary_a"], dt.date(2025, 12, 15))
    assert steps_of(work.probation_ending) == [("陆文华", Step.CONFIRMATION_MEETING)]
    assert work.probation_ending[0].due_on == dt.date(2026, 1, 8)


def test_archived_and_withdrawn_applicants_leave_the_worklist(applicant_a, ctx):
    advance(applicant_a, 25, ctx)
    work = worklist(ctx["secretary_a"], dt.date(2025, 8, 2))
    assert work.due == [] and work.overdue == [] and work.approvals == []


def test_each_user_sees_the_worklist_of_their_scope(applicant_a, ctx, secretary_b, county_staff, tree):
    day = dt.date(2023, 4, 2)
    assert steps_of(worklist(ctx["committee_staff"], day).overdue) == [("陆文华", Step.TALK)]
    assert steps_of(worklist(county_staff, day).overdue) == [("陆文华", Step.TALK)]
    assert worklist(secretary_b, day).overdue == []
    assert worklist(secretary_b, day).due == []


def test_stage_counts_cover_the_open_stages(applicant_a, ctx):
    other = applicant_create(
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **person(name="韦丽", seq=2),
    )
    advance(other, 7, ctx)
    counts = worklist(ctx["secretary_a"], dt.date(2024, 4, 11)).stage_counts
    assert counts == {"APPLICANT": 1, "CANDIDATE": 1}


def _more_applicants(ctx, n: int) -> None:
    for i in range(n):
        applicant = applicant_create(
            actor=ctx["secretary_a"],
            organization=ctx["tree"].branch_a,
            applied_on=DATES[1],
            **person(name=f"申请人{i}", seq=10 + i),
        )
        advance(applicant, [2, 5, 16][i % 3], ctx)


def test_the_worklist_page_query_count_does_not_grow_with_applicants(
    applicant_a, ctx, client, django_assert_num_queries
):
    _more_applicants(ctx, 4)
    client.force_login(ctx["committee_staff"])
    with on(dt.date(2024, 10, 20)), django_assert_num_queries(7):
        # 1 session, 2 user, 3 the user's organization (scope root),
        # 4-5 the two approval-period rule settings,
        # 6 open applicants with their step dates (one grouped query, organization joined),
        # 7 公示 running or awaiting result (applicant and organization joined)
        response = client.get(reverse("members:development_index"))
    assert len(response.context["work"].due) == 5


def test_the_applicant_list_query_count_does_not_grow_with_applicants(
    applicant_a, ctx, client, django_assert_num_queries
):
    _more_applicants(ctx, 4)
    client.force_login(ctx["committee_staff"])
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 the user's organization (scope root),
        # 4 COUNT for the paginator, 5 the organization filter's choices,
        # 6 the page of applicants with stage and dates (one grouped query, organization joined)
        response = client.get(reverse("members:applicant_list"))
    assert len(response.context["page_obj"]) == 5


def test_the_applicant_list_filters_by_derived_stage(applicant_a, ctx, client):
    _more_applicants(ctx, 3)  # at step 2 (applicant), step 5 (activist), step 16 (probationary)
    client.force_login(ctx["secretary_a"])
    response = client.get(reverse("members:applicant_list"), {"stage": "PROBATIONARY"})
    assert [a.name for a in response.context["page_obj"]] == ["申请人2"]
    response = client.get(reverse("members:applicant_list"), {"stage": "APPLICANT"})
    assert sorted(a.name for a in response.context["page_obj"]) == ["申请人0", "陆文华"]
