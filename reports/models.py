"""Submission (报送): an organization's word that its data for a period is entered, and its superior's return."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "已报送"
    RETURNED = "RETURNED", "已退回"


class Submission(Versioned, models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField("统计期", max_length=7)
    status = models.CharField("状态", max_length=10, choices=SubmissionStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    comment = models.CharField("退回意见", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "数据报送"
        verbose_name_plural = "数据报送"
        ordering = ["period", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"],
                name="one_submission_per_org_and_period",
                violation_error_message="该党组织本期已报送",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period} {self.get_status_display()}"


class NarrativeStatus(models.TextChoices):
    DRAFT = "DRAFT", "草稿"
    FINAL = "FINAL", "定稿"


class SummaryNarrative(Versioned, models.Model):
    """What an organization writes into its 工作总结 for a period: one text per part, a draft or the final."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="summary_narratives"
    )
    period = models.CharField("统计期", max_length=7)
    texts = models.JSONField("各部分文字", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=NarrativeStatus.choices, default=NarrativeStatus.DRAFT
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结文字"
        verbose_name_plural = "工作总结文字"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"],
                name="one_narrative_per_org_and_period",
                violation_error_message="该党组织本期的工作总结已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period} {self.get_status_display()}"


class BatchStatus(models.TextChoices):
    PENDING = "PENDING", "排队中"
    RUNNING = "RUNNING", "生成中"
    DONE = "DONE", "已完成"
    FAILED = "FAILED", "失败"


class SummaryBatch(models.Model):
    """The 工作总结 of every committee below an organization for a period, made in the background as one .zip."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="summary_batches"
    )
    period = models.CharField("统计期", max_length=7)
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    total = models.PositiveIntegerField("总份数", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    file = models.CharField("文件（存储名）", max_length=255, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    task_id = models.CharField("后台任务号", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结批量生成"
        verbose_name_plural = "工作总结批量生成"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} {self.period} {self.get_status_display()}"
