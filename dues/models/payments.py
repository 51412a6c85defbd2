"""Payments (按月交纳, 补交, 特殊党费) and the receipt numbers of each organization."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from members.models import Member
from organizations.models import Organization

from ..choices import PaymentKind
from ..months import label
from .bases import DuesAssessment
from .common import NOT_NEGATIVE, first_of_month, user_fk

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
    recorded_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = user_fk("作废人")

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
        first_of_month(self.month, "month", "所属月份")

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
