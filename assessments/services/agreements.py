"""Writes for 目标管理责任书: templates, issuing agreements in bulk (with exemptions), signing, scoring.

An agreement's items are copied from its template when it is issued, so a
template corrected later never changes what was signed.  Issuing and signing
for a whole branch or committee are one service call each, written in bulk
with their audit rows (``common.bulk_create_audited``): the same few queries
for 5 members or 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import years_before
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from members.models import Member
from organizations.choices import MEMBER_HOLDING_KINDS, NOT_COUNTED_FORMS, OrgKind
from organizations.models import Organization
from organizations.rules import GradeBands, get_rule, rules_in_force

from ..choices import AgreementLevel, Exemption, RewardKind
from ..models import AgreementItem, AgreementTemplate, AssessmentScore, TargetAgreement, TemplateItem
from .common import (
    actor_or_none,
    bulk_create_audited,
    bulk_update_audited,
    check_year,
    check_year_open,
    not_in_future,
)

#: Kinds of organization that sign an agreement with the level above (a 党小组 does not).
PARTY_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
#: Items of one agreement at most (a form page shows them all).
MAX_ITEMS = 30
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ItemSpec:
    """One target item as entered: what, how many points, how it is measured."""

    content: str
    points: Decimal
    measure: str = ""


def clean_items(items: Iterable[ItemSpec], field: str = "items") -> list[ItemSpec]:
    """Items without blank rows; each with content and points from 0 to 100."""
    cleaned = []
    for number, item in enumerate(items, start=1):
        content = (item.content or "").strip()
        if not content:
            continue
        try:
            points = Decimal(item.points).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError({field: f"第{number}项的分值应为数字"}) from None
        if not Decimal(0) <= points <= HUNDRED:
            raise ValidationError({field: f"第{number}项的分值应在0至100之间"})
        cleaned.append(ItemSpec(content[:300], points, (item.measure or "").strip()[:200]))
    if not cleaned:
        raise ValidationError({field: "请至少填写一项目标任务"})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({field: f"目标任务不超过{MAX_ITEMS}项"})
    return cleaned


# --- templates -------------------------------------------------------------------------------------


def _template_items(template: AgreementTemplate, items: list[ItemSpec]) -> list[TemplateItem]:
    return [
        TemplateItem(template=template, order=n, content=i.content, points=i.points, measure=i.measure)
        for n, i in enumerate(items, start=1)
    ]


@service
def template_create(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    level: str,
    title: str,
    items: Iterable[ItemSpec],
    note: str = "",
) -> AgreementTemplate:
    """A template of target items for the agreements ``organization`` issues (or hands down) in ``year``."""
    check_can_edit(actor, organization)
    check_year(year)
    if level not in AgreementLevel.values:
        raise ValidationError({"level": "请选择签订对象"})
    cleaned = clean_items(items)
    template = AgreementTemplate(
        organization=organization,
        year=year,
        level=level,
        title=(title or "").strip(),
        note=(note or "").strip(),
    )
    if not template.title:
        raise ValidationError({"title": "请填写责任书名称"})
    template.full_clean()
    template.save()
    bulk_create_audited(TemplateItem, _template_items(template, cleaned), actor)
    return template


@service
def template_update(
    *,
    actor: Any,
    template: AgreementTemplate,
    title: str,
    note: str,
    items: Iterable[ItemSpec],
    expected_version: int | None = None,
) -> AgreementTemplate:
    """Correct a template's title, note and items (agreements already issued keep their own copy)."""
    lock_for_update(AgreementTemplate, template, expected_version=expected_version)
    check_can_edit(actor, template.organization)
    cleaned = clean_items(items)
    template.title, template.note = (title or "").strip(), (note or "").strip()
    if not template.title:
        raise ValidationError({"title": "请填写责任书名称"})
    template.full_clean()
    save_changed(template, ["title", "note"])
    old = list(template.items.all())
    for item in old:
        item.delete()  # audited one by one: a template has a handful of items
    bulk_create_audited(TemplateItem, _template_items(template, cleaned), actor)
    return template


# --- issuing ---------------------------------------------------------------------------------------


