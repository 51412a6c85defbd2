"""Party dues: the standards, each member's category and base, payments, remittances and the retained-dues ledger.

Amounts are ``Decimal`` with two places (元) everywhere; nothing here holds a
float.  A month is stored as its first day.  The amount due (``DuesLevy``) is
never stored: it is derived from the rules and the member's base in force
that month (``dues.selectors.levy``), so a late correction of a base shows
what each month owes without rewriting anything.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from members.models import CareVisit, Member
from organizations.models import Organization

from .choices import FIXED_CATEGORIES, RATE_CATEGORIES, DuesCategory, LedgerPurpose, PaymentKind
from .months import label, quarter_label

ZERO = Decimal("0.00")
NOT_NEGATIVE = MinValueValidator(Decimal("0"), "金额不能为负数")


def _first_of_month(value: dt.date | None, field: str, what: str) -> None:
    if value is not None and value.day != 1:
        raise ValidationError({field: f"{what}应为某月1日（按月计算）"})


def _user_fk(label_: str) -> models.ForeignKey:
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
        _first_of_month(self.effective_from, "effective_from", "起用月份")
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


# --- members' categories and bases ---------------------------------------------------------------


class AssessmentQuerySet(ScopedQuerySet):
    scope_path = "member__organization__path"


class DuesAssessment(Versioned, models.Model):
    """A member's dues category and monthly income base (核定), in force from a month until the next one.

    A salary rise is a new assessment from the month it took effect; when that
    month is already paid, the difference is owed back (补交) month by month.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_assessments"
    )
    effective_from = models.DateField("起始月份", help_text="从哪个月起按此标准交纳（如工资调整生效的月份）")
    category = models.CharField("党员类别", max_length=20, choices=DuesCategory.choices)
    income = models.DecimalField(
        "月计费基数（元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="税后固定工资（不含社保、公积金、奖金）或离退休费",
    )
    amount = models.DecimalField(
        "每月定额（元）",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="农民党员可在规定幅度内选定，留空按默认定额",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = _user_fk("核定人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = "党费核定"
        ordering = ["member", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_from"],
                name="dues_assessment_once_a_month",
                violation_error_message="该党员在这个月已有核定记录，请修改原记录",
            ),
            models.CheckConstraint(
                condition=Q(income__isnull=True) | Q(income__gte=0),
                name="dues_assessment_income_not_negative",
                violation_error_message="计费基数不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {label(self.effective_from)}起 {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("dues:member", args=[self.member_id])


class DuesSchedule(Versioned, models.Model):
    """How an organization collects: monthly, or quarterly where its members' meeting agreed (按季度交纳)."""

    organization = models.OneToOneField(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="dues_schedule"
    )
    quarterly = models.BooleanField("按季度交纳", default=False)
    agreed_on = models.DateField("支部决定日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳方式"
        verbose_name_plural = "党费交纳方式"

    def __str__(self) -> str:
        return f"{self.organization} {'按季度' if self.quarterly else '按月'}交纳"

    def get_absolute_url(self) -> str:
        return reverse("dues:grid", args=[self.organization.code])


# --- payments -------------------------------------------------------------------------------------


class PaymentQuerySet(ScopedQuerySet):
    def live(self) -> PaymentQuerySet:
        """Payments not voided."""
        return self.filter(voided_on__isnull=True)


class DuesPayment(models.Model):
    """Dues a member paid: one month's (按月), a month's difference after a rise (补交), or a special payment.

    The database holds at most one live monthly payment per member and month,
    so a double submit, a second tab or a retried request cannot record it
    twice.  A mistaken payment is voided (the row stays, with who and why) and
    recorded again.
    """

    # Both keys lead an index below ((member, month), (organization, month)): no index of their own.
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments", db_index=False
    )
    # The organization that collected it (its cash, its remittance, its scope).
    organization = models.ForeignKey(
        Organization,
        verbose_name="收缴党组织",
        on_delete=models.PROTECT,
        related_name="dues_payments",
        db_index=False,
    )
    month = models.DateField("所属月份")
    kind = models.CharField("类型", max_length=20, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2, validators=[NOT_NEGATIVE])
    due = models.DecimalField(
        "应交（元）", max_digits=10, decimal_places=2, null=True, blank=True, help_text="登记时该月应交金额"
    )
    paid_on = models.DateField("交纳日期")
    receipt_no = models.CharField("收据编号", max_length=40, blank=True)
    # For a back payment: the assessment (raised base) that made the month owe more.
    basis = models.ForeignKey(
        DuesAssessment,
        verbose_name="补交依据",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="back_payments",
        db_index=False,  # assessments are never deleted: nothing looks payments up by it alone
    )
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = _user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = _user_fk("作废人")

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳记录"
        verbose_name_plural = "党费交纳记录"
        ordering = ["-month", "organization__path", "member__name", "id"]
        # Figures read by collecting organization and month, reconciliation by organization and day paid,
        # the grid and the member pages by member and month.
        indexes = [
            models.Index(fields=["organization", "month"]),
            models.Index(fields=["organization", "paid_on"]),
            models.Index(fields=["member", "month"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                condition=Q(kind=PaymentKind.REGULAR, voided_on__isnull=True),
                name="dues_one_payment_per_member_month",
                violation_error_message="该党员这个月的党费已登记",
            ),
            # A back payment settles a month at the level a raised base set: the same one twice is a double submit.
            models.UniqueConstraint(
                fields=["member", "month", "basis", "due"],
                condition=Q(kind=PaymentKind.BACK, voided_on__isnull=True),
                name="dues_one_back_payment_per_raise",
                violation_error_message="该党员这个月的补交已登记",
            ),
            models.UniqueConstraint(
                fields=["member", "paid_on"],
                condition=Q(kind=PaymentKind.SPECIAL, voided_on__isnull=True),
                name="dues_one_special_payment_a_day",
                violation_error_message="该党员当天已登记一笔特殊党费",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="dues_payment_positive",
                violation_error_message="交纳金额应大于0",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PaymentKind.BACK) | Q(basis__isnull=False),
                name="dues_back_payment_has_basis",
                violation_error_message="补交须注明依据的核定记录",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {label(self.month)} {self.get_kind_display()} {self.amount}元"

    def get_absolute_url(self) -> str:
        return reverse("dues:member", args=[self.member_id])

    def clean(self) -> None:
        _first_of_month(self.month, "month", "所属月份")

    @property
    def is_live(self) -> bool:
        return self.voided_on is None


class ReceiptSequence(models.Model):
    """The running number of an organization's dues receipts in a year (各甫村党支部 2026-0007)."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="dues_receipts"
    )
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用到序号", default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费收据编号"
        verbose_name_plural = "党费收据编号"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="dues_receipt_sequence_once",
                violation_error_message="编号已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}年 收据至{self.last_number}号"


# --- remittances ----------------------------------------------------------------------------------


class RemittanceQuerySet(ScopedQuerySet):
    scope_path = "from_org__path"

    def live(self) -> RemittanceQuerySet:
        return self.filter(voided_on__isnull=True)


class Remittance(models.Model):
    """Dues an organization remitted (上缴) to the level above for a quarter.

    ``amount`` is the ordinary dues after the share the organization keeps;
    ``special_amount`` the special payments, which go up whole.  The county's
    own remittance goes outside the system (``to_external``).
    """

    from_org = models.ForeignKey(
        Organization, verbose_name="上缴党组织", on_delete=models.PROTECT, related_name="dues_remitted"
    )
    to_org = models.ForeignKey(
        Organization,
        verbose_name="接收党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dues_received",
    )
    to_external = models.CharField("接收单位（县外）", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4, "季度应为1至4")]
    )
    amount = models.DecimalField("上缴党费（元）", max_digits=12, decimal_places=2, validators=[NOT_NEGATIVE])
    special_amount = models.DecimalField(
        "其中特殊党费（元）", max_digits=12, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    remitted_on = models.DateField("上缴日期")
    reference = models.CharField("凭证号", max_length=60, blank=True, help_text="银行回单或收据编号")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = _user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = _user_fk("作废人")

    objects = RemittanceQuerySet.as_manager()

    class Meta:
        verbose_name = "党费上缴"
        verbose_name_plural = "党费上缴"
        ordering = ["-year", "-quarter", "from_org__path", "-id"]
        indexes = [models.Index(fields=["year", "quarter"]), models.Index(fields=["remitted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(special_amount__gte=0)
                & (Q(amount__gt=0) | Q(special_amount__gt=0)),
                name="dues_remittance_positive",
                violation_error_message="上缴金额应大于0",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="dues_remittance_quarter",
                violation_error_message="季度应为1至4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_org} {quarter_label(self.year, self.quarter)}上缴 {self.total}元"

    def get_absolute_url(self) -> str:
        return reverse("dues:remittance_list") + f"?org={self.from_org.code}&year={self.year}"

    @property
    def total(self) -> Decimal:
        return self.amount + self.special_amount

    @property
    def to_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.to_external


# --- the retained-dues ledger --------------------------------------------------------------------


class RetainedFundEntry(models.Model):
    """One line of an organization's retained-dues ledger (留存党费台账): an income or an expenditure.

    Append-only: nothing is edited or deleted; a mistake is corrected by a
    reversing entry (``reverses``) carrying the opposite amount.  ``amount``
    is signed: income positive, expenditure negative, so a balance is a sum.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="retained_fund_entries"
    )
    entry_on = models.DateField("日期")
    purpose = models.CharField("项目", max_length=20, choices=LedgerPurpose.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    description = models.CharField("摘要", max_length=200)
    document_no = models.CharField("凭证号/文号", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("所属年度", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("所属季度", null=True, blank=True)
    remittance = models.ForeignKey(
        Remittance, verbose_name="对应上缴", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    care_visit = models.ForeignKey(
        CareVisit,
        verbose_name="对应走访慰问",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retained_fund_entries",
    )
    # A return to a retired-cadre branch: the branch it went to (the county's expenditure) or came from.
    counterpart = models.ForeignKey(
        Organization,
        verbose_name="对方党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reverses = models.ForeignKey(
        "self",
        verbose_name="冲正的记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )
    recorded_by = _user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "留存党费台账"
        verbose_name_plural = "留存党费台账"
        ordering = ["organization", "entry_on", "id"]
        indexes = [
            models.Index(fields=["organization", "entry_on"]),
            models.Index(fields=["purpose", "entry_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="ledger_amount_not_zero",
                violation_error_message="金额不能为0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.entry_on:%Y-%m-%d} {self.get_purpose_display()} {self.amount}元"

    def get_absolute_url(self) -> str:
        return reverse("dues:ledger") + f"?org={self.organization.code}"

    @property
    def income(self) -> Decimal | None:
        return self.amount if self.amount > 0 else None

    @property
    def expense(self) -> Decimal | None:
        return -self.amount if self.amount < 0 else None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
