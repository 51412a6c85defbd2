"""Submitted periods are closed: a record dated in a period an organization has submitted (报送) is not changed.

``reports`` (the top layer) knows the submissions; the apps below write the
records.  So the check goes through this registry: ``reports`` registers a
function from its ``AppConfig.ready()``, and every service that writes a
record of entered data (dues payments, care visits, training sessions, life
meetings, appraisals …) calls :func:`check_period_open` with the record's
organization and date before writing.  Editing again needs the superior to
return the submission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

#: check(org, day) -> a Chinese refusal when ``day`` lies in a submitted period of ``org``, else None.
PeriodCheck = Callable[[Any, dt.date], str | None]
_checks: list[PeriodCheck] = []


def register_period_check(check: PeriodCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def check_period_open(org: Any, day: dt.date, field: str | None = None) -> None:
    """Refuse (ValidationError, on ``field`` when given) a write dated in a period ``org`` has submitted."""
    for check in _checks:
        refusal = check(org, day)
        if refusal:
            raise ValidationError({field: refusal} if field else refusal)
