"""Party publications (《支部生活》, 《党员特刊》 …) and each organization's subscriptions (征订) per year."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from .common import recorded_by


class Publication(models.Model):
    """A publication organizations subscribe to."""

    name = models.CharField("刊物名称", max_length=100, unique=True)
    publisher = models.CharField("主办单位", max_length=100, blank=True)
    active = models.BooleanField("在订", default=True)

    class Meta:
        verbose_name = "党刊"
        verbose_name_plural = "党刊"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscription(Versioned, models.Model):
    """One organization's subscription to one publication for one year: copies and amount."""

    organization = models.ForeignKey(
        Organization, verbose_name="征订党组织", on_delete=models.PROTECT, related_name="subscriptions"
    )
    publication = models.ForeignKey(
        Publication, verbose_name="刊物", on_delete=models.PROTECT, related_name="subscriptions"
    )
    year = models.PositiveSmallIntegerField("征订年度")
    copies = models.PositiveIntegerField("份数", validators=[MinValueValidator(1, "份数至少为1")])
    amount = models.DecimalField(
        "金额（元）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"), "金额不能为负数")],
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党刊征订"
        verbose_name_plural = "党刊征订"
        ordering = ["-year", "organization__path", "publication__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "publication", "year"],
                name="subscription_once_a_year",
                violation_error_message="该党组织本年度已登记此刊物的征订，请修改原记录",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="subscription_amount_not_negative",
                violation_error_message="金额不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年《{self.publication.name.strip('《》')}》{self.copies}份"

    def get_absolute_url(self) -> str:
        return reverse("training:subscription_edit", args=[self.pk])
