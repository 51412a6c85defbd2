"""Members in motion: transfers (组织关系转接), certificates, mobile members, leaving, lost contact, 恢复党籍."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.fieldcrypto import EncryptedIdField, IdHashField
from core.idcard import mask_id_number, validate_id_number
from core.scopes import ScopedQuerySet, scope_root, sees_everything
from core.validators import validate_person_name, validate_phone
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import ETHNICITY_CHOICES, HAN, Education, Gender, LeaveReason, MemberStatus, Occupation
from .member import Member

__all__ = [
    "Certificate",
    "Departure",
    "LostContact",
    "MobileRegistration",
    "Restoration",
    "Transfer",
    "TransferKind",
    "TransferQuerySet",
    "TransferStatus",
]


def party_title(name: str) -> str:
    """An organization's name as a document signs it: 中共 in front, once (中共新华镇委员会, 中共各甫村党支部)."""
    return name if name.startswith("中共") else f"中共{name}"


class TransferKind(models.TextChoices):
    OUT = "OUT", "转出县外"
    IN = "IN", "从县外转入"
    INTERNAL = "INTERNAL", "县内转接"


class TransferStatus(models.TextChoices):
    PENDING = "PENDING", "办理中"
    COMPLETED = "COMPLETED", "已完成"
    VOID = "VOID", "已作废"


class TransferQuerySet(ScopedQuerySet):
    """Both ends see a transfer: the sending side and the receiving side."""

    def visible_to(self, user: Any) -> TransferQuerySet:
        if sees_everything(user):
            return self
        root = scope_root(user)
        if root is None:
            return self.none()
        return self.within(root)

    def within(self, org: Organization) -> TransferQuerySet:
        return self.filter(Q(from_org__path__subtree=org.path) | Q(to_org__path__subtree=org.path))

    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)

    def overdue_on(self, day: dt.date) -> TransferQuerySet:
        """Letters still open after their validity ran out (no receipt / not accepted)."""
        return self.pending().filter(valid_until__lt=day)


