"""目标管理责任书 from a workbook: the year's agreements (signed, 待签订 or 免签) and their scores per item.

Sheet 责任书: one row per agreement, its lower party (乙方) an organization
(by code) or a member (by ID number).  The superior (甲方) is who the
services let issue it: a member's own branch, an organization's parent; the
items are copied from the nearest template of that year and level (the
issuer's own or a superior's), as issuing on the page does.  Sheet 目标项得分:
one row per item of a signed agreement (by its 序号), scored as
``agreement_score`` scores (every item, within its points; the total's grade
from the bands in force).  Everything goes through the services in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.sheets import ID
from core.xlsx import ImportRejected, RowError, cell_text
from members.care_imports import ORG_NOT_FOUND, OrgLookup, Roster, choice_of, export_id, messages_of, row_date
from members.models import Member
from organizations.choices import MEMBER_HOLDING_KINDS, NOT_COUNTED_FORMS
from organizations.models import Organization

from ..choices import AgreementLevel, Exemption
from ..models import AgreementItem, AgreementTemplate, AssessmentScore, TargetAgreement
from ..services.agreements import (
    PARTY_KINDS,
    agreement_score,
    agreement_update,
    agreements_exempt,
    agreements_issue_to_members,
    agreements_issue_to_orgs,
)
from ..services.common import FIRST_YEAR, check_year_open
from .grades import year_of

AGREEMENTS, SCORES = "责任书", "目标项得分"
ORG_COL, ID_COL, NAME_COL, YEAR_COL = "乙方党组织代码", "乙方公民身份号码", "乙方名称", "年度"
SIGNED_COL, EXEMPT_COL, EXEMPT_NOTE_COL = "签订日期", "免签原因", "免签说明"
ORDER_COL, CONTENT_COL, SCORE_COL, SCORE_NOTE_COL, SCORED_COL = (
    "序号",
    "目标任务",
    "得分",
    "扣分说明",
    "考核日期",
)

Key = tuple[str, int, int]  # ("M", member id, year) or ("O", organization id, year)


@dataclass(slots=True)
class AgreementRow:
    row: int
    key: Key
    name: str
    signed_on: dt.date | None
    exemption: str
    exemption_note: str
    party: Any = None  # Member or Organization
    issuer: Organization | None = None
    template: AgreementTemplate | None = None


@dataclass(slots=True)
class ScoreRow:
    row: int
    key: Key
    name: str
    order: int
    content: str
    score: Decimal
    note: str
    scored_on: dt.date
    item: AgreementItem | None = None  # the item as it stands (None: issued by this file)


@dataclass
class AgreementContext:
    user: Any
    roster: Roster
    orgs: OrgLookup
    members: dict[int, Member] = field(default_factory=dict)
    existing: dict[Key, TargetAgreement] = field(default_factory=dict)
    items: dict[Key, dict[int, AgreementItem]] = field(default_factory=dict)
    scores: dict[Key, AssessmentScore] = field(default_factory=dict)
    issuers: dict[Key, Organization] = field(default_factory=dict)
    #: the agreements after the file: key → (signed_on, {order: points}) — what the scores check against
    after: dict[Key, tuple[dt.date | None, dict[int, tuple[Decimal, str]]]] = field(default_factory=dict)
    #: every score row of the file (agreement_score takes all of an agreement's items at once)
    score_rows: list[ScoreRow] = field(default_factory=list)


def _party(row: Row, context: AgreementContext) -> tuple[Key, str]:
    year = year_of(row, YEAR_COL)
    if not FIRST_YEAR <= year <= dt.date.today().year + 1:
        raise RowProblem(YEAR_COL, f"年度应在{FIRST_YEAR}年至{dt.date.today().year + 1}年之间")
    if cell_text(row[ID_COL]):
        pk, name = context.roster.find(row, ID_COL, NAME_COL if row.sheet == AGREEMENTS else "")
        return ("M", pk, year), name
    if not cell_text(row[ORG_COL]):
        raise RowProblem(ORG_COL, "请填写乙方党组织代码（党组织责任书）或乙方公民身份号码（党员责任书）")
    org = context.orgs.find(row, ORG_COL)
    name = cell_text(row[NAME_COL]) if row.sheet == AGREEMENTS else ""
    if name and name != org.name:
        raise RowProblem(NAME_COL, f"乙方名称“{name}”与代码{org.code}的党组织（{org.name}）不符")
    return ("O", org.pk, year), org.name


def _decimal(row: Row, column: str) -> Decimal | None:
    value = row[column]
    if isinstance(value, float):
        value = repr(value)
    text = cell_text(value)
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowProblem(column, f"{column}应为数字：{text}") from None


class TargetAgreementsKind(ImportKind):
    """目标管理责任书: agreements of a year and, on a second sheet, their scores per item."""

    key = "target_agreements"
    label = "目标管理责任书"
    group = "考核评议"
    sheets = (
        ImportSheet(
            AGREEMENTS,
            (
                Column(
                    ORG_COL,
                    help="党组织责任书必填：签订责任书的下级党组织的代码；党员责任书留空",
                    example="C01T01B01",
                ),
                Column(ID_COL, kind=ID, help="党员责任书必填：党员的18位号码", example="110101199003071234"),
                Column(NAME_COL, help="选填，仅用于核对：党组织名称或党员姓名", example="张三"),
                Column(YEAR_COL, required=True, help="必填，如 2026", example="2026"),
                Column(
                    SIGNED_COL,
                    help="已签订的填签订日期（该年内或上年12月，不晚于今天）；免签或待签订的留空",
                    example="2026-02-20",
                ),
                Column(
                    EXEMPT_COL,
                    choices=tuple(Exemption.labels),
                    help="免签的党员填写，从下拉列表选择；党组织不能免签",
                    example="",
                ),
                Column(EXEMPT_NOTE_COL, help="选填，100字以内", example=""),
            ),
        ),
        ImportSheet(
            SCORES,
            (
                Column(ORG_COL, help="同“责任书”表：党组织责任书填代码", example="C01T01B01"),
                Column(ID_COL, kind=ID, help="同“责任书”表：党员责任书填号码", example="110101199003071234"),
                Column(YEAR_COL, required=True, help="必填", example="2026"),
                Column(ORDER_COL, required=True, help="必填，目标任务的序号（见责任书）", example="1"),
                Column(
                    CONTENT_COL, width=30, help="选填，仅用于核对：填写时须与该序号的目标任务一致", example=""
                ),
                Column(SCORE_COL, help="得分，0至该项分值；留空的行不导入", example="28"),
                Column(SCORE_NOTE_COL, help="选填，200字以内", example="会议记录不全扣2分"),
                Column(
                    SCORED_COL,
                    help="填写得分时必填，不早于签订日期、不晚于今天；同一责任书各行一致",
                    example="2026-11-20",
                ),
            ),
            optional=True,
        ),
    )
    notes = (
        "“责任书”表每行为一份责任书：党组织责任书填乙方党组织代码，甲方为其上级党组织；党员责任书填乙方公民身份号码，甲方为党员所在党支部。",
        "新的责任书从该年度、该签订对象的责任书模板生成（甲方自己的，没有时用上级党组织的），须先制定模板；免签的党员不需要模板。",
        "同一乙方同一年度只能有一份；已有的责任书，签订日期、免签原因或免签说明不同的，确认后更正（留存修改记录）。",
        "“目标项得分”表每行为一项目标任务的得分（可不附此表）：一份责任书须各项都有得分，按评分标准计算总分和等次；已评分的，得分不同者确认后更正。",
        "该年度已报送的党组织，不能导入其责任书和评分。",
    )

    def begin(self, user: Any) -> AgreementContext:
        return AgreementContext(user=user, roster=Roster(user), orgs=OrgLookup(user))

    def parse_row(self, row: Row, context: AgreementContext) -> Any:
        problems: list[tuple[str, str]] = []
        key = name = None
        try:
            key, name = _party(row, context)
        except RowProblem as exc:
            problems.extend(exc.problems)
        if row.sheet == AGREEMENTS:
            signed_on = exemption = None
            try:
                signed_on = row_date(row, SIGNED_COL, required=False)
            except RowProblem as exc:
                problems.extend(exc.problems)
            try:
                exemption = choice_of(row, EXEMPT_COL, Exemption, required=False)
            except RowProblem as exc:
                problems.extend(exc.problems)
            if problems:
                raise RowProblem(problems=problems)
            if exemption and signed_on:
                raise RowProblem(SIGNED_COL, "免签的党员不能登记签订日期")
            if exemption and key[0] == "O":
                raise RowProblem(EXEMPT_COL, "只有党员可以免签")
            if signed_on and not (
                signed_on.year == key[2] or (signed_on.year == key[2] - 1 and signed_on.month == 12)
            ):
                raise RowProblem(SIGNED_COL, f"签订日期应在{key[2]}年内（或上年12月）")
            note = cell_text(row[EXEMPT_NOTE_COL])[:100] if exemption else ""
            return AgreementRow(row.number, key, name, signed_on, exemption, note)
        score = order = scored_on = None
        try:
            order = int(_decimal(row, ORDER_COL) or 0)
            if order < 1:
                raise RowProblem(ORDER_COL, "请填写目标任务的序号")
        except RowProblem as exc:
            problems.extend(exc.problems)
        try:
            score = _decimal(row, SCORE_COL)
        except RowProblem as exc:
            problems.extend(exc.problems)
        try:
            scored_on = row_date(row, SCORED_COL, required=score is not None)
        except RowProblem as exc:
            problems.extend(exc.problems)
        if problems:
            raise RowProblem(problems=problems)
        if score is None:
            return None  # a row of the list not scored yet
        if score < 0:
            raise RowProblem(SCORE_COL, "得分不能为负数")
        content = cell_text(row[CONTENT_COL])
        return ScoreRow(
            row.number, key, name, order, content, score, cell_text(row[SCORE_NOTE_COL])[:200], scored_on
        )

    # --- rules ---------------------------------------------------------------------------------

    def _load(self, keys: set[Key], context: AgreementContext) -> None:
        member_ids = [k[1] for k in keys if k[0] == "M"]
        org_ids = [k[1] for k in keys if k[0] == "O"]
        years = {k[2] for k in keys}
        context.members = Member.objects.select_related("organization").in_bulk(member_ids)
        found = TargetAgreement.objects.filter(year__in=years).select_related("organization")
        rows = list(found.filter(member_id__in=member_ids)) + list(
            found.filter(member__isnull=True, subject_id__in=org_ids)
        )
        for a in rows:
            key = ("M", a.member_id, a.year) if a.member_id else ("O", a.subject_id, a.year)
            if key in keys:
                context.existing[key] = a
        by_pk = {a.pk: k for k, a in context.existing.items()}
        for item in AgreementItem.objects.filter(agreement_id__in=list(by_pk)):
            context.items.setdefault(by_pk[item.agreement_id], {})[item.order] = item
        for score in AssessmentScore.objects.filter(agreement_id__in=list(by_pk)):
            context.scores[by_pk[score.agreement_id]] = score

    def _issuer(self, key: Key, context: AgreementContext) -> tuple[Organization | None, str, str]:
        """(the superior that issues it, error column, error) as the services decide."""
        if key[0] == "M":
            member = context.members[key[1]]
            org = member.organization
            if org.pk not in context.orgs:
                return None, ID_COL, "未找到该党员，或该党员不在您的管理范围内"
            if org.kind not in MEMBER_HOLDING_KINDS:
                return None, ID_COL, "党员责任书由党员所在的党支部（或直接管理党员的党组织）签订"
            return org, "", ""
        party = context.orgs.by_pk[key[1]]
        if party.kind not in PARTY_KINDS or party.form in NOT_COUNTED_FORMS:
            return None, ORG_COL, f"{party.name}不签订目标管理责任书"
        if party.parent_id not in context.orgs:
            return None, ORG_COL, f"{party.name}的责任书由其上级党组织登记，不在您的管理范围内"
        return context.orgs.by_pk[party.parent_id], "", ""

    def check(self, items: list[Any], context: AgreementContext) -> list[RowError]:
        errors: list[RowError] = []
        self._load({i.key for i in items}, context)
        agreements = [i for i in items if isinstance(i, AgreementRow)]
        scores = context.score_rows = [i for i in items if isinstance(i, ScoreRow)]
        templates = list(
            AgreementTemplate.objects.filter(year__in={k[2] for k in (i.key for i in agreements)})
            .select_related("organization")
            .prefetch_related("items")
        )
        years_open: dict[tuple[int, int], str] = {}

        def year_closed(org: Organization, year: int) -> str:
            if (org.pk, year) not in years_open:
                try:
                    check_year_open(org, year)
                    years_open[(org.pk, year)] = ""
                except ValidationError as exc:
                    years_open[(org.pk, year)] = exc.messages[0]
            return years_open[(org.pk, year)]

        seen: dict[Key, int] = {}
        for item in agreements:
            if item.key in seen:
                errors.append(RowError(item.row, YEAR_COL, f"与第{seen[item.key]}行重复（同一乙方同一年度）"))
                continue
            seen[item.key] = item.row
            party_col = ID_COL if item.key[0] == "M" else ORG_COL
            old = context.existing.get(item.key)
            issuer, column, message = self._issuer(item.key, context)
            if old is not None and message == "" and old.organization_id not in context.orgs:
                column, message = party_col, f"{item.name}的责任书由其上级党组织登记，不在您的管理范围内"
            if message:
                errors.append(RowError(item.row, column, message))
                continue
            issuer = old.organization if old is not None else issuer
            closed = year_closed(issuer, item.key[2])
            if closed:
                errors.append(RowError(item.row, YEAR_COL, closed))
                continue
            item.issuer = issuer
            if old is None:
                if item.key[0] == "M" and context.members[item.key[1]].left_on is not None:
                    errors.append(RowError(item.row, ID_COL, f"{item.name}不是{issuer.name}的党员"))
                    continue
                if not item.exemption:
                    level = AgreementLevel.MEMBER if item.key[0] == "M" else AgreementLevel.ORGANIZATION
                    usable = [
                        t
                        for t in templates
                        if t.year == item.key[2]
                        and t.level == level
                        and issuer.path.startswith(t.organization.path)
                    ]
                    if not usable:
                        errors.append(
                            RowError(
                                item.row,
                                YEAR_COL,
                                f"没有{issuer.name}可用的{item.key[2]}年度{AgreementLevel(level).label}责任书模板，请先制定模板",
                            )
                        )
                        continue
                    item.template = max(usable, key=lambda t: (len(t.organization.path), t.pk))
                    context.after[item.key] = (
                        item.signed_on,
                        {i.order: (i.points, i.content) for i in item.template.items.all()},
                    )
                continue
            if old.exemption and not item.exemption and item.signed_on:
                errors.append(
                    RowError(item.row, SIGNED_COL, f"{item.name}为免签党员，请先在责任书页面取消免签")
                )
                continue
            if old.exemption and not item.exemption:
                errors.append(
                    RowError(item.row, EXEMPT_COL, f"{item.name}为免签党员，取消免签请在责任书页面办理")
                )
                continue
            if item.exemption and old.signed_on:
                errors.append(RowError(item.row, EXEMPT_COL, f"{item.name}已签订责任书，不能改为免签"))
                continue
            if old.signed_on and not item.signed_on and item.key in context.scores:
                errors.append(RowError(item.row, SIGNED_COL, "已考核评分的责任书不能取消签订"))
                continue
            context.after[item.key] = (
                item.signed_on,
                {o: (i.points, i.content) for o, i in context.items.get(item.key, {}).items()},
            )
        errors += self._check_scores(scores, context, year_closed)
        return errors

    def _check_scores(
        self, scores: list[ScoreRow], context: AgreementContext, year_closed: Any
    ) -> list[RowError]:
        errors: list[RowError] = []
        by_agreement: dict[Key, list[ScoreRow]] = defaultdict(list)
        for item in scores:
            by_agreement[item.key].append(item)
        for key, rows in by_agreement.items():
            first = rows[0]
            old = context.existing.get(key)
            if key not in context.after:
                if old is None:
                    errors.extend(
                        RowError(r.row, _on_scores(YEAR_COL), f"{r.name}{key[2]}年度没有目标管理责任书")
                        for r in rows
                    )
                    continue
                if old.organization_id not in context.orgs:
                    errors.extend(
                        RowError(
                            r.row,
                            _on_scores(YEAR_COL),
                            f"{r.name}的责任书由其上级党组织评分，不在您的管理范围内",
                        )
                        for r in rows
                    )
                    continue
                context.after[key] = (
                    old.signed_on,
                    {o: (i.points, i.content) for o, i in context.items.get(key, {}).items()},
                )
                closed = year_closed(old.organization, key[2])
                if closed:
                    errors.extend(RowError(r.row, _on_scores(YEAR_COL), closed) for r in rows)
                    continue
            signed_on, points = context.after[key]
            if not signed_on:
                errors.extend(
                    RowError(r.row, _on_scores(SCORE_COL), "责任书尚未签订，不能考核评分") for r in rows
                )
                continue
            bad = False
            seen: dict[int, int] = {}
            for r in rows:
                if r.order in seen:
                    errors.append(
                        RowError(
                            r.row, _on_scores(ORDER_COL), f"与第{seen[r.order]}行重复（同一责任书同一序号）"
                        )
                    )
                    bad = True
                    continue
                seen[r.order] = r.row
                if r.order not in points:
                    errors.append(
                        RowError(r.row, _on_scores(ORDER_COL), f"{r.name}的责任书没有第{r.order}项目标任务")
                    )
                    bad = True
                    continue
                full, content = points[r.order]
                if r.content and r.content != content:
                    errors.append(
                        RowError(r.row, _on_scores(CONTENT_COL), f"与该责任书第{r.order}项（{content}）不符")
                    )
                    bad = True
                if not Decimal(0) <= r.score <= full:
                    errors.append(
                        RowError(r.row, _on_scores(SCORE_COL), f"第{r.order}项的得分应在0至{full}分之间")
                    )
                    bad = True
                if r.scored_on != first.scored_on:
                    errors.append(
                        RowError(
                            r.row,
                            _on_scores(SCORED_COL),
                            f"同一责任书的考核日期应一致（第{first.row}行为{first.scored_on:%Y-%m-%d}）",
                        )
                    )
                    bad = True
                elif r.scored_on < signed_on:
                    errors.append(RowError(r.row, _on_scores(SCORED_COL), "考核日期不能早于签订日期"))
                    bad = True
                r.item = context.items.get(key, {}).get(r.order) if old is not None else None
            missing = sorted(set(points) - set(seen))
            if missing and not bad:
                errors.append(
                    RowError(
                        rows[-1].row,
                        _on_scores(ORDER_COL),
                        f"{first.name}的责任书第{'、'.join(map(str, missing))}项未填写得分",
                    )
                )
        return errors

    # --- what changes --------------------------------------------------------------------------

    def diff(self, items: list[Any], context: AgreementContext) -> Diff:
        diff = Diff()
        labels = dict(Exemption.choices)
        for item in items:
            old = context.existing.get(item.key)
            label = f"{item.name} {item.key[2]}年度责任书"
            if isinstance(item, AgreementRow):
                if old is None:
                    diff.new.append(item)
                    continue
                fields = []
                if old.signed_on != item.signed_on:
                    fields.append((SIGNED_COL, _day(old.signed_on), _day(item.signed_on)))
                if old.exemption != item.exemption:
                    fields.append(
                        (
                            EXEMPT_COL,
                            labels.get(old.exemption, "（空）"),
                            labels.get(item.exemption, "（空）"),
                        )
                    )
                if old.exemption_note != item.exemption_note:
                    fields.append(
                        (EXEMPT_NOTE_COL, old.exemption_note or "（空）", item.exemption_note or "（空）")
                    )
            else:
                if item.item is None or item.item.score is None:
                    diff.new.append(item)
                    continue
                fields = []
                if item.item.score != item.score:
                    fields.append((f"第{item.order}项{SCORE_COL}", f"{item.item.score}", f"{item.score}"))
                if item.item.score_note != item.note:
                    fields.append(
                        (
                            f"第{item.order}项{SCORE_NOTE_COL}",
                            item.item.score_note or "（空）",
                            item.note or "（空）",
                        )
                    )
                score = context.scores.get(item.key)
                if score is not None and score.scored_on != item.scored_on:
                    fields.append((SCORED_COL, _day(score.scored_on), _day(item.scored_on)))
            if fields:
                diff.changed.append(Change(item.row, label, fields, item=item, existing=old))
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: AgreementContext) -> tuple[int, int]:
        rows = [*diff.new, *(c.item for c in diff.changed)]
        new_agreements = [i for i in diff.new if isinstance(i, AgreementRow)]
        changed_agreements = [c.item for c in diff.changed if isinstance(c.item, AgreementRow)]
        # every score row of an agreement goes to agreement_score together, the unchanged ones too
        scored_keys = {i.key for i in rows if isinstance(i, ScoreRow)}
        row = 0
        try:
            with transaction.atomic():
                made = self._issue(new_agreements, actor, context)
                for item in changed_agreements:
                    row, old = item.row, context.existing[item.key]
                    if item.exemption and item.exemption != old.exemption:
                        agreements_exempt(
                            actor=actor, agreements=[old], reason=item.exemption, note=item.exemption_note
                        )
                        old.refresh_from_db()
                    changes = {}
                    if old.signed_on != item.signed_on:
                        changes["signed_on"] = item.signed_on
                    if old.exemption_note != item.exemption_note:
                        changes["exemption_note"] = item.exemption_note
                    if changes:
                        agreement_update(actor=actor, agreement=old, expected_version=old.version, **changes)
                for key in scored_keys:
                    agreement = made.get(key) or context.existing[key]
                    agreement.refresh_from_db()
                    by_order = {i.order: i for i in agreement.items.all()}
                    mine = [i for i in context.score_rows if i.key == key]
                    row = mine[0].row
                    old = context.scores.get(key)
                    extra = {}
                    if old is not None:
                        extra = {
                            "reward_kind": old.reward_kind,
                            "reward_note": old.reward_note,
                            "assessors": old.assessors,
                            "note": old.note,
                            "expected_version": old.version,
                        }
                    agreement_score(
                        actor=actor,
                        agreement=agreement,
                        scores={by_order[i.order].pk: (i.score, i.note) for i in mine},
                        scored_on=mine[0].scored_on,
                        **extra,
                    )
        except ValidationError as exc:
            raise ImportRejected([RowError(row, c, m) for c, m in messages_of(exc, {})]) from None
        except (PermissionDenied, Http404):
            raise ImportRejected([RowError(row, "", "该行不在您的管理范围内，未写入任何数据")]) from None
        return len(diff.new), len(diff.changed)

    def _issue(
        self, new: list[AgreementRow], actor: Any, context: AgreementContext
    ) -> dict[Key, TargetAgreement]:
        made: dict[Key, TargetAgreement] = {}
        groups: dict[tuple, list[AgreementRow]] = defaultdict(list)
        for item in new:
            groups[
                (
                    item.key[0],
                    item.issuer.pk,
                    item.key[2],
                    item.template.pk if item.template else 0,
                    item.signed_on,
                )
            ].append(item)
        for (level, _issuer, year, _template, signed_on), group in groups.items():
            first = group[0]
            if level == "O":
                parties = [context.orgs.by_pk[i.key[1]] for i in group]
                for agreement in agreements_issue_to_orgs(
                    actor=actor,
                    organization=first.issuer,
                    year=year,
                    template=first.template,
                    parties=parties,
                    signed_on=signed_on,
                ):
                    made[("O", agreement.subject_id, year)] = agreement
                continue
            exempt = [i for i in group if i.exemption]
            issued = agreements_issue_to_members(
                actor=actor,
                organization=first.issuer,
                year=year,
                template=first.template,
                members=[context.members[i.key[1]] for i in group if not i.exemption],
                signed_on=signed_on,
                exempt=[(context.members[i.key[1]], i.exemption, i.exemption_note) for i in exempt],
            )
            for agreement in [*issued.agreements, *issued.exempted]:
                made[("M", agreement.member_id, year)] = agreement
        return made

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        shown = export_id(user)
        labels = dict(Exemption.choices)
        agreements = list(
            TargetAgreement.objects.visible_to(user)
            .select_related("subject", "member")
            .order_by("year", "subject__path", "level", "member__name", "pk")
        )
        if str(filters.get("year", "")).isdigit():
            agreements = [a for a in agreements if a.year == int(filters["year"])]

        def party(a: TargetAgreement) -> list[Any]:
            if a.member_id:
                return ["", shown(a.member.id_number)]
            return [a.subject.code, ""]

        first = [
            [*party(a), a.party_name, a.year, a.signed_on, labels.get(a.exemption, ""), a.exemption_note]
            for a in agreements
        ]
        scored = {
            s.agreement_id: s
            for s in AssessmentScore.objects.filter(agreement__in=[a.pk for a in agreements])
        }
        items = defaultdict(list)
        for item in AgreementItem.objects.filter(agreement_id__in=list(scored)).order_by(
            "agreement_id", "order"
        ):
            items[item.agreement_id].append(item)
        second = [
            [*party(a), a.year, i.order, i.content, i.score, i.score_note, scored[a.pk].scored_on]
            for a in agreements
            if a.pk in scored
            for i in items[a.pk]
        ]
        return {AGREEMENTS: first, SCORES: second}


def _on_scores(column: str) -> str:
    """A column of the scores sheet as errors name it (the engine would name the first sheet for a rule's error)."""
    return f"{SCORES}·{column}"


def _day(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "（空）"


__all__ = ["ORG_NOT_FOUND", "TargetAgreementsKind"]
