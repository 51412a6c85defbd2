"""An event and who attended it, from two sheets: the events (one row each, keyed) and the attendance (key, ID).

The shared half of training sessions (培训 + 参训人员) and party lectures
(党课 + 听课人员).  A row of the first sheet is keyed by the importer
(``S1``, ``2026-03``) for a new event, or by ``#`` and the system number for an
event already there (the export writes every event so, so it re-imports as
unchanged).  A row of the second sheet names an event by that key — one of
the first sheet's, or ``#`` and a system number — and a member by their ID
number: a sign-in sheet of one event is the second sheet alone.

Rules as the services enforce them: the event through the service's own
validation (dates, hours, the organizer's kind, a submitted period); an
attendee must have been a member of the organizer's subtree on the event's
day (the dated tree) and is placed in their organization of that day; an
attendee already listed is unchanged (the import adds, it never removes).
Events go through the services one by one; attendance is written in bulk
with its audit rows (``core.bulkaudit``), a few queries for a file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core.bulkaudit import AuditContext, PendingCreates
from core.recordimports import Change, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.versioning import lock_for_update
from core.xlsx import ImportRejected, RowError
from members.models import Member, MemberPeriod
from organizations.models import Organization

from ..services.attendance import check_attendees_on
from .common import (
    GROUP,
    ID_COL,
    NAME_COL,
    SYSTEM_KEY,
    OrgScope,
    PeriodCheck,
    all_members,
    chunks,
    field_errors,
    find_member,
    id_hashes,
    members_by_hash,
    text,
)

BATCH = 5000


@dataclass(slots=True)
class EventItem:
    """A row of the events sheet: the event as the file says, and what it changes in the one already there."""

    row: int
    key: str
    pk: int | None  # the system number of an event already there (“#12”)
    org: Organization
    values: dict[str, Any]  # the model's fields
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # what the service takes besides (topic_text, unit_name)
    existing: Any = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    updates: dict[str, Any] = field(default_factory=dict)  # the update service's keywords

    @property
    def day(self) -> dt.date:
        return self.values["day"]


@dataclass(slots=True)
class AttendItem:
    """A row of the attendance sheet: one member at one event."""

    row: int
    key: str
    number: str
    hashes: tuple[str, ...]
    name: str
    member_id: int = 0
    org_id: int = 0  # where the member stood on the event's day
    listed: bool = False  # already on the event's list


@dataclass
class EventContext:
    user: Any
    orgs: OrgScope
    periods: PeriodCheck = field(default_factory=PeriodCheck)
    existing: dict[int, Any] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    day_orgs: dict[int, Organization] = field(default_factory=dict)
    #: the attendance items of each event: by the event's system number, or by the file's key
    attending: dict[Any, list[AttendItem]] = field(default_factory=dict)
    lecturers: dict[str, tuple[int, str]] = field(default_factory=dict)


class EventsKind(ImportKind):
    """Declare: the model, its attendance, the sheets' columns, how a row reads and how it is written."""

    group = GROUP
    model: ClassVar[type[models.Model]]
    attendance_model: ClassVar[type[models.Model]]
    event_field: ClassVar[str]  # "session", "lecture"
    date_field: ClassVar[str]  # "start_on", "given_on"
    noun: ClassVar[str]  # 培训, 党课
    key_col: ClassVar[str]  # 培训编号, 党课编号
    org_col: ClassVar[str]
    date_col: ClassVar[str]
    #: model field → column, for the service's refusals
    columns_of: ClassVar[dict[str, str]] = {}

    @property
    def event_sheet(self) -> ImportSheet:
        return self.sheets[0]

    @property
    def attend_sheet(self) -> ImportSheet:
        return self.sheets[1]

    def col(self, sheet: ImportSheet, column: str) -> str:
        return f"{sheet.title}·{column}"

    @property
    def not_found(self) -> str:
        return f"未找到该{self.noun}，或该{self.noun}不在您的管理范围内"

    # --- what a kind declares ---------------------------------------------------------------

    def parse_event(self, row: Row, key: str, pk: int | None, context: EventContext) -> EventItem:
        raise NotImplementedError

    def compare(self, item: EventItem, existing: Any) -> None:
        """Fill ``item.changes`` (column, old, new) and ``item.updates`` (the update service's keywords)."""
        raise NotImplementedError

    def candidate(self, item: EventItem, existing: Any) -> Any:
        """An unsaved event as it would be written, for the service's validation."""
        raise NotImplementedError

    def validate(self, candidate: Any) -> None:
        raise NotImplementedError

    def create(self, item: EventItem, actor: Any, context: EventContext) -> Any:
        raise NotImplementedError

    def update(self, item: EventItem, actor: Any, context: EventContext) -> Any:
        raise NotImplementedError

    def event_label(self, event: Any) -> str:
        raise NotImplementedError

    def event_row(self, event: Any, shown: Any) -> list[Any]:
        """The event in the sheet's columns; ``shown`` shows an ID number as the user may see it."""
        raise NotImplementedError

    def existing_events(self, user: Any) -> Any:
        return self.model.objects.editable_by(user).select_related("organization")

    def check_more(self, events: list[EventItem], context: EventContext) -> list[RowError]:
        """Rules a kind adds (a lecturer by ID number …), run before the service's validation."""
        return []

    # --- reading ----------------------------------------------------------------------------

    def begin(self, user: Any) -> EventContext:
        return EventContext(user=user, orgs=OrgScope(user))

    def key_of(self, row: Row) -> tuple[str, int | None]:
        key = text(row, self.key_col, required=True, max_length=20)
        match = SYSTEM_KEY.match(key)
        if match:
            return f"#{int(match.group(1))}", int(match.group(1))
        if key.startswith("#"):
            raise RowProblem(self.key_col, f"编号“{key}”不正确：系统编号为#加数字，如 #12")
        return key, None

    def parse_row(self, row: Row, context: EventContext) -> Any:
        problems: list[tuple[str, str]] = []
        key = pk = None
        try:
            key, pk = self.key_of(row)
        except RowProblem as exc:
            problems.extend(exc.problems)
        if row.sheet == self.event_sheet.title:
            try:
                item = self.parse_event(row, key or "", pk, context)
            except RowProblem as exc:
                problems.extend(exc.problems)
            if problems:
                raise RowProblem(problems=problems)
            return item
        number = hashes = None
        try:
            number, hashes = id_hashes(row)
        except RowProblem as exc:
            problems.extend(exc.problems)
        if problems:
            raise RowProblem(problems=problems)
        return AttendItem(row.number, key, number, hashes, text(row, NAME_COL))

    # --- the rules --------------------------------------------------------------------------

    def check(self, items: list[Any], context: EventContext) -> list[RowError]:
        events = [i for i in items if isinstance(i, EventItem)]
        attends = [i for i in items if isinstance(i, AttendItem)]
        wanted = {i.pk for i in events if i.pk} | {int(i.key[1:]) for i in attends if i.key.startswith("#")}
        for chunk in chunks(sorted(wanted)):
            context.existing.update(self.existing_events(context.user).in_bulk(list(chunk)))
        errors = self.check_more(events, context)
        bad = {e.row for e in errors}
        errors += self._check_events(events, context, bad)
        errors += self._check_attendance(attends, events, context)
        return errors

    def _check_events(self, events: list[EventItem], context: EventContext, bad: set[int]) -> list[RowError]:
        sheet = self.event_sheet
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        for item in events:
            key_col = self.col(sheet, self.key_col)
            if item.key in seen:
                errors.append(RowError(item.row, key_col, f"编号“{item.key}”与第{seen[item.key]}行重复"))
                continue
            seen[item.key] = item.row
            if item.row in bad:
                continue
            existing = None
            if item.pk is not None:
                existing = context.existing.get(item.pk)
                if existing is None:
                    errors.append(RowError(item.row, key_col, self.not_found))
                    continue
                if existing.organization_id != item.org.pk:
                    errors.append(
                        RowError(
                            item.row,
                            self.col(sheet, self.org_col),
                            f"{self.org_col}不能修改（原为{existing.organization.code}）；请在系统中删除后重新登记",
                        )
                    )
                    continue
                item.existing = existing
                self.compare(item, existing)
                if not item.changes:
                    continue
                old_day = getattr(existing, self.date_field)
                refusal = context.periods.refusal(existing.organization, old_day)
                if refusal:
                    errors.append(RowError(item.row, self.col(sheet, self.date_col), refusal))
                    continue
            candidate = self.candidate(item, existing)
            try:
                self.validate(candidate)
                new_day = getattr(candidate, self.date_field)
                if existing is not None and new_day != getattr(existing, self.date_field):
                    check_attendees_on(existing.attendances, new_day, self.date_field)
            except ValidationError as exc:
                for column, message in field_errors(exc, self.columns_of, self.date_col):
                    errors.append(RowError(item.row, self.col(sheet, column), message))
        return errors

    def _check_attendance(
        self, attends: list[AttendItem], events: list[EventItem], context: EventContext
    ) -> list[RowError]:
        sheet = self.attend_sheet
        key_col, id_col = self.col(sheet, self.key_col), self.col(sheet, ID_COL)
        errors: list[RowError] = []
        in_file = {i.key: i for i in events}
        changing = {i.pk for i in events if i.pk and i.changes}  # their own row checked the period
        found = members_by_hash(all_members(), (h for i in attends for h in i.hashes))
        listed: set[tuple[int, int]] = set()
        pks = sorted({int(i.key[1:]) for i in attends if i.key.startswith("#")} & set(context.existing))
        for chunk in chunks(pks):
            listed.update(
                self.attendance_model.objects.filter(**{f"{self.event_field}__in": chunk}).values_list(
                    f"{self.event_field}_id", "member_id"
                )
            )
        # Each attendance's event: its organizer and day (the file's new day for an event it changes).
        where: dict[int, tuple[Any, Organization, dt.date]] = {}
        seen: dict[tuple[Any, int], int] = {}
        pending: dict[tuple[int, dt.date], list[AttendItem]] = defaultdict(list)
        organizers: dict[int, Organization] = {}
        for item in attends:
            event_ref: Any
            if item.key in in_file:
                event = in_file[item.key]
                if event.pk is not None and event.existing is None:
                    continue  # the event's own row is refused (not found)
                event_ref, org, day = event.pk or item.key, event.org, event.day
            elif item.key.startswith("#"):
                existing = context.existing.get(int(item.key[1:]))
                if existing is None:
                    errors.append(RowError(item.row, key_col, self.not_found))
                    continue
                event_ref, org, day = existing.pk, existing.organization, getattr(existing, self.date_field)
            else:
                errors.append(
                    RowError(
                        item.row,
                        key_col,
                        f"编号“{item.key}”不在“{self.event_sheet.title}”工作表中"
                        f"（系统中已有的{self.noun}请填写#加系统编号，见导出文件）",
                    )
                )
                continue
            member = find_member(found, item.hashes)
            if member is None:
                errors.append(RowError(item.row, id_col, self._not_attending(org, day)))
                continue
            item.member_id = member[0]
            if item.name and item.name != member[1]:
                errors.append(
                    RowError(
                        item.row, self.col(sheet, NAME_COL), f"姓名“{item.name}”与公民身份号码登记的党员不符"
                    )
                )
                continue
            if (event_ref, item.member_id) in seen:
                errors.append(
                    RowError(
                        item.row,
                        id_col,
                        f"与第{seen[(event_ref, item.member_id)]}行重复（同一{self.noun}同一党员）",
                    )
                )
                continue
            seen[(event_ref, item.member_id)] = item.row
            context.attending.setdefault(event_ref, []).append(item)
            if isinstance(event_ref, int) and (event_ref, item.member_id) in listed:
                item.listed = True
                continue
            if isinstance(event_ref, int) and event_ref not in changing:
                refusal = context.periods.refusal(org, day)
                if refusal:
                    errors.append(RowError(item.row, key_col, refusal))
                    continue
            where[item.row] = (event_ref, org, day)
            organizers[org.pk] = org
            pending[(org.pk, day)].append(item)
        # Members of the organizer's subtree as it stood on the day: one query per event day.
        day_orgs: set[int] = set()
        for (org_id, day), group in pending.items():
            held: dict[int, int] = {}
            for chunk in chunks(sorted({i.member_id for i in group})):
                held.update(
                    MemberPeriod.objects.on(day)
                    .within_on(organizers[org_id], day)
                    .filter(member_id__in=chunk)
                    .values_list("member_id", "organization_id")
                )
            for item in group:
                if item.member_id not in held:
                    errors.append(RowError(item.row, id_col, self._not_attending(organizers[org_id], day)))
                    continue
                item.org_id = held[item.member_id]
                day_orgs.add(item.org_id)
        new_members = sorted({i.member_id for i in attends if i.org_id})
        for chunk in chunks(new_members):
            context.members.update(Member.objects.only("id", "name").in_bulk(list(chunk)))
        context.day_orgs = Organization.objects.only("id", "name").in_bulk(sorted(day_orgs))
        return errors

    def _not_attending(self, org: Organization, day: dt.date) -> str:
        return f"未找到该党员，或该党员在{day:%Y年%m月%d日}不是{org.name}范围内的党员"

    # --- preview and write ------------------------------------------------------------------

    def diff(self, items: list[Any], context: EventContext) -> Diff:
        diff = Diff()
        for item in items:
            if isinstance(item, EventItem):
                if item.existing is None:
                    diff.new.append(item)
                elif item.changes:
                    label = self.event_label(item.existing)
                    diff.changed.append(
                        Change(item.row, label, item.changes, item=item, existing=item.existing)
                    )
                else:
                    diff.unchanged += 1
            elif item.listed:
                diff.unchanged += 1
            else:
                diff.new.append(item)
        return diff

    def write(self, diff: Diff, *, actor: Any, context: EventContext) -> tuple[int, int]:
        """The events through the services, then the attendance in bulk; one transaction, all audited."""
        events: dict[Any, Any] = {}
        try:
            with transaction.atomic():
                for item in [i for i in diff.new if isinstance(i, EventItem)]:
                    events[item.key] = self._service(self.create, item, actor, context)
                for change in diff.changed:
                    item = change.item
                    events[item.key] = self._service(self.update, item, actor, context)
                rows = []
                for ref, group in context.attending.items():
                    group = [i for i in group if not i.listed]
                    if not group:
                        continue
                    if isinstance(ref, int):
                        event = events.get(f"#{ref}") or lock_for_update(self.model, context.existing[ref])
                    else:
                        event = events[ref]
                    for item in sorted(group, key=lambda i: i.member_id):
                        rows.append(
                            self.attendance_model(
                                **{self.event_field: event},
                                member=context.members[item.member_id],
                                organization=context.day_orgs[item.org_id],
                            )
                        )
                if rows:
                    creates = PendingCreates(rows, AuditContext.current(actor))
                    for batch in chunks(rows, BATCH):
                        self.attendance_model.objects.bulk_create(batch)
                    creates.insert()
        except IntegrityError:
            raise ImportRejected(
                [RowError(0, "", "其中有参加人员刚刚已由他人登记，未写入任何数据，请重新导入")]
            ) from None
        except ValidationError as exc:  # a record changed since the check (locked, then refused)
            raise ImportRejected(
                [RowError(0, "", f"{message}（未写入任何数据，请重新导入）") for message in exc.messages]
            ) from None
        return len(diff.new), len(diff.changed)

    def _service(self, call: Any, item: EventItem, actor: Any, context: EventContext) -> Any:
        try:
            return call(item, actor, context)
        except ValidationError as exc:
            raise ImportRejected(
                [
                    RowError(item.row, self.col(self.event_sheet, column), message)
                    for column, message in field_errors(exc, self.columns_of, self.date_col)
                ]
            ) from None

    # --- export -----------------------------------------------------------------------------

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
        from .common import shown_id, system_key

        events = self.model.objects.visible_to(user).select_related("organization")
        year = str(filters.get("year", ""))
        if year.isdigit():
            events = events.filter(**{f"{self.date_field}__year": int(year)})
        events = self.export_queryset(events.order_by(self.date_field, "pk"))
        shown = shown_id(user)
        attendance = (
            self.attendance_model.objects.filter(**{f"{self.event_field}__in": events.values("pk")})
            .select_related("member")
            .only(f"{self.event_field}_id", "member__id_number", "member__name")
            .order_by(f"{self.event_field}_id", "organization__path", "member__name", "member_id")
        )
        return {
            self.event_sheet.title: (self.event_row(e, shown) for e in events.iterator(chunk_size=500)),
            self.attend_sheet.title: (
                [system_key(getattr(a, f"{self.event_field}_id")), shown(a.member.id_number), a.member.name]
                for a in attendance.iterator(chunk_size=2000)
            ),
        }

    def export_queryset(self, events: Any) -> Any:
        return events
