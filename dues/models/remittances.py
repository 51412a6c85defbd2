"""Remittances upward (上缴) and the retained-dues ledger (留存党费台账)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from members.models import CareVisit
from organizations.models import Organization

from ..choices import LedgerPurpose
from ..months import quarter_label
from .common import NOT_NEGATIVE, ZERO, user_fk

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
    recorded_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = user_fk("作废人")

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
    # A purchase another app records (core.spending), e.g. "training.av#12": its entries net to what it cost.
    source = models.CharField("对应采购记录", max_length=40, blank=True, db_index=True)
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
    recorded_by = user_fk("登记人")
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
