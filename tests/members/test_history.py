"""Member history: "members of X on date D" is answerable for any past D."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.models import Member, MemberPeriod
from members.services.member import member_confirm, member_leave, member_move, member_register

from ..conftest import member_fields

pytestmark = pytest.mark.django_db


def members_of(org, day) -> set[str]:
    return set(MemberPeriod.objects.on(day).within(org).values_list("member__name", flat=True))


def test_a_move_changes_membership_from_its_date_only(county_staff, tree, member_a):
    member_move(actor=county_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    assert members_of(tree.branch_a, dt.date(2026, 2, 28)) == {"张桂芳"}
    assert members_of(tree.branch_a, dt.date(2026, 3, 1)) == set()
    assert members_of(tree.branch_b, dt.date(2026, 3, 1)) == {"张桂芳"}
    # the committee holds the member throughout
    assert members_of(tree.committee, dt.date(2026, 2, 28)) == {"张桂芳"}
    assert members_of(tree.committee, dt.date(2026, 3, 1)) == {"张桂芳"}


def test_member_on_date_queryset_matches_period_table(county_staff, tree, member_a, member_b):
    member_leave(actor=county_staff, member=member_b, day=dt.date(2026, 1, 10), reason="DEATH")
    on_jan_9 = Member.objects.on(dt.date(2026, 1, 9)).within(tree.committee)
    on_jan_10 = Member.objects.on(dt.date(2026, 1, 10)).within(tree.committee)
    assert set(on_jan_9.values_list("name", flat=True)) == {"张桂芳", "李明"}
    # member_b's current organization is still branch B, but history says he left
    assert set(on_jan_10.values_list("name", flat=True)) == {"张桂芳"}


def test_status_on_a_past_date_comes_from_history(county_staff, tree):
    member = member_register(
        actor=county_staff,
        organization=tree.branch_a,
        **member_fields(status="PROBATIONARY", full_on=None, joined_on=dt.date(2025, 7, 1)),
    )
    member_confirm(actor=county_staff, member=member, day=dt.date(2026, 7, 1))
    statuses = {
        day: MemberPeriod.objects.on(day).get(member=member).status
        for day in (dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    }
    assert statuses == {dt.date(2026, 6, 30): "PROBATIONARY", dt.date(2026, 7, 1): "FULL"}


def test_registered_member_is_counted_from_the_join_date(tree, member_a):
    assert members_of(tree.county, dt.date(1975, 6, 30)) == set()
    assert members_of(tree.county, dt.date(1975, 7, 1)) == {"张桂芳"}


def test_a_change_dated_before_the_current_period_is_refused(county_staff, tree, member_a):
    member_move(actor=county_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="早于该党员当前组织关系"):
        member_move(actor=county_staff, member=member_a, to_org=tree.branch_a, day=dt.date(2026, 2, 1))
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b
    assert member_a.periods.count() == 3


def test_moving_into_a_party_group_kind_is_refused(county_staff, tree, member_a, admin_user):
    from organizations.services import org_create

    group = org_create(
        actor=admin_user,
        parent=tree.branch_a,
        code="G1",
        name="第一党小组",
        kind="GROUP",
        category="VILLAGE",
        established_on=dt.date(2000, 1, 1),
    )
    with pytest.raises(ValidationError, match="不能直接管理党员"):
        member_move(actor=county_staff, member=member_a, to_org=group, day=dt.date(2026, 3, 1))


def test_register_refuses_birth_date_or_gender_not_matching_the_id(county_staff, tree):
    with pytest.raises(ValidationError, match="出生日期与公民身份号码不一致"):
        member_register(
            actor=county_staff, organization=tree.branch_a, **member_fields(birth_date=dt.date(1950, 1, 1))
        )
    with pytest.raises(ValidationError, match="性别与公民身份号码不一致"):
        member_register(actor=county_staff, organization=tree.branch_a, **member_fields(gender="M"))
    assert not Member.objects.exists()


def test_register_refuses_joining_before_eighteen(county_staff, tree):
    with pytest.raises(ValidationError, match="年满18周岁"):
        member_register(
            actor=county_staff,
            organization=tree.branch_a,
            **member_fields(joined_on=dt.date(1967, 12, 30), full_on=dt.date(1968, 12, 30)),
        )
    assert not Member.objects.exists()


def test_members_on_a_day_in_a_gap_between_two_periods_are_not_counted(tree, member_a):
    """Left on 1 Jan 2020, restored on 1 Jan 2022: not a member during 2021."""
    from members.choices import PeriodReason

    period = member_a.periods.get(end_on__isnull=True)
    period.end_on = dt.date(2020, 1, 1)
    period.end_reason = PeriodReason.LEFT
    period.save()
    MemberPeriod.objects.create(
        member=member_a,
        organization=tree.branch_a,
        status="FULL",
        start_on=dt.date(2022, 1, 1),
        start_reason=PeriodReason.RESTORED,
    )
    assert not Member.objects.on(dt.date(2021, 6, 1)).exists()
    assert Member.objects.on(dt.date(2022, 6, 1)).count() == 1
