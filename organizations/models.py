"""The organization tree, its history, leadership posts, rule settings and users."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.dates import add_years
from core.fieldcrypto import EncryptedIdField
from core.importjobs import ImportJobBase
from core.scopes import PathField, ScopedQuerySet
from core.versioning import Versioned

from .choices import (
    NOT_COUNTED_FORMS,
    BranchForm,
    OrgCategory,
    OrgEventKind,
    OrgKind,
    PostTitle,
    RegulationCategory,
    Role,
)
from .rules import TermYears

PATH_SEGMENT = 7  # digits per level: ten million organizations per database


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT}d}/"


class OrganizationQuerySet(ScopedQuerySet):
    scope_path = "path"

    def existing_on(self, day: dt.date) -> OrganizationQuerySet:
        """Organizations that had been established and not yet closed on ``day``."""
        return self.filter(established_on__lte=day).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )

    def active(self) -> OrganizationQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def counted_branches(self) -> OrganizationQuerySet:
        """党支部 as the statistics count them: temporary and functional branches left out."""
        return self.filter(kind=OrgKind.BRANCH).exclude(form__in=NOT_COUNTED_FORMS)

    def established_between(self, start: dt.date, end: dt.date) -> OrganizationQuerySet:
        return self.filter(established_on__gte=start, established_on__lte=end)

    def dissolved_between(self, start: dt.date, end: dt.date) -> OrganizationQuerySet:
        return self.filter(dissolved_on__gte=start, dissolved_on__lte=end)


code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,32}$", "党组织代码只能由字母、数字、下划线或短横线组成（不超过32位）"
)


class Organization(Versioned, models.Model):
    """A node of the Party organization tree (县委 … 党小组)."""

    code = models.CharField("党组织代码", max_length=32, unique=True, validators=[code_validator])
    name = models.CharField("党组织名称", max_length=100)
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    category = models.CharField("组织类别", max_length=20, choices=OrgCategory.choices)
    form = models.CharField(
        "设置形式",
        max_length=20,
        choices=BranchForm.choices,
        default=BranchForm.REGULAR,
        help_text="临时党支部和功能型党支部不计入党支部统计，也不发展党员。",
    )
    covered_units = models.CharField(
        "联合单位", max_length=300, blank=True, help_text="联合党支部覆盖的单位，用“、”分隔。"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = PathField("路径", max_length=255, db_index=True, editable=False, blank=True)
    established_on = models.DateField("成立日期")
    dissolved_on = models.DateField("撤销/合并日期", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="合并后党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    can_approve_members = models.BooleanField(
        "具有审批发展党员权限",
        default=False,
        help_text="党总支和村（社区）党委一般不具有审批权，由县委组织部设定。",
    )
    term_years = models.PositiveSmallIntegerField(
        "任期（年）",
        null=True,
        blank=True,
        help_text="留空按规定：基层党委5年，党总支、党支部3年，村、社区党组织5年，党工委不实行任期制。",
    )
    term_started_on = models.DateField("本届班子产生日期", null=True, blank=True)
    sort_order = models.IntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("established_on")),
                name="org_dissolved_after_established",
                violation_error_message="撤销日期不能早于成立日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.code])

    def clean(self) -> None:
        super().clean()
        if self.form != BranchForm.REGULAR and self.kind != OrgKind.BRANCH:
            raise ValidationError({"form": "只有党支部可以设为联合党支部、临时党支部或功能型党支部"})
        self.covered_units = self.covered_units.strip()
        if self.form == BranchForm.JOINT and not self.covered_units:
            raise ValidationError({"covered_units": "联合党支部须填写联合单位"})
        if self.form != BranchForm.JOINT:
            self.covered_units = ""

    @property
    def counts_as_branch(self) -> bool:
        """A 党支部 the statistics count (not a temporary or functional one)."""
        return self.kind == OrgKind.BRANCH and self.form not in NOT_COUNTED_FORMS

    @property
    def develops_members(self) -> bool:
        """Temporary and functional branches do not develop members (their members belong elsewhere)."""
        return self.form not in NOT_COUNTED_FORMS

    @property
    def depth(self) -> int:
        return self.path.count("/")

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def existed_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.dissolved_on is None or self.dissolved_on > day)

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first (this node excluded)."""
        parts = self.path.split("/")[:-1]
        return ["".join(f"{p}/" for p in parts[:i]) for i in range(1, len(parts))]

    def ancestors(self) -> OrganizationQuerySet:
        return Organization.objects.filter(path__in=self.ancestor_paths()).order_by("path")

    def is_descendant_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path)

    def term_years_in(self, terms: TermYears) -> int | None:
        """Years of this organization's term under ``terms`` (its own setting first); None: no term."""
        return self.term_years or terms.for_kind(self.kind, self.category)

    def term_end_in(self, terms: TermYears) -> dt.date | None:
        """The day the current team's term ends, or None (no term, or no team on record)."""
        years = self.term_years_in(terms)
        if not years or not self.term_started_on:
            return None
        return add_years(self.term_started_on, years)

    @property
    def effective_term_years(self) -> int | None:
        """One organization's term (one query for the rules; lists pass ``TermYears`` to ``term_years_in``)."""
        return self.term_years_in(TermYears.current())

    @property
    def term_ends_on(self) -> dt.date | None:
        return self.term_end_in(TermYears.current())