def exemption_by_rule(member: Member, day: dt.date, rules: dict[str, Any]) -> tuple[str, str] | None:
    """(reason, note) when the rules exempt ``member`` on ``day``: old rural members, retired members."""
    age = int(rules["agreement_exempt_rural_age"])
    if member.is_rural and member.birth_date <= years_before(day, age):
        return Exemption.RURAL_ELDERLY, f"年满{age}岁的农村党员"
    if int(rules["agreement_exempt_retired"]) and member.is_retired:
        return Exemption.RETIRED, "机关、企事业单位离退休党员"
    return None


def exemption_rules() -> dict[str, Any]:
    """The two exemption rules in force (one query)."""
    return rules_in_force("agreement_exempt_rural_age", "agreement_exempt_retired")


def _check_template(
    template: AgreementTemplate | None, organization: Organization, year: int, level: str
) -> None:
    if template is None:
        raise ValidationError({"template": "请选择责任书模板"})
    if template.level != level or template.year != year:
        raise ValidationError(
            {"template": f"请选择{year}年度、签订对象为{AgreementLevel(level).label}的模板"}
        )
    if not organization.path.startswith(template.organization.path):
        raise ValidationError({"template": "只能使用本组织或上级党组织制定的模板"})


def _check_sign_day(signed_on: dt.date | None, year: int) -> None:
    """Signed this year, or in the December before it (agreements are signed at the start of the year)."""
    not_in_future(signed_on, "signed_on", "签订日期")
    if signed_on and not (signed_on.year == year or (signed_on.year == year - 1 and signed_on.month == 12)):
        raise ValidationError({"signed_on": f"签订日期应在{year}年内（或上年12月）"})


def _issue(
    actor: Any,
    template: AgreementTemplate,
    rows: list[TargetAgreement],
    signed_on: dt.date | None,
) -> None:
    items = [item for item in template.items.all()]
    for row in rows:
        row.template = template
        row.title = template.title
        row.signed_on = None if row.exemption else signed_on
        row.created_by = actor_or_none(actor)
    bulk_create_audited(TargetAgreement, rows, actor)
    copies = [
        AgreementItem(agreement=row, order=i.order, content=i.content, points=i.points, measure=i.measure)
        for row in rows
        if not row.exemption
        for i in items
    ]
    bulk_create_audited(AgreementItem, copies, actor)


@service
def agreements_issue_to_orgs(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    template: AgreementTemplate | None,
    parties: Sequence[Organization],
    signed_on: dt.date | None = None,
) -> list[TargetAgreement]:
    """Agreements between ``organization`` and each of ``parties`` (organizations below it) for ``year``."""
    check_can_edit(actor, organization)
    check_year(year)
    check_year_open(organization, year, "year")
    _check_template(template, organization, year, AgreementLevel.ORGANIZATION)
    _check_sign_day(signed_on, year)
    if not parties:
        raise ValidationError({"parties": "请选择签订责任书的党组织"})
    for party in parties:
        if party.pk == organization.pk or not party.path.startswith(organization.path):
            raise ValidationError({"parties": f"{party.name}不是{organization.name}的下级党组织"})
        if party.kind not in PARTY_KINDS or party.form in NOT_COUNTED_FORMS:
            raise ValidationError({"parties": f"{party.name}不签订目标管理责任书"})
    taken = set(
        TargetAgreement.objects.filter(year=year, member__isnull=True, subject__in=parties).values_list(
            "subject__name", flat=True
        )
    )
    if taken:
        raise ValidationError({"parties": f"{'、'.join(sorted(taken))}本年度已有目标管理责任书"})
    rows = [
        TargetAgreement(
            year=year, level=AgreementLevel.ORGANIZATION, organization=organization, subject=party
        )
        for party in parties
    ]
    _issue(actor, template, rows, signed_on)  # type: ignore[arg-type]
    return rows


@dataclass(frozen=True)
class Issued:
    """What issuing a branch's agreements wrote: agreements and recorded exemptions."""

    agreements: list[TargetAgreement]
    exempted: list[TargetAgreement]

    def __str__(self) -> str:
        return f"已生成{len(self.agreements)}份责任书，{len(self.exempted)}名党员免签"


