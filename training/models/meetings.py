"""三会一课 and 主题党日 records (OrgMeeting), and a branch's fixed activity day (ActivityDay)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import MeetingKind
from .common import recorded_by


def photo_path(meeting: OrgMeeting, filename: str) -> str:
    """Photos are stored under a name of our own (the extension is the checked type's): no user text in paths."""
    extension = filename.rsplit(".", 1)[-1].lower()
    day = meeting.held_on or dt.date.today()
    return f"training/meetings/{day:%Y/%m}/{meeting.organization_id}-{day:%Y%m%d}.{extension}"


class OrgMeeting(Versioned, models.Model):
    """One meeting of 三会一课 (支部党员大会, 支委会, 党小组会, 党课) or a 主题党日, as the minute book records it."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField("日期")
    topic = models.CharField("主题/议题", max_length=200)
    venue = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    expected = models.PositiveSmallIntegerField("应到人数")
    present = models.PositiveSmallIntegerField("实到人数")
    absent_note = models.CharField("缺席人员及原因", max_length=300, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    photo = models.FileField("照片", upload_to=photo_path, blank=True, max_length=200)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "三会一课记录"
        verbose_name_plural = "三会一课记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"]), models.Index(fields=["held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=F("expected")),
                name="meeting_present_within_expected",
                violation_error_message="实到人数不能多于应到人数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("training:meeting_detail", args=[self.pk])

    @property
    def absent(self) -> int:
        return self.expected - self.present


class ActivityDay(Versioned, models.Model):
    """A branch's 党员活动日: a fixed day of every month at a fixed place (the reference's pilot)."""

    organization = models.OneToOneField(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="activity_day"
    )
    day_of_month = models.PositiveSmallIntegerField(
        "每月固定日",
        validators=[
            MinValueValidator(1, "固定日应在1至31之间"),
            MaxValueValidator(31, "固定日应在1至31之间"),
        ],
        help_text="当月没有这一天时（如31日）以月末为准",
    )
    place = models.CharField("固定地点", max_length=100)
    content = models.CharField(
        "主要内容", max_length=200, blank=True, help_text="如：理论和科技培训、参与村务决策"
    )
    is_pilot = models.BooleanField("试点", default=False)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("停止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员活动日"
        verbose_name_plural = "党员活动日"
        ordering = ["organization__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="activity_day_end_after_start",
                violation_error_message="停止日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"每月{self.day_of_month}日 {self.place}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)
