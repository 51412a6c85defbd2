"""目标管理责任书: templates of target items, the agreements signed level by level, their year-end scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scopes import ScopedQuerySet, scope_root, sees_everything
from core.versioning import Versioned
from members.models import Member
from organizations.models import Organization

from ..choices import AgreementLevel, AgreementStatus, Exemption, RewardKind

POINTS = {
    "max_digits": 6,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"), "分值不能为负数")],
}


class TemplateQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> TemplateQuerySet:
        """Templates of the user's subtree, and those handed down from above (a branch uses its county's)."""
        if sees_everything(user):
            return self
        root = scope_root(user)
        if root is None:
            return self.none()
        return self.filter(
            Q(organization__path__subtree=root.path) | Q(organization__path__in=root.ancestor_paths())
        )

    def usable_for(self, org: Organization) -> TemplateQuerySet:
        """Templates ``org`` may issue agreements from: its own and its superiors'."""
        return self.filter(organization__path__in=[*org.ancestor_paths(), org.path])


class TemplateItemQuerySet(ScopedQuerySet):
    scope_path = "template__organization__path"


class ByAgreementQuerySet(ScopedQuerySet):
    """Rows belonging to an agreement are seen where the agreement is."""

    scope_path = "agreement__subject__path"


class AgreementTemplate(Versioned, models.Model):
    """A template of target items (责任书模板) from which agreements of a year are issued in bulk."""

    organization = models.ForeignKey(
        Organization, verbose_name="制定单位", on_delete=models.PROTECT, related_name="agreement_templates"
    )
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("签订对象", max_length=20, choices=AgreementLevel.choices)
    title = models.CharField("责任书名称", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "责任书模板"
        verbose_name_plural = "责任书模板"
        ordering = ["-year", "organization__path", "level", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.organization}）"

    def get_absolute_url(self) -> str:
        return reverse("assessments:template_detail", args=[self.pk])


class TemplateItem(models.Model):
    """One target item of a template: what is to be done, its points, how it is measured."""

    template = models.ForeignKey(
        AgreementTemplate, verbose_name="责任书模板", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号")
    content = models.CharField("目标任务", max_length=300)
    points = models.DecimalField("分值", **POINTS)
    measure = models.CharField("考核方式", max_length=200, blank=True)

    objects = TemplateItemQuerySet.as_manager()

    class Meta:
        verbose_name = "模板目标项"
        verbose_name_plural = "模板目标项"
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.content}"


class AgreementQuerySet(ScopedQuerySet):
    # The lower party's organization (the committee or branch that signed, the member's branch):
    # a branch sees its own agreement with its committee and those of its members.
    scope_path = "subject__path"

    def for_members(self) -> AgreementQuerySet:
        return self.filter(level=AgreementLevel.MEMBER)

    def for_organizations(self) -> AgreementQuerySet:
        return self.filter(level=AgreementLevel.ORGANIZATION)

    def signed(self) -> AgreementQuerySet:
        return self.filter(signed_on__isnull=False)


class TargetAgreement(Versioned, models.Model):
    """A 目标管理责任书 of a year between an organization (甲方) and a lower organization or a member (乙方).

    A member exempt this year (高龄农村党员, 离退休党员 …) keeps a row with the
    reason and no items, so the roster lists the exemption rather than a gap.
    """

    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("签订对象", max_length=20, choices=AgreementLevel.choices)
    organization = models.ForeignKey(
        Organization, verbose_name="甲方（上级）", on_delete=models.PROTECT, related_name="agreements_issued"
    )
    subject = models.ForeignKey(
        Organization,
        verbose_name="乙方党组织",
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="签订责任书的下级党组织；党员责任书为党员所在党组织。",
    )
    member = models.ForeignKey(
        Member,
        verbose_name="乙方党员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="所用模板",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    title = models.CharField("责任书名称", max_length=100)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    exemption = models.CharField("免签原因", max_length=20, choices=Exemption.choices, blank=True)
    exemption_note = models.CharField("免签说明", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "目标管理责任书"
        verbose_name_plural = "目标管理责任书"
        ordering = ["-year", "subject__path", "id"]
        indexes = [
            models.Index(fields=["year", "level", "signed_on"]),
            models.Index(fields=["organization", "year"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member"],
                condition=Q(member__isnull=False),
                name="agreement_one_per_member_year",
                violation_error_message="该党员本年度已有目标管理责任书",
            ),
            models.UniqueConstraint(
                fields=["year", "subject"],
                condition=Q(member__isnull=True),
                name="agreement_one_per_org_year",
                violation_error_message="该党组织本年度已有目标管理责任书",
            ),
            models.CheckConstraint(
                condition=Q(exemption="") | Q(signed_on__isnull=True),
                name="agreement_exempt_not_signed",
                violation_error_message="免签的党员不能登记签订日期",
            ),
            models.CheckConstraint(
                condition=(Q(level=AgreementLevel.MEMBER) & Q(member__isnull=False))
                | (Q(level=AgreementLevel.ORGANIZATION) & Q(member__isnull=True) & Q(exemption="")),
                name="agreement_level_matches_party",
                violation_error_message="党员责任书须有乙方党员，党组织责任书不能有乙方党员或免签原因",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.party_name}目标管理责任书"

    def get_absolute_url(self) -> str:
        return reverse("assessments:agreement_detail", args=[self.pk])

    @property
    def party_name(self) -> str:
        """The lower party (乙方): the member, or the organization."""
        return self.member.name if self.member_id else self.subject.name

    @property
    def status(self) -> str:
        if self.exemption:
            return AgreementStatus.EXEMPT
        return AgreementStatus.SIGNED if self.signed_on else AgreementStatus.PENDING

    @property
    def status_label(self) -> str:
        return AgreementStatus(self.status).label


class AgreementItem(models.Model):
    """One target item of an agreement (copied from its template) and, at year end, its score."""

    agreement = models.ForeignKey(
        TargetAgreement, verbose_name="目标管理责任书", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号")
    content = models.CharField("目标任务", max_length=300)
    points = models.DecimalField("分值", **POINTS)
    measure = models.CharField("考核方式", max_length=200, blank=True)
    score = models.DecimalField(
        "得分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), "得分不能为负数")],
    )
    score_note = models.CharField("扣分说明", max_length=200, blank=True)

    objects = ByAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "责任书目标项"
        verbose_name_plural = "责任书目标项"
        ordering = ["agreement", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=models.F("points")),
                name="agreement_item_score_within_points",
                violation_error_message="得分不能超过该项分值",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.content}"


class AssessmentScore(Versioned, models.Model):
    """The year-end scoring (考核评分) of one agreement: the total of its items, the grade, reward or penalty."""

    agreement = models.OneToOneField(
        TargetAgreement, verbose_name="目标管理责任书", on_delete=models.CASCADE, related_name="score"
    )
    total = models.DecimalField(
        "总分", max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    grade = models.CharField("考核等次", max_length=20)
    reward_kind = models.CharField("奖惩", max_length=20, choices=RewardKind.choices, default=RewardKind.NONE)
    reward_note = models.CharField("奖惩内容", max_length=200, blank=True)
    scored_on = models.DateField("考核日期")
    assessors = models.CharField("考核组", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ByAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "考核评分"
        verbose_name_plural = "考核评分"
        ordering = ["-total", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reward_kind__in=[RewardKind.REWARD, RewardKind.PENALTY]) | ~Q(reward_note=""),
                name="score_reward_has_content",
                violation_error_message="奖励或处罚须填写奖惩内容",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.total}分 {self.grade}"

    def get_absolute_url(self) -> str:
        return self.agreement.get_absolute_url()


__all__ = [
    "AgreementItem",
    "AgreementTemplate",
    "AssessmentScore",
    "TargetAgreement",
    "TemplateItem",
]
