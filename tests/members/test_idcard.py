"""GB 11643-1999 resident ID numbers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.idcard import mask_id_number, parse_id_number


@pytest.mark.parametrize(
    ("number", "birth", "male"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), False),
        ("440524188001010014", dt.date(1880, 1, 1), True),
        ("513101198201130014", dt.date(1982, 1, 13), True),
        ("11010519491231002x", dt.date(1949, 12, 31), False),  # lower-case x is accepted
    ],
)
def test_valid_numbers_give_birth_date_and_gender(number, birth, male):
    info = parse_id_number(number)
    assert info.birth_date == birth
    assert info.is_male is male
    assert info.number == number.upper()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105195001010014", "校验位错误"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100201", "应为18位"),
        ("110105194913310028", "出生日期无效"),
        ("11010519491231A02X", "前17位应为数字"),
        (110105194912310020, "存成了数字"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(number, message):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert message in exc.value.messages[0]


def test_future_birth_date_is_refused():
    with pytest.raises(ValidationError, match="不合理"):
        parse_id_number("110105209901010010")


def test_mask_keeps_the_region_only():
    assert mask_id_number("440524188001010014") == "440524************"
    assert mask_id_number("None") == "****"  # auditlog masks a missing value's text too
    assert mask_id_number("") == ""
