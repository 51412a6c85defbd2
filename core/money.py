"""Money (元): Decimal amounts with two places, never floats; parsing and the form field every app uses.

Care visits use it now; dues (standards, payments, remittances, the retained
ledger) next.  Amounts are ``Decimal`` end to end: a float is refused rather
than rounded, because 0.1 + 0.2 is not 0.3 in a ledger.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

CENT = Decimal("0.01")
#: What people type around an amount: 1,200.00 / ￥1200 / 1200元 / 全角数字.
_NOISE = str.maketrans({",": "", "，": "", "￥": "", "¥": "", "元": "", " ": "", "\u3000": ""})
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def parse_amount(value: Any, *, label: str = "金额", field: str = "amount", who: str = "") -> Decimal:
    """A money amount: a Decimal ≥ 0 with at most two decimal places; errors name ``label`` (and ``who``)."""
    prefix = f"{who}：" if who else ""
    if isinstance(value, float):
        raise ValidationError({field: f"{prefix}{label}请以Decimal传入（不使用浮点数）"})
    text = "" if value is None else str(value).strip().translate(_FULLWIDTH).translate(_NOISE)
    try:
        amount = Decimal(text) if text else None
    except InvalidOperation:
        raise ValidationError({field: f"{prefix}{label}应为数字，如 200 或 200.50"}) from None
    if amount is None:
        raise ValidationError({field: f"{prefix}请填写{label}"})
    if not amount.is_finite():
        raise ValidationError({field: f"{prefix}{label}应为数字，如 200 或 200.50"})
    if amount < 0:
        raise ValidationError({field: f"{prefix}{label}不能为负数"})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: f"{prefix}{label}最多保留两位小数"})
    return amount.quantize(CENT)


def round_yuan(value: Decimal) -> Decimal:
    """Round a computed amount (a rate × an income) to the cent, half up, as a cashier does."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value: Decimal | None) -> str:
    """1234.5 → '1,234.50'; None → '0.00'."""
    return f"{(value or Decimal('0')).quantize(CENT):,.2f}"


class MoneyField(forms.CharField):
    """A form field for 元: accepts 1,200 / ￥1200 / 1200元, returns a Decimal with two places."""

    def __init__(self, *, label: str = "金额", **kwargs: Any) -> None:
        # No max_length: CharField would check it on the cleaned Decimal; the widget limits typing instead.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "20"}))
        self.money_label = label
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_amount(text, label=self.money_label)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["amount"][0]) from None
