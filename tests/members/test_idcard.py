"""GB 11643-1999 resident ID numbers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.idcard import (
    PROVINCE_CODES,
    canonical_id_number,
    check_char,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
)


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
        ("53262819800101001٨", "非0–9的数字字符"),  # an Arabic-Indic 8, never a 500
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


# --- normalising (issue 8 item 6): one normaliser before checksum, uniqueness and search ----------------


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X (an IME in 全角 mode)
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lower-case x
        "110105 19491231 002X",  # grouped 6-8-4 with spaces
        "110105\u300019491231\u3000002x",  # ideographic spaces, lower-case x
        "110105-19491231-002X",  # dashes
        "110105—19491231－002X",  # an em dash and a full-width minus
        " 11010519491231002X\t",
    ],
)
def test_typed_forms_of_a_number_normalise_to_the_same_ascii_number(typed):
    assert normalize_id_number(typed).replace("\t", "") == "11010519491231002X"
    assert parse_id_number(typed).number == "11010519491231002X"


def test_lower_case_x_is_upper_cased():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("digit", ["٣", "३", "๓", "三", "²"])
def test_a_non_ascii_digit_that_remains_is_a_chinese_error_naming_the_field(digit):
    with pytest.raises(ValidationError) as exc:
        parse_id_number("1101051949123100" + digit + "X", label="任职人公民身份号码")
    assert exc.value.messages == [f"任职人公民身份号码含有非0–9的数字字符“{digit}”，请用半角数字0–9重新输入"]


def test_a_fifteen_digit_first_generation_number_is_converted_to_eighteen_with_a_notice():
    info = parse_id_number("110105491231002")
    assert info.number == "11010519491231002X"  # 19 before the year, the check character after
    assert info.converted_from == "110105491231002"
    assert (info.birth_date, info.is_male) == (dt.date(1949, 12, 31), False)
    assert "15位" in info.notice and "18位" in info.notice
    assert parse_id_number("11010519491231002X").notice == ""


def test_a_fifteen_digit_number_typed_full_width_with_spaces_is_converted_too():
    assert parse_id_number("５３２６２８ ８００１０１ ００１").number == "532628198001010018"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("532628801301001", "出生日期无效"),  # month 13
        ("53262880010100X", "15位旧号码）应全部为数字"),
    ],
)
def test_a_fifteen_digit_number_is_checked_like_an_eighteen_digit_one(number, message):
    with pytest.raises(ValidationError, match=message):
        parse_id_number(number)


@pytest.mark.parametrize("province", sorted(PROVINCE_CODES))
def test_every_province_level_code_is_accepted(province):
    first17 = f"{province}0102198001010011"[:17]
    assert parse_id_number(first17 + check_char(first17)).number[:2] == province


@pytest.mark.parametrize(
    "province",
    [
        "00",
        "10",
        "16",
        "20",
        "24",
        "30",
        "38",
        "40",
        "47",
        "49",
        "55",
        "60",
        "66",
        "70",
        "72",
        "80",
        "83",
        "91",
        "99",
    ],
)
def test_a_number_whose_first_two_digits_are_no_province_is_refused(province):
    first17 = f"{province}0102198001010011"[:17]
    with pytest.raises(ValidationError, match="行政区划代码"):
        parse_id_number(first17 + check_char(first17))


def test_canonical_form_is_the_stored_one_and_leaves_what_cannot_be_read():
    assert canonical_id_number("110105 491231 002") == "11010519491231002X"
    assert canonical_id_number("１２３") == "123"  # normalised; the validator says what is wrong
