"""Resident ID numbers (公民身份号码, GB 11643-1999): checksum, birth date, gender, masking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    is_male: bool


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(value: object) -> IdInfo:
    """Validate an 18-character ID number and read its birth date and gender.

    Raises ValidationError with a message that says what is wrong.
    """
    if isinstance(value, (int, float)):
        raise ValidationError(
            "公民身份号码被存成了数字（Excel会丢失末位或变为科学计数法），请将该列设为文本格式"
        )
    number = str(value or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(f"公民身份号码应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("公民身份号码前17位应为数字，末位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("公民身份号码中的出生日期无效") from None
    if birth.year < 1800 or birth > dt.date.today():
        raise ValidationError("公民身份号码中的出生日期不合理")
    if check_char(number[:17]) != number[17]:
        raise ValidationError("公民身份号码校验位错误")
    return IdInfo(number=number, birth_date=birth, is_male=int(number[16]) % 2 == 1)


def validate_id_number(value: object) -> None:
    parse_id_number(value)


#: Characters a masked number keeps: the region (省市县 code, digits 1–6) and nothing after it.
MASK_KEEP = 6


def mask_id_number(value: str) -> str:
    """Show the region code only: 532628************ (the same length, every other character a star).

    Pages that show the masked number also show the birth date and the gender,
    which are digits 7–14 and the parity of digit 17.  What a reader must then
    still guess is what the mask hides besides those:

    - region + last four (the old 5326**********9072): region digits 5–6 only,
      about 100 / 11 ≈ 9 numbers pass the checksum — the number is given away;
    - region + check character (532628***********2): sequence digits 15–16 and
      the gender-bound digit 17 give 10 × 10 × 5 = 500 numbers, of which the
      shown check character keeps about 500 / 11 ≈ 45 — too few;
    - region only (this mask): those 500 numbers, every one valid (each has its
      own check character).  The region itself is no secret in a county's
      records (most members' numbers begin with the county's code), so hiding
      it would buy little and cost the clerk the one useful hint (born in the
      county or not).

    ``tests/test_id_masking.py`` counts the candidates from what a member's
    page shows.  A value shorter than a 15-character (first generation) number
    is not an ID number: it is starred whole.
    """
    value = str(value or "")
    if len(value) < 15:
        return "*" * len(value)
    return value[:MASK_KEEP] + "*" * (len(value) - MASK_KEEP)