class Transfer(Versioned, models.Model):
    """A transfer of a member's organization relationship, documented by a 介绍信 and its 回执."""

    kind = models.CharField("转接类型", max_length=10, choices=TransferKind.choices)
    status = models.CharField(
        "办理状态", max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    letter_no = models.CharField("介绍信编号", max_length=50)
    member = models.ForeignKey(
        Member,
        verbose_name="党员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        help_text="从县外转入的，接收后才与党员档案关联。",
    )
    # The person as the letter describes them: a snapshot for the printed
    # letter, and for a transfer into the county the data the record is built from.
    person_name = models.CharField("姓名", max_length=50, validators=[validate_person_name])
    person_gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    person_ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default=HAN)
    person_birth_date = models.DateField("出生日期")
    person_id_number = EncryptedIdField("公民身份号码", validators=[validate_id_number])  # core.fieldcrypto
    person_id_number_hash = IdHashField("公民身份号码检索码", source="person_id_number")
    person_status = models.CharField("党员类型", max_length=20, choices=MemberStatus.choices)
    person_joined_on = models.DateField("入党日期")
    person_full_on = models.DateField("转正日期", null=True, blank=True)
    person_education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    person_occupation = models.CharField("人员类别", max_length=20, choices=Occupation.choices, blank=True)
    person_phone = models.CharField("手机号码", max_length=20, blank=True, validators=[validate_phone])
    person_work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    from_org = models.ForeignKey(
        Organization,
        verbose_name="转出党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_out",
    )
    from_external = models.CharField("转出党组织（县外）", max_length=100, blank=True)
    to_org = models.ForeignKey(
        Organization,
        verbose_name="接收党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
    )
    to_external = models.CharField("接收党组织（县外）", max_length=100, blank=True)
    issued_on = models.DateField("开具日期")
    validity_days = models.PositiveSmallIntegerField("有效期（天）")
    valid_until = models.DateField("有效期至")
    dues_paid_until = models.DateField("党费缴至（月）", null=True, blank=True)
    reason = models.CharField("转接原因", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="重开自",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开具经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["kind", "completed_on"]),
            models.Index(fields=["person_id_number_hash"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="transfer_valid_after_issued",
                violation_error_message="有效期截止日期不能早于开具日期",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=TransferKind.OUT, from_org__isnull=False, to_org__isnull=True)
                    | Q(kind=TransferKind.IN, from_org__isnull=True, to_org__isnull=False)
                    | Q(kind=TransferKind.INTERNAL, from_org__isnull=False, to_org__isnull=False)
                ),
                name="transfer_ends_match_kind",
                violation_error_message="转出、接收党组织与转接类型不符",
            ),
            models.UniqueConstraint(
                fields=["kind", "letter_no"],
                condition=~Q(status=TransferStatus.VOID),
                name="transfer_letter_no_unique",
                violation_error_message="该介绍信编号已被使用",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_no} {self.person_name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("members:transfer_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.person_id_number)

    @property
    def printed_no(self) -> str:
        """The number as the letter prints it: 富组转〔2026〕88号 as it is, a bare 88 as 第88号 (never 号 twice)."""
        number = self.letter_no.strip()
        return number if number.endswith("号") else f"第{number}号"

    @property
    def sender_seal(self) -> str:
        """Whose seal the letter bears: 中共 and the sending organization's name (中共 once)."""
        return party_title(self.from_name)

    @property
    def from_name(self) -> str:
        return self.from_org.name if self.from_org_id else self.from_external

    @property
    def to_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.to_external

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

    @property
    def waiting_for(self) -> str:
        """What the open letter waits for: the receipt (out of the county) or acceptance."""
        return "待回执" if self.kind == TransferKind.OUT else "待接收"

    @property
    def status_label(self) -> str:
        return self.waiting_for if self.is_pending else self.get_status_display()

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.is_pending and self.valid_until < day


class Certificate(models.Model):
    """A 证明信 / 党员身份证明 for a member away for six months or less."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="certificates"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="出具党组织", on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(
        "证明编号", max_length=50, unique=True, error_messages={"unique": "该证明编号已被使用"}
    )
    issued_on = models.DateField("出具日期")
    destination = models.CharField("前往地点（单位）", max_length=100)
    reason = models.CharField("外出事由", max_length=200)
    valid_until = models.DateField("有效期至")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员身份证明"
        verbose_name_plural = "党员身份证明"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_after_issued",
                violation_error_message="有效期截止日期不能早于出具日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.member}"

    def get_absolute_url(self) -> str:
        return reverse("members:certificate_detail", args=[self.pk])

    @property
    def issuer_seal(self) -> str:
        """Whose seal the certificate bears (中共 once)."""
        return party_title(self.organization.name)


class MobileRegistration(models.Model):
    """A 流动党员 entry: where the member went and the home branch that keeps managing them."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="mobile_registrations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="管理党支部",
        on_delete=models.PROTECT,
        related_name="mobile_registrations",
        help_text="流动党员由原所在党支部（流出地）管理。",
    )
    destination = models.CharField("流入地点", max_length=100)
    work_unit = models.CharField("外出单位/从业情况", max_length=100, blank=True)
    contact = models.CharField("联系方式", max_length=50)
    since = models.DateField("外出日期")
    until = models.DateField("返回日期", null=True, blank=True)
    card_no = models.CharField("流动党员活动证编号", max_length=50, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "流动党员登记"
        verbose_name_plural = "流动党员登记"
        ordering = ["-since", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="mobile_until_after_since",
                violation_error_message="返回日期不能早于外出日期",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(until__isnull=True),
                name="one_open_mobile_registration",
                violation_error_message="该党员已登记为流动党员",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination}"

    @property
    def is_open(self) -> bool:
        return self.until is None


class Departure(models.Model):
    """How and when a member left (死亡, 出党, 停止党籍), with the document that decided it."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="departures"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="departures"
    )
    reason = models.CharField("处置方式", max_length=30, choices=LeaveReason.choices)
    day = models.DateField("日期")
    document_no = models.CharField("文号", max_length=100, blank=True)
    note = models.CharField("原因说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员出党/离开记录"
        verbose_name_plural = "党员出党/离开记录"
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["reason", "day"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_reason_display()} {self.day:%Y-%m-%d}"


class LostContact(Versioned, models.Model):
    """A member the branch has lost contact with (失联), the measures taken and how it ended.

    党员教育管理工作条例 (2019) 第24条: lost for 6 months and still not
    reachable, the branch proposes 停止党籍 (it ends this record); 2 years
    after that, still not reachable, 除名.  Contact that comes back ends it too.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="lost_contacts"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="lost_contacts"
    )
    since = models.DateField("失去联系日期")
    measures = models.TextField("采取的措施", blank=True)
    resolved_on = models.DateField("恢复联系/处置日期", null=True, blank=True)
    resolution = models.CharField("处置结果", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "失联党员"
        verbose_name_plural = "失联党员"
        ordering = ["since", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("since")),
                name="lost_contact_resolved_after_since",
                violation_error_message="恢复联系日期不能早于失去联系日期",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(resolved_on__isnull=True),
                name="one_open_lost_contact",
                violation_error_message="该党员已登记为失联党员",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} 自{self.since:%Y-%m-%d}失联"

    def get_absolute_url(self) -> str:
        return reverse("members:lost_contact_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Restoration(models.Model):
    """恢复党籍: a member whose 党籍 was suspended (停止党籍) is back on the roll from ``day``.

    The member's history opens a new period with the reason 恢复党籍 on that
    day (the member change table counts it there); the 停止党籍 before it stays
    in the history and in the departures, as it happened.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="restorations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="恢复党籍后所在党组织",
        on_delete=models.PROTECT,
        related_name="restorations",
    )
    suspended_on = models.DateField("停止党籍日期")
    day = models.DateField("恢复党籍日期")
    document_no = models.CharField("批准文号", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    transfer = models.OneToOneField(
        Transfer,
        verbose_name="随转入介绍信",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restoration",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "恢复党籍记录"
        verbose_name_plural = "恢复党籍记录"
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(day__gte=models.F("suspended_on")),
                name="restoration_after_suspension",
                violation_error_message="恢复党籍日期不能早于停止党籍日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.day:%Y-%m-%d}恢复党籍"
