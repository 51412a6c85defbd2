"""民主生活会 from a workbook: one row per organization and year, through the meetings services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from core.forms import normalise_document_no
from core.periodlock import check_period_open
from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.xlsx import ImportRejected, RowError, cell_text
from members.care_imports import OrgLookup, collect, messages_of, row_date
from organizations.models import Organization

from ..models import LifeMeeting
from ..services.meetings import _validate, life_meeting_record, life_meeting_update

ORG_COL, NAME_COL, DATE_COL, DOC_COL = "党组织代码", "党组织名称", "召开日期", "文号"
EXPECTED_COL, ATTENDED_COL, ABSENT_COL, SUPERVISORS_COL = (
    "应参会班子成员",
    "实参会班子成员",
    "缺席人员及原因",
    "上级督导人员",
)
TOPICS_COL, ISSUES_COL, RECTIFY_COL = "会议主题", "查摆的问题", "整改措施"
#: model field → column
COLUMNS = {
    "held_on": DATE_COL,
    "document_no": DOC_COL,
    "leaders_expected": EXPECTED_COL,
    "leaders_attended": ATTENDED_COL,
    "absentees": ABSENT_COL,
    "supervisors": SUPERVISORS_COL,
    "topics": TOPICS_COL,
    "issues": ISSUES_COL,
    "rectification": RECTIFY_COL,
    "organization": ORG_COL,
}
TEXT_FIELDS = ("document_no", "absentees", "supervisors", "topics", "issues", "rectification")


def count_of(row: Row, column: str) -> int:
    value = row[column]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value)
    if not text:
        raise RowProblem(column, f"请填写{column}")
    if not text.isdigit():
        raise RowProblem(column, f"{column}应为整数：{text}")
    return int(text)


@dataclass(slots=True)
class MeetingItem:
    row: int
    organization: Organization
    values: dict[str, Any]

    @property
    def key(self) -> tuple[int, int]:
        return (self.organization.pk, self.values["held_on"].year)


@dataclass
class MeetingContext:
    user: Any
    orgs: OrgLookup
    existing: dict[tuple[int, int], LifeMeeting] = field(default_factory=dict)


class LifeMeetingsKind(ImportKind):
    """民主生活会: one row per organization and year."""

    key = "life_meetings"
    label = "民主生活会"
    group = "考核评议"
    sheets = (
        ImportSheet(
            "民主生活会",
            (
                Column(ORG_COL, required=True, help="必填，召开民主生活会的党组织的代码", example="C01T01"),
                Column(
                    NAME_COL, help="选填，仅用于核对：填写时须与该代码的党组织名称一致", example="新华镇党委"
                ),
                Column(
                    DATE_COL, required=True, help="必填，不晚于今天；年度按召开日期计", example="2026-09-10"
                ),
                Column(DOC_COL, help="选填，依据文件的文号，括号自动改为〔〕", example="富办发〔2026〕24号"),
                Column(EXPECTED_COL, required=True, help="必填，整数，至少1人", example="5"),
                Column(ATTENDED_COL, required=True, help="必填，整数，不多于应参会人数", example="5"),
                Column(ABSENT_COL, help="有班子成员缺席时必填", example=""),
                Column(SUPERVISORS_COL, help="选填", example="县委组织部 王五"),
                Column(
                    TOPICS_COL, required=True, width=30, help="必填", example="对照检查，开展批评与自我批评"
                ),
                Column(ISSUES_COL, width=30, help="选填", example=""),
                Column(RECTIFY_COL, width=30, help="选填", example=""),
            ),
        ),
    )
    notes = (
        "每行为一个党组织一个年度的民主生活会；同一党组织同一年度只能有一行。",
        "该党组织该年度已登记的，各列不同者确认后按表中内容更正（留存修改记录）；相同的不变。",
        "召开日期所在期间已报送的，不能导入。",
    )

    def begin(self, user: Any) -> MeetingContext:
        return MeetingContext(user=user, orgs=OrgLookup(user))

    def parse_row(self, row: Row, context: MeetingContext) -> MeetingItem:
        org, held_on, expected, attended = collect(
            lambda: context.orgs.find(row, ORG_COL),
            lambda: row_date(row, DATE_COL),
            lambda: count_of(row, EXPECTED_COL),
            lambda: count_of(row, ATTENDED_COL),
        )
        name = cell_text(row[NAME_COL])
        if name and name != org.name:
            raise RowProblem(NAME_COL, f"党组织名称“{name}”与代码{org.code}的党组织（{org.name}）不符")
        values: dict[str, Any] = {
            "held_on": held_on,
            "leaders_expected": expected,
            "leaders_attended": attended,
        }
        for name in TEXT_FIELDS:
            values[name] = cell_text(row[COLUMNS[name]])
        values["document_no"] = normalise_document_no(values["document_no"])
        return MeetingItem(row.number, org, values)

    def check(self, items: list[MeetingItem], context: MeetingContext) -> list[RowError]:
        errors: list[RowError] = []
        org_ids = {i.organization.pk for i in items}
        years = {i.key[1] for i in items}
        for meeting in LifeMeeting.objects.filter(organization_id__in=org_ids, year__in=years):
            context.existing[(meeting.organization_id, meeting.year)] = meeting
        seen: dict[tuple[int, int], int] = {}
        for item in items:
            if item.key in seen:
                errors.append(
                    RowError(item.row, DATE_COL, f"与第{seen[item.key]}行重复（同一党组织同一年度）")
                )
                continue
            seen[item.key] = item.row
            old = context.existing.get(item.key)
            meeting = LifeMeeting(
                pk=old.pk if old else None, organization=item.organization, year=item.key[1], **item.values
            )
            meeting._state.adding = old is None  # an update: its own row is no duplicate
            try:
                _validate(meeting)  # the service's rules, nothing written
            except ValidationError as exc:
                errors.extend(RowError(item.row, c, m) for c, m in messages_of(exc, COLUMNS))
                continue
            for name in TEXT_FIELDS:
                item.values[name] = getattr(meeting, name)
            days = [item.values["held_on"]]
            if old is not None and old.held_on != days[0]:
                days.append(old.held_on)
            for day in days:
                try:
                    check_period_open(item.organization, day)
                except ValidationError as exc:
                    errors.append(RowError(item.row, DATE_COL, exc.messages[0]))
                    break
        return errors

    def diff(self, items: list[MeetingItem], context: MeetingContext) -> Diff:
        diff = Diff()
        for item in items:
            old = context.existing.get(item.key)
            if old is None:
                diff.new.append(item)
                continue
            fields = [
                (COLUMNS[name], _text(getattr(old, name)), _text(value))
                for name, value in item.values.items()
                if getattr(old, name) != value
            ]
            if fields:
                label = f"{item.organization.name}{item.key[1]}年度民主生活会"
                diff.changed.append(Change(item.row, label, fields, item=item, existing=old))
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: MeetingContext) -> tuple[int, int]:
        row = 0
        try:
            with transaction.atomic():
                for item in diff.new:
                    row = item.row
                    life_meeting_record(actor=actor, organization=item.organization, **item.values)
                for change in diff.changed:
                    row, item, old = change.row, change.item, change.existing
                    changes = {k: v for k, v in item.values.items() if getattr(old, k) != v}
                    life_meeting_update(actor=actor, meeting=old, expected_version=old.version, **changes)
        except ValidationError as exc:
            raise ImportRejected([RowError(row, c, m) for c, m in messages_of(exc, COLUMNS)]) from None
        except (PermissionDenied, Http404):
            raise ImportRejected([RowError(row, "", "该行不在您的管理范围内，未写入任何数据")]) from None
        return len(diff.new), len(diff.changed)

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        meetings = (
            LifeMeeting.objects.visible_to(user)
            .select_related("organization")
            .order_by("year", "organization__path", "pk")
        )
        if str(filters.get("year", "")).isdigit():
            meetings = meetings.filter(year=int(filters["year"]))
        rows = (
            [
                m.organization.code,
                m.organization.name,
                m.held_on,
                m.document_no,
                m.leaders_expected,
                m.leaders_attended,
                m.absentees,
                m.supervisors,
                m.topics,
                m.issues,
                m.rectification,
            ]
            for m in meetings.iterator(chunk_size=2000)
        )
        return {self.sheets[0].title: rows}


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return "（空）" if value in (None, "") else str(value)
