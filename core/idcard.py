"""Resident ID numbers (公民身份号码, GB 11643-1999): normalising, checksum, birth date, gender, masking."""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

#: The province-level codes (GB/T 2260) a number's first two digits may be: 11–65 as assigned
#: (华北 1x, 东北 2x, 华东 3x, 中南 4x, 西南 5x, 西北 6x), 台湾 71, 香港 81, 澳门 82.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

#: What a typed or pasted number may carry besides its characters: full-width digits and X (an IME in
#: 全角 mode), lower-case x, and spaces or dashes grouping the digits (6-8-4, as printed on some forms).
_TRANSLATE = str.maketrans(
    {
        **{chr(0xFF10 + d): str(d) for d in range(10)},  # ０–９
        "Ｘ": "X",
        "ｘ": "X",
        "x": "X",
        **dict.fromkeys("-‐‑‒–—―−－﹣", ""),  # hyphen-minus, the Unicode hyphens and dashes, full-width minus
    }
)
_SPACES = re.compile(r"\s+")  # every Unicode space, the full-width U+3000 included
_ASCII_ID = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}", re.ASCII)

#: The longest input an ID field takes: 18 characters plus separators (forms and admin; stored values are 18).
ID_INPUT_MAX_LENGTH = 30


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    is_male: bool
    #: The 15-digit first-generation number this 18-digit one was converted from ("" when typed as 18).
    converted_from: str = ""

    @property
    def notice(self) -> str:
        """What to tell the user who typed a 15-digit number ("" otherwise); names no digits (messages are stored)."""
        if not self.converted_from:
            return ""
        return (
            "15位旧公民身份号码已按国家标准转换为18位（出生年份前补“19”，末位补校验码），请与本人身份证核对"
        )


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError("check_char takes the first 17 digits")
    return CHECK_CHARS[sum(map(operator.mul, WEIGHTS, map(int, first17))) % 11]


def normalize_id_number(value: object) -> str:
    """The number as typed, in ASCII: full-width digits and X converted, spaces and dashes dropped, x upper-cased.

    The one normaliser (forms, imports, search and the model field all use it,
    through :func:`parse_id_number` or directly for a search term).  It never
    refuses: :func:`parse_id_number` says what is still wrong.
    """
    return _SPACES.sub("", str(value if value is not None else "")).translate(_TRANSLATE)


def canonical_id_number(value: object) -> str:
    """The stored form: normalised and, for a valid 15-digit number, converted to 18; anything else as normalised."""
    # Already canonical: the common case (every stored number; an import hashes each row twice).
    if isinstance(value, str) and len(value) == 18 and _ASCII_ID.fullmatch(value):
        return value
    try:
        return parse_id_number(value).number
    except ValidationError:
        return normalize_id_number(value)


def parse_id_number(value: object, *, label: str = "公民身份号码") -> IdInfo:
    """Normalise and validate a resident ID number; read its birth date and gender.

    A 15-digit first-generation number (born in the 1900s: YYMMDD, 3-digit
    sequence, no check character) is converted to 18 digits: ``19`` before the
    year and the check character after (``IdInfo.converted_from`` keeps the
    original, ``IdInfo.notice`` tells the user).  Raises ValidationError with a
    message that names ``label`` and says what is wrong; never anything else.
    """
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        raise ValidationError(f"{label}被存成了数字（Excel会丢失末位或变为科学计数法），请将该列设为文本格式")
    number = normalize_id_number(value)
    odd = next((c for c in number if not c.isascii() and (c.isdigit() or c.isnumeric())), None)
    if odd is not None:
        raise ValidationError(f"{label}含有非0–9的数字字符“{odd}”，请用半角数字0–9重新输入")
    if len(number) not in (15, 18):
        raise ValidationError(f"{label}应为18位（或15位旧号码），实际为{len(number)}位")
    if not _ASCII_ID.fullmatch(number):
        if len(number) == 15:
            raise ValidationError(f"{label}（15位旧号码）应全部为数字")
        raise ValidationError(f"{label}前17位应为数字，末位为数字或X")
    converted_from = ""
    if len(number) == 15:
        converted_from = number
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_char(first17)
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(f"{label}前6位不是有效的行政区划代码（省级代码“{number[:2]}”不存在）")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(f"{label}中的出生日期无效") from None
    if birth.year < 1800 or birth > dt.date.today():
        raise ValidationError(f"{label}中的出生日期不合理")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(f"{label}校验位错误")
    return IdInfo(
        number=number, birth_date=birth, is_male=int(number[16]) % 2 == 1, converted_from=converted_from
    )


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


def mask_if_id_number(text: str) -> str:
    """``text`` masked when it is a whole ID number however typed (a search term kept in a record), else as it is."""
    number = normalize_id_number(text)
    if len(number) in (15, 18) and _ASCII_ID.fullmatch(number):
        return mask_id_number(number)
    return text
