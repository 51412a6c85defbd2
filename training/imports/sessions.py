"""培训及参训人员: training sessions (sheet 培训) and their attendance (sheet 参训人员), through training.services.sessions."""

from __future__ import annotations

from typing import Any

from core.recordimports import Column, ImportSheet, Row, RowProblem
from core.sheets import DATE, ID, TEXT

from ..choices import TrainingForm, TrainingKind, level_of
from ..models import Attendance, TrainingSession
from ..services.sessions import _validate as validate_session
from ..services.sessions import session_create, session_update
from ..services.topics import MAX_TOPICS, split_topics
from .common import ID_COL, NAME_COL, choice, count, date, decimal, shown, system_key, text
from .events import EventContext, EventItem, EventsKind

KEY, ORG, ORG_NAME, TITLE, KIND, FORM, TOPICS = (
    "培训编号",
    "举办单位代码",
    "举办单位名称",
    "培训名称",
    "培训类别",
    "培训形式",
    "篇目/课程",
)
START, END, HOURS, VENUE, NON_MEMBERS, NOTE = (
    "开始日期",
    "结束日期",
    "学时",
    "培训地点",
    "参训群众人数",
    "备注",
)

KIND_BY_LABEL = {label: value for value, label in TrainingKind.choices} | {
    "理论": TrainingKind.THEORY,
    "科技培训": TrainingKind.TECHNICAL,
    "农村实用技术培训": TrainingKind.TECHNICAL,
}
FORM_BY_LABEL = {label: value for value, label in TrainingForm.choices}
KIND_LABELS, FORM_LABELS = dict(TrainingKind.choices), dict(TrainingForm.choices)

#: (column, model field, as the preview shows a value)
COMPARED = (
    (TITLE, "title", str),
    (KIND, "kind", lambda v: KIND_LABELS.get(v, v)),
    (FORM, "form", lambda v: FORM_LABELS.get(v, v)),
    (START, "start_on", shown),
    (END, "end_on", shown),
    (HOURS, "hours", shown),
    (VENUE, "venue", shown),
    (NON_MEMBERS, "non_member_count", str),
    (NOTE, "note", shown),
)


