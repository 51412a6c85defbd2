"""Terms of office by level (issue 8 item 7) and joint, temporary and functional branches (item 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.models import Applicant, Member
from members.selectors.development.figures import branches_without_new
from members.services.development import applicant_create
from members.services.member import member_register
from organizations.choices import BranchForm, OrgCategory, OrgKind
from organizations.importers import import_orgs
from organizations.models import Organization, RuleSetting
from organizations.rules import TermYears
from organizations.selectors import org_warnings
from tests.factories import make_org, member_fields, person
from tests.organizations.conftest import xlsx_file


@pytest.mark.parametrize(
    ("kind", "category", "years"),
    [
        (OrgKind.COMMITTEE, OrgCategory.TOWNSHIP, 5),  # 基层党委
        (OrgKind.COMMITTEE, OrgCategory.VILLAGE, 5),  # 村党委
        (OrgKind.GENERAL_BRANCH, OrgCategory.ORGAN, 3),
        (OrgKind.BRANCH, OrgCategory.SCHOOL, 3),
        (OrgKind.BRANCH, OrgCategory.VILLAGE, 5),  # 村党支部
        (OrgKind.BRANCH, OrgCategory.COMMUNITY, 5),
        (OrgKind.WORKING_COMMITTEE, OrgCategory.ORGAN, None),  # 党工委: appointed, no term
        (OrgKind.GROUP, OrgCategory.VILLAGE, None),
    ],
)
def test_terms_of_office_follow_the_level(db, kind, category, years):
    org = Organization(kind=kind, category=category, term_started_on=dt.date(2023, 3, 1))
    assert org.effective_term_years == years
    assert org.term_ends_on == (dt.date(2023 + years, 3, 1) if years else None)


def test_terms_are_configurable_and_an_organizations_own_term_wins(db):
    RuleSetting.objects.create(key="term_years_branch", value="4")
    branch = Organization(
        kind=OrgKind.BRANCH, category=OrgCategory.SCHOOL, term_started_on=dt.date(2024, 1, 1)
    )
    assert branch.term_ends_on == dt.date(2028, 1, 1)
    branch.term_years = 2
    assert branch.term_ends_on == dt.date(2026, 1, 1)
    assert TermYears.current().for_kind(OrgKind.COMMITTEE, OrgCategory.ORGAN) == 5


def test_a_working_committee_never_warns_of_an_expired_term(tree, admin_user, county_staff):
    make_org(
        tree.county,
        "C01W01",
        "县直机关工委",
        actor=admin_user,
        kind=OrgKind.WORKING_COMMITTEE,
        category=OrgCategory.ORGAN,
        term_started_on=dt.date(2001, 1, 1),
    )
    names = {w.org.name for w in org_warnings(county_staff, "term_expired")}
    assert "县直机关工委" not in names


def test_a_joint_branch_names_the_units_it_covers(tree, admin_user):
    with pytest.raises(ValidationError) as refused:
        make_org(tree.committee, "C01T01B07", "非公企业联合党支部", actor=admin_user, form=BranchForm.JOINT)
    assert refused.value.message_dict["covered_units"] == ["联合党支部须填写联合单位"]
    joint = make_org(
        tree.committee,
        "C01T01B07",
        "非公企业联合党支部",
        actor=admin_user,
        category=OrgCategory.PRIVATE_ENTERPRISE,
        form=BranchForm.JOINT,
        covered_units="甲公司、乙公司",
    )
    assert joint.counts_as_branch and joint.develops_members


def test_only_a_branch_can_be_temporary_joint_or_functional(tree, admin_user):
    with pytest.raises(ValidationError) as refused:
        make_org(
            tree.county,
            "C01T09",
            "临时党委",
            actor=admin_user,
            kind=OrgKind.COMMITTEE,
            category=OrgCategory.TOWNSHIP,
            form=BranchForm.TEMPORARY,
        )
    assert "只有党支部" in refused.value.message_dict["form"][0]
    assert not Organization.objects.filter(code="C01T09").exists()


@pytest.mark.parametrize("form", [BranchForm.TEMPORARY, BranchForm.FUNCTIONAL])
def test_temporary_and_functional_branches_neither_count_nor_develop_members(tree, admin_user, form):
    special = make_org(tree.committee, "C01T01B08", "驻村工作队党支部", actor=admin_user, form=form)
    assert not special.counts_as_branch
    assert special not in Organization.objects.counted_branches()
    assert tree.branch_a in Organization.objects.counted_branches()
    assert special not in [w.branch for w in branches_without_new(tree.committee, dt.date(2026, 1, 1))]

    with pytest.raises(ValidationError) as refused:
        applicant_create(actor=admin_user, organization=special, applied_on=dt.date(2025, 3, 1), **person())
    label = BranchForm(form).label
    assert refused.value.message_dict["organization"] == [
        f"“驻村工作队党支部”是{label}，党员的组织关系仍在原党支部，不在此登记党员，也不发展党员"
    ]
    with pytest.raises(ValidationError):
        member_register(actor=admin_user, organization=special, **member_fields())
    assert not Applicant.objects.filter(organization=special).exists()
    assert not Member.objects.filter(organization=special).exists()


def test_enterprise_categories_are_told_apart_and_the_old_label_is_explained(tree, admin_user):
    sheet = xlsx_file(
        [
            ["C01T01B11", "县电力公司党支部", "党支部", "国有企业", "C01T01", "2010-01-01", "", ""],
            ["C01T01B12", "宏达公司党支部", "党支部", "企业", "C01T01", "2010-01-01", "", ""],
            ["C01T01B13", "协会联合党支部", "党支部", "社会组织", "C01T01", "2010-01-01", "联合党支部", ""],
            ["C01T01B14", "工作队党支部", "党支部", "机关", "C01T01", "2010-01-01", "临时", ""],
        ],
        headers=(
            "党组织代码",
            "党组织名称",
            "组织类型",
            "组织类别",
            "上级党组织代码",
            "成立日期",
            "设置形式",
            "联合单位",
        ),
    )
    report = import_orgs(sheet, actor=admin_user)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(3, "组织类别")] == "“企业”已细分为“国有企业”和“非公有制企业”，请填写其中之一"
    assert messages[(4, "联合单位")] == "联合党支部须填写联合单位"
    assert messages[(5, "设置形式")].startswith("未知的设置形式“临时”")
    assert not Organization.objects.filter(code__startswith="C01T01B1").exists()
