"""民主评议党员 results from a workbook: a member's grade of a year, through ``grades_save``.

The grade must be one of the year's grade set: that of the open round
(AppraisalRound) covering the member's branch.  More 优秀 than the share
allows (normally one third) in a branch is a warning in the preview, as the
grade page warns after saving — not an error.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.sheets import ID
from core.xlsx import ImportRejected, RowError, cell_text
from members.care_imports import (
    ID_COL,
    NAME_COL,
    NOT_FOUND,
    OrgLookup,
    Roster,
    collect,
    export_id,
    messages_of,
    row_date,
)
from members.models import Member

from ..choices import GradeCategory
from ..models import AppraisalFollowUp, AppraisalRound, MemberAppraisal
from ..selectors.appraisals import excellent_share, over_share, share_label
from ..services.appraisals import GradeEntry, grade_categories, grades_save
from ..services.common import check_year_open

YEAR_COL, GRADE_COL, DATE_COL, NOTE_COL = "年度", "等次", "评议日期", "备注"
#: The dropdown: the words the grade sets use (the four of the rule in force, the three of the reference).
GRADE_WORDS = ("优秀", "合格", "基本合格", "不合格", "称职", "基本称职", "不称职")


def year_of(row: Row, column: str = YEAR_COL) -> int:
    value = row[column]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value).removesuffix("年度").removesuffix("年")
    if not (text.isdigit() and len(text) == 4):
        raise RowProblem(column, f"{column}应为四位数字，如 2026：{cell_text(value) or '（空）'}")
    return int(text)


@dataclass(slots=True)
class GradeItem:
    row: int
    member_id: int
    name: str
    year: int
    grade: str
    appraised_on: dt.date
    note: str
    round: AppraisalRound | None = None
    organization_id: int = 0


@dataclass
class GradeContext:
    user: Any
    roster: Roster
    orgs: OrgLookup
    members: dict[int, Member] = field(default_factory=dict)
    existing: dict[tuple[int, int], MemberAppraisal] = field(default_factory=dict)


class AppraisalGradesKind(ImportKind):
    """民主评议党员结果: one row per member and year."""

    key = "appraisal_grades"
    label = "民主评议党员结果"
    group = "考核评议"
    sheets = (
        ImportSheet(
            "评议结果",
            (
                Column(
                    ID_COL,
                    required=True,
                    kind=ID,
                    help="必填，18位（15位旧号码自动转换）",
                    example="110101199003071234",
                ),
                Column(NAME_COL, help="选填，仅用于核对：填写时须与登记的姓名一致", example="张三"),
                Column(YEAR_COL, required=True, help="必填，如 2026", example="2026"),
                Column(
                    GRADE_COL,
                    required=True,
                    choices=GRADE_WORDS,
                    help="必填，须是该年度覆盖党员所在党支部的民主评议（未结束）设定的等次之一",
                    example="合格",
                ),
                Column(
                    DATE_COL,
                    required=True,
                    help="必填，不早于该次评议的开始日期，不晚于今天",
                    example="2026-11-20",
                ),
                Column(NOTE_COL, help="选填，100字以内", example=""),
            ),
        ),
    )
    notes = (
        "每行为一名党员一个年度的评议等次；同一党员同一年度只能有一行。",
        "须先在“民主评议”中组织该年度的评议（覆盖党员所在党支部，且尚未结束），等次从该次评议设定的等次中选择。",
        "已有评议结果的，等次或备注不同者确认后更正（留存修改记录）；已登记不合格处置的，等次类别不能修改。",
        "一个党支部评为优秀的超过参评党员的规定比例（一般为三分之一）时，预览中给出提示，确认后仍可导入。",
    )

    def begin(self, user: Any) -> GradeContext:
        return GradeContext(user=user, roster=Roster(user), orgs=OrgLookup(user))

    def parse_row(self, row: Row, context: GradeContext) -> GradeItem:
        member, year, day = collect(
            lambda: context.roster.find(row),
            lambda: year_of(row),
            lambda: row_date(row, DATE_COL),
        )
        grade = cell_text(row[GRADE_COL])
        if not grade:
            raise RowProblem(GRADE_COL, "请填写等次")
        return GradeItem(row.number, member[0], member[1], year, grade, day, cell_text(row[NOTE_COL])[:100])

    def check(self, items: list[GradeItem], context: GradeContext) -> list[RowError]:
        errors: list[RowError] = []
        context.members = Member.objects.select_related("organization").in_bulk({i.member_id for i in items})
        years = {i.year for i in items}
        rounds = list(AppraisalRound.objects.filter(year__in=years).select_related("organization"))
        for appraisal in MemberAppraisal.objects.filter(year__in=years, member_id__in=list(context.members)):
            context.existing[(appraisal.member_id, appraisal.year)] = appraisal
        followed = set(
            AppraisalFollowUp.objects.filter(appraisal__in=list(context.existing.values())).values_list(
                "appraisal_id", flat=True
            )
        )
        seen: dict[tuple[int, int], int] = {}
        closed: dict[tuple[int, int], str] = {}
        for item in items:
            key = (item.member_id, item.year)
            if key in seen:
                errors.append(RowError(item.row, YEAR_COL, f"与第{seen[key]}行重复（同一党员同一年度）"))
                continue
            seen[key] = item.row
            member = context.members[item.member_id]
            org = member.organization
            if org.pk not in context.orgs:
                errors.append(RowError(item.row, ID_COL, NOT_FOUND))
                continue
            round_ = next(
                (r for r in rounds if r.year == item.year and org.path.startswith(r.organization.path)), None
            )
            if round_ is None:
                errors.append(
                    RowError(item.row, YEAR_COL, f"{org.name}没有{item.year}年度的民主评议，请先组织评议")
                )
                continue
            if not round_.is_open:
                errors.append(
                    RowError(
                        item.row, YEAR_COL, f"{round_}已于{round_.closed_on:%Y-%m-%d}结束，不能再修改评议结果"
                    )
                )
                continue
            categories = grade_categories(round_.grades)
            if item.grade not in categories:
                errors.append(
                    RowError(
                        item.row, GRADE_COL, f"等次“{item.grade}”不在{round_}的等次（{round_.grade_set}）中"
                    )
                )
                continue
            if item.appraised_on < round_.starts_on:
                errors.append(
                    RowError(
                        item.row, DATE_COL, f"评议日期不能早于本次评议开始日期（{round_.starts_on:%Y-%m-%d}）"
                    )
                )
                continue
            old = context.existing.get(key)
            if old is not None and old.round_id != round_.pk:
                errors.append(RowError(item.row, YEAR_COL, f"{member.name}已在{old.round}中评议"))
                continue
            if old is None and member.left_on is not None:
                errors.append(RowError(item.row, ID_COL, f"{member.name}不是{org.name}的党员"))
                continue
            if old is not None and old.pk in followed and categories[item.grade] != old.category:
                errors.append(RowError(item.row, GRADE_COL, f"{member.name}已登记不合格处置，等次不能修改"))
                continue
            period = (org.pk, item.year)
            if period not in closed:
                try:
                    check_year_open(org, item.year)
                    closed[period] = ""
                except ValidationError as exc:
                    closed[period] = exc.messages[0]
            if closed[period]:
                errors.append(RowError(item.row, YEAR_COL, closed[period]))
                continue
            item.round, item.organization_id = round_, org.pk
        return errors

    def diff(self, items: list[GradeItem], context: GradeContext) -> Diff:
        diff = Diff()
        for item in items:
            old = context.existing.get((item.member_id, item.year))
            if old is None:
                diff.new.append(item)
                continue
            fields = []
            if old.grade != item.grade:
                fields.append((GRADE_COL, old.grade, item.grade))
            if old.note != item.note:
                fields.append((NOTE_COL, old.note or "（空）", item.note or "（空）"))
            if fields and old.appraised_on != item.appraised_on:
                fields.append((DATE_COL, f"{old.appraised_on:%Y-%m-%d}", f"{item.appraised_on:%Y-%m-%d}"))
            if fields:
                diff.changed.append(
                    Change(item.row, f"{item.name} {item.year}年度", fields, item=item, existing=old)
                )
            else:
                diff.unchanged += 1
        diff.warnings = self._over_share(items, context)
        return diff

    def _over_share(self, items: list[GradeItem], context: GradeContext) -> list[tuple[int, str]]:
        """Branches whose 优秀 would pass the share once the file is in, as the grade page warns."""
        share = excellent_share()
        rounds = {i.round.pk: i.round for i in items}
        org_ids = {i.organization_id for i in items}
        # (round, organization) → {member: (category, row)} after the file
        graded: dict[tuple[int, int], dict[int, tuple[str, int]]] = defaultdict(dict)
        for round_id, org_id, member_id, category in MemberAppraisal.objects.filter(
            round_id__in=list(rounds), organization_id__in=org_ids
        ).values_list("round_id", "organization_id", "member_id", "category"):
            graded[(round_id, org_id)][member_id] = (category, 0)
        for item in items:
            category = grade_categories(item.round.grades)[item.grade]
            graded[(item.round.pk, item.organization_id)][item.member_id] = (category, item.row)
        warnings = []
        for (round_id, org_id), members in graded.items():
            excellent = [row for category, row in members.values() if category == GradeCategory.EXCELLENT]
            if over_share(len(excellent), len(members), share):
                round_ = rounds[round_id]
                org = context.orgs.by_pk[org_id]
                warnings.append(
                    (
                        max(excellent),
                        f"{org.name}评为{round_.grades[0]}的党员{len(excellent)}名，超过参评党员（{len(members)}名）的"
                        f"{share_label(share)}，请按比例从严掌握。",
                    )
                )
        return sorted(warnings)

    def write(self, diff: Diff, *, actor: Any, context: GradeContext) -> tuple[int, int]:
        """Through ``grades_save``, one call per round, branch and day, in one transaction."""
        groups: dict[tuple[int, int, dt.date], list[tuple[GradeItem, int]]] = defaultdict(list)
        for item in diff.new:
            groups[(item.round.pk, item.organization_id, item.appraised_on)].append((item, 0))
        for change in diff.changed:
            item = change.item
            groups[(item.round.pk, item.organization_id, item.appraised_on)].append(
                (item, change.existing.version)
            )
        row = 0
        try:
            with transaction.atomic():
                for (_round, org_id, day), group in groups.items():
                    row = group[0][0].row
                    grades_save(
                        actor=actor,
                        round=group[0][0].round,
                        organization=context.orgs.by_pk[org_id],
                        entries=[
                            GradeEntry(context.members[i.member_id], i.grade, i.note, version)
                            for i, version in group
                        ],
                        appraised_on=day,
                    )
        except ValidationError as exc:
            raise ImportRejected([RowError(row, c, m) for c, m in messages_of(exc, {})]) from None
        except (PermissionDenied, Http404):
            raise ImportRejected([RowError(row, "", "该行不在您的管理范围内，未写入任何数据")]) from None
        return len(diff.new), len(diff.changed)

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        shown = export_id(user)
        appraisals = (
            MemberAppraisal.objects.visible_to(user)
            .select_related("member")
            .order_by("year", "organization__path", "member__name", "pk")
        )
        if str(filters.get("year", "")).isdigit():
            appraisals = appraisals.filter(year=int(filters["year"]))
        rows = (
            [shown(a.member.id_number), a.member.name, a.year, a.grade, a.appraised_on, a.note]
            for a in appraisals.iterator(chunk_size=2000)
        )
        return {self.sheets[0].title: rows}
