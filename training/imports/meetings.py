"""三会一课和主题党日: one row per meeting (OrgMeeting), through training.services.meetings.

A row is matched to a record already there by its organization, kind, date
and topic; failing that, when the organization has exactly one record of
that kind on that day and the file one row, that record (its topic changed).
Otherwise the row is a new record.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.sheets import DATE
from core.xlsx import ImportRejected, RowError
from organizations.models import Organization

from ..choices import MeetingKind
from ..models import OrgMeeting
from ..services.meetings import _validate as validate_meeting
from ..services.meetings import meeting_create, meeting_update
from .common import GROUP, OrgScope, PeriodCheck, choice, count, date, field_errors, shown, text

ORG, ORG_NAME, KIND, DAY, TOPIC = "党组织代码", "党组织名称", "会议类型", "日期", "主题/议题"
VENUE, HOST, EXPECTED, PRESENT, ABSENT, MINUTES = (
    "地点",
    "主持人",
    "应到人数",
    "实到人数",
    "缺席人员及原因",
    "会议记录",
)

KIND_BY_LABEL = {label: value for value, label in MeetingKind.choices} | {
    "党员大会": MeetingKind.ASSEMBLY,
    "党员活动日": MeetingKind.ACTIVITY_DAY,
}
KIND_LABELS = dict(MeetingKind.choices)

#: (column, model field, as the preview shows a value)
COMPARED = (
    (TOPIC, "topic", str),
    (VENUE, "venue", shown),
    (HOST, "host", shown),
    (EXPECTED, "expected", str),
    (PRESENT, "present", str),
    (ABSENT, "absent_note", shown),
    (MINUTES, "minutes", shown),
)
COLUMNS_OF = {name: column for column, name, _ in COMPARED} | {
    "kind": KIND,
    "held_on": DAY,
    "organization": ORG,
    "photo": MINUTES,
}


@dataclass(slots=True)
class MeetingItem:
    row: int
    org: Organization
    kind: str
    held_on: Any
    values: dict[str, Any]
    existing: OrgMeeting | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    updates: dict[str, Any] = field(default_factory=dict)

    @property
    def triple(self) -> tuple[int, str, Any]:
        return (self.org.pk, self.kind, self.held_on)


@dataclass
class MeetingContext:
    user: Any
    orgs: OrgScope
    periods: PeriodCheck = field(default_factory=PeriodCheck)


class OrgMeetingsKind(ImportKind):
    key = "training_meetings"
    label = "三会一课和主题党日记录"
    group = GROUP
    sheets = (
        ImportSheet(
            "三会一课",
            (
                Column(
                    ORG,
                    required=True,
                    help="必填，召开会议的党组织代码（须在您的管理范围内）",
                    example="C01T01B01",
                ),
                Column(
                    ORG_NAME,
                    help="选填，仅用于核对：填写时须与党组织代码登记的名称一致",
                    example="各甫村党支部",
                ),
                Column(
                    KIND,
                    required=True,
                    choices=tuple(MeetingKind.labels),
                    help="必填，从下拉列表选择；党员大会、支委会、主题党日登记在党支部或党总支名下，党小组会登记在党小组名下",
                    example=MeetingKind.ASSEMBLY.label,
                ),
                Column(
                    DAY,
                    required=True,
                    kind=DATE,
                    help="必填，不晚于今天（会议召开后再登记）",
                    example="2026-03-05",
                ),
                Column(
                    TOPIC, required=True, width=30, help="必填，不超过200字", example="学习传达上级会议精神"
                ),
                Column(VENUE, help="选填，不超过100字", example="村活动室"),
                Column(HOST, help="选填，不超过50字", example="黄志明"),
                Column(EXPECTED, required=True, help="必填，整数，至少为1", example="20"),
                Column(PRESENT, required=True, help="必填，整数，不多于应到人数", example="18"),
                Column(
                    ABSENT,
                    width=30,
                    help="选填，缺席人员姓名及原因，不超过300字",
                    example="张三（外出务工）、李四（病假）",
                ),
                Column(MINUTES, width=40, help="选填，会议记录（照片请在会议页面上传）", example=""),
            ),
        ),
    )
    notes = (
        "每行一次会议（支部党员大会、支委会、党小组会、党课）或一次主题党日。",
        "党组织、会议类型、日期和主题/议题都相同的，视为系统中已有的同一记录，其他内容不同者确认后更正（留存修改记录）；"
        "该党组织当日只有一条该类型记录、表中也只有一行时，按该记录更正（含主题/议题）。同一次会议在表中只能一行。",
        "日期在已报送期间的记录不能新增或修改；有任何一行错误时不导入任何数据。",
    )

    def begin(self, user: Any) -> MeetingContext:
        return MeetingContext(user=user, orgs=OrgScope(user))

    def parse_row(self, row: Row, context: MeetingContext) -> MeetingItem:
        problems: list[tuple[str, str]] = []
        got: dict[str, Any] = {}
        steps = (
            ("org", lambda: context.orgs.find(row, ORG, ORG_NAME)),
            ("kind", lambda: choice(row, KIND, KIND_BY_LABEL)),
            ("held_on", lambda: date(row, DAY)),
            ("topic", lambda: text(row, TOPIC, required=True, max_length=200)),
            ("venue", lambda: text(row, VENUE, max_length=100)),
            ("host", lambda: text(row, HOST, max_length=50)),
            ("expected", lambda: count(row, EXPECTED, required=True)),
            ("present", lambda: count(row, PRESENT, required=True)),
            ("absent_note", lambda: text(row, ABSENT, max_length=300)),
            ("minutes", lambda: text(row, MINUTES)),
        )
        for name, step in steps:
            try:
                got[name] = step()
            except RowProblem as exc:
                problems.extend(exc.problems)
        if problems:
            raise RowProblem(problems=problems)
        if got["expected"] < 1:
            raise RowProblem(EXPECTED, "应到人数至少为1")
        if got["present"] > got["expected"]:
            raise RowProblem(PRESENT, "实到人数不能多于应到人数")
        org, kind, held_on = got.pop("org"), got.pop("kind"), got.pop("held_on")
        return MeetingItem(row.number, org, kind, held_on, got)

    def check(self, items: list[MeetingItem], context: MeetingContext) -> list[RowError]:
        errors: list[RowError] = []
        seen: dict[tuple[Any, ...], int] = {}
        unique: list[MeetingItem] = []
        for item in items:
            key = (*item.triple, item.values["topic"])
            if key in seen:
                errors.append(
                    RowError(item.row, TOPIC, f"与第{seen[key]}行重复（同一党组织同一天同一类型同一主题）")
                )
                continue
            seen[key] = item.row
            unique.append(item)
        existing: dict[tuple[int, str, Any], list[OrgMeeting]] = defaultdict(list)
        if unique:
            found = (
                OrgMeeting.objects.editable_by(context.user)
                .filter(
                    organization_id__in={i.org.pk for i in unique},
                    held_on__gte=min(i.held_on for i in unique),
                    held_on__lte=max(i.held_on for i in unique),
                )
                .select_related("organization")
                .order_by("pk")
            )
            for meeting in found:
                existing[(meeting.organization_id, meeting.kind, meeting.held_on)].append(meeting)
        used: set[int] = set()
        for item in unique:  # the same topic first
            for meeting in existing.get(item.triple, ()):
                if meeting.pk not in used and meeting.topic.strip() == item.values["topic"]:
                    item.existing = meeting
                    used.add(meeting.pk)
                    break
        rows_of = Counter(i.triple for i in unique)
        for item in unique:  # then the only record of that kind that day, its topic changed
            group = existing.get(item.triple, ())
            if (
                item.existing is None
                and len(group) == 1
                and rows_of[item.triple] == 1
                and group[0].pk not in used
            ):
                item.existing = group[0]
                used.add(group[0].pk)
        for item in unique:
            errors.extend(self._check_one(item, context))
        return errors

    def _check_one(self, item: MeetingItem, context: MeetingContext) -> list[RowError]:
        meeting = item.existing
        if meeting is not None:
            for column, name, as_text in COMPARED:
                old, new = getattr(meeting, name), item.values[name]
                if (old or "").strip() != new if isinstance(old, str) else old != new:
                    item.changes.append((column, as_text(old), as_text(new)))
                    item.updates[name] = new
            if not item.changes:
                return []
            refusal = context.periods.refusal(meeting.organization, meeting.held_on)
            if refusal:
                return [RowError(item.row, DAY, refusal)]
            candidate = OrgMeeting(
                **{f.attname: getattr(meeting, f.attname) for f in OrgMeeting._meta.concrete_fields}
            )
            candidate.organization = meeting.organization
            candidate._state.adding = False  # a copy of the saved record (no unique check on its own id)
        else:
            candidate = OrgMeeting(organization=item.org, kind=item.kind, held_on=item.held_on)
        for name, value in item.values.items():
            setattr(candidate, name, value)
        try:
            validate_meeting(candidate)
        except ValidationError as exc:
            return [
                RowError(item.row, column, message) for column, message in field_errors(exc, COLUMNS_OF, DAY)
            ]
        return []

    def diff(self, items: list[MeetingItem], context: MeetingContext) -> Diff:
        diff = Diff()
        for item in items:
            if item.existing is None:
                diff.new.append(item)
            elif item.changes:
                meeting = item.existing
                label = f"{meeting.organization.name} {meeting.held_on:%Y-%m-%d} {KIND_LABELS[meeting.kind]}"
                diff.changed.append(Change(item.row, label, item.changes, item=item, existing=meeting))
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: MeetingContext) -> tuple[int, int]:
        """Through the services, one record at a time, in one transaction (each audited by the service)."""
        with transaction.atomic():
            for item in diff.new:
                self._service(
                    item,
                    lambda i=item: meeting_create(
                        actor=actor, organization=i.org, kind=i.kind, held_on=i.held_on, **i.values
                    ),
                )
            for change in diff.changed:
                item = change.item
                self._service(
                    item,
                    lambda i=item: meeting_update(
                        actor=actor, meeting=i.existing, expected_version=i.existing.version, **i.updates
                    ),
                )
        return len(diff.new), len(diff.changed)

    @staticmethod
    def _service(item: MeetingItem, call: Any) -> None:
        try:
            call()
        except ValidationError as exc:
            raise ImportRejected(
                [
                    RowError(item.row, column, message)
                    for column, message in field_errors(exc, COLUMNS_OF, DAY)
                ]
            ) from None

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        meetings = OrgMeeting.objects.visible_to(user).select_related("organization")
        year = str(filters.get("year", ""))
        if year.isdigit():
            meetings = meetings.filter(held_on__year=int(year))
        rows = (
            [
                m.organization.code,
                m.organization.name,
                KIND_LABELS.get(m.kind, m.kind),
                m.held_on,
                m.topic,
                m.venue,
                m.host,
                m.expected,
                m.present,
                m.absent_note,
                m.minutes,
            ]
            for m in meetings.order_by("held_on", "organization__path", "kind", "pk").iterator(
                chunk_size=2000
            )
        )
        return {self.sheets[0].title: rows}
