"""Writes for members' dues categories and bases (党费核定), and for how an organization collects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.money import parse_amount
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from members.models import Member
from organizations.models import Organization

from .. import months as m
from ..choices import RATE_CATEGORIES, DuesCategory
from ..models import DuesAssessment, DuesSchedule
from ..selectors.levy import Standards

#: Fields ``dues_assessment_update`` may change.
ASSESSMENT_FIELDS = ("category", "income", "amount", "note")


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _validate(assessment: DuesAssessment, standards: Standards) -> None:
    """One rule per check, each naming its field."""
    month = assessment.effective_from
    if assessment.category not in DuesCategory.values:
        raise ValidationError({"category": "请选择党员类别"})
    if month.day != 1:
        raise ValidationError({"effective_from": "起始月份应为某月1日"})
    if month > m.month_of(dt.date.today()) + dt.timedelta(days=366):
        raise ValidationError({"effective_from": "起始月份不能晚于一年以后"})
    if assessment.category in RATE_CATEGORIES:
        if assessment.income is None:
            raise ValidationError({"income": "在职和离退休党员请填写月计费基数（税后固定工资或离退休费）"})
        assessment.amount = None
    else:
        assessment.income = None
        rows = standards.in_force(assessment.category, m.index(month))
        if not rows:
            raise ValidationError({"category": f"{m.label(month)}没有该类别的党费标准"})
        rule = rows[0]
        if assessment.amount is not None:
            low = rule.amount_min if rule.amount_min is not None else rule.amount
            high = rule.amount_max if rule.amount_max is not None else rule.amount
            if not (low <= assessment.amount <= high):
                raise ValidationError(
                    {"amount": f"{rule.get_category_display()}每月定额应在{low}元至{high}元之间"}
                )
    if assessment.category == DuesCategory.EXEMPT and not assessment.note.strip():
        raise ValidationError({"note": "免交党费须经支部委员会讨论、上级党委批准，请在说明中写明批准情况"})
    member = assessment.member
    if member.left_on is not None and month >= m.month_of(member.left_on):
        raise ValidationError(
            {"effective_from": f"{member.name}已于{member.left_on:%Y-%m-%d}离开，不能再核定"}
        )
    assessment.full_clean(exclude=["member"], validate_unique=False)


def _money(value: Any, label: str, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return parse_amount(value, label=label, field=field)


@service
def dues_assessment_create(
    *,
    actor: Any,
    member: Member,
    effective_from: dt.date,
    category: str,
    income: Any = None,
    amount: Any = None,
    note: str = "",
) -> DuesAssessment:
    """Set a member's dues category and base from a month on (a salary rise from the month it took effect)."""
    lock_for_update(Member, member)  # two clerks assessing one member take turns
    check_can_edit(actor, member.organization)
    effective_from = m.month_of(effective_from)
    if DuesAssessment.objects.filter(member=member, effective_from=effective_from).exists():
        raise ValidationError(
            {"effective_from": f"{member.name}在{m.label(effective_from)}已有核定记录，请修改原记录"}
        )
    assessment = DuesAssessment(
        member=member,
        effective_from=effective_from,
        category=category,
        income=_money(income, "月计费基数", "income"),
        amount=_money(amount, "每月定额", "amount"),
        note=(note or "").strip(),
        recorded_by=_actor(actor),
    )
    _validate(assessment, Standards.load())
    assessment.save()
    return assessment


@service
def dues_assessment_update(
    *, actor: Any, assessment: DuesAssessment, expected_version: int | None = None, **changes: Any
) -> DuesAssessment:
    """Correct an assessment (a base typed wrong); only the fields the user changed are written."""
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"dues_assessment_update cannot change {sorted(unknown)}")
    lock_for_update(DuesAssessment, assessment, expected_version=expected_version)
    check_can_edit(actor, assessment.member.organization)
    if "income" in changes:
        changes["income"] = _money(changes["income"], "月计费基数", "income")
    if "amount" in changes:
        changes["amount"] = _money(changes["amount"], "每月定额", "amount")
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    for name, value in changes.items():
        setattr(assessment, name, value)
    _validate(assessment, Standards.load())
    changed = [name for name in ASSESSMENT_FIELDS if name in changes or name in ("income", "amount")]
    save_changed(assessment, changed)
    return assessment


@service
def dues_assess_many(
    *,
    actor: Any,
    members: Iterable[Member],
    effective_from: dt.date,
    category: str,
    amount: Any = None,
    note: str = "",
) -> list[DuesAssessment]:
    """Assess several members alike at once (a village branch's farmers, 每月1元), from one month."""
    if category in RATE_CATEGORIES:
        raise ValidationError({"category": "按收入比例交纳的党员基数各不相同，请逐人核定"})
    created = []
    for member in members:
        created.append(
            dues_assessment_create(
                actor=actor,
                member=member,
                effective_from=effective_from,
                category=category,
                amount=amount,
                note=note,
            )
        )
    if not created:
        raise ValidationError("请至少选择一名党员")
    return created


@service
def dues_schedule_set(
    *,
    actor: Any,
    organization: Organization,
    quarterly: bool,
    agreed_on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> DuesSchedule:
    """How ``organization`` collects: monthly, or quarterly as its members agreed (按季度交纳)."""
    check_can_edit(actor, organization)
    if quarterly and agreed_on is None:
        raise ValidationError({"agreed_on": "按季度交纳须经支部党员大会同意，请填写决定日期"})
    if agreed_on is not None and agreed_on > dt.date.today():
        raise ValidationError({"agreed_on": "决定日期不能晚于今天"})
    schedule = DuesSchedule.objects.filter(organization=organization).first()
    if schedule is None:
        schedule = DuesSchedule(
            organization=organization, quarterly=quarterly, agreed_on=agreed_on, note=note.strip()
        )
        schedule.full_clean()
        schedule.save()
        return schedule
    lock_for_update(DuesSchedule, schedule, expected_version=expected_version)
    schedule.quarterly, schedule.agreed_on, schedule.note = quarterly, agreed_on, note.strip()
    schedule.full_clean()
    save_changed(schedule, ["quarterly", "agreed_on", "note"])
    return schedule
