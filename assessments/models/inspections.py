"""督促检查: inspections of organizations, their findings and the rectification each problem asks for."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import FindingKind, InspectionKind


class Inspection(Versioned, models.Model):
    """A mid-year, year-end or ad hoc inspection (督查) an organization made of organizations below it."""

    organization = models.ForeignKey(
        Organization, verbose_name="检查单位", on_delete=models.PROTECT, related_name="inspections"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("检查类别", max_length=20, choices=InspectionKind.choices)
    title = models.CharField("检查名称", max_length=100, help_text="如：2026年年中党建目标责任制落实情况督查")
    started_on = models.DateField("检查日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    inspectors = models.CharField("检查组成员", max_length=200)
    targets = models.ManyToManyField(
        Organization, verbose_name="检查对象", related_name="inspections_received", blank=True
    )
    summary = models.TextField("总体情况", blank=True, help_text="写入通报的“基本情况”一节。")
    notice_no = models.CharField("通报文号", max_length=100, blank=True)
    notice_issued_on = models.DateField("通报日期", null=True, blank=True)
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
        verbose_name = "督促检查"
        verbose_name_plural = "督促检查"
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["year", "kind"]), models.Index(fields=["started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="inspection_end_after_start",
                violation_error_message="结束日期不能早于检查日期",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:inspection_detail", args=[self.pk])


class FindingQuerySet(ScopedQuerySet):
    """Findings are seen by the organization inspected (and above it): it reports its rectification."""

    def open_rectifications(self) -> FindingQuerySet:
        return self.filter(kind=FindingKind.PROBLEM, deadline__isnull=False, rectified_on__isnull=True)

    def overdue_on(self, day: dt.date) -> FindingQuerySet:
        return self.open_rectifications().filter(deadline__lt=day)


class InspectionFinding(Versioned, models.Model):
    """What an inspection found at one organization; a problem may ask for rectification by a deadline."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="督促检查", on_delete=models.PROTECT, related_name="findings"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="被检查党组织",
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )
    kind = models.CharField("类别", max_length=20, choices=FindingKind.choices)
    content = models.TextField("情况")
    requirement = models.CharField("整改要求", max_length=300, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "检查发现"
        verbose_name_plural = "检查发现"
        ordering = ["inspection", "kind", "organization__path", "id"]
        indexes = [models.Index(fields=["deadline", "rectified_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=FindingKind.PROBLEM)
                | (Q(deadline__isnull=True) & Q(rectified_on__isnull=True)),
                name="finding_rectification_only_for_problems",
                violation_error_message="只有“存在问题”需要整改",
            ),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(deadline__isnull=False),
                name="finding_rectified_has_deadline",
                violation_error_message="登记整改完成前须有整改期限",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()}：{self.content[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:inspection_detail", args=[self.inspection_id]) + f"#finding-{self.pk}"

    @property
    def is_rectification(self) -> bool:
        return self.kind == FindingKind.PROBLEM and self.deadline is not None

    def overdue_on(self, day: dt.date) -> bool:
        return self.is_rectification and self.rectified_on is None and self.deadline < day  # type: ignore[operator]
