"""Plausible input only: the one check of typed text and dates, for every form, import and admin.

Text refuses control characters (a multi-line note keeps line breaks and
tabs), the bidi embedding/override/isolate characters that make a name read
differently from what is stored (U+202A–U+202E, U+2066–U+2069), and runs of
more than :data:`MAX_COMBINING_RUN` combining marks ("Zalgo" text that spills
over the rows above and below it).

Dates lie between :data:`EARLIEST_DATE` (the Party's founding) and one year
ahead; a birth date between :data:`EARLIEST_BIRTH_DATE` and today.  Whether a
field may lie in the future at all, and a person's later dates against their
birth (入党 at 18 or older, after birth), are the fields' and services' own
rules (``core.forms.DateField``, ``members.services.member.validate_dates``),
not repeated here.

Applied in two places, so nothing is left out:

- every project form: ``core.forms.style_widgets`` calls :func:`attach_to_form`;
- every editable text and date field of the project's models (text: line
  breaks and tabs allowed, as the model cannot tell a note from a name), at start-up
  (``CoreConfig.ready`` → :func:`install_model_validators`): so the admin's
  forms, ModelForms, imports and services (which ``full_clean``) refuse the
  same input.  The validators are added to the fields' validator lists at run
  time, not declared on the fields, so no migration records them and a new
  model is covered without touching it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .dates import add_years

#: No Party record predates the founding of the Party.
EARLIEST_DATE = dt.date(1921, 7, 1)
#: The founding generation: the cast's 李明 (born 1880, joined 1921-07-01) is a real kind of record.
EARLIEST_BIRTH_DATE = dt.date(1870, 1, 1)
#: Dates may lie at most this many years ahead (a 公示 end, a letter's validity, a plan).
MAX_YEARS_AHEAD = 1
#: Combining marks allowed in a row (a letter with a tone mark and more is fine; a pile is not).
MAX_COMBINING_RUN = 3

_BIDI = "\u202a-\u202e\u2066-\u2069"
#: C0 and C1 controls and DEL, and the bidi controls; a one-line field allows none of them.
_FORBIDDEN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
#: A multi-line note keeps tab, line feed and carriage return (browsers send CR LF).
_FORBIDDEN_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")

#: Model dates that are not typed input (the holiday calendar comes from a package and runs ahead).
EXEMPT_MODEL_FIELDS = frozenset({("core", "holiday", "day")})


def _has_combining_run(text: str) -> bool:
    run = 0
    for char in text:
        if unicodedata.category(char).startswith("M"):
            run += 1
            if run > MAX_COMBINING_RUN:
                return True
        else:
            run = 0
    return False


def check_text(value: Any, label: str, *, multiline: bool = False) -> None:
    """Refuse control and bidi characters and piles of combining marks in ``value`` (the field ``label``)."""
    if not isinstance(value, str) or not value:
        return
    forbidden = _FORBIDDEN_MULTI_LINE if multiline else _FORBIDDEN_ONE_LINE
    if forbidden.search(value):
        raise ValidationError(f"“{label}”含有不允许的控制字符或方向控制符", code="control_characters")
    if not value.isascii() and _has_combining_run(value):
        raise ValidationError(f"“{label}”含有过多连续的组合附加符号", code="combining_marks")


def date_bounds(*, birth: bool = False, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The earliest and latest plausible date of a field (a birth date, or any other)."""
    today = today or timezone.localdate()
    if birth:
        return EARLIEST_BIRTH_DATE, today
    return EARLIEST_DATE, add_years(today, MAX_YEARS_AHEAD)


def check_date(value: Any, label: str, *, birth: bool = False) -> None:
    """Refuse a date outside :func:`date_bounds` for the field ``label``."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return
    # Most dates typed are well in the past: settle those without the time-zone
    # arithmetic (an import checks a few per row, 100,000 rows at a time).  A
    # day before the server's today is before today in Asia/Shanghai too.
    if (EARLIEST_BIRTH_DATE if birth else EARLIEST_DATE) <= value < dt.date.today() - dt.timedelta(days=1):
        return
    earliest, latest = date_bounds(birth=birth)
    if value < earliest:
        raise ValidationError(f"“{label}”不能早于{earliest:%Y-%m-%d}", code="date_too_early")
    if value > latest:
        if birth:
            raise ValidationError(f"“{label}”不能晚于今天", code="date_too_late")
        raise ValidationError(f"“{label}”不能晚于一年以后（{latest:%Y-%m-%d}）", code="date_too_late")


def is_birth_date(name: str) -> bool:
    """Birth dates go by name: ``birth_date``, ``person_birth_date`` …"""
    return name == "birth_date" or name.endswith("_birth_date")


@deconstructible
class PlausibleText:
    """A field validator: :func:`check_text` with the field's label."""

    def __init__(self, label: str, *, multiline: bool = False) -> None:
        self.label = label
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        check_text(value, self.label, multiline=self.multiline)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleText) and (self.label, self.multiline) == (
            other.label,
            other.multiline,
        )


