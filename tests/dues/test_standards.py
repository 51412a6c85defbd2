"""The 2008 standards as data: brackets at their boundaries, fixed amounts, a later standard leaving the past alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dues import months as m
from dues.models import DuesRule
from dues.selectors.levy import Standards

pytestmark = pytest.mark.django_db

JUNE = m.index(dt.date(2026, 6, 1))


@pytest.mark.parametrize(
    ("income", "rate", "due"),
    [
        ("3000.00", "0.5", "15.00"),
        ("3000.01", "1", "30.00"),
        ("5000.00", "1", "50.00"),
        ("5000.01", "1.5", "75.00"),
        ("10000.00", "1.5", "150.00"),
        ("10000.01", "2", "200.00"),
    ],
)
def test_in_service_members_pay_by_bracket_and_a_boundary_belongs_to_the_lower_bracket(income, rate, due):
    standards = Standards.load()
    rule = standards.rule_for("IN_SERVICE", Decimal(income), JUNE)
    assert rule.rate == Decimal(rate)
    assert standards.charge("IN_SERVICE", Decimal(income), None, JUNE) == Decimal(due)


@pytest.mark.parametrize(
    ("income", "rate", "due"),
    [
        ("3000.00", "0.5", "15.00"),
        ("3000.01", "0.5", "15.00"),  # 15.00005 rounds half up to the cent
        ("5000.00", "0.5", "25.00"),
        ("5000.01", "1", "50.00"),
        ("10000.00", "1", "100.00"),
    ],
)
def test_retired_members_pay_half_a_percent_up_to_5000_and_one_percent_above(income, rate, due):
    standards = Standards.load()
    assert standards.rule_for("RETIRED", Decimal(income), JUNE).rate == Decimal(rate)
    assert standards.charge("RETIRED", Decimal(income), None, JUNE) == Decimal(due)


def test_the_whole_base_is_charged_at_its_bracket_and_rounded_half_up_to_the_cent():
    standards = Standards.load()
    assert standards.charge("IN_SERVICE", Decimal("4567.89"), None, JUNE) == Decimal("45.68")
    assert standards.charge("IN_SERVICE", Decimal("2345.67"), None, JUNE) == Decimal("11.73")  # 11.72835


@pytest.mark.parametrize(
    ("category", "amount", "due"),
    [
        ("FARMER", None, "1.00"),
        ("FARMER", Decimal("0.50"), "0.50"),
        ("STUDENT", None, "0.20"),
        ("UNEMPLOYED", None, "0.20"),
        ("RELIEF", None, "0.20"),
        ("EXEMPT", None, "0.00"),
    ],
)
def test_fixed_categories_pay_their_amount(category, amount, due):
    assert Standards.load().charge(category, None, amount, JUNE) == Decimal(due)


def test_amounts_are_decimals_never_floats():
    due = Standards.load().charge("IN_SERVICE", Decimal("6000"), None, JUNE)
    assert isinstance(due, Decimal) and due == Decimal("90.00") and due.as_tuple().exponent == -2


def test_a_new_standard_applies_from_its_month_and_leaves_earlier_months_as_they_were():
    DuesRule.objects.create(
        category="FARMER",
        effective_from=dt.date(2027, 1, 1),
        amount=Decimal("2.00"),
        document_no="某组发〔2026〕9号",
    )
    standards = Standards.load()
    assert standards.charge("FARMER", None, None, m.index(dt.date(2026, 12, 1))) == Decimal("1.00")
    assert standards.charge("FARMER", None, None, m.index(dt.date(2027, 1, 1))) == Decimal("2.00")


def test_no_standard_before_the_first_one_means_nothing_is_charged():
    assert Standards.load().charge("IN_SERVICE", Decimal("4000"), None, m.index(dt.date(2000, 1, 1))) is None
