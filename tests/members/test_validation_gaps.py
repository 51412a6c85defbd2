"""Validation gaps found when trying the forms (issue 8 item 9): each message names the field and the rule."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.validators import validate_person_name, validate_phone
from members.models import Member
from members.services.member import member_register
from tests.factories import make_id, member_fields


@pytest.mark.parametrize(
    "number",
    ["13812345678", "+8619912345678", "138 1234 5678", "0876-6123456", "08766123456", "010-62345678-801"],
)
def test_chinese_mobile_and_landline_numbers_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize("number", ["1", "12345678901", "1381234567", "0876-123", "phone", "6123456"])
def test_other_telephone_numbers_are_refused_with_the_rule(number):
    with pytest.raises(ValidationError) as refused:
        validate_phone(number)
    assert refused.value.messages == [
        "电话号码格式不正确：应为11位手机号码（如13812345678）或带区号的固定电话（如0876-6123456）"
    ]


@pytest.mark.parametrize("name", ["张桂芳", "Ali", "买买提·艾力", "农光明2"])
def test_names_with_chinese_characters_or_letters_are_accepted(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", ["12345", "···", "--"])
def test_names_without_chinese_characters_or_letters_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_person_name(name)
    assert refused.value.messages == ["姓名须包含汉字或字母，不能只有数字或符号"]


def test_registration_names_the_field_of_a_bad_phone_and_name(tree, admin_user):
    with pytest.raises(ValidationError) as refused:
        member_register(
            actor=admin_user, organization=tree.branch_a, **member_fields(name="007", phone="110")
        )
    assert set(refused.value.message_dict) == {"name", "phone"}
    assert not Member.objects.exists()


def test_full_membership_comes_at_least_a_year_after_joining(tree, admin_user):
    with pytest.raises(ValidationError) as refused:
        member_register(
            actor=admin_user,
            organization=tree.branch_a,
            **member_fields(joined_on=dt.date(1975, 7, 1), full_on=dt.date(1976, 6, 30)),
        )
    assert refused.value.message_dict["full_on"] == [
        "转正日期应在入党满一年之后（预备期一年，不早于1976-07-01）"
    ]
    member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(joined_on=dt.date(1975, 7, 1), full_on=dt.date(1976, 7, 1)),
    )


def probationary(joined_on: dt.date, seq: int) -> dict:
    birth = dt.date(1995, 5, 5)
    return member_fields(
        name="韦小凤",
        birth_date=birth,
        id_number=make_id(birth, seq, False),
        status="PROBATIONARY",
        joined_on=joined_on,
        full_on=None,
    )


@time_machine.travel(dt.date(2026, 6, 30), tick=False)
def test_a_probationary_member_past_probation_extension_and_approval_is_refused(tree, admin_user):
    # probation ended 2024-07-01; extension (1 year) and approval (6 months) would end by 2026-01-01
    with pytest.raises(ValidationError) as refused:
        member_register(actor=admin_user, organization=tree.branch_a, **probationary(dt.date(2023, 7, 1), 31))
    assert refused.value.message_dict["status"] == [
        "入党日期2023-07-01，预备期已于2024-07-01期满，延长预备期及审批也应在2026-01-01前完成，"
        "不能仍登记为预备党员：请登记为正式党员并填写转正日期，或办理取消预备资格"
    ]
    # still within probation plus the longest extension and the approval time: registered
    member_register(actor=admin_user, organization=tree.branch_a, **probationary(dt.date(2024, 12, 31), 32))