class TrainingSessionsKind(EventsKind):
    key = "training_sessions"
    label = "培训及参训人员"
    model = TrainingSession
    attendance_model = Attendance
    event_field, date_field, noun = "session", "start_on", "培训"
    key_col, org_col, date_col = KEY, ORG, START
    columns_of = {
        "title": TITLE,
        "kind": KIND,
        "form": FORM,
        "start_on": START,
        "end_on": END,
        "hours": HOURS,
        "venue": VENUE,
        "non_member_count": NON_MEMBERS,
        "note": NOTE,
        "organization": ORG,
        "topic_text": TOPICS,
        "film": FORM,
    }
    sheets = (
        ImportSheet(
            "培训",
            (
                Column(
                    KEY,
                    required=True,
                    kind=TEXT,
                    help="必填。新登记的培训自定一个编号（如 S1、2026-01，不超过20字），"
                    "“参训人员”工作表用它指明培训；系统中已有的培训填#加系统编号（如 #12，导出文件中即如此），按表中内容更正",
                    example="S1",
                ),
                Column(
                    ORG,
                    required=True,
                    help="必填，举办单位的党组织代码（须在您的管理范围内）",
                    example="C01T01",
                ),
                Column(
                    ORG_NAME,
                    help="选填，仅用于核对：填写时须与党组织代码登记的名称一致",
                    example="新华镇党委",
                ),
                Column(
                    TITLE,
                    required=True,
                    help="必填，不超过100字",
                    example="2026年第一期农村党员实用技术培训班",
                ),
                Column(
                    KIND,
                    required=True,
                    choices=tuple(TrainingKind.labels),
                    help="必填，从下拉列表选择（也可填“理论培训”“科技培训”）",
                    example=TrainingKind.THEORY.label,
                ),
                Column(
                    FORM,
                    required=True,
                    choices=tuple(TrainingForm.labels),
                    help="必填，从下拉列表选择；电化教育播放的电教片请在培训页面选择",
                    example=TrainingForm.MEETING.label,
                ),
                Column(
                    TOPICS,
                    width=30,
                    help=f"选填，几个篇目或课程用“、”分隔，最多{MAX_TOPICS}个；新的名称自动加入篇目库",
                    example="《党章》、甘蔗栽培",
                ),
                Column(
                    START,
                    required=True,
                    kind=DATE,
                    help="必填，不晚于今天（培训结束后再登记）",
                    example="2026-03-10",
                ),
                Column(END, kind=DATE, help="选填，不早于开始日期；留空为当天结束", example="2026-03-12"),
                Column(
                    HOURS,
                    required=True,
                    help="必填，每名参训党员计入的学时，大于0，最多一位小数",
                    example="8",
                ),
                Column(VENUE, help="选填，不超过100字", example="镇党校"),
                Column(NON_MEMBERS, help="选填，参训的群众人数（不是党员），整数，留空为0", example="12"),
                Column(NOTE, help="选填，不超过200字", example=""),
            ),
            optional=True,
        ),
        ImportSheet(
            "参训人员",
            (
                Column(
                    KEY,
                    required=True,
                    kind=TEXT,
                    help="必填，“培训”工作表中的培训编号，或系统中已有培训的#加系统编号（只导入签到表时）",
                    example="S1",
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
        "“培训”工作表每行一期培训，“参训人员”工作表每行一名参训党员（参训人次即该表的行数）；"
        "只导入某期培训的签到表时，可只保留“参训人员”工作表，培训编号填#加系统编号。",
        "系统编号：导出文件中已有培训的培训编号即#加系统编号（也是培训详情页网址中的数字），导出后修改再导入即按编号更正。",
        "参训党员须在培训开始之日是举办单位（含下级党组织）的党员，计入其当日所在党组织；同一期培训同一党员只能一行。",
        "已有的培训：表中内容与系统不同者确认后更正（留存修改记录），举办单位不能修改；"
        "已在参训名单中的党员不变，导入只增加参训人员，不删除（删除请在培训页面办理）。",
        "日期在已报送期间的培训不能新增或修改；有任何一行错误时不导入任何数据。",
    )

    def parse_event(self, row: Row, key: str, pk: int | None, context: EventContext) -> EventItem:
        problems: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        org = None
        steps = (
            ("org", lambda: context.orgs.find(row, ORG, ORG_NAME)),
            ("title", lambda: text(row, TITLE, required=True, max_length=100)),
            ("kind", lambda: choice(row, KIND, KIND_BY_LABEL)),
            ("form", lambda: choice(row, FORM, FORM_BY_LABEL)),
            ("start_on", lambda: date(row, START)),
            ("end_on", lambda: date(row, END, required=False)),
            ("hours", lambda: decimal(row, HOURS, required=True)),
            ("venue", lambda: text(row, VENUE, max_length=100)),
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
        topics = split_topics(text(row, TOPICS))
        if len(topics) > MAX_TOPICS:
            problems.append((TOPICS, f"篇目/课程最多{MAX_TOPICS}个"))
        for name in topics:
            if len(name) > 100:
                problems.append((TOPICS, f"篇目/课程“{name[:20]}…”过长（不超过100字）"))
        if problems:
            raise RowProblem(problems=problems)
        values["end_on"] = values["end_on"] or values["start_on"]
        if values["end_on"] < values["start_on"]:
            raise RowProblem(END, "结束日期不能早于开始日期")
        values["day"] = values["start_on"]
        return EventItem(row.number, key, pk, org, values, {"topics": topics})

    def existing_events(self, user: Any) -> Any:
        return super().existing_events(user).prefetch_related("topics")

    def compare(self, item: EventItem, existing: TrainingSession) -> None:
        for column, name, as_text in COMPARED:
            old, new = getattr(existing, name), item.values[name]
            if old != new:
                item.changes.append((column, as_text(old), as_text(new)))
                item.updates[name] = new
        old_topics = [t.name for t in existing.topics.all()]
        if set(old_topics) != set(item.extra["topics"]):
            item.changes.append(
                (TOPICS, "、".join(old_topics) or "（空）", "、".join(item.extra["topics"]) or "（空）")
            )
            item.updates["topic_text"] = "、".join(item.extra["topics"])

    def candidate(self, item: EventItem, existing: TrainingSession | None) -> TrainingSession:
        fields = {name: item.values[name] for _, name, _ in COMPARED}
        if existing is None:
            return TrainingSession(organization=item.org, level=level_of(item.org.kind), **fields)
        session = TrainingSession(
            **{f.attname: getattr(existing, f.attname) for f in TrainingSession._meta.concrete_fields}
        )
        session.organization = existing.organization
        session._state.adding = False  # a copy of the saved record (no unique check on its own id)
        for name, value in fields.items():
            setattr(session, name, value)
        return session

    def validate(self, candidate: TrainingSession) -> None:
        validate_session(candidate)

    def create(self, item: EventItem, actor: Any, context: EventContext) -> TrainingSession:
        fields = {name: item.values[name] for _, name, _ in COMPARED}
        return session_create(
            actor=actor, organization=item.org, topic_text="、".join(item.extra["topics"]), **fields
        )

    def update(self, item: EventItem, actor: Any, context: EventContext) -> TrainingSession:
        return session_update(
            actor=actor, session=item.existing, expected_version=item.existing.version, **item.updates
        )

    def event_label(self, event: TrainingSession) -> str:
        return f"{system_key(event.pk)} {event.start_on:%Y-%m-%d} {event.title}"

    def export_queryset(self, events: Any) -> Any:
        return events.prefetch_related("topics")

    def event_row(self, s: TrainingSession, shown_id: Any) -> list[Any]:
        return [
            system_key(s.pk),
            s.organization.code,
            s.organization.name,
            s.title,
            KIND_LABELS.get(s.kind, s.kind),
            FORM_LABELS.get(s.form, s.form),
            "、".join(t.name for t in s.topics.all()),
            s.start_on,
            s.end_on,
            s.hours,
            s.venue,
            s.non_member_count,
            s.note,
        ]
