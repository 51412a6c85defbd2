"""The member form: ID numbers and the services' rules, each error on its own field."""

from __future__ import annotations

import datetime as dt

import pytest

from core.idcard import check_char
from members.forms.member import MemberCreateForm, MemberEditForm, MemberMoveForm
from members.models import Member
from members.services.member import member_move

pytestmark = pytest.mark.django_db


def form_data(org, **overrides) -> dict:
    data = {
        "organization": org.pk,
        "status": "FULL",
        "name": "张桂芳",
        "id_number": "11010519491231002X",
        "gender": "F",
        "birth_date": "1949-12-31",
        "ethnicity": "壮族",
        "education": "HIGH_SCHOOL",
        "occupation": "FARMER",
        "joined_on": "1975-07-01",
        "full_on": "1976-07-01",
        "is_rural": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def create_form(user, org, **overrides) -> MemberCreateForm:
    return MemberCreateForm(form_data(org, **overrides), user=user)


def test_valid_id_number_with_x_check_character_is_accepted(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a)
    assert form.is_valid(), form.errors


def test_valid_id_number_of_a_man_born_in_1880_is_accepted(secretary_a, tree):
    form = create_form(
        secretary_a,
        tree.branch_a,
        id_number="440524188001010014",
        gender="M",
        birth_date="1880-01-01",
        joined_on="1921-07-01",
        full_on="1922-07-01",
    )
    assert form.is_valid(), form.errors


def test_lower_case_check_character_is_stored_upper_case(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, id_number="11010519491231002x")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == "11010519491231002X"


def test_id_number_with_a_wrong_check_character_is_refused(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, id_number="110105195001010014", birth_date="1950-01-01")
    assert not form.is_valid()
    assert form.errors["id_number"] == ["公民身份号码校验位错误"]


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1"])
def test_id_number_of_the_wrong_length_is_refused(secretary_a, tree, number):
    form = create_form(secretary_a, tree.branch_a, id_number=number)
    assert not form.is_valid()
    assert "应为18位" in form.errors["id_number"][0]


def test_id_number_with_an_impossible_birth_date_is_refused(secretary_a, tree):
    body = "11010519490231002"  # 31 February
    form = create_form(secretary_a, tree.branch_a, id_number=body + check_char(body), birth_date=None)
    assert not form.is_valid()
    assert form.errors["id_number"] == ["公民身份号码中的出生日期无效"]


def test_gender_that_disagrees_with_the_id_number_is_refused_on_the_gender_field(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, gender="M")
    assert not form.is_valid()
    assert form.errors["gender"] == ["性别与公民身份号码不一致"]


def test_birth_date_that_disagrees_with_the_id_number_is_refused_on_the_birth_date_field(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, birth_date="1949-12-30")
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["出生日期与公民身份号码不一致"]


def test_birth_date_and_gender_left_empty_are_read_from_the_id_number(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, birth_date=None, gender=None)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == dt.date(1949, 12, 31)
    assert form.cleaned_data["gender"] == "F"


def test_id_number_already_registered_is_refused(secretary_a, tree, member_a):
    form = create_form(secretary_a, tree.branch_a)
    assert not form.is_valid()
    assert form.errors["id_number"] == ["该公民身份号码已登记"]


def test_joining_before_eighteen_is_refused_on_the_join_date(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, joined_on="1967-12-30", full_on="1968-12-30")
    assert not form.is_valid()
    assert form.errors["joined_on"] == ["入党时应年满18周岁"]


def test_full_member_without_a_full_membership_date_is_refused(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, full_on=None)
    assert not form.is_valid()
    assert form.errors["full_on"] == ["正式党员须填写转正日期"]


def test_probationary_member_with_a_full_membership_date_is_refused(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_a, status="PROBATIONARY")
    assert not form.is_valid()
    assert form.errors["full_on"] == ["预备党员不应有转正日期"]


def test_organization_choices_are_the_editable_organizations_that_hold_members(county_staff, tree):
    form = MemberCreateForm(user=county_staff)
    codes = [org.code for org in form.fields["organization"].queryset]
    assert codes == ["C01T01", "C01T01B01", "C01T01B02", "C01T02", "C01T02B01"]  # not the county committee


def test_organization_outside_the_users_scope_is_not_a_choice(secretary_a, tree):
    form = create_form(secretary_a, tree.branch_b)
    assert not form.is_valid()
    assert "organization" in form.errors


def test_auditor_has_no_organization_to_register_into(auditor, tree):
    assert not MemberCreateForm(user=auditor).fields["organization"].queryset.exists()


def test_edit_form_leaves_the_member_untouched_until_the_service_saves(member_a):
    form = MemberEditForm(
        form_data(member_a.organization, name="张桂兰", birth_date=None, gender=None, version=1),
        instance=member_a,
    )
    assert form.is_valid(), form.errors
    assert member_a.name == "张桂芳"
    assert Member.objects.get(pk=member_a.pk).name == "张桂芳"


def test_edit_form_checks_the_dates_against_the_members_status(member_a):
    form = MemberEditForm(form_data(member_a.organization, full_on="", version=1), instance=member_a)
    assert not form.is_valid()
    assert form.errors["full_on"] == ["正式党员须填写转正日期"]


def test_move_form_offers_the_other_organizations_in_the_users_scope(committee_staff, member_a):
    form = MemberMoveForm(user=committee_staff, member=member_a)
    assert [org.code for org in form.fields["to_org"].queryset] == ["C01T01", "C01T01B02"]


def test_move_form_refuses_a_date_in_the_future(committee_staff, member_a, tree):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    form = MemberMoveForm(
        {"to_org": tree.branch_b.pk, "day": tomorrow.isoformat()}, user=committee_staff, member=member_a
    )
    assert not form.is_valid()
    assert form.errors["day"] == ["日期不能晚于今天"]  # core.forms.DateField, under the field 调整日期


def test_move_form_does_not_offer_the_members_own_organization(committee_staff, member_a, tree):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 1, 1))
    form = MemberMoveForm(user=committee_staff, member=member_a)
    assert [org.code for org in form.fields["to_org"].queryset] == ["C01T01", "C01T01B01"]
