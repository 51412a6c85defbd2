"""Each member's dues category and base (核定), and how an organization collects (monthly or quarterly)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from members.models import Member
from organizations.models import Organization

from ..choices import DuesCategory
from ..months import label
from .common import NOT_NEGATIVE, user_fk

# --- members' categories and bases ---------------------------------------------------------------


class AssessmentQuerySet(ScopedQuerySet):
    scope_path = "member__organization__path"


class DuesAssessment(Versioned, models.Model):
    """A member's dues category and monthly income base (核定), in force from a month until the next one.

    A salary rise is a new assessment from the month it took effect; when that
    month is already paid, the difference is owed back (补交) month by month.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_assessments"
    )
    effective_from = models.DateField("起始月份", help_text="从哪个月起按此标准交纳（如工资调整生效的月份）")
    category = models.CharField("党员类别", max_length=20, choices=DuesCategory.choices)
    income = models.DecimalField(
        "月计费基数（元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="税后固定工资（不含社保、公积金、奖金）或离退休费",
    )
    amount = models.DecimalField(
        "每月定额（元）",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="农民党员可在规定幅度内选定，留空按默认定额",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = user_fk("核定人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = "党费核定"
        ordering = ["member", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_from"],
                name="dues_assessment_once_a_month",
                violation_error_message="该党员在这个月已有核定记录，请修改原记录",
            ),
            models.CheckConstraint(
                condition=Q(income__isnull=True) | Q(income__gte=0),
                name="dues_assessment_income_not_negative",
                violation_error_message="计费基数不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {label(self.effective_from)}起 {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("dues:member", args=[self.member_id])


class DuesSchedule(Versioned, models.Model):
    """How an organization collects: monthly, or quarterly where its members' meeting agreed (按季度交纳)."""

    organization = models.OneToOneField(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="dues_schedule"
    )
    quarterly = models.BooleanField("按季度交纳", default=False)
    agreed_on = models.DateField("支部决定日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳方式"
        verbose_name_plural = "党费交纳方式"

    def __str__(self) -> str:
        return f"{self.organization} {'按季度' if self.quarterly else '按月'}交纳"

    def get_absolute_url(self) -> str:
        return reverse("dues:grid", args=[self.organization.code])
