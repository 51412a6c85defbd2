"""Money (core.money): Decimal amounts with two places, errors that name the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.money import MoneyField, format_yuan, parse_amount, round_yuan


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("200", "200.00"),
        ("200.5", "200.50"),
        ("1,200.00", "1200.00"),
        ("￥300", "300.00"),
        ("３００元", "300.00"),
        (Decimal("0"), "0.00"),
    ],
)
def test_amounts_people_type_are_read_as_decimals(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写慰问金"),
        ("abc", "慰问金应为数字"),
        ("-1", "慰问金不能为负数"),
        ("1.005", "慰问金最多保留两位小数"),
        (0.1, "慰问金请以Decimal传入"),
        ("NaN", "慰问金应为数字"),
    ],
)
def test_a_bad_amount_is_refused_with_the_fields_name(typed, message):
    with pytest.raises(ValidationError) as exc:
        parse_amount(typed, label="慰问金", field="amount", who="张三")
    (text,) = exc.value.message_dict["amount"]
    assert text.startswith(f"张三：{message}")


def test_rounding_and_formatting_are_a_cashiers():
    assert round_yuan(Decimal("12.345")) == Decimal("12.35")
    assert format_yuan(Decimal("1234.5")) == "1,234.50"
    assert format_yuan(None) == "0.00"


def test_the_money_form_field_cleans_to_a_decimal_and_names_its_label():
    class F(forms.Form):
        amount = MoneyField(label="党费")

    assert F({"amount": "1,000.5"}).is_valid()
    form = F({"amount": "-3"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["党费不能为负数"]
    good = F({"amount": "88"})
    good.is_valid()
    assert good.cleaned_data["amount"] == Decimal("88.00")
