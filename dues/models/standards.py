"""The dues standards (中组发〔2008〕3号) and the shares each level keeps, as effective-dated data."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from ..choices import FIXED_CATEGORIES, RATE_CATEGORIES, DuesCategory
from .common import NOT_NEGATIVE, ZERO, first_of_month

# --- the standards -------------------------------------------------------------------------------


class DuesRule(models.Model):
    """One line of a dues standard in force from a month (中组发〔2008〕3号: a bracket or a fixed amount).

    The rows of one category sharing the latest ``effective_from`` up to a month
    are that month's standard; a new standard is new rows with a later month, so
    months already past keep the standard they were levied under.
    """

    category = models.CharField("党员类别", max_length=20, choices=DuesCategory.choices)
    effective_from = models.DateField("起用月份", help_text="该标准从哪个月起执行（填该月1日）")
    income_above = models.DecimalField(
        "月收入超过（元）", max_digits=12, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    income_upto = models.DecimalField(
        "月收入不超过（元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    rate = models.DecimalField(
        "交纳比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE, MaxValueValidator(Decimal("100"), "比例不能超过100%")],
    )
    amount = models.DecimalField(
        "每月定额（元）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    amount_min = models.DecimalField(
        "定额下限（元）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    amount_max = models.DecimalField(
        "定额上限（元）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    document_no = models.CharField("依据文件", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "党费标准"
        verbose_name_plural = "党费标准"
        ordering = ["category", "-effective_from", "income_above"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rate__isnull=False) & Q(amount__isnull=True))
                | (Q(rate__isnull=True) & Q(amount__isnull=False)),
                name="dues_rule_rate_or_amount",
                violation_error_message="按比例交纳的填比例，定额交纳的填定额，二者只填一项",
            ),
            models.UniqueConstraint(
                fields=["category", "effective_from", "income_above"],
                name="dues_rule_bracket_once",
                violation_error_message="同一类别、同一起用月份的收入档次重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.bracket_label} {self.charge_label}（{self.effective_from:%Y-%m}起）"

    def clean(self) -> None:
        first_of_month(self.effective_from, "effective_from", "起用月份")
        if self.category in RATE_CATEGORIES and self.rate is None:
            raise ValidationError({"rate": "按收入比例交纳的类别请填写交纳比例"})
        if self.category in FIXED_CATEGORIES and self.amount is None:
            raise ValidationError({"amount": "定额交纳的类别请填写每月定额"})
        if self.income_above is not None and self.income_upto is not None:
            if self.income_upto <= self.income_above:
                raise ValidationError({"income_upto": "收入上限应高于下限"})
        if self.amount_min is not None and self.amount_max is not None and self.amount_min > self.amount_max:
            raise ValidationError({"amount_max": "定额上限不能低于下限"})

    @property
    def bracket_label(self) -> str:
        if self.rate is None:
            return ""
        if self.income_above is None:
            return f"{self.income_upto}元及以下"
        if self.income_upto is None:
            return f"{self.income_above}元以上"
        return f"{self.income_above}元以上至{self.income_upto}元"

    @property
    def charge_label(self) -> str:
        if self.rate is not None:
            return f"{self.rate.normalize():f}%"
        if self.amount_min is not None and self.amount_max is not None:
            return f"每月{self.amount_min}—{self.amount_max}元（默认{self.amount}元）"
        return f"每月{self.amount}元"


class RemittanceRule(models.Model):
    """What share of the dues each level keeps (留存) before remitting the rest upward, from a date.

    Set by each province: configurable here.  ``retired_branch_return`` is the
    reference county's rule: at year end, that share of what retired-cadre
    branches (老干支部) remitted is returned to them as activity funds.
    """

    effective_from = models.DateField("起用日期")
    branch_retains = models.DecimalField(
        "党支部留存比例（%）", max_digits=5, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    general_branch_retains = models.DecimalField(
        "党总支留存比例（%）", max_digits=5, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    committee_retains = models.DecimalField(
        "基层党委（党工委）留存比例（%）",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[NOT_NEGATIVE],
    )
    county_retains = models.DecimalField(
        "县委留存比例（%）", max_digits=5, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    retired_branch_return = models.DecimalField(
        "返还老干支部比例（%）",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[NOT_NEGATIVE],
        help_text="年底从老干支部上交的党费中按此比例返还，作为活动经费",
    )
    document_no = models.CharField("依据文件", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "党费留存比例"
        verbose_name_plural = "党费留存比例"
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                name="remittance_rule_once_a_day",
                violation_error_message="该日期已有留存比例",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{level}_retains__lte": 100}),
                    name=f"remittance_rule_{level}_at_most_all",
                    violation_error_message="留存比例不能超过100%",
                )
                for level in ("branch", "general_branch", "committee", "county")
            ),
        ]

    def __str__(self) -> str:
        return f"留存比例（{self.effective_from:%Y-%m-%d}起）"
