"""Party members and their dated history."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.fieldcrypto import EncryptedIdField, IdHashField
from core.idcard import mask_id_number, validate_id_number
from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import MINORITY_GROUPS, LeaveReason, MemberStatus, PeriodReason
from .person import PersonFields


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class MemberQuerySet(ScopedQuerySet):
    def current(self) -> MemberQuerySet:
        """Members who have not left the Party (or the county)."""
        return self.filter(left_on__isnull=True)

    def on(self, day: dt.date) -> MemberQuerySet:
        """Members who were members on ``day`` (from history)."""
        # One filter() call: both conditions must hold on the SAME period row
        # (two calls would join twice and count a gap between two periods).
        return self.filter(
            Q(periods__start_on__lte=day) & (Q(periods__end_on__isnull=True) | Q(periods__end_on__gt=day))
        ).distinct()


class Member(Versioned, PersonFields):
    """A Party member (预备党员 or 正式党员) and the fields of the national member-information record."""

    # Encrypted at rest (core.fieldcrypto); found and kept unique through the keyed hashes below.
    id_number = EncryptedIdField("公民身份号码", validators=[validate_id_number])
    id_number_hash = IdHashField(
        "公民身份号码检索码",
        source="id_number",
        unique=True,
        error_messages={"unique": "该公民身份号码已登记"},
    )
    # The list search and the member picker find a member by the last 4+ characters (members.filters).
    id_number_tail_hash = IdHashField("公民身份号码末4位检索码", source="id_number", tail=4, db_index=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        Organization,
        verbose_name="所在党小组",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        limit_choices_to={"kind": "GROUP"},
    )
    status = models.CharField("党员类型", max_length=20, choices=MemberStatus.choices)
    joined_on = models.DateField("入党日期")
    full_on = models.DateField("转正日期", null=True, blank=True)
    is_retired = models.BooleanField("离退休", default=False)
    is_rural = models.BooleanField("农村党员", default=False)
    is_hardship = models.BooleanField("困难党员", default=False)
    is_mobile = models.BooleanField("流动党员", default=False)
    left_on = models.DateField("离开日期", null=True, blank=True)
    leave_reason = models.CharField("离开原因", max_length=30, choices=LeaveReason.choices, blank=True)
    leave_note = models.CharField("离开说明", max_length=200, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization__path", "name", "id"]
        indexes = [
            models.Index(fields=["organization", "left_on"]),
            models.Index(fields=["name"]),
            models.Index(fields=["joined_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gte=models.F("joined_on")),
                name="member_full_after_joined",
                violation_error_message="转正日期不能早于入党日期",
            ),
            models.CheckConstraint(
                condition=Q(joined_on__gt=models.F("birth_date")),
                name="member_joined_after_birth",
                violation_error_message="入党日期应晚于出生日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def is_minority(self) -> bool:
        return self.ethnicity in MINORITY_GROUPS

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def party_age_years(self) -> int | None:
        """Party age (党龄) counts from becoming a full member."""
        if not self.full_on:
            return None
        return age_on(self.full_on, self.left_on or dt.date.today())


class MemberPeriodQuerySet(ScopedQuerySet):
    def on(self, day: dt.date) -> MemberPeriodQuerySet:
        """Periods in force on ``day``: at most one per member."""
        return self.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))


class MemberPeriod(models.Model):
    """A span during which a member belonged to one organization with one status.

    ``start_on`` is the first day, ``end_on`` the first day no longer true
    (open when null).  A member's periods never overlap, so "members of X on
    D" is one query over this table.
    """

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.CASCADE, related_name="periods")
    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="member_periods"
    )
    status = models.CharField("党员类型", max_length=20, choices=MemberStatus.choices)
    start_on = models.DateField("起始日期")
    end_on = models.DateField("截止日期", null=True, blank=True)
    start_reason = models.CharField("起始原因", max_length=20, choices=PeriodReason.choices)
    end_reason = models.CharField("截止原因", max_length=20, choices=PeriodReason.choices, blank=True)
    document_no = models.CharField("文号/介绍信编号", max_length=100, blank=True)

    objects = MemberPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "党员组织关系记录"
        verbose_name_plural = "党员组织关系记录"
        ordering = ["member", "start_on", "id"]
        indexes = [
            models.Index(fields=["organization", "start_on", "end_on"]),
            models.Index(fields=["start_reason", "start_on"]),
            models.Index(fields=["end_reason", "end_on"]),
            # "this member's admission period in the year" (admissions(): new members, plan completion),
            # an EXISTS per member: without it SQLite walks the whole year's admissions for each member
            # through (start_reason, start_on); 225 ms → 16–28 ms on the demo county
            models.Index(fields=["member", "start_reason", "start_on"], name="period_member_reason_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="period_end_after_start",
                violation_error_message="截止日期不能早于起始日期",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end_on__isnull=True),
                name="one_open_period_per_member",
                violation_error_message="同一党员只能有一条当前组织关系记录",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.organization} {self.start_on}–{self.end_on or '今'}"
