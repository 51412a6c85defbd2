"""Party lectures by leading cadres (领导干部讲党课) and their audience."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from members.models import Member
from organizations.models import Organization

from ..choices import SECTION_OR_ABOVE, LecturerRank
from .common import AttendeeBase, recorded_by


class LecturerUnit(models.Model):
    """A lecturer's unit (县财政局, 县农业农村局 …): the catalogue grows as people type new ones."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    county_level = models.BooleanField(
        "县级单位", default=True, help_text="县级部门、单位（计入“县级单位领导干部讲党课”统计）"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "讲课人单位"
        verbose_name_plural = "讲课人单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartyLecture(Versioned, models.Model):
    """A party lecture (讲党课) given at a host organization by a member or an outside cadre.

    The lecturer is named on the lecture (name, unit, post and rank on that
    day): most are cadres of county departments whose membership lies
    elsewhere; ``lecturer_member`` links one who is a member in the system.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="承办党组织", on_delete=models.PROTECT, related_name="party_lectures"
    )
    given_on = models.DateField("讲课日期")
    topic = models.CharField("党课题目", max_length=200)
    lecturer_name = models.CharField("讲课人", max_length=50)
    lecturer_member = models.ForeignKey(
        Member,
        verbose_name="讲课人（本系统党员）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lectures_given",
    )
    lecturer_unit = models.ForeignKey(
        LecturerUnit,
        verbose_name="讲课人单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lectures",
    )
    lecturer_post = models.CharField("讲课人职务", max_length=100, blank=True, help_text="如：县财政局局长")
    lecturer_rank = models.CharField("讲课人职级", max_length=20, choices=LecturerRank.choices)
    venue = models.CharField("地点", max_length=100, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1, null=True, blank=True)
    non_member_count = models.PositiveIntegerField("听课群众人数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "讲党课"
        verbose_name_plural = "讲党课"
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["given_on"])]

    def __str__(self) -> str:
        return f"{self.given_on:%Y-%m-%d} {self.lecturer_name}讲党课：{self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training:lecture_detail", args=[self.pk])

    @property
    def section_or_above(self) -> bool:
        """科级以上 (副科级 included)."""
        return self.lecturer_rank in SECTION_OR_ABOVE


class LectureAttendance(AttendeeBase):
    """A member who heard a party lecture (one 人次)."""

    lecture = models.ForeignKey(
        PartyLecture, verbose_name="党课", on_delete=models.CASCADE, related_name="attendances"
    )

    class Meta:
        verbose_name = "听党课记录"
        verbose_name_plural = "听党课记录"
        ordering = ["lecture", "organization__path", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "member"],
                name="lecture_attendance_once",
                violation_error_message="该党员已在本次党课的听课名单中",
            )
        ]
        indexes = [models.Index(fields=["lecture", "organization"])]

    def __str__(self) -> str:
        return f"{self.member.name}（{self.lecture.given_on:%Y-%m-%d}党课）"
