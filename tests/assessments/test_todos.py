"""The 工作台: agreements not signed, rectifications overdue, appraisal rounds open, 不合格 follow-ups due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import MemberAppraisal
from assessments.selectors.todos import assessment_todos
from assessments.services.appraisals import follow_up_decide
from tests.factories import grade, make_finding, make_inspection, make_round, sign_members

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


def counts(user) -> dict[str, int]:
    return {t.key: t.count for g in assessment_todos(user, TODAY) for t in g.todos}


def test_each_count_in_the_users_scope(
    tree, secretary_a, secretary_b, committee_staff, branch_a_members, member_b
):
    m = branch_a_members
    sign_members(tree.branch_a, m[:3], actor=secretary_a, signed_on=None)  # 3 pending
    sign_members(tree.branch_a, m[3:5], actor=secretary_a)  # 2 signed; m[5] and member_b have none
    make_finding(make_inspection(tree.committee, actor=committee_staff), tree.branch_a, actor=committee_staff)
    round_ = make_round(tree.committee, actor=committee_staff)
    grade(round_, tree.branch_a, {m[0]: "不合格", m[1]: "不合格", m[2]: "合格"}, actor=secretary_a)
    follow_up_decide(
        actor=secretary_a,
        appraisal=MemberAppraisal.objects.get(member=m[1]),
        disposal="CORRECTION",
        decided_on=dt.date(2026, 11, 22),
        deadline=dt.date(2026, 12, 10),  # due within 30 days
    )
    assert counts(secretary_a) == {
        "assessments.unsigned": 3,
        "assessments.not_issued": 1,
        "assessments.rectifications": 1,  # deadline 2026-08-31 passed
        "assessments.rounds": 1,
        "assessments.follow_ups": 2,  # m[0] undecided, m[1]'s correction due
    }
    assert counts(secretary_b) == {
        "assessments.unsigned": 0,
        "assessments.not_issued": 1,
        "assessments.rectifications": 0,
        "assessments.rounds": 1,  # the committee's round covers branch B
        "assessments.follow_ups": 0,
    }
    group = assessment_todos(secretary_a, TODAY)[0]
    rounds = next(t for t in group.todos if t.key == "assessments.rounds")
    assert rounds.hint == "尚有3名党员未录入评议等次"
    assert [a.url for a in group.actions][0] == reverse(
        "assessments:member_sheet", args=[tree.branch_a.code, 2026]
    )


def test_the_auditor_gets_counts_and_no_write_links(tree, auditor):
    group = assessment_todos(auditor, TODAY)[0]
    assert group.actions == []


@pytest.mark.parametrize("rows", [1, 4])
def test_the_todos_cost_the_same_queries_for_one_row_or_many(
    rows, tree, secretary_a, committee_staff, branch_a_members, django_assert_num_queries
):
    sign_members(tree.branch_a, branch_a_members[:rows], actor=secretary_a, signed_on=None)
    inspection = make_inspection(tree.committee, actor=committee_staff)
    for _ in range(rows):
        make_finding(inspection, tree.branch_a, actor=committee_staff)
    committee_staff.organization  # noqa: B018  (loaded with the session user on a page)
    with django_assert_num_queries(6):
        # 1 agreements not signed, 2 members without one, 3 rectifications overdue, 4 the open rounds
        # covering the scope (none: no count of members not graded), 5 不合格 without a decision,
        # 6 限期改正 falling due
        assessment_todos(committee_staff, TODAY)
    make_round(tree.committee, actor=committee_staff)
    with django_assert_num_queries(7):
        # the same, and the members not yet graded in the open round
        assessment_todos(committee_staff, TODAY)