@service
def agreements_issue_to_members(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    template: AgreementTemplate | None,
    members: Sequence[Member],
    signed_on: dt.date | None = None,
    exempt: Sequence[tuple[Member, str, str]] = (),
) -> Issued:
    """Agreements between ``organization`` and its ``members`` for ``year``; ``exempt`` recorded with the reason.

    ``exempt`` holds (member, reason, note): a member the rules exempt (or the
    branch decided to) gets a row saying why, so nobody is silently left out.
    """
    check_can_edit(actor, organization)
    check_year(year)
    if organization.kind not in MEMBER_HOLDING_KINDS:
        raise ValidationError({"organization": "党员责任书由党员所在的党支部（或直接管理党员的党组织）签订"})
    _check_sign_day(signed_on, year)
    if members:
        _check_template(template, organization, year, AgreementLevel.MEMBER)
    if not members and not exempt:
        raise ValidationError({"members": "请选择签订责任书的党员"})
    everyone = [*members, *(m for m, _, _ in exempt)]
    if len({m.pk for m in everyone}) != len(everyone):
        raise ValidationError({"members": "同一党员只能签订一份责任书"})
    for member in everyone:
        if member.organization_id != organization.pk or member.left_on is not None:
            raise ValidationError({"members": f"{member.name}不是{organization.name}的党员"})
    for _, reason, _ in exempt:
        if reason not in Exemption.values:
            raise ValidationError({"exemption": "请选择免签原因"})
    taken = set(
        TargetAgreement.objects.filter(year=year, member__in=everyone).values_list("member__name", flat=True)
    )
    if taken:
        raise ValidationError({"members": f"{'、'.join(sorted(taken))}本年度已有目标管理责任书"})

    def row(member: Member, reason: str = "", note: str = "") -> TargetAgreement:
        return TargetAgreement(
            year=year,
            level=AgreementLevel.MEMBER,
            organization=organization,
            subject=organization,
            member=member,
            exemption=reason,
            exemption_note=(note or "").strip()[:100],
        )

    signing = [row(m) for m in members]
    exempted = [row(m, reason, note) for m, reason, note in exempt]
    if template is None:  # only exemptions: no items to copy
        for r in exempted:
            r.title = f"{year}年度党员目标管理责任书"
            r.created_by = actor_or_none(actor)
        bulk_create_audited(TargetAgreement, exempted, actor)
    else:
        _issue(actor, template, [*signing, *exempted], signed_on)
    return Issued(signing, exempted)


# --- signing and exemptions in bulk ----------------------------------------------------------------


def _lock_and_check(actor: Any, agreements: Sequence[TargetAgreement]) -> list[TargetAgreement]:
    rows = list(
        TargetAgreement.objects.select_for_update(of=("self",))
        .select_related("organization", "subject", "member")
        .filter(pk__in=[a.pk for a in agreements])
        .order_by("pk")
    )
    if not rows or len(rows) != len({a.pk for a in agreements}):
        raise ValidationError("所选责任书已不存在，请刷新后重试")
    for org in {row.organization_id: row.organization for row in rows}.values():
        check_can_edit(actor, org)  # the issuing side signs, exempts and scores
    return rows


def _copy(row: TargetAgreement) -> TargetAgreement:
    before = TargetAgreement(
        **{f.attname: getattr(row, f.attname) for f in TargetAgreement._meta.concrete_fields}
    )
    before._state.adding = False
    return before


@service
def agreements_sign(*, actor: Any, agreements: Sequence[TargetAgreement], signed_on: dt.date | None) -> int:
    """Record the day the chosen agreements were signed (those signed already keep their day)."""
    if signed_on is None:
        raise ValidationError({"signed_on": "请填写签订日期"})
    rows = _lock_and_check(actor, agreements)
    exempt = [r.party_name for r in rows if r.exemption]
    if exempt:
        raise ValidationError({"signed_on": f"{'、'.join(exempt)}为免签党员，请先取消免签"})
    changes = []
    for row in rows:
        _check_sign_day(signed_on, row.year)
        if row.signed_on:
            continue
        before = _copy(row)
        row.signed_on = signed_on
        row.version += 1
        changes.append((before, row, ["signed_on"]))
    return bulk_update_audited(TargetAgreement, changes, actor)


