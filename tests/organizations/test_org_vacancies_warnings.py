"""Which posts each organization must fill, who is missing today, and the warnings of the 支部工作条例."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from organizations.choices import OrgCategory, OrgKind, PostTitle
from organizations.models import Organization, RuleSetting
from organizations.selectors import org_summary, org_warnings, required_posts, vacancies
from organizations.services import org_create, org_update, post_appoint, post_end

TODAY = dt.date(2026, 3, 15)


def missing_by_code(user):
    return {v.org.code: set(v.missing) for v in vacancies(user)}


def test_every_organization_needs_a_secretary():
    branch = Organization(kind=OrgKind.BRANCH)
    assert required_posts(branch, full_members=3, committee_threshold=7) == (PostTitle.SECRETARY,)


def test_a_branch_with_a_branch_committee_needs_its_committee_members():
    branch = Organization(kind=OrgKind.BRANCH)
    assert set(required_posts(branch, full_members=7, committee_threshold=7)) == {
        PostTitle.SECRETARY,
        PostTitle.ORGANIZATION,
        PostTitle.PROPAGANDA,
        PostTitle.DISCIPLINE,
    }


def test_a_committee_needs_secretary_deputy_organization_and_discipline():
    committee = Organization(kind=OrgKind.COMMITTEE)
    assert set(required_posts(committee, full_members=0, committee_threshold=7)) == {
        PostTitle.SECRETARY,
        PostTitle.DEPUTY_SECRETARY,
        PostTitle.ORGANIZATION,
        PostTitle.DISCIPLINE,
    }


def test_a_party_group_has_no_required_posts():
    assert required_posts(Organization(kind=OrgKind.GROUP), full_members=0, committee_threshold=7) == ()


@time_machine.travel(TODAY)
def test_vacancies_list_the_unfilled_posts_of_the_scope(tree, committee_staff, member_a):
    post_appoint(
        actor=committee_staff,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="农光明",
        start_on=TODAY,
    )
    post_appoint(
        actor=committee_staff,
        org=tree.committee,
        title=PostTitle.SECRETARY,
        holder_name="黄丽",
        start_on=TODAY,
    )
    assert missing_by_code(committee_staff) == {
        "C01T01": {PostTitle.DEPUTY_SECRETARY, PostTitle.ORGANIZATION, PostTitle.DISCIPLINE},
        "C01T01B02": {PostTitle.SECRETARY},
    }


@time_machine.travel(TODAY)
def test_a_post_ended_before_today_is_vacant_again(tree, secretary_a):
    post = post_appoint(
        actor=secretary_a,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="农光明",
        start_on=dt.date(2020, 1, 1),
    )
    assert missing_by_code(secretary_a) == {}
    post_end(actor=secretary_a, post=post, end_on=dt.date(2026, 3, 1))
    assert missing_by_code(secretary_a) == {"C01T01B01": {PostTitle.SECRETARY}}


@time_machine.travel(TODAY)
def test_a_branch_reaching_the_committee_threshold_needs_committee_members(tree, secretary_a, add_members):
    post_appoint(
        actor=secretary_a, org=tree.branch_a, title=PostTitle.SECRETARY, holder_name="农光明", start_on=TODAY
    )
    RuleSetting.objects.create(key="branch_committee_min_full_members", value="3")
    add_members(tree.branch_a, 2)
    add_members(tree.branch_a, 1, status="PROBATIONARY")
    assert missing_by_code(secretary_a) == {}  # 2 full members: no 支委会 yet
    add_members(tree.branch_a, 1)
    assert missing_by_code(secretary_a) == {
        "C01T01B01": {PostTitle.ORGANIZATION, PostTitle.PROPAGANDA, PostTitle.DISCIPLINE}
    }


@time_machine.travel(TODAY)
def test_the_vacancy_list_costs_the_same_queries_for_more_organizations(
    tree, county_staff, admin_user, django_assert_num_queries
):
    county_staff.organization  # noqa: B018 -- loaded once per request by the scope layer

    def count_queries():
        with django_assert_num_queries(4) as ctx:
            # 1. the rule branch_committee_min_full_members
            # 2. the organizations existing today in scope
            # 3. current members per organization (grouped)
            # 4. posts held today (distinct organization, title)
            rows = vacancies(county_staff)
        return len(rows), len(ctx.captured_queries)

    before, _ = count_queries()
    for i in range(5):
        org_create(
            actor=admin_user,
            parent=tree.other_committee,
            code=f"X{i}",
            name=f"新建第{i}党支部",
            kind=OrgKind.BRANCH,
            category=OrgCategory.VILLAGE,
            established_on=dt.date(2020, 1, 1),
        )
    after, _ = count_queries()
    assert after == before + 5


def codes_with(user, code):
    return sorted(w.org.code for w in org_warnings(user, code=code))


@time_machine.travel(TODAY)
def test_a_branch_with_fewer_than_three_full_members_is_warned(tree, committee_staff, member_a, add_members):
    add_members(tree.branch_a, 1)
    add_members(tree.branch_a, 3, status="PROBATIONARY")
    warning = next(w for w in org_warnings(committee_staff) if w.org == tree.branch_a)
    assert warning.code == "branch_too_few_full"
    assert "正式党员2名，少于3名" in warning.message
    add_members(tree.branch_a, 1)
    assert "C01T01B01" not in codes_with(committee_staff, "branch_too_few_full")


@time_machine.travel(TODAY)
def test_a_branch_over_the_maximum_is_warned(tree, secretary_a, add_members):
    RuleSetting.objects.create(key="branch_max_members", value="3")
    add_members(tree.branch_a, 3)
    assert codes_with(secretary_a, "branch_too_many") == []
    add_members(tree.branch_a, 1)
    assert codes_with(secretary_a, "branch_too_many") == ["C01T01B01"]


@time_machine.travel(TODAY)
def test_an_expired_term_is_warned(tree, committee_staff):
    # A village branch's term is 5 years: elected 2021-03-14, it ended 2026-03-14.
    org_update(actor=committee_staff, org=tree.branch_a, term_started_on=dt.date(2021, 3, 14))
    org_update(actor=committee_staff, org=tree.branch_b, term_started_on=dt.date(2021, 3, 16))
    assert codes_with(committee_staff, "term_expired") == ["C01T01B01"]


@time_machine.travel(TODAY)
def test_a_small_general_branch_is_warned(tree, county_staff, admin_user, add_members):
    general = org_create(
        actor=admin_user,
        parent=tree.committee,
        code="GB1",
        name="机关党总支",
        kind=OrgKind.GENERAL_BRANCH,
        category=OrgCategory.ORGAN,
        established_on=dt.date(2010, 1, 1),
    )
    add_members(general, 2)
    warning = next(w for w in org_warnings(county_staff, code="general_branch_too_small"))
    assert warning.org == general
    assert "党员2名，不足50名" in warning.message


@time_machine.travel(TODAY)
def test_a_committee_counts_its_whole_subtree_against_the_minimum(tree, county_staff, add_members):
    RuleSetting.objects.create(key="committee_min_members", value="3")
    add_members(tree.branch_a, 2)
    add_members(tree.branch_b, 1)
    assert codes_with(county_staff, "committee_too_small") == ["C01T02"]


@time_machine.travel(TODAY)
def test_warnings_of_one_organization_show_on_its_summary(tree, member_a):
    summary = org_summary(tree.branch_a)
    assert [w.code for w in summary.warnings] == ["branch_too_few_full"]
    assert summary.counts.members == 1
    assert summary.team.missing == (PostTitle.SECRETARY,)


@pytest.mark.parametrize("code", ["", "term_expired"])
@time_machine.travel(TODAY)
def test_warnings_stay_within_the_scope(tree, secretary_b, code):
    assert {w.org for w in org_warnings(secretary_b, code=code)} <= {tree.branch_b}
