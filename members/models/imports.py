"""Member spreadsheet imports: one ``ImportJob`` per upload, so the page can show progress and the preview."""

from __future__ import annotations

from django.db import models

from core.importjobs import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    STALE_AFTER,
    STALE_AFTER_PER_ROW,
    ImportJobBase,
    ImportJobStatus,
)
from core.scopes import ScopedQuerySet
from organizations.models import Organization

__all__ = [
    "OPEN_STATUSES",
    "RUNNING_STATUSES",
    "STALE_AFTER",
    "STALE_AFTER_PER_ROW",
    "ImportJob",
    "ImportJobStatus",
]


class ImportJob(ImportJobBase):
    """One upload of the member spreadsheet: progress, the update preview to confirm, the outcome."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="导入人所属党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_count = models.PositiveIntegerField("更新党员数", default=0)
    changed_count = models.PositiveIntegerField("有变更的党员数", default=0)
    unchanged_count = models.PositiveIntegerField("无变更的党员数", default=0)
    new_count = models.PositiveIntegerField("新党员数", default=0)
    preview = models.JSONField("变更预览", default=list, blank=True)
    preview_digest = models.CharField("预览指纹", max_length=64, blank=True)
    confirmed = models.BooleanField("已确认更新", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta(ImportJobBase.Meta):
        verbose_name = "党员导入任务"
        verbose_name_plural = "党员导入任务"
