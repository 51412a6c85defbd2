"""讲党课及听课人员: party lectures (sheet 党课) and who heard them (sheet 听课人员), through training.services.lectures."""

from __future__ import annotations

import re
from typing import Any

from core.recordimports import Column, ImportSheet, Row, RowProblem
from core.sheets import DATE, ID, TEXT
from core.xlsx import RowError
from members.models import Member

from ..choices import LecturerRank
from ..models import LectureAttendance, PartyLecture
from ..services.lectures import _validate as validate_lecture
from ..services.lectures import lecture_create, lecture_update
from .common import (
    ID_COL,
    NAME_COL,
    NOT_FOUND_MEMBER,
    choice,
    count,
    date,
    decimal,
    find_member,
    id_hashes,
    members_by_hash,
    shown,
    system_key,
    text,
)
from .events import EventContext, EventItem, EventsKind

KEY, ORG, ORG_NAME, DAY, TOPIC = "党课编号", "承办党组织代码", "承办党组织名称", "讲课日期", "党课题目"
LECTURER_ID, LECTURER, UNIT, POST, RANK = (
    "讲课人公民身份号码",
    "讲课人",
    "讲课人单位",
    "讲课人职务",
    "讲课人职级",
)
VENUE, HOURS, NON_MEMBERS, NOTE = "地点", "学时", "听课群众人数", "备注"

RANK_BY_LABEL = {label: value for value, label in LecturerRank.choices}
RANK_LABELS = dict(LecturerRank.choices)

#: (column, model field, as the preview shows a value)
COMPARED = (
    (DAY, "given_on", shown),
    (TOPIC, "topic", str),
    (LECTURER, "lecturer_name", str),
    (POST, "lecturer_post", shown),
    (RANK, "lecturer_rank", lambda v: RANK_LABELS.get(v, v)),
    (VENUE, "venue", shown),
    (HOURS, "hours", shown),
    (NON_MEMBERS, "non_member_count", str),
    (NOTE, "note", shown),
)


def unit_name(text_: str) -> str:
    return re.sub(r"\s+", "", text_ or "")  # as training.services.topics.unit_for keeps it


