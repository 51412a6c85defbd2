"""Care visits (走访慰问) to hardship and old members, and the money each member was given."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from .member import Member

__all__ = ["CareFunding", "CareOccasion", "CareVisit", "CareVisitMember"]


class CareOccasion(models.TextChoices):
    JULY_FIRST = "JULY_FIRST", "七一"
    SPRING_FESTIVAL = "SPRING_FESTIVAL", "春节"
    MID_AUTUMN = "MID_AUTUMN", "中秋"
    DOUBLE_NINTH = "DOUBLE_NINTH", "重阳"
    ILLNESS = "ILLNESS", "生病住院"
    DISASTER = "DISASTER", "受灾"
    OTHER = "OTHER", "其他"


class CareFunding(models.TextChoices):
    # Retained dues will be linked to the dues ledger (RetainedFundEntry) by the dues app.
    RETAINED_DUES = "RETAINED_DUES", "留存党费"
    FISCAL = "FISCAL", "财政"
    OTHER = "OTHER", "其他"


class CareVisit(Versioned, models.Model):
    """One round of visits (走访慰问) organized by an organization on a date."""

    organization = models.ForeignKey(
        Organization, verbose_name="组织单位", on_delete=models.PROTECT, related_name="care_visits"
    )
    visited_on = models.DateField("走访日期")
    occasion = models.CharField("慰问时机", max_length=20, choices=CareOccasion.choices)
    visitors = models.CharField("走访人员", max_length=200, help_text="如：县委领导、党委书记")
    funding = models.CharField("经费来源", max_length=20, choices=CareFunding.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访慰问"
        verbose_name_plural = "走访慰问"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_occasion_display()}走访慰问（{self.organization}）"

    def get_absolute_url(self) -> str:
        return reverse("members:care_detail", args=[self.pk])


class CareVisitMember(models.Model):
    """A member reached by a care visit and the amount given (元)."""

    visit = models.ForeignKey(
        CareVisit, verbose_name="走访慰问", on_delete=models.CASCADE, related_name="recipients"
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="care_visits"
    )
    # The member's organization on the day of the visit: figures by branch and
    # committee stay right after the member moves.
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        "慰问金（元）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"), "慰问金不能为负数")],
    )
    note = models.CharField("备注", max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "慰问对象"
        verbose_name_plural = "慰问对象"
        ordering = ["visit", "organization__path", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "member"],
                name="care_visit_member_once",
                violation_error_message="该党员已在本次慰问名单中",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="care_amount_not_negative",
                violation_error_message="慰问金不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount}元"
