"""Member spreadsheet imports: one ``ImportJob`` per upload, so the page can show progress."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from core.scopes import ScopedQuerySet
from organizations.models import Organization

__all__ = ["ImportJob", "ImportJobStatus"]

#: A running job whose row has not moved for this long was cut off (a server
#: restart kills the worker thread); its transaction never committed.  The
#: write pass cannot report progress (it holds the only write transaction),
#: so big files get more time: about ten times the measured write rate.
STALE_AFTER = dt.timedelta(minutes=10)
STALE_AFTER_PER_ROW = dt.timedelta(milliseconds=10)


class ImportJobStatus(models.TextChoices):
    PENDING = "PENDING", "排队中"
    VALIDATING = "VALIDATING", "校验中"
    WRITING = "WRITING", "写入中"
    SUCCEEDED = "SUCCEEDED", "导入成功"
    REJECTED = "REJECTED", "校验未通过"
    FAILED = "FAILED", "导入出错"


RUNNING_STATUSES = (ImportJobStatus.PENDING, ImportJobStatus.VALIDATING, ImportJobStatus.WRITING)


class ImportJob(models.Model):
    """One upload of the member spreadsheet: its progress and its outcome (created count or every bad row)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="导入人所属党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "organizations.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=255)
    status = models.CharField(
        "状态", max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    total = models.PositiveIntegerField("总行数（估计）", default=0)
    processed = models.PositiveIntegerField("已校验行数", default=0)
    created_count = models.PositiveIntegerField("导入党员数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员导入任务"
        verbose_name_plural = "党员导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES and not self.is_stale

    @property
    def is_stale(self) -> bool:
        quiet_for = timezone.now() - self.updated_at
        return self.status in RUNNING_STATUSES and quiet_for > STALE_AFTER + self.total * STALE_AFTER_PER_ROW

    @property
    def percent(self) -> int:
        if self.status in (ImportJobStatus.WRITING, ImportJobStatus.SUCCEEDED):
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))