class PartyLecturesKind(EventsKind):
    key = "training_lectures"
    label = "讲党课及听课人员"
    model = PartyLecture
    attendance_model = LectureAttendance
    event_field, date_field, noun = "lecture", "given_on", "党课"
    key_col, org_col, date_col = KEY, ORG, DAY
    columns_of = {
        "given_on": DAY,
        "topic": TOPIC,
        "lecturer_name": LECTURER,
        "lecturer_member": LECTURER_ID,
        "lecturer_unit": UNIT,
        "lecturer_post": POST,
        "lecturer_rank": RANK,
        "venue": VENUE,
        "hours": HOURS,
        "non_member_count": NON_MEMBERS,
        "note": NOTE,
        "organization": ORG,
    }
    sheets = (
        ImportSheet(
            "党课",
            (
                Column(
                    KEY,
                    required=True,
                    kind=TEXT,
                    help="必填。新登记的党课自定一个编号（如 K1，不超过20字），“听课人员”工作表用它指明党课；"
                    "系统中已有的党课填#加系统编号（如 #12，导出文件中即如此），按表中内容更正",
                    example="K1",
                ),
                Column(
                    ORG,
                    required=True,
                    help="必填，承办党组织的代码（须在您的管理范围内）",
                    example="C01T01B01",
                ),
                Column(
                    ORG_NAME,
                    help="选填，仅用于核对：填写时须与党组织代码登记的名称一致",
                    example="各甫村党支部",
                ),
                Column(
                    DAY,
                    required=True,
                    kind=DATE,
                    help="必填，不晚于今天（讲课后再登记）",
                    example="2026-04-15",
                ),
                Column(
                    TOPIC, required=True, width=30, help="必填，不超过200字", example="学习党章，做合格党员"
                ),
                Column(
                    LECTURER_ID,
                    kind=ID,
                    help="讲课人是本系统党员时填写（须为您管理范围内的在册党员），“讲课人”可留空；系统外的讲课人留空",
                    example="",
                ),
                Column(LECTURER, help="讲课人姓名；未填讲课人公民身份号码时必填", example="韦国强"),
                Column(
                    UNIT, help="选填，讲课人单位；新的单位自动加入单位库（作为县级单位）", example="县财政局"
                ),
                Column(POST, help="选填，讲课人职务，不超过100字", example="局长"),
                Column(
                    RANK,
                    required=True,
                    choices=tuple(LecturerRank.labels),
                    help="必填，从下拉列表选择",
                    example=LecturerRank.SECTION_CHIEF.label,
                ),
                Column(VENUE, help="选填，不超过100字", example="村活动室"),
                Column(HOURS, help="选填，大于0，最多一位小数；不计学时留空", example="2"),
                Column(NON_MEMBERS, help="选填，听课的群众人数（不是党员），整数，留空为0", example="5"),
                Column(NOTE, help="选填，不超过200字", example=""),
            ),
            optional=True,
        ),
        ImportSheet(
            "听课人员",
            (
                Column(
                    KEY,
                    required=True,
                    kind=TEXT,
                    help="必填，“党课”工作表中的党课编号，或系统中已有党课的#加系统编号（只导入听课名单时）",
                    example="K1",
                ),
                Column(
                    ID_COL,
                    required=True,
                    kind=ID,
                    help="必填，18位（15位旧号码自动转换）",
                    example="110101199003071234",
                ),
                Column(NAME_COL, help="选填，仅用于核对：填写时须与登记的姓名一致", example="张三"),
            ),
            optional=True,
        ),
    )
    notes = (
        "“党课”工作表每行一次党课，“听课人员”工作表每行一名听课党员（听课人次即该表的行数）；"
        "只导入某次党课的听课名单时，可只保留“听课人员”工作表，党课编号填#加系统编号。",
        "系统编号：导出文件中已有党课的党课编号即#加系统编号（也是党课详情页网址中的数字），导出后修改再导入即按编号更正。",
        "听课党员须在讲课之日是承办党组织（含下级党组织）的党员，计入其当日所在党组织；同一次党课同一党员只能一行。",
        "已有的党课：表中内容与系统不同者确认后更正（留存修改记录），承办党组织不能修改；"
        "已在听课名单中的党员不变，导入只增加听课人员，不删除（删除请在党课页面办理）。",
        "日期在已报送期间的党课不能新增或修改；有任何一行错误时不导入任何数据。",
    )

    def parse_event(self, row: Row, key: str, pk: int | None, context: EventContext) -> EventItem:
        problems: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {"hashes": (), "unit": unit_name(text(row, UNIT))}
        org = None
        steps = (
            ("org", lambda: context.orgs.find(row, ORG, ORG_NAME)),
            ("given_on", lambda: date(row, DAY)),
            ("topic", lambda: text(row, TOPIC, required=True, max_length=200)),
            ("lecturer_name", lambda: text(row, LECTURER, max_length=50)),
            ("lecturer_post", lambda: text(row, POST, max_length=100)),
            ("lecturer_rank", lambda: choice(row, RANK, RANK_BY_LABEL)),
            ("venue", lambda: text(row, VENUE, max_length=100)),
            ("hours", lambda: decimal(row, HOURS)),
            ("non_member_count", lambda: count(row, NON_MEMBERS)),
            ("note", lambda: text(row, NOTE, max_length=200)),
        )
        for name, step in steps:
            try:
                if name == "org":
                    org = step()
                else:
                    values[name] = step()
            except RowProblem as exc:
                problems.extend(exc.problems)
        if row[LECTURER_ID] not in (None, ""):
            try:
                extra["hashes"] = id_hashes(row, LECTURER_ID)[1]
            except RowProblem as exc:
                problems.extend(exc.problems)
        elif not values.get("lecturer_name") and not any(c == LECTURER for c, _ in problems):
            problems.append((LECTURER, "请填写讲课人（本系统党员可填讲课人公民身份号码）"))
        if len(extra["unit"]) > 100:
            problems.append((UNIT, "讲课人单位不能超过100字"))
        if problems:
            raise RowProblem(problems=problems)
        values["day"] = values["given_on"]
        return EventItem(row.number, key, pk, org, values, extra)

    def existing_events(self, user: Any) -> Any:
        return super().existing_events(user).select_related("lecturer_unit", "lecturer_member")

    def check_more(self, events: list[EventItem], context: EventContext) -> list[RowError]:
        """The lecturer by ID number: a current member the importer may edit (or the lecture's own lecturer)."""
        with_id = [i for i in events if i.extra["hashes"]]
        if not with_id:
            return []
        found = members_by_hash(Member.objects.all(), (h for i in with_id for h in i.extra["hashes"]))
        allowed = set(
            Member.objects.editable_by(context.user)
            .current()
            .filter(pk__in=[pk for pk, _ in found.values()])
            .values_list("pk", flat=True)
        )
        lecturers = Member.objects.only("id", "name").in_bulk([pk for pk, _ in found.values()])
        errors = []
        for item in with_id:
            member = find_member(found, item.extra["hashes"])
            existing = context.existing.get(item.pk) if item.pk else None
            own = existing is not None and member is not None and existing.lecturer_member_id == member[0]
            if member is None or (member[0] not in allowed and not own):
                errors.append(RowError(item.row, self.col(self.event_sheet, LECTURER_ID), NOT_FOUND_MEMBER))
                continue
            item.extra["member"] = lecturers[member[0]]
            if not item.values["lecturer_name"]:
                item.values["lecturer_name"] = member[1]
        return errors

    def compare(self, item: EventItem, existing: PartyLecture) -> None:
        for column, name, as_text in COMPARED:
            old, new = getattr(existing, name), item.values[name]
            if old != new:
                item.changes.append((column, as_text(old), as_text(new)))
                item.updates[name] = new
        member = item.extra.get("member")
        if existing.lecturer_member_id != (member.pk if member else None):
            old = existing.lecturer_member.name if existing.lecturer_member_id else "（空）"
            item.changes.append((LECTURER_ID, old, member.name if member else "（空）"))
            item.updates["lecturer_member"] = member
        old_unit = existing.lecturer_unit.name if existing.lecturer_unit_id else ""
        if old_unit != item.extra["unit"]:
            item.changes.append((UNIT, shown(old_unit), shown(item.extra["unit"])))
            item.updates["unit_name"] = item.extra["unit"]

    def candidate(self, item: EventItem, existing: PartyLecture | None) -> PartyLecture:
        fields = {name: item.values[name] for _, name, _ in COMPARED}
        lecture = PartyLecture(organization=item.org)
        if existing is not None:
            lecture = PartyLecture(
                **{f.attname: getattr(existing, f.attname) for f in PartyLecture._meta.concrete_fields}
            )
            lecture.organization = existing.organization
            lecture._state.adding = False  # a copy of the saved record (no unique check on its own id)
        for name, value in fields.items():
            setattr(lecture, name, value)
        lecture.lecturer_member = item.extra.get("member")
        return lecture

    def validate(self, candidate: PartyLecture) -> None:
        validate_lecture(candidate)

    def create(self, item: EventItem, actor: Any, context: EventContext) -> PartyLecture:
        fields = {name: item.values[name] for _, name, _ in COMPARED}
        return lecture_create(
            actor=actor,
            organization=item.org,
            lecturer_member=item.extra.get("member"),
            unit_name=item.extra["unit"],
            **fields,
        )

    def update(self, item: EventItem, actor: Any, context: EventContext) -> PartyLecture:
        return lecture_update(
            actor=actor, lecture=item.existing, expected_version=item.existing.version, **item.updates
        )

    def event_label(self, event: PartyLecture) -> str:
        return f"{system_key(event.pk)} {event.given_on:%Y-%m-%d} {event.lecturer_name}：{event.topic}"

    def export_queryset(self, events: Any) -> Any:
        return events.select_related("lecturer_unit", "lecturer_member")

    def event_row(self, lecture: PartyLecture, shown_id: Any) -> list[Any]:
        return [
            system_key(lecture.pk),
            lecture.organization.code,
            lecture.organization.name,
            lecture.given_on,
            lecture.topic,
            shown_id(lecture.lecturer_member.id_number) if lecture.lecturer_member_id else "",
            lecture.lecturer_name,
            lecture.lecturer_unit.name if lecture.lecturer_unit_id else "",
            lecture.lecturer_post,
            RANK_LABELS.get(lecture.lecturer_rank, lecture.lecturer_rank),
            lecture.venue,
            lecture.hours,
            lecture.non_member_count,
            lecture.note,
        ]
