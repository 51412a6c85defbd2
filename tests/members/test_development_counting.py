"""Who counts as 新发展: admissions read from the dated history, credited to the admitting branch.

A member counts as a new member of the period when the period holds their
admission (入党日期, whether through the pipeline or registered/imported),
for the organization that admitted them — not for the one they belong to
today.  Members transferred in from outside the county were admitted
elsewhere and are not new members of the county.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from members.models import DevelopmentPlan
from members.selectors.development import (
    branches_without_new,
    new_member_structure,
    new_members,
    plan_completion,
)
from members.services.development import plan_set
from members.services.member import member_move, member_register
from members.services.transfers import transfer_accept, transfer_record_incoming
from organizations.choices import Role
from tests.factories import advance, make_id, make_user, member_fields

pytestmark = pytest.mark.django_db

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def today():
    # tick=True: nested services (a transfer accepting a member) keep their own audit actor.
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0)):
        yield TODAY


def register(admin_user, org, name, joined, *, seq, full_on=None):
    """A member registered from records, admitted on ``joined`` (probationary, or full from ``full_on``)."""
    birth = dt.date(1995, 3, 1)
    fields = member_fields(
        name=name,
        gender="M",
        birth_date=birth,
        id_number=make_id(birth, seq, True),
        status="FULL" if full_on else "PROBATIONARY",
        joined_on=joined,
        full_on=full_on,
    )
    return member_register(actor=admin_user, organization=org, **fields)


def transfer_in(admin_user, org, *, joined, accepted):
    """A member admitted outside the county on ``joined``, whose 介绍信 into ``org`` is accepted on ``accepted``."""
    birth = dt.date(1996, 5, 4)
    transfer = transfer_record_incoming(
        actor=admin_user,
        to_org=org,
        letter_no="右组转〔2026〕8号",
        from_external="中共百色市右江区委组织部",
        issued_on=accepted - dt.timedelta(days=5),
        person={
            "name": "转入",
            "gender": "M",
            "ethnicity": "汉族",
            "birth_date": birth,
            "id_number": make_id(birth, 41, True),
            "status": "PROBATIONARY",
            "joined_on": joined,
            "full_on": None,
            "education": "COLLEGE",
            "occupation": "WORKER",
        },
    )
    return transfer_accept(actor=admin_user, transfer=transfer, day=accepted).member


# --- transferred in from outside the county -------------------------------------------------------------


def test_a_member_transferred_in_from_outside_the_county_is_not_a_new_member(today, tree, admin_user):
    transfer_in(admin_user, tree.branch_c, joined=dt.date(2025, 5, 1), accepted=dt.date(2026, 6, 1))
    assert not new_members(tree.county, *YEAR_2025).exists()
    assert new_member_structure(tree.county, *YEAR_2025).total == 0


def test_a_member_transferred_in_does_not_count_against_the_committees_plan(today, tree, admin_user):
    plan_set(actor=admin_user, committee=tree.other_committee, year=2025, quota=4)
    transfer_in(admin_user, tree.branch_c, joined=dt.date(2025, 5, 1), accepted=dt.date(2026, 6, 1))
    completion = plan_completion(tree.county, *YEAR_2025)
    assert [(r.committee.name, r.new_members) for r in completion.rows] == [
        ("新华镇党委", 0),
        ("睦伦乡党委", 0),
    ]
    assert (completion.new_members, completion.rate) == (0, 0)


def test_a_member_transferred_in_does_not_lift_the_long_term_warning(today, tree, admin_user):
    transfer_in(admin_user, tree.branch_c, joined=dt.date(2025, 5, 1), accepted=dt.date(2026, 6, 1))
    flagged = {w.branch.name: w.last_admission for w in branches_without_new(tree.county, TODAY)}
    assert flagged["睦伦村党支部"] is None


# --- credited to the admitting branch --------------------------------------------------------------------


@pytest.fixture
def moved_after_admission(today, tree, admin_user):
    """Admitted by 各甫村党支部 (新华镇党委) in March 2025, moved to 睦伦村党支部 (睦伦乡党委) in September."""
    member = register(admin_user, tree.branch_a, "调动", dt.date(2025, 3, 1), seq=31)
    return member_move(actor=admin_user, member=member, to_org=tree.branch_c, day=dt.date(2025, 9, 1))


def test_a_member_who_moved_after_admission_counts_for_the_admitting_committee(moved_after_admission, tree):
    completion = plan_completion(tree.county, *YEAR_2025)
    assert [(r.committee.name, r.new_members) for r in completion.rows] == [
        ("新华镇党委", 1),
        ("睦伦乡党委", 0),
    ]
    assert completion.new_members == 1
    assert new_member_structure(tree.committee, *YEAR_2025).total == 1
    assert new_member_structure(tree.other_committee, *YEAR_2025).total == 0


def test_the_long_term_warning_reads_the_admitting_branch(moved_after_admission, tree):
    flagged = {w.branch.name: w.last_admission for w in branches_without_new(tree.county, TODAY)}
    assert "各甫村党支部" not in flagged  # admitted there on 2025-03-01
    assert flagged["睦伦村党支部"] is None  # holds the member now, admitted none


def test_a_member_admitted_through_the_pipeline_and_moved_counts_for_the_admitting_committee(
    applicant_a, ctx, admin_user
):
    advance(applicant_a, 15, ctx)  # admitted by branch A on 2024-07-08
    applicant_a.refresh_from_db()
    member_move(
        actor=admin_user, member=applicant_a.member, to_org=ctx["tree"].branch_c, day=dt.date(2024, 9, 2)
    )
    completion = plan_completion(ctx["tree"].county, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [(r.committee.name, r.new_members) for r in completion.rows] == [
        ("新华镇党委", 1),
        ("睦伦乡党委", 0),
    ]


# --- what still counts --------------------------------------------------------------------------------------


def test_registered_members_count_once_even_when_confirmed_in_the_period(today, tree, admin_user):
    register(admin_user, tree.branch_b, "登记", dt.date(2024, 3, 1), seq=32, full_on=dt.date(2025, 3, 1))
    period = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert new_member_structure(tree.county, *period).total == 1
    assert plan_completion(tree.county, *period).new_members == 1
    assert new_member_structure(tree.county, *YEAR_2025).total == 0  # 转正 is no admission


def test_the_admission_period_bounds_are_inclusive(today, tree, admin_user):
    register(admin_user, tree.branch_a, "年初", dt.date(2025, 1, 1), seq=33)
    register(admin_user, tree.branch_b, "年末", dt.date(2025, 12, 31), seq=34)
    register(admin_user, tree.branch_b, "次年", dt.date(2026, 1, 1), seq=35)
    assert new_member_structure(tree.county, *YEAR_2025).total == 2


# --- query counts ----------------------------------------------------------------------------------------------


def test_the_figures_stay_a_fixed_number_of_queries(
    moved_after_admission, tree, admin_user, django_assert_num_queries
):
    for seq, org in enumerate((tree.branch_a, tree.branch_b, tree.branch_c), start=50):
        register(admin_user, org, f"新{seq}", dt.date(2025, 4, 1), seq=seq)
    # 1: the structure of the admissions, in one aggregate
    with django_assert_num_queries(1):
        assert new_member_structure(tree.county, *YEAR_2025).total == 4
    # 1: the committees with their plan and admissions (subqueries); 2: the plan total; 3: the admission total
    with django_assert_num_queries(3):
        assert plan_completion(tree.county, *YEAR_2025).new_members == 4
    # 1: the configured warning years; 2: the branches with their last admission (subquery)
    with django_assert_num_queries(2):
        branches_without_new(tree.county, TODAY)


# --- the plans page -------------------------------------------------------------------------------------------


def test_a_user_without_an_organization_sees_no_figures(today, tree, admin_user, client):
    register(admin_user, tree.branch_a, "新", dt.date(2026, 3, 1), seq=36)
    client.force_login(make_user("unbound", Role.COUNTY_STAFF, None))
    response = client.get(reverse("members:development_plans"))
    assert response.status_code == 200
    assert response.context["org"] is None
    assert "completion" not in response.context and "warnings" not in response.context
    assert not response.context["can_set_plans"]
    assert "当前账号未绑定党组织" in response.content.decode()


def test_a_superuser_sees_the_county(today, tree, admin_user, client):
    client.force_login(admin_user)
    assert client.get(reverse("members:development_plans")).context["org"] == tree.county


def test_a_superuser_bound_to_a_branch_still_sees_the_county(today, tree, client):
    user = make_user("root2", Role.ADMIN, tree.branch_a, is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("members:development_plans")).context["org"] == tree.county


# --- admin --------------------------------------------------------------------------------------------------


def test_admin_shows_a_refused_plan_as_an_error_message(today, tree, client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:members_developmentplan_add")
    response = client.post(url, {"committee": tree.committee.pk, "year": 1999, "quota": 12, "note": ""})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请填写正确的年度"]
    assert not DevelopmentPlan.objects.exists()