@service
def agreements_exempt(
    *, actor: Any, agreements: Sequence[TargetAgreement], reason: str, note: str = ""
) -> int:
    """Mark the chosen members' agreements as exempt (免签) with the reason; their unsigned items go."""
    if reason not in Exemption.values:
        raise ValidationError({"exemption": "请选择免签原因"})
    rows = _lock_and_check(actor, agreements)
    wrong = [r.party_name for r in rows if r.level != AgreementLevel.MEMBER]
    if wrong:
        raise ValidationError({"exemption": "只有党员可以免签"})
    signed = [r.party_name for r in rows if r.signed_on]
    if signed:
        raise ValidationError({"exemption": f"{'、'.join(signed)}已签订责任书，不能改为免签"})
    changes = []
    for row in rows:
        if row.exemption == reason and row.exemption_note == note.strip():
            continue
        before = _copy(row)
        row.exemption, row.exemption_note = reason, note.strip()[:100]
        row.version += 1
        changes.append((before, row, ["exemption", "exemption_note"]))
    for item in AgreementItem.objects.filter(agreement__in=[r for _, r, _ in changes]):
        item.delete()
    return bulk_update_audited(TargetAgreement, changes, actor)


@service
def agreements_unexempt(
    *, actor: Any, agreements: Sequence[TargetAgreement], template: AgreementTemplate | None
) -> int:
    """The chosen exempt members sign after all: their agreements are issued from ``template`` (待签订)."""
    rows = _lock_and_check(actor, agreements)
    not_exempt = [r.party_name for r in rows if not r.exemption]
    if not_exempt:
        raise ValidationError({"template": f"{'、'.join(not_exempt)}不是免签党员"})
    for row in rows:
        _check_template(template, row.organization, row.year, AgreementLevel.MEMBER)
    changes = []
    for row in rows:
        before = _copy(row)
        row.exemption, row.exemption_note = "", ""
        row.template, row.title = template, template.title  # type: ignore[union-attr]
        row.version += 1
        changes.append((before, row, ["exemption", "exemption_note", "template", "title"]))
    count = bulk_update_audited(TargetAgreement, changes, actor)
    items = list(template.items.all())  # type: ignore[union-attr]
    bulk_create_audited(
        AgreementItem,
        [
            AgreementItem(agreement=row, order=i.order, content=i.content, points=i.points, measure=i.measure)
            for row in rows
            for i in items
        ],
        actor,
    )
    return count


# --- one agreement ---------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "signed_on", "exemption_note")


@service
def agreement_update(
    *, actor: Any, agreement: TargetAgreement, expected_version: int | None = None, **changes: Any
) -> TargetAgreement:
    """Correct one agreement's title, signing day (empty: not signed yet) or exemption note."""
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValueError(f"agreement_update cannot change {sorted(unknown)}")
    lock_for_update(TargetAgreement, agreement, expected_version=expected_version)
    check_can_edit(actor, agreement.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(agreement, f)]
    if not changed:
        return agreement
    for field in changed:
        setattr(agreement, field, changes[field])
    if not agreement.title:
        raise ValidationError({"title": "请填写责任书名称"})
    if agreement.exemption and agreement.signed_on:
        raise ValidationError({"signed_on": "免签的党员不能登记签订日期"})
    _check_sign_day(agreement.signed_on, agreement.year)
    if "signed_on" in changed and agreement.signed_on is None and hasattr(agreement, "score"):
        raise ValidationError({"signed_on": "已考核评分的责任书不能取消签订"})
    agreement.full_clean()
    save_changed(agreement, changed)
    return agreement


@service
def agreement_set_items(
    *, actor: Any, agreement: TargetAgreement, items: Iterable[ItemSpec], expected_version: int | None = None
) -> TargetAgreement:
    """Replace one agreement's target items (before it is scored)."""
    lock_for_update(TargetAgreement, agreement, expected_version=expected_version)
    check_can_edit(actor, agreement.organization)
    if agreement.exemption:
        raise ValidationError({"items": "免签党员没有目标任务"})
    if AssessmentScore.objects.filter(agreement=agreement).exists():
        raise ValidationError({"items": "已考核评分的责任书不能修改目标任务"})
    cleaned = clean_items(items)
    for item in list(agreement.items.all()):
        item.delete()
    bulk_create_audited(
        AgreementItem,
        [
            AgreementItem(agreement=agreement, order=n, content=i.content, points=i.points, measure=i.measure)
            for n, i in enumerate(cleaned, start=1)
        ],
        actor,
    )
    save_changed(agreement, [])  # the items are part of the agreement: an open form of it goes stale
    return agreement


