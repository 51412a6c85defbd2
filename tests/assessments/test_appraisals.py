"""民主评议党员: the year's grade set, a branch's grades, the one-third warning, the follow-up of 不合格."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments.choices import FollowUpResult, GradeCategory
from assessments.models import AppraisalFollowUp, MemberAppraisal
from assessments.selectors.appraisals import appraisal_figures, grade_sheet, round_progress
from assessments.services.appraisals import (
    GradeEntry,
    TeamEntry,
    follow_up_conclude,
    follow_up_decide,
    grade_categories,
    grades_save,
    round_close,
    round_update,
    team_votes_save,
)
from core.versioning import StaleRecord
from members.choices import LeaveReason
from members.models import Departure
from members.services.transfers import member_depart
from organizations.models import RuleSetting
from tests.factories import grade, make_round

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


# --- grade sets -------------------------------------------------------------------------------------


def test_the_default_grade_set_has_four_grades(tree, committee_staff):
    round_ = make_round(tree.committee, actor=committee_staff)
    assert round_.grade_set == "优秀、合格、基本合格、不合格"
    assert grade_categories(round_.grades) == {
        "优秀": GradeCategory.EXCELLENT,
        "合格": GradeCategory.QUALIFIED,
        "基本合格": GradeCategory.BASIC,
        "不合格": GradeCategory.UNQUALIFIED,
    }


def test_the_references_three_grades_are_configurable_and_counted_by_place(
    tree, committee_staff, branch_a_members
):
    RuleSetting.objects.create(key="appraisal_grade_set", value="优秀，称职，不称职")
    round_ = make_round(tree.committee, actor=committee_staff)
    assert round_.grade_set == "优秀、称职、不称职"
    m = branch_a_members
    grade(
        round_,
        tree.branch_a,
        {m[0]: "优秀", m[1]: "称职", m[2]: "称职", m[3]: "不称职"},
        actor=committee_staff,
    )
    figures = appraisal_figures(tree.county, START, END)
    assert (
        figures.members,
        figures.excellent,
        figures.qualified,
        figures.basically_qualified,
        figures.unqualified,
    ) == (
        4,
        1,
        2,
        0,
        1,
    )


def test_a_round_may_set_its_own_grades(tree, secretary_a):
    round_ = make_round(tree.branch_a, actor=secretary_a, grade_set="好、较好、一般、差")
    assert list(round_.grades) == ["好", "较好", "一般", "差"]


@pytest.mark.parametrize("bad", ["优秀,合格", "优秀,合格,合格", "一,二,三,四,五"])
def test_a_grade_set_needs_three_or_four_distinct_grades(tree, secretary_a, bad):
    with pytest.raises(ValidationError, match="等次应为3至4个不重复的名称"):
        make_round(tree.branch_a, actor=secretary_a, grade_set=bad)


def test_the_grades_cannot_change_once_entered(tree, secretary_a, member_a):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    grade(round_, tree.branch_a, {member_a: "合格"}, actor=secretary_a)
    with pytest.raises(ValidationError, match="等次不能再修改"):
        round_update(actor=secretary_a, round=round_, grade_set="优秀、称职、不称职", expected_version=1)


def test_rounds_of_a_year_may_not_overlap(tree, committee_staff, secretary_a):
    make_round(tree.committee, actor=committee_staff)
    with pytest.raises(ValidationError, match="新华镇党委已组织2026年度民主评议"):
        make_round(tree.branch_a, actor=secretary_a)


# --- entering a branch's grades ---------------------------------------------------------------------


def test_a_branch_saves_its_grades_in_one_go_and_changes_only_what_changed(
    tree, secretary_a, branch_a_members
):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    m = branch_a_members
    saved = grade(round_, tree.branch_a, {x: "合格" for x in m}, actor=secretary_a)
    assert (saved.created, saved.updated) == (6, 0)
    first = MemberAppraisal.objects.get(member=m[0])
    saved = grades_save(
        actor=secretary_a,
        round=round_,
        organization=tree.branch_a,
        entries=[GradeEntry(m[0], "优秀", "带头致富", first.version), GradeEntry(m[1], "", "", 1)],
        appraised_on=dt.date(2026, 11, 21),
    )
    assert (saved.created, saved.updated, saved.removed) == (0, 1, 1)
    first.refresh_from_db()
    assert (first.grade, first.category, first.version, first.note) == (
        "优秀",
        GradeCategory.EXCELLENT,
        2,
        "带头致富",
    )
    assert MemberAppraisal.objects.count() == 5


def test_a_grade_saved_by_someone_else_since_is_refused_and_nothing_written(
    tree, secretary_a, committee_staff, member_a
):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    grade(round_, tree.branch_a, {member_a: "合格"}, actor=secretary_a)
    row = MemberAppraisal.objects.get()
    grades_save(
        actor=committee_staff,
        round=round_,
        organization=tree.branch_a,
        entries=[GradeEntry(member_a, "优秀", "", 1)],
        appraised_on=dt.date(2026, 11, 21),
    )
    with pytest.raises(StaleRecord):
        grades_save(
            actor=secretary_a,
            round=round_,
            organization=tree.branch_a,
            entries=[GradeEntry(member_a, "不合格", "", row.version)],
            appraised_on=dt.date(2026, 11, 21),
        )
    assert MemberAppraisal.objects.get().grade == "优秀"


def test_a_grade_outside_the_rounds_set_is_refused(tree, secretary_a, member_a):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    with pytest.raises(ValidationError, match="“称职”不在本次评议的等次中"):
        grade(round_, tree.branch_a, {member_a: "称职"}, actor=secretary_a)


def test_a_closed_round_takes_no_more_grades(tree, secretary_a, member_a):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    round_close(actor=secretary_a, round=round_, closed_on=dt.date(2026, 11, 24))
    with pytest.raises(ValidationError, match="本次评议已于2026-11-24结束"):
        grade(round_, tree.branch_a, {member_a: "合格"}, actor=secretary_a)


def test_another_branchs_secretary_cannot_grade(tree, committee_staff, secretary_b, member_a):
    from django.http import Http404

    round_ = make_round(tree.committee, actor=committee_staff)
    with pytest.raises(Http404):
        grade(round_, tree.branch_a, {member_a: "合格"}, actor=secretary_b)


# --- the one-third warning --------------------------------------------------------------------------


def test_more_than_a_third_excellent_is_flagged_for_the_branch_and_the_round(
    tree, secretary_a, committee_staff, branch_a_members
):
    round_ = make_round(tree.committee, actor=committee_staff)
    m = branch_a_members
    grade(
        round_,
        tree.branch_a,
        {m[0]: "优秀", m[1]: "优秀", m[2]: "合格", m[3]: "合格", m[4]: "合格", m[5]: "合格"},
        actor=secretary_a,
    )
    sheet = grade_sheet(round_, tree.branch_a)
    assert (sheet.excellent, sheet.appraised, sheet.over_share) == (2, 6, False)  # exactly a third is allowed
    grades_save(
        actor=secretary_a,
        round=round_,
        organization=tree.branch_a,
        entries=[GradeEntry(m[2], "优秀", "", 1)],
        appraised_on=dt.date(2026, 11, 21),
    )
    sheet = grade_sheet(round_, tree.branch_a)
    assert (sheet.excellent, sheet.over_share, sheet.excellent_limit) == (3, True, 2)
    progress = round_progress(round_)
    assert [b.org.name for b in progress.warnings] == ["各甫村党支部"]


def test_the_share_is_a_rule(tree, secretary_a, branch_a_members):
    RuleSetting.objects.create(key="appraisal_excellent_share", value="1/2")
    round_ = make_round(tree.branch_a, actor=secretary_a)
    m = branch_a_members
    grade(round_, tree.branch_a, {m[0]: "优秀", m[1]: "优秀", m[2]: "优秀", m[3]: "合格"}, actor=secretary_a)
    assert grade_sheet(round_, tree.branch_a).over_share is True  # 3 of 4 > 1/2
    grade(round_, tree.branch_a, {m[4]: "合格", m[5]: "合格"}, actor=secretary_a)
    assert grade_sheet(round_, tree.branch_a).over_share is False  # 3 of 6


# --- 不合格: the follow-up ----------------------------------------------------------------------------


@pytest.fixture
def unqualified(tree, secretary_a, member_a):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    grade(round_, tree.branch_a, {member_a: "不合格"}, actor=secretary_a)
    return MemberAppraisal.objects.get(member=member_a)


def test_a_correction_gets_six_months_by_default(unqualified, secretary_a):
    f = follow_up_decide(
        actor=secretary_a, appraisal=unqualified, disposal="CORRECTION", decided_on=dt.date(2026, 11, 22)
    )
    assert f.deadline == dt.date(2027, 5, 22) and f.is_open


def test_a_correction_lasts_at_most_a_year(unqualified, secretary_a):
    with pytest.raises(ValidationError, match="限期改正最长12个月"):
        follow_up_decide(
            actor=secretary_a,
            appraisal=unqualified,
            disposal="CORRECTION",
            decided_on=dt.date(2026, 11, 22),
            deadline=dt.date(2027, 12, 1),
        )
    assert not AppraisalFollowUp.objects.exists()


def test_removal_goes_through_the_leaving_record_and_links_it(unqualified, secretary_a, member_a):
    f = follow_up_decide(
        actor=secretary_a,
        appraisal=unqualified,
        disposal="REMOVE",
        decided_on=dt.date(2026, 11, 24),
        document_no="各支〔2026〕9号",
    )
    member_a.refresh_from_db()
    assert (member_a.left_on, member_a.leave_reason) == (dt.date(2026, 11, 24), LeaveReason.REMOVED)
    assert f.departure == Departure.objects.get(member=member_a)
    assert (f.result, f.closed_on) == (FollowUpResult.REMOVED, dt.date(2026, 11, 24))


def test_persuading_to_leave_needs_the_decisions_number_and_writes_nothing_without(
    unqualified, secretary_a, member_a
):
    with pytest.raises(ValidationError, match="劝退须填写处理决定文号"):
        follow_up_decide(
            actor=secretary_a, appraisal=unqualified, disposal="PERSUADE", decided_on=dt.date(2026, 11, 24)
        )
    member_a.refresh_from_db()
    assert member_a.is_current and not AppraisalFollowUp.objects.exists() and not Departure.objects.exists()


def test_a_correction_ends_corrected_or_in_removal(unqualified, secretary_a, member_a):
    f = follow_up_decide(
        actor=secretary_a, appraisal=unqualified, disposal="CORRECTION", decided_on=dt.date(2026, 11, 22)
    )
    done = follow_up_conclude(
        actor=secretary_a,
        follow_up=f,
        result="REMOVED",
        day=dt.date(2026, 11, 25),
        document_no="各支〔2026〕10号",
        expected_version=f.version,
    )
    assert done.result == FollowUpResult.REMOVED and done.departure.reason == LeaveReason.REMOVED
    member_a.refresh_from_db()
    assert member_a.leave_reason == LeaveReason.REMOVED


def test_only_unqualified_members_are_followed_up(tree, secretary_a, member_a):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    grade(round_, tree.branch_a, {member_a: "基本合格"}, actor=secretary_a)
    with pytest.raises(ValidationError, match="只有评为不合格的党员需要处置"):
        follow_up_decide(
            actor=secretary_a,
            appraisal=MemberAppraisal.objects.get(),
            disposal="CORRECTION",
            decided_on=dt.date(2026, 11, 22),
        )


def test_leaving_the_party_another_way_ends_an_open_correction(unqualified, secretary_a, member_a):
    f = follow_up_decide(
        actor=secretary_a, appraisal=unqualified, disposal="CORRECTION", decided_on=dt.date(2026, 11, 22)
    )
    member_depart(actor=secretary_a, member=member_a, reason="DEATH", day=dt.date(2026, 11, 24))
    f.refresh_from_db()
    assert (f.result, f.closed_on) == (FollowUpResult.LEFT, dt.date(2026, 11, 24))


def test_a_grade_with_a_follow_up_cannot_be_cleared(unqualified, secretary_a, member_a, tree):
    follow_up_decide(
        actor=secretary_a, appraisal=unqualified, disposal="CORRECTION", decided_on=dt.date(2026, 11, 22)
    )
    with pytest.raises(ValidationError, match="已登记不合格处置"):
        grades_save(
            actor=secretary_a,
            round=unqualified.round,
            organization=tree.branch_a,
            entries=[GradeEntry(member_a, "", "", 1)],
            appraised_on=dt.date(2026, 11, 24),
        )


# --- team appraisal ---------------------------------------------------------------------------------


def test_team_votes_are_recorded_per_team(tree, committee_staff):
    round_ = make_round(tree.committee, actor=committee_staff)
    saved = team_votes_save(
        actor=committee_staff,
        round=round_,
        entries=[TeamEntry(tree.branch_a, 20, 3, 1), TeamEntry(tree.branch_b, None, None, None)],
    )
    assert saved == 1
    votes = round_.team_appraisals.get()
    assert (votes.votes, votes.satisfaction_rate) == (24, 95.83)
    with pytest.raises(ValidationError, match="请填写满意、基本满意、不满意三项票数"):
        team_votes_save(
            actor=committee_staff, round=round_, entries=[TeamEntry(tree.branch_b, 5, None, None)]
        )


def test_a_branch_enters_its_own_teams_votes_in_the_committees_round(tree, committee_staff, secretary_a):
    from django.http import Http404

    round_ = make_round(tree.committee, actor=committee_staff)
    assert team_votes_save(actor=secretary_a, round=round_, entries=[TeamEntry(tree.branch_a, 18, 2, 0)]) == 1
    with pytest.raises(Http404):
        team_votes_save(actor=secretary_a, round=round_, entries=[TeamEntry(tree.branch_b, 18, 2, 0)])