class OrgEvent(models.Model):
    """A dated change in an organization's life: established, renamed, moved, merged, dissolved."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事项", max_length=20, choices=OrgEventKind.choices)
    date = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    old_value = models.CharField("变更前", max_length=200, blank=True)
    new_value = models.CharField("变更后", max_length=200, blank=True)
    # For a move: the parent before it (``related`` is the parent after).  With
    # the event date this lets reports rebuild the tree as it stood on any day.
    previous_parent = models.ForeignKey(
        Organization,
        verbose_name="原上级党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    related = models.ForeignKey(
        Organization,
        verbose_name="相关党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        "organizations.User", verbose_name="经办人", on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织沿革"
        verbose_name_plural = "党组织沿革"
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.date:%Y-%m-%d}"


class LeadershipPostQuerySet(ScopedQuerySet):
    def current_on(self, day: dt.date) -> LeadershipPostQuerySet:
        return self.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))


class LeadershipPost(Versioned, models.Model):
    """A post in an organization's leadership team (书记, 副书记, 委员 …), held for a span of time."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField("职务", max_length=20, choices=PostTitle.choices)
    holder_name = models.CharField("任职人姓名", max_length=50)
    holder_id_number = EncryptedIdField(
        "任职人公民身份号码", blank=True
    )  # encrypted at rest (core.fieldcrypto)
    start_on = models.DateField("任职日期")
    end_on = models.DateField("离任日期", null=True, blank=True)
    document_no = models.CharField("任职文号", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = LeadershipPostQuerySet.as_manager()

    class Meta:
        verbose_name = "班子职务"
        verbose_name_plural = "班子职务"
        ordering = ["organization", "title", "start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="post_end_after_start",
                violation_error_message="离任日期不能早于任职日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_title_display()} {self.holder_name}"


class Regulation(Versioned, models.Model):
    """A regulation (制度) an organization adopted: its title, which standard system it is, adopted and revised."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="regulations"
    )
    title = models.CharField("制度名称", max_length=100)
    category = models.CharField("制度类别", max_length=30, choices=RegulationCategory.choices)
    adopted_on = models.DateField("制定日期")
    revised_on = models.DateField("最近修订日期", null=True, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    posted_on_wall = models.BooleanField(
        "已上墙", default=False, help_text="制度已在活动场所张贴公开（墙上挂）。"
    )
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "制度"
        verbose_name_plural = "制度"
        ordering = ["organization__path", "category", "-adopted_on", "id"]
        indexes = [models.Index(fields=["adopted_on"]), models.Index(fields=["revised_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(revised_on__isnull=True) | Q(revised_on__gte=models.F("adopted_on")),
                name="regulation_revised_after_adopted",
                violation_error_message="修订日期不能早于制定日期",
            ),
            models.CheckConstraint(
                condition=Q(repealed_on__isnull=True) | Q(repealed_on__gte=models.F("adopted_on")),
                name="regulation_repealed_after_adopted",
                violation_error_message="废止日期不能早于制定日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}《{self.title}》"

    def get_absolute_url(self) -> str:
        return reverse("organizations:regulation_detail", args=[self.pk])

    @property
    def in_force(self) -> bool:
        return self.repealed_on is None


class RuleSetting(models.Model):
    """A configurable rule value (公示天数, 介绍信有效期 …), editable in admin; defaults live in rules.py."""

    key = models.CharField("参数", max_length=64, unique=True)
    value = models.CharField("取值", max_length=200)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "业务规则参数"
        verbose_name_plural = "业务规则参数"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.note or self.key} = {self.value}"


class User(AbstractUser):
    """A log-in bound to one organization and one role; the organization is the scope."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="所属党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.BRANCH_SECRETARY)
    full_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class DocumentKind(models.TextChoices):
    TRANSFER_LETTER = "TRANSFER_LETTER", "组织关系介绍信"
    CERTIFICATE = "CERTIFICATE", "党员身份证明"


class DocumentSequence(models.Model):
    """The running number of one kind of document an organization issues in a year (富组转〔2026〕88号)."""

    organization = models.ForeignKey(
        Organization, verbose_name="出具党组织", on_delete=models.PROTECT, related_name="document_sequences"
    )
    kind = models.CharField("文书种类", max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    prefix = models.CharField(
        "编号前缀",
        max_length=40,
        help_text="如：富组转〔2026〕。编号为前缀、序号加“号”，如：富组转〔2026〕88号。",
    )
    last_number = models.PositiveIntegerField("已用到序号", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "文书编号"
        verbose_name_plural = "文书编号"
        ordering = ["-year", "organization", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year"],
                name="one_document_sequence_per_year",
                violation_error_message="该党组织本年度已有此类文书的编号",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "prefix"],
                name="document_prefix_unique",
                violation_error_message="该编号前缀本年度已被其他党组织使用",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}年{self.get_kind_display()}（{self.prefix}）"

    def clean(self) -> None:
        self.prefix = (self.prefix or "").strip()
        if not self.prefix:
            raise ValidationError({"prefix": "请填写编号前缀"})
        if self.prefix.endswith("号"):
            raise ValidationError({"prefix": "编号前缀不要以“号”结尾：序号之后自动加“号”"})

    def number(self, serial: int) -> str:
        """The document number for ``serial``: 富组转〔2026〕88号."""
        return f"{self.prefix}{serial}号"


class OrgImportJob(ImportJobBase):
    """One upload of the organization sheet, imported by the task worker: progress and outcome."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="导入人所属党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta(ImportJobBase.Meta):
        verbose_name = "党组织导入任务"
        verbose_name_plural = "党组织导入任务"


class OrgLineage(models.Model):
    """The tree as it stood on every day: ``ancestor`` was above (or is) ``descendant`` from ``start_on``.

    A dated closure table (one row per ancestor, descendant and span, the node
    itself included at depth 0), kept by ``organizations.lineage`` from the
    establishments, moves and closings.  ``path`` answers "the subtree today";
    this table answers "the subtree on 2025-12-31" and "in X's subtree on the
    day it happened", each one indexed query, so figures of a past period do
    not change when a branch is moved today.  A closure table rather than dated
    paths: a dated path would have to be re-dated for every descendant of a
    moved node as well, and "which nodes were under X on D" would need a
    prefix match per span of X's own path instead of one equality on ``ancestor``.
    """

    ancestor = models.ForeignKey(
        Organization, verbose_name="上级党组织", on_delete=models.CASCADE, related_name="+"
    )
    descendant = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.CASCADE, related_name="lineage"
    )
    depth = models.PositiveSmallIntegerField("相隔层级")
    start_on = models.DateField("起始日期")
    end_on = models.DateField("截止日期", null=True, blank=True)  # the first day no longer true

    class Meta:
        verbose_name = "党组织隶属沿革"
        verbose_name_plural = "党组织隶属沿革"
        ordering = ["descendant", "depth", "start_on"]
        indexes = [
            models.Index(fields=["ancestor", "start_on", "end_on"]),
            models.Index(fields=["descendant", "ancestor", "start_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}⊇{self.descendant_id} {self.start_on}–{self.end_on or '今'}"
