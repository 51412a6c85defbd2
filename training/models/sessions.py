"""Training sessions (培训), their topics and who attended (参训)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import Level, TrainingForm, TrainingKind
from .common import AttendeeBase, recorded_by


class TrainingTopic(models.Model):
    """A 篇目 or 课程 (《党章》, 养猪, 甘蔗栽培 …): the catalogue grows as people type new ones."""

    name = models.CharField("篇目/课程", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=20, choices=TrainingKind.choices, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训篇目"
        verbose_name_plural = "培训篇目"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(Versioned, models.Model):
    """One training session (一期培训) organized by an organization; 人次 is the count of its attendance."""

    organization = models.ForeignKey(
        Organization, verbose_name="举办单位", on_delete=models.PROTECT, related_name="training_sessions"
    )
    # Derived from the organizer's kind when the session is recorded (training.choices.level_of):
    # the figures by level keep it even if the organizer is later restructured.
    level = models.CharField("层级", max_length=20, choices=Level.choices, editable=False)
    title = models.CharField("培训名称", max_length=100, help_text="如：2026年第一期农村党员实用技术培训班")
    kind = models.CharField("培训类别", max_length=20, choices=TrainingKind.choices)
    form = models.CharField("培训形式", max_length=20, choices=TrainingForm.choices)
    topics = models.ManyToManyField(
        TrainingTopic, verbose_name="篇目/课程", blank=True, related_name="sessions"
    )
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    venue = models.CharField("培训地点", max_length=100, blank=True)
    hours = models.DecimalField(
        "学时",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"), "学时至少为0.5")],
        help_text="每名参训党员计入的学时",
    )
    non_member_count = models.PositiveIntegerField("参训群众人数", default=0)
    film = models.ForeignKey(
        "training.AVFilm",
        verbose_name="播放电教片",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["start_on"]), models.Index(fields=["level", "kind", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="training_end_after_start",
                violation_error_message="结束日期不能早于开始日期",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="training_hours_positive",
                violation_error_message="学时必须大于0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    @property
    def topic_text(self) -> str:
        """The topics as one line (篇目 separated by 、), as the form shows and takes them."""
        return "、".join(t.name for t in self.topics.all())

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1


class Attendance(AttendeeBase):
    """A member present at a training session (one 人次)."""

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances"
    )

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["session", "organization__path", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="attendance_once_per_session",
                violation_error_message="该党员已在本期培训的参训名单中",
            )
        ]
        indexes = [models.Index(fields=["session", "organization"])]

    def __str__(self) -> str:
        return f"{self.member.name}（{self.session}）"