@deconstructible
class PlausibleDate:
    """A field validator: :func:`check_date` with the field's label."""

    def __init__(self, label: str, *, birth: bool = False) -> None:
        self.label = label
        self.birth = birth

    def __call__(self, value: Any) -> None:
        check_date(value, self.label, birth=self.birth)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate) and (self.label, self.birth) == (other.label, other.birth)


def _has_plausibility(validators: Iterable[Any]) -> bool:
    return any(isinstance(v, PlausibleText | PlausibleDate) for v in validators)


def attach_to_form(form: forms.BaseForm) -> None:
    """Give every text and date field of ``form`` its plausibility check (once; forms style twice)."""
    for name, field in form.fields.items():
        if _has_plausibility(field.validators):
            continue
        label = str(field.label or name)
        if isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(PlausibleText(label, multiline=multiline))
        elif isinstance(field, forms.DateField):
            field.validators.append(PlausibleDate(label, birth=is_birth_date(name)))


def model_field_validator(field: models.Field) -> PlausibleText | PlausibleDate | None:
    """The check an editable text or date field of a model takes, if any."""
    if not field.editable or field.choices:
        return None
    label = str(field.verbose_name)
    if isinstance(field, models.DateTimeField):
        return None  # times are stamped by the system, not typed
    if isinstance(field, models.DateField):
        return PlausibleDate(label, birth=is_birth_date(field.name))
    if isinstance(field, models.CharField | models.TextField):
        # A model cannot tell a one-line field from a note typed in a Textarea
        # (many notes are CharFields): here line breaks and tabs pass, and the
        # forms (by their widget) and the import (one-line columns) refuse them.
        return PlausibleText(label, multiline=True)
    return None


def project_app_configs(app_configs: Iterable[Any], base_dir: Path) -> list[Any]:
    """The apps whose code lives in the project (not Django's or a package's, even in a venv inside it)."""
    base = base_dir.resolve()
    chosen = []
    for config in app_configs:
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            chosen.append(config)
    return chosen


def install_model_validators(app_configs: Iterable[Any]) -> None:
    """Add the plausibility checks to the text and date fields of these apps' models (at start-up)."""
    for config in app_configs:
        for model in config.get_models():
            for field in model._meta.local_fields:
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key in EXEMPT_MODEL_FIELDS:
                    continue
                validator = model_field_validator(field)
                # ``validators`` is a cached list: adding to it leaves ``_validators``
                # (what a migration records) alone.
                if validator is not None and not _has_plausibility(field.validators):
                    field.validators.append(validator)


# ---------------------------------------------------------------------------
# Names and telephone numbers: declared on the fields that hold them.

_NAME_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z\u00c0-\u024f]")
#: 11-digit mobile numbers (1 then 3–9), optionally with the country code.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
#: A landline with its area code (0 + 2–3 digits), a 7–8 digit number and an optional extension.
_LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$")


def validate_person_name(value: Any) -> None:
    """A person's name holds Chinese characters or letters (a name of digits or signs only is a typing slip)."""
    text = str(value or "")
    if text and not _NAME_LETTER.search(text):
        raise ValidationError("姓名须包含汉字或字母，不能只有数字或符号", code="name_letters")


def validate_phone(value: Any) -> None:
    """A Chinese mobile number (13812345678) or a landline with its area code (0876-6123456)."""
    text = re.sub(r"\s", "", str(value or ""))
    if not text:
        return
    if _MOBILE.match(text.replace("-", "")) or _LANDLINE.match(text):
        return
    raise ValidationError(
        "电话号码格式不正确：应为11位手机号码（如13812345678）或带区号的固定电话（如0876-6123456）",
        code="phone",
    )
