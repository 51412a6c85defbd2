"""Checks every write about members in motion shares."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from organizations.rules import get_rule

from ...models import Member


def not_in_future(day: dt.date, field: str) -> None:
    """Refuse a date after today, on ``field``."""
    if day > dt.date.today():
        raise ValidationError({field: "日期不能晚于今天"})


def required(value: str, field: str, message: str) -> str:
    """The stripped text, or ``message`` on ``field`` when it is blank."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def validity_days_or_default(validity_days: int | None) -> int:
    """The letter's validity: the configured default, at most the configured maximum."""
    if validity_days is None:
        return int(get_rule("letter_validity_days"))
    maximum = int(get_rule("letter_validity_max_days"))
    if validity_days < 1:
        raise ValidationError({"validity_days": "有效期至少1天"})
    if validity_days > maximum:
        raise ValidationError({"validity_days": f"介绍信有效期最长{maximum}天"})
    return validity_days


def current_member(member: Member) -> None:
    """Refuse a member who has left the Party roll."""
    if not member.is_current:
        raise ValidationError({"member": "该党员已离开党组织"})