def grade_bands() -> GradeBands:
    return get_rule("assessment_grade_bands")  # type: ignore[return-value]


def grade_for(total: Decimal, full_marks: Decimal, bands: GradeBands) -> str:
    """The grade of ``total`` out of ``full_marks``: the bands are on a hundred-point scale."""
    if not full_marks:
        return bands.grade_for(Decimal(0))
    percent = (total * HUNDRED / full_marks).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return bands.grade_for(percent)


@service
def agreement_score(
    *,
    actor: Any,
    agreement: TargetAgreement,
    scores: dict[int, tuple[Any, str]],
    scored_on: dt.date,
    reward_kind: str = RewardKind.NONE,
    reward_note: str = "",
    assessors: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> AssessmentScore:
    """Year-end scoring: a score per item (``scores``: item id → (score, 扣分说明)), the total, the grade, 奖惩.

    ``expected_version`` is the version of the score the form showed (0: none yet).
    """
    lock_for_update(TargetAgreement, agreement)
    check_can_edit(actor, agreement.organization)
    check_year_open(agreement.organization, agreement.year)
    if not agreement.signed_on:
        raise ValidationError("责任书尚未签订，不能考核评分")
    not_in_future(scored_on, "scored_on", "考核日期")
    if scored_on < agreement.signed_on:
        raise ValidationError({"scored_on": "考核日期不能早于签订日期"})
    if reward_kind not in RewardKind.values:
        raise ValidationError({"reward_kind": "请选择奖惩"})
    reward_note = (reward_note or "").strip()
    if reward_kind != RewardKind.NONE and not reward_note:
        raise ValidationError({"reward_note": f"请填写{RewardKind(reward_kind).label}内容"})
    items = list(agreement.items.all())
    if not items:
        raise ValidationError("该责任书没有目标任务，不能评分")
    changes = []
    total = Decimal(0)
    for item in items:
        raw, why = scores.get(item.pk, (None, ""))
        if raw in (None, ""):
            raise ValidationError({f"score_{item.pk}": f"请填写第{item.order}项的得分"})
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError({f"score_{item.pk}": f"第{item.order}项的得分应为数字"}) from None
        if not Decimal(0) <= value <= item.points:
            raise ValidationError({f"score_{item.pk}": f"第{item.order}项的得分应在0至{item.points}分之间"})
        total += value
        why = (why or "").strip()[:200]
        if value != item.score or why != item.score_note:
            before = AgreementItem(
                **{f.attname: getattr(item, f.attname) for f in AgreementItem._meta.concrete_fields}
            )
            before._state.adding = False
            item.score, item.score_note = value, why
            changes.append((before, item, ["score", "score_note"]))
    bulk_update_audited(AgreementItem, changes, actor)
    full = sum((i.points for i in items), Decimal(0))
    grade = grade_for(total, full, grade_bands())
    fields = {
        "total": total,
        "grade": grade,
        "scored_on": scored_on,
        "reward_kind": reward_kind,
        "reward_note": reward_note,
        "assessors": (assessors or "").strip(),
        "note": (note or "").strip(),
    }
    score = AssessmentScore.objects.filter(agreement=agreement).first()
    if score is None:
        if expected_version:
            raise ValidationError("该责任书的评分已被删除，请刷新后重试")
        score = AssessmentScore(agreement=agreement, **fields)
        score.full_clean()
        score.save()
        return score
    lock_for_update(AssessmentScore, score, expected_version=expected_version)
    changed = [f for f, value in fields.items() if value != getattr(score, f)]
    if not changed and not changes:
        return score
    for f in changed:
        setattr(score, f, fields[f])
    score.full_clean()
    save_changed(score, changed)
    return score
