"""民主评议党员: the year's appraisal round, each member's grade, the follow-up of 不合格, the teams' votes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from members.models import Departure, Member
from organizations.models import Organization
from organizations.rules import GradeSet

from ..choices import Disposal, FollowUpResult, GradeCategory


class AppraisalRound(Versioned, models.Model):
    """An appraisal round (民主评议) an organization runs over its subtree in a year, with that year's grades."""

    organization = models.ForeignKey(
        Organization, verbose_name="组织单位", on_delete=models.PROTECT, related_name="appraisal_rounds"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100, help_text="如：2026年度民主评议党员")
    grade_set = models.CharField(
        "评议等次", max_length=100, help_text="从高到低，用顿号或逗号分隔，如：优秀、合格、基本合格、不合格"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    closed_on = models.DateField("结束评议日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-year", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="appraisal_round_one_per_year",
                violation_error_message="该党组织本年度已组织民主评议",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="appraisal_round_end_after_start",
                violation_error_message="结束日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def grades(self) -> GradeSet:
        return GradeSet(self.grade_set)


class MemberAppraisal(Versioned, models.Model):
    """One member's grade in a round; the grade is the year's word, ``category`` what it counts as."""

    round = models.ForeignKey(
        AppraisalRound, verbose_name="民主评议", on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField("年度")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="appraisals"
    )
    # The member's organization when appraised: figures stay right after a move.
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="member_appraisals"
    )
    grade = models.CharField("评议等次", max_length=10)
    category = models.CharField("统计类别", max_length=20, choices=GradeCategory.choices)
    appraised_on = models.DateField("评议日期")
    note = models.CharField("备注", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员评议结果"
        verbose_name_plural = "党员评议结果"
        ordering = ["round", "organization__path", "member__name", "id"]
        indexes = [models.Index(fields=["year", "category"]), models.Index(fields=["appraised_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member"],
                name="member_appraised_once_a_year",
                violation_error_message="该党员本年度已有评议结果",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年度 {self.grade}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:round_grades", args=[self.round_id, self.organization.code])


class AppraisalFollowUp(Versioned, models.Model):
    """The disposal of a member appraised 不合格: 限期改正 (with its deadline), 劝其退党 or 除名."""

    appraisal = models.OneToOneField(
        MemberAppraisal, verbose_name="评议结果", on_delete=models.PROTECT, related_name="follow_up"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="appraisal_follow_ups"
    )
    disposal = models.CharField("处置方式", max_length=20, choices=Disposal.choices)
    decided_on = models.DateField("决定日期")
    deadline = models.DateField("改正期限", null=True, blank=True)
    document_no = models.CharField("决定文号", max_length=100, blank=True)
    note = models.CharField("情况说明", max_length=200, blank=True)
    result = models.CharField("处置结果", max_length=20, choices=FollowUpResult.choices, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # The leaving-the-Party record (members' own) when the follow-up ended in 劝退 or 除名.
    departure = models.OneToOneField(
        Departure,
        verbose_name="出党记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisal_follow_up",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "不合格党员处置"
        verbose_name_plural = "不合格党员处置"
        ordering = ["closed_on", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(disposal=Disposal.CORRECTION) | Q(deadline__isnull=False),
                name="follow_up_correction_has_deadline",
                violation_error_message="限期改正须有改正期限",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=models.F("decided_on")),
                name="follow_up_deadline_after_decision",
                violation_error_message="改正期限应晚于决定日期",
            ),
            models.CheckConstraint(
                condition=(Q(result="") & Q(closed_on__isnull=True))
                | (~Q(result="") & Q(closed_on__isnull=False)),
                name="follow_up_closed_with_result",
                violation_error_message="办结须有处置结果和办结日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal.member} {self.get_disposal_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:follow_up_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class TeamAppraisal(Versioned, models.Model):
    """Members' satisfaction votes (民主测评) on a committee's or branch's leadership team in a round."""

    round = models.ForeignKey(
        AppraisalRound, verbose_name="民主评议", on_delete=models.PROTECT, related_name="team_appraisals"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="被测评班子", on_delete=models.PROTECT, related_name="team_appraisals"
    )
    satisfied = models.PositiveIntegerField("满意")
    basically_satisfied = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "班子民主测评"
        verbose_name_plural = "班子民主测评"
        ordering = ["round", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"],
                name="team_appraised_once_a_round",
                violation_error_message="该班子已在本次评议中测评",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}班子民主测评"

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        """满意和基本满意 over all votes, as a percentage."""
        if not self.votes:
            return None
        return round((self.satisfied + self.basically_satisfied) * 100 / self.votes, 2)
