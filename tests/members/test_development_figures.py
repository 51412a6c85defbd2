"""Development figures: plans and their completion, new-member structure, pipeline counts, 长期不发展 warning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from members.models import Applicant, DevelopmentPlan
from members.models.development import WithdrawKind
from members.selectors.development import (
    NewMemberStructure,
    branches_without_new,
    new_member_structure,
    pipeline_counts,
    plan_completion,
    rate,
)
from members.services.development import applicant_create, applicant_withdraw, plan_set
from members.services.member import member_register
from organizations.choices import OrgCategory, OrgKind
from organizations.models import RuleSetting
from organizations.services import org_create, org_dissolve, org_merge
from tests.factories import DATES, advance, make_id, member_fields, person

pytestmark = pytest.mark.django_db

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def register(admin_user, org, name, birth, joined, *, male=True, seq=1, **extra):
    """A member registered from records (not through the pipeline), probationary since ``joined``."""
    fields = member_fields(
        name=name,
        gender="M" if male else "F",
        birth_date=birth,
        id_number=make_id(birth, seq, male),
        status="PROBATIONARY",
        joined_on=joined,
        full_on=None,
    )
    fields.update(extra)
    return member_register(actor=admin_user, organization=org, **fields)


@pytest.fixture
def new_in_2025(frozen, tree, admin_user):
    """Three members admitted in 2025: two in 新华镇党委's branches, one in 睦伦乡党委's."""
    return [
        # 30 on admission, female, 汉族, 高中, frontline
        register(
            admin_user,
            tree.branch_a,
            "甲",
            dt.date(1995, 3, 1),
            dt.date(2025, 3, 1),
            male=False,
            seq=11,
            ethnicity="汉族",
            education="HIGH_SCHOOL",
            is_frontline=True,
        ),
        # exactly 35 on the admission day: counted in 35岁及以下 (以下 includes the number); 壮族, 初中
        register(
            admin_user,
            tree.branch_b,
            "乙",
            dt.date(1990, 6, 1),
            dt.date(2025, 6, 1),
            seq=12,
            ethnicity="壮族",
            education="JUNIOR_OR_BELOW",
            is_frontline=False,
        ),
        # one day short of 35: "under 35"; 瑶族, 本科
        register(
            admin_user,
            tree.branch_c,
            "丙",
            dt.date(1990, 6, 2),
            dt.date(2025, 6, 1),
            seq=13,
            ethnicity="瑶族",
            education="BACHELOR",
            is_frontline=False,
        ),
    ]


# --- plans ---------------------------------------------------------------------------------------------


def test_county_staff_set_a_committees_plan_with_an_audit_row(frozen, tree, county_staff):
    plan = plan_set(actor=county_staff, committee=tree.committee, year=2025, quota=10)
    assert (plan.committee, plan.year, plan.quota) == (tree.committee, 2025, 10)
    assert LogEntry.objects.get_for_object(plan).get().actor == county_staff
    plan_set(actor=county_staff, committee=tree.committee, year=2025, quota=12, note="追加")
    plan.refresh_from_db()
    assert (plan.quota, plan.note) == (12, "追加")
    assert DevelopmentPlan.objects.count() == 1
    assert LogEntry.objects.get_for_object(plan).count() == 2


def test_a_committee_cannot_set_its_own_plan(frozen, tree, committee_staff):
    with pytest.raises(PermissionDenied):
        plan_set(actor=committee_staff, committee=tree.committee, year=2025, quota=99)
    assert not DevelopmentPlan.objects.exists()


def test_plans_out_of_scope_are_not_found_and_auditors_write_none(frozen, tree, secretary_a, auditor):
    with pytest.raises(Http404):
        plan_set(actor=secretary_a, committee=tree.committee, year=2025, quota=1)
    with pytest.raises(PermissionDenied):
        plan_set(actor=auditor, committee=tree.committee, year=2025, quota=1)
    assert not DevelopmentPlan.objects.exists()


def test_plans_are_set_for_base_committees_only(frozen, tree, county_staff):
    with pytest.raises(ValidationError) as exc:
        plan_set(actor=county_staff, committee=tree.branch_a, year=2025, quota=1)
    assert exc.value.message_dict["committee"] == ["发展党员计划按基层党委下达"]
    assert not DevelopmentPlan.objects.exists()


def test_plan_completion_counts_new_members_by_admission_date_per_committee(new_in_2025, tree, county_staff):
    plan_set(actor=county_staff, committee=tree.committee, year=2025, quota=10)
    plan_set(actor=county_staff, committee=tree.other_committee, year=2025, quota=5)
    plan_set(actor=county_staff, committee=tree.committee, year=2024, quota=99)  # another year
    completion = plan_completion(tree.county, *YEAR_2025)
    rows = [(r.committee.name, r.plan, r.new_members, r.rate) for r in completion.rows]
    assert rows == [
        ("新华镇党委", 10, 2, Decimal("20.00")),
        ("睦伦乡党委", 5, 1, Decimal("20.00")),
    ]
    assert (completion.plan, completion.new_members, completion.rate) == (15, 3, Decimal("20.00"))
    assert completion.committees_with_new == 2


def test_plan_completion_includes_members_admitted_through_the_pipeline(
    applicant_a, ctx, admin_user, county_staff
):
    advance(applicant_a, 15, ctx)  # admitted 2024-07-08
    register(admin_user, ctx["tree"].branch_b, "登记", dt.date(1990, 1, 1), dt.date(2024, 3, 1), seq=20)
    plan_set(actor=county_staff, committee=ctx["committee"], year=2024, quota=8)
    completion = plan_completion(ctx["committee"], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [(r.plan, r.new_members) for r in completion.rows] == [(8, 2)]
    assert completion.rate == Decimal("25.00")


def test_a_committee_without_a_plan_has_no_rate(new_in_2025, tree):
    completion = plan_completion(tree.county, *YEAR_2025)
    assert [(r.plan, r.rate) for r in completion.rows] == [(None, None), (None, None)]
    assert completion.rate is None


# --- new-member structure -----------------------------------------------------------------------------


def test_new_member_structure_counts_and_rates(new_in_2025, tree):
    s = new_member_structure(tree.county, *YEAR_2025)
    assert s == NewMemberStructure(total=3, high_school_plus=2, female=1, minority=2, under_35=3, frontline=1)
    assert s.high_school_plus_rate == Decimal("66.67")
    assert s.female_rate == Decimal("33.33")
    assert s.minority_rate == Decimal("66.67")
    assert s.under_35_rate == Decimal("100.00")
    assert s.frontline_rate == Decimal("33.33")


def test_35_and_under_includes_35_on_the_admission_day(new_in_2025, tree, admin_user):
    # 乙 turned 35 on the day of admission and is counted (以下 includes the number); 丁 turned 36 and is not.
    register(admin_user, tree.branch_b, "丁", dt.date(1989, 6, 2), dt.date(2025, 6, 2), seq=14)
    assert new_member_structure(tree.branch_b, *YEAR_2025).under_35 == 1
    assert new_member_structure(tree.branch_c, *YEAR_2025).under_35 == 1


def test_minorities_are_the_55_recognized_groups(new_in_2025, tree, admin_user):
    register(
        admin_user,
        tree.branch_b,
        "戊",
        dt.date(1990, 1, 5),
        dt.date(2025, 7, 1),
        seq=15,
        ethnicity="未识别民族",
    )
    register(
        admin_user, tree.branch_b, "己", dt.date(1990, 1, 6), dt.date(2025, 7, 1), seq=16, ethnicity="入籍"
    )
    s = new_member_structure(tree.branch_b, *YEAR_2025)
    assert (s.total, s.minority) == (3, 1)  # 乙 (壮族) only


def test_the_structure_follows_the_scope_and_the_period(new_in_2025, tree):
    assert new_member_structure(tree.committee, *YEAR_2025).total == 2
    assert new_member_structure(tree.county, dt.date(2025, 1, 1), dt.date(2025, 5, 31)).total == 1


def test_rates_are_none_when_there_is_no_new_member(frozen, tree):
    s = new_member_structure(tree.county, *YEAR_2025)
    assert s.total == 0
    assert s.female_rate is None and s.under_35_rate is None


def test_rates_round_half_up_to_two_decimals():
    assert rate(27, 102) == Decimal("26.47")
    assert rate(1, 8) == Decimal("12.50")
    assert rate(1, 0) is None


# --- pipeline --------------------------------------------------------------------------------------------


def test_pipeline_counts_are_read_as_of_a_day(applicant_a, ctx):
    advance(applicant_a, 7, ctx)
    branch = ctx["tree"].branch_a
    assert pipeline_counts(branch, dt.date(2023, 3, 15)).applicants == 1
    assert pipeline_counts(branch, dt.date(2024, 4, 9)).activists == 1
    at = pipeline_counts(branch, dt.date(2024, 4, 10))
    assert (at.applicants, at.activists, at.candidates, at.probationary) == (0, 0, 1, 0)
    assert pipeline_counts(branch, dt.date(2023, 2, 1)).applicants == 0


def test_withdrawn_applicants_leave_the_pipeline_on_their_withdrawal_date(applicant_a, ctx):
    applicant_withdraw(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        day=dt.date(2023, 5, 1),
        kind=WithdrawKind.WITHDRAWN,
        reason="撤回",
    )
    branch = ctx["tree"].branch_a
    assert pipeline_counts(branch, dt.date(2023, 4, 30)).applicants == 1
    assert pipeline_counts(branch, dt.date(2023, 5, 1)).applicants == 0


# --- 长期不发展 -----------------------------------------------------------------------------------------


def test_branches_without_a_new_member_for_three_years_are_flagged(frozen, tree, member_a, admin_user):
    register(admin_user, tree.branch_b, "新", dt.date(1990, 1, 1), dt.date(2024, 3, 1), seq=30)
    flagged = branches_without_new(tree.county, dt.date(2026, 6, 30))
    assert [(w.branch.name, w.last_admission, w.years) for w in flagged] == [
        ("各甫村党支部", dt.date(1975, 7, 1), 3),
        ("睦伦村党支部", None, 3),
    ]


def test_the_warning_period_is_configurable(frozen, tree, admin_user):
    register(admin_user, tree.branch_b, "新", dt.date(1990, 1, 1), dt.date(2024, 3, 1), seq=30)
    RuleSetting.objects.create(key="no_development_warning_years", value="1")
    names = [w.branch.name for w in branches_without_new(tree.committee, dt.date(2026, 6, 30))]
    assert names == ["各甫村党支部", "新华社区党支部"]


def test_a_branch_younger_than_the_warning_period_is_not_flagged(frozen, tree, admin_user):
    young = org_create(
        actor=admin_user,
        parent=tree.committee,
        code="C01T01B09",
        name="新建党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.PRIVATE_ENTERPRISE,
        established_on=dt.date(2025, 1, 1),
    )
    names = [w.branch.name for w in branches_without_new(tree.committee, dt.date(2026, 6, 30))]
    assert young.name not in names


# --- organizations closing -----------------------------------------------------------------------------


def test_applicants_follow_a_merged_branch(applicant_a, ctx, admin_user):
    org_merge(
        actor=admin_user, org=ctx["tree"].branch_a, successor=ctx["tree"].branch_b, day=dt.date(2026, 1, 1)
    )
    applicant_a.refresh_from_db()
    assert applicant_a.organization == ctx["tree"].branch_b


def test_a_branch_with_applicants_in_training_cannot_be_dissolved(frozen, tree, admin_user, secretary_b):
    applicant_create(actor=secretary_b, organization=tree.branch_b, applied_on=DATES[1], **person())
    with pytest.raises(ValidationError) as exc:
        org_dissolve(actor=admin_user, org=tree.branch_b, day=dt.date(2026, 1, 1), reason="撤并")
    assert "入党申请人" in exc.value.message_dict["dissolved_on"][0]
    tree.branch_b.refresh_from_db()
    assert tree.branch_b.dissolved_on is None
    assert Applicant.objects.get().organization == tree.branch_b
