import pytest

from members.models import Member, MemberPeriod


@pytest.mark.django_db
def test_secretary_sees_only_own_branch_members(member_a, member_b, member_c, secretary_a, county_staff):
    assert list(Member.objects.visible_to(secretary_a)) == [member_a]
    assert Member.objects.visible_to(county_staff).count() == 3


@pytest.mark.django_db
def test_registered_member_has_probationary_then_full_history(member_a):
    periods = list(MemberPeriod.objects.filter(member=member_a).order_by("start_on"))
    assert [p.status for p in periods] == ["PROBATIONARY", "FULL"]
