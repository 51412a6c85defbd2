"""What the dues models share: the zero amount, the non-negative check, months as first days, who recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

ZERO = Decimal("0.00")
NOT_NEGATIVE = MinValueValidator(Decimal("0"), "金额不能为负数")


def first_of_month(value: dt.date | None, field: str, what: str) -> None:
    if value is not None and value.day != 1:
        raise ValidationError({field: f"{what}应为某月1日（按月计算）"})


def user_fk(label_: str) -> models.ForeignKey:
    # Who recorded a row is read on its page, never searched by: no index to keep up on every insert.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label_,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
