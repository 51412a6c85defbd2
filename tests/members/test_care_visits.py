"""Care visits (走访慰问): the rules of recording them and the care.* figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from members.models import CareVisit, CareVisitMember
from members.selectors.care import care_candidates, care_figures
from members.services.care import (
    care_visit_add_members,
    care_visit_create,
    care_visit_remove_member,
    care_visit_set_amount,
    care_visit_update,
)
from members.services.member import member_move, member_register

from ..conftest import member_fields

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2026, 7, 1)


def visit(actor, org, entries=(), **extra) -> CareVisit:
    fields = dict(
        organization=org,
        visited_on=JULY_1,
        occasion="JULY_FIRST",
        visitors="县委领导、党委书记",
        funding="RETAINED_DUES",
        entries=entries,
    )
    fields.update(extra)
    return care_visit_create(actor=actor, **fields)


def young_member(tree, admin_user, org=None):
    return member_register(
        actor=admin_user,
        organization=org or tree.branch_a,
        **member_fields(
            name="黄文军",
            gender="M",
            birth_date=dt.date(1980, 1, 1),
            id_number="532627198001010011",
            joined_on=dt.date(2003, 7, 1),
            full_on=dt.date(2004, 7, 1),
        ),
    )


def test_a_visit_records_each_member_with_the_amount_given(tree, member_a, member_b, county_staff):
    v = visit(county_staff, tree.county, [(member_a, Decimal("100.00")), (member_b, "80")])
    rows = {r.member.name: r.amount for r in v.recipients.select_related("member")}
    assert rows == {"张桂芳": Decimal("100.00"), "李明": Decimal("80.00")}
    assert CareVisitMember.objects.get(member=member_b).organization == tree.branch_b


def test_a_negative_amount_is_refused(tree, member_a, committee_staff):
    with pytest.raises(ValidationError) as exc:
        visit(committee_staff, tree.committee, [(member_a, Decimal("-5"))])
    assert exc.value.error_dict["amount"][0].messages == ["张桂芳：慰问金不能为负数"]
    assert not CareVisit.objects.exists()
    assert not CareVisitMember.objects.exists()


def test_an_amount_with_more_than_two_decimals_is_refused(tree, member_a, committee_staff):
    with pytest.raises(ValidationError) as exc:
        visit(committee_staff, tree.committee, [(member_a, Decimal("10.005"))])
    assert "两位小数" in str(exc.value)
    assert not CareVisit.objects.exists()


def test_a_float_amount_is_refused(tree, member_a, committee_staff):
    with pytest.raises(ValidationError):
        visit(committee_staff, tree.committee, [(member_a, 10.5)])
    assert not CareVisit.objects.exists()


def test_a_member_appears_once_per_visit(tree, member_a, committee_staff):
    v = visit(committee_staff, tree.committee, [(member_a, "50")])
    with pytest.raises(ValidationError) as exc:
        care_visit_add_members(actor=committee_staff, visit=v, entries=[(member_a, "50")])
    assert "已在本次慰问名单中" in str(exc.value)
    assert v.recipients.count() == 1


def test_members_must_belong_to_the_organizing_organization(tree, member_a, member_c, county_staff):
    with pytest.raises(ValidationError) as exc:
        visit(county_staff, tree.committee, [(member_a, "50"), (member_c, "50")])
    assert "不属于新华镇党委" in str(exc.value)
    assert not CareVisit.objects.exists()


def test_a_member_outside_the_actors_scope_is_not_found(tree, member_a, member_b, secretary_a):
    with pytest.raises(Http404):
        visit(secretary_a, tree.branch_a, [(member_b, "50")])
    assert not CareVisit.objects.exists()


def test_the_auditor_records_no_visit(tree, member_a, auditor):
    with pytest.raises(PermissionDenied):
        visit(auditor, tree.county, [(member_a, "50")])
    assert not CareVisit.objects.exists()


def test_a_visit_in_the_future_is_refused(tree, committee_staff):
    with pytest.raises(ValidationError) as exc:
        visit(committee_staff, tree.committee, visited_on=dt.date.today() + dt.timedelta(days=1))
    assert "visited_on" in exc.value.error_dict


def test_visitors_are_required(tree, committee_staff):
    with pytest.raises(ValidationError) as exc:
        visit(committee_staff, tree.committee, visitors="  ")
    assert "visitors" in exc.value.error_dict


def test_correcting_an_amount_and_removing_a_member(tree, member_a, member_b, committee_staff):
    v = visit(committee_staff, tree.committee, [(member_a, "50"), (member_b, "50")])
    row_a, row_b = v.recipients.order_by("member__name")  # 张桂芳 sorts after 李明 by code point
    care_visit_set_amount(actor=committee_staff, recipient=row_a, amount="60.50")
    care_visit_remove_member(actor=committee_staff, recipient=row_b)
    assert list(v.recipients.values_list("amount", flat=True)) == [Decimal("60.50")]
    with pytest.raises(ValidationError):
        care_visit_set_amount(actor=committee_staff, recipient=row_a, amount="-1")


def test_moving_the_visit_date_before_a_members_admission_is_refused(
    tree, member_a, admin_user, committee_staff
):
    young = young_member(tree, admin_user)
    v = visit(committee_staff, tree.committee, [(young, "50")])
    with pytest.raises(ValidationError):
        care_visit_update(actor=committee_staff, visit=v, visited_on=dt.date(2003, 1, 1))
    v.refresh_from_db()
    assert v.visited_on == JULY_1


def test_recording_a_visit_writes_audit_rows(tree, member_a, committee_staff):
    v = visit(committee_staff, tree.committee, [(member_a, "50")])
    assert LogEntry.objects.get_for_object(v).get().actor == committee_staff
    assert LogEntry.objects.get_for_object(v.recipients.get()).get().actor == committee_staff


# --- candidates ----------------------------------------------------------------------


def test_candidates_default_to_hardship_and_old_members(tree, member_a, admin_user, committee_staff):
    young = young_member(tree, admin_user)  # 46 on 1 July 2026, not hardship
    hardship = member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="陆秀英",
            gender="F",
            birth_date=dt.date(1975, 3, 15),
            id_number="532627197503150028",
            joined_on=dt.date(2000, 7, 1),
            full_on=dt.date(2001, 7, 1),
            is_hardship=True,
        ),
    )
    v = visit(committee_staff, tree.committee)
    assert set(care_candidates(committee_staff, v)) == {member_a, hardship}  # member_a is 76
    assert set(care_candidates(committee_staff, v, everyone=True)) == {member_a, hardship, young}
    care_visit_add_members(actor=committee_staff, visit=v, entries=[(member_a, "50")])
    assert set(care_candidates(committee_staff, v)) == {hardship}


# --- figures -------------------------------------------------------------------------


def test_care_figures_count_members_branches_committees_and_money(
    tree, member_a, member_b, member_c, admin_user, county_staff
):
    second_a = young_member(tree, admin_user)
    visit(
        county_staff,
        tree.county,
        [(member_a, "100.00"), (second_a, "50.00"), (member_b, "80.00"), (member_c, "70.50")],
    )
    # a second visit to member_a the same year counts the member once
    visit(
        county_staff,
        tree.county,
        [(member_a, "20.00")],
        visited_on=dt.date(2026, 9, 10),
        occasion="MID_AUTUMN",
    )
    # outside the period
    visit(county_staff, tree.county, [(member_c, "999.00")], visited_on=dt.date(2025, 12, 31))

    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    county = care_figures(tree.county, *year)
    assert (county.members_visited, county.committees, county.branches, county.amount) == (
        4,
        2,
        3,
        Decimal("320.50"),
    )
    committee = care_figures(tree.committee, *year)
    assert (committee.members_visited, committee.committees, committee.branches, committee.amount) == (
        3,
        1,
        2,
        Decimal("250.00"),
    )
    first_half = care_figures(tree.county, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (first_half.members_visited, first_half.amount) == (0, Decimal("0.00"))


def test_a_member_counts_where_they_were_on_the_visit_date(tree, member_a, county_staff):
    visit(county_staff, tree.county, [(member_a, "100")])
    member_move(actor=county_staff, member=member_a, to_org=tree.branch_c, day=dt.date(2026, 8, 1))
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert care_figures(tree.committee, *year).members_visited == 1
    assert care_figures(tree.other_committee, *year).members_visited == 0


def test_care_figures_run_a_fixed_number_of_queries(
    tree, member_a, member_b, member_c, county_staff, django_assert_num_queries
):
    visit(county_staff, tree.county, [(member_a, "100"), (member_b, "100"), (member_c, "100")])
    with django_assert_num_queries(3):
        # 1 distinct members and the amount, 2 organizations reached, 3 committees in the subtree
        figures = care_figures(tree.county, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert figures.members_visited == 3
