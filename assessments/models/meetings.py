"""民主生活会: each leadership team's yearly democratic life meeting."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization


class LifeMeeting(Versioned, models.Model):
    """The democratic life meeting an organization's leadership team held in a year, and who attended."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="life_meetings"
    )
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("召开日期")
    document_no = models.CharField("依据文件", max_length=100, blank=True, help_text="如：富办发〔2026〕24号")
    leaders_expected = models.PositiveSmallIntegerField(
        "应参会班子成员", help_text="党委为党政领导班子成员，党总支、党支部为支委会成员。"
    )
    leaders_attended = models.PositiveSmallIntegerField("实参会班子成员")
    absentees = models.CharField("缺席人员及原因", max_length=200, blank=True)
    supervisors = models.CharField("上级督导人员", max_length=200, blank=True)
    topics = models.TextField("会议主题")
    issues = models.TextField("查摆的问题", blank=True)
    rectification = models.TextField("整改措施", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "民主生活会"
        verbose_name_plural = "民主生活会"
        ordering = ["-year", "organization__path", "id"]
        indexes = [models.Index(fields=["year", "held_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="life_meeting_one_per_year",
                violation_error_message="该党组织本年度已登记民主生活会",
            ),
            models.CheckConstraint(
                condition=Q(leaders_attended__lte=models.F("leaders_expected")),
                name="life_meeting_attended_within_expected",
                violation_error_message="实参会人数不能多于应参会人数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}{self.year}年度民主生活会"

    def get_absolute_url(self) -> str:
        return reverse("assessments:life_meeting_detail", args=[self.pk])

    @property
    def absent(self) -> int:
        return self.leaders_expected - self.leaders_attended
