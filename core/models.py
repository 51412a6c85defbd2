"""Reference tables every app reads (the national holiday calendar) and the record of data access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .importjobs import ImportJobBase
from .scopes import PathField, ScopedQuerySet


class HolidayKind(models.TextChoices):
    DAY_OFF = "DAY_OFF", "法定节假日"
    WORKDAY = "WORKDAY", "调休上班"


class Holiday(models.Model):
    """A day the State Council's holiday schedule moves: a day off, or a weekend day made a working day (调休)."""

    day = models.DateField("日期", unique=True, error_messages={"unique": "该日期已登记"})
    kind = models.CharField("类别", max_length=16, choices=HolidayKind.choices)
    name = models.CharField("节日", max_length=30, help_text="如：国庆节、春节")

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"


class AccessKind(models.TextChoices):
    EXPORT = "EXPORT", "导出"
    REVEAL_ID = "REVEAL_ID", "查看完整身份证号"
    DOWNLOAD = "DOWNLOAD", "下载"


class AccessRecordQuerySet(ScopedQuerySet):
    # The organization the user belonged to when they looked: county staff see their county's records.
    scope_path = "organization_path"


class AccessRecord(models.Model):
    """One export, download or full-ID reveal: who, when, what and with which filters (append-only).

    Written only by ``core.access.record_access``; never changed or deleted.
    The user's name and organization are copied, so the record still says who
    it was after the account is renamed, moved or removed.
    """

    kind = models.CharField("类别", max_length=16, choices=AccessKind.choices)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_records",
    )
    username = models.CharField("账号", max_length=150)
    user_name = models.CharField("姓名", max_length=150, blank=True)
    organization_path = PathField("所属党组织路径", max_length=255, blank=True, db_index=True)
    organization_name = models.CharField("所属党组织", max_length=100, blank=True)
    what = models.CharField("内容", max_length=200)
    page = models.CharField("页面地址", max_length=500, blank=True)
    filters = models.TextField("筛选条件", blank=True)
    query = models.TextField("查询参数", blank=True)
    rows = models.PositiveIntegerField("行数", null=True, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "访问记录"
        verbose_name_plural = "访问记录"
        ordering = ["-at", "-pk"]
        permissions = [("reveal_id_number", "查看完整公民身份号码")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.what}"


class RecordImportJobQuerySet(ScopedQuerySet):
    # The importer's organization when they uploaded: their committee sees its branches' imports.
    scope_path = "organization_path"


class RecordImportJob(ImportJobBase):
    """One upload of a record workbook (党费、核定、培训 …, ``core.recordimports``): progress, preview, outcome."""

    kind = models.CharField("导入类别", max_length=40, db_index=True)
    organization_path = PathField("导入人所属党组织路径", max_length=255, blank=True, db_index=True)
    new_count = models.PositiveIntegerField("新增记录数", default=0)
    changed_count = models.PositiveIntegerField("有变更的记录数", default=0)
    unchanged_count = models.PositiveIntegerField("无变更的记录数", default=0)
    updated_count = models.PositiveIntegerField("更新记录数", default=0)
    preview = models.JSONField("变更预览", default=list, blank=True)
    preview_digest = models.CharField("预览指纹", max_length=64, blank=True)
    confirmed = models.BooleanField("已确认更新", default=False)
    bad_rows = models.JSONField("有错误的行", default=dict, blank=True)

    objects = RecordImportJobQuerySet.as_manager()

    class Meta(ImportJobBase.Meta):
        verbose_name = "数据导入任务"
        verbose_name_plural = "数据导入任务"
