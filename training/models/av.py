"""AV education (电化教育): equipment delivered to organizations, its service history, films and their orders."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import EquipmentEventKind, EquipmentStatus, Funding, TrainingKind
from .common import recorded_by

NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "金额不能为负数")]


class AVEquipment(Versioned, models.Model):
    """A delivery of AV equipment (电教设备) to one organization: how many sets, what it cost, who paid.

    ``status`` is the state today, kept by the services that record an event;
    the events (``AVEquipmentEvent``) answer "working on that day" for coverage
    at a past date.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="配备党组织", on_delete=models.PROTECT, related_name="av_equipment"
    )
    delivered_on = models.DateField("配发日期")
    sets = models.PositiveSmallIntegerField(
        "套数", default=1, validators=[MinValueValidator(1, "套数至少为1")]
    )
    items = models.CharField(
        "设备内容", max_length=200, blank=True, help_text="如：电视机、影碟机、卫星接收设备"
    )
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, validators=NOT_NEGATIVE)
    funding = models.CharField("经费来源", max_length=20, choices=Funding.choices)
    status = models.CharField(
        "使用状态",
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
        editable=False,
    )
    status_on = models.DateField("状态日期", null=True, blank=True, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "电教设备"
        verbose_name_plural = "电教设备"
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["delivered_on"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="av_amount_not_negative",
                violation_error_message="金额不能为负数",
            ),
            models.CheckConstraint(
                condition=Q(sets__gte=1), name="av_sets_at_least_one", violation_error_message="套数至少为1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivered_on:%Y-%m-%d} 电教设备{self.sets}套"

    def get_absolute_url(self) -> str:
        return reverse("training:av_detail", args=[self.pk])


class EquipmentEventQuerySet(ScopedQuerySet):
    scope_path = "equipment__organization__path"


class AVEquipmentEvent(models.Model):
    """A change in the equipment's service: it broke down, was repaired, or was scrapped, on a day."""

    equipment = models.ForeignKey(
        AVEquipment, verbose_name="电教设备", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=20, choices=EquipmentEventKind.choices)
    happened_on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = EquipmentEventQuerySet.as_manager()

    class Meta:
        verbose_name = "电教设备使用情况"
        verbose_name_plural = "电教设备使用情况"
        ordering = ["equipment", "happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.get_kind_display()}"


class AVFilm(models.Model):
    """A film of the AV-education catalogue (电教片), theory or practical technique."""

    title = models.CharField("片名", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=20, choices=TrainingKind.choices)
    source = models.CharField("片源", max_length=100, default="省委组织部电教管理中心")
    minutes = models.PositiveSmallIntegerField("片长（分钟）", null=True, blank=True)
    year = models.PositiveSmallIntegerField("出品年份", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "电教片"
        verbose_name_plural = "电教片"
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class FilmOrder(Versioned, models.Model):
    """Copies of a film ordered for an organization (a committee) and when they were handed out to it."""

    organization = models.ForeignKey(
        Organization, verbose_name="订购党组织", on_delete=models.PROTECT, related_name="film_orders"
    )
    film = models.ForeignKey(AVFilm, verbose_name="电教片", on_delete=models.PROTECT, related_name="orders")
    copies = models.PositiveSmallIntegerField(
        "份数", default=1, validators=[MinValueValidator(1, "份数至少为1")]
    )
    amount = models.DecimalField(
        "金额（元）", max_digits=10, decimal_places=2, default=Decimal("0.00"), validators=NOT_NEGATIVE
    )
    ordered_on = models.DateField("订购日期")
    distributed_on = models.DateField("发放日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "电教片订购发放"
        verbose_name_plural = "电教片订购发放"
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(distributed_on__isnull=True) | Q(distributed_on__gte=F("ordered_on")),
                name="film_distributed_after_ordered",
                violation_error_message="发放日期不能早于订购日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.film}（{self.copies}份）"

    def get_absolute_url(self) -> str:
        return reverse("training:film_order_edit", args=[self.pk])
