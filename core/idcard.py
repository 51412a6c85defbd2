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


def mask_id_number(value: str) -> str:
    """Show the region and the last four characters only: 4405**********0014."""
    value = str(value or "")
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
