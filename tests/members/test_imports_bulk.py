"""The import writes in bulk, and its records and audit rows are the ones one-at-a-time services write.

Each parity test builds twins: one member through the import, one through
the service the edit pages use (``member_register`` / ``member_update``),
with the same values, actor and address; their audit rows must agree in
every column but the keys and the moment.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Member, MemberPeriod
from members.services import imports
from members.services.imports import import_members
from members.services.member import PROFILE_FIELDS, member_register, member_update

from .test_imports_support import import_row, make_id, workbook

pytestmark = pytest.mark.django_db

#: LogEntry columns that differ between twins by nature: keys and the moment.
IGNORED = {"id", "object_pk", "object_id", "timestamp"}


def audit_rows(obj: Any) -> list[dict[str, Any]]:
    """``obj``'s audit rows, oldest first, without keys and times; dates the save filled checked and elided."""
    rows = []
    for entry in LogEntry.objects.get_for_object(obj).order_by("pk"):
        row = {
            f.attname: getattr(entry, f.attname)
            for f in LogEntry._meta.concrete_fields
            if f.name not in IGNORED
        }
        changes = dict(row["changes"] or {})
        for name in ("created_at", "updated_at"):
            if name in changes:
                # The value stored in the record at that save (one at a time: auditlog reads it after the save).
                assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", changes[name][1]), changes[
                    name
                ]
                changes[name] = [changes[name][0], "<时间>"]
        row["changes"] = changes
        rows.append(row)
    return rows


def period_rows(member: Member) -> list[list[dict[str, Any]]]:
    return [audit_rows(p) for p in MemberPeriod.objects.filter(member=member).order_by("start_on")]


def history(member: Member) -> list[tuple]:
    return list(
        MemberPeriod.objects.filter(member=member)
        .order_by("start_on")
        .values_list("organization", "status", "start_on", "end_on", "start_reason", "end_reason")
    )


def as_user_at(remote_addr: str):
    """The request's audit context, as auditlog's middleware sets it (address; the service adds the actor)."""
    return auditlog_value.set({"remote_addr": remote_addr})


def twin_of(member: Member, id_number: str, *, actor: Any) -> Member:
    """A member registered through ``member_register`` with ``member``'s values and another ID number."""
    fields = {name: getattr(member, name) for name in PROFILE_FIELDS}
    fields.update(id_number=id_number, status=member.status, party_group=member.party_group)
    token = as_user_at("10.1.2.3")
    try:
        return member_register(actor=actor, organization=member.organization, **fields)
    finally:
        auditlog_value.reset(token)


def test_an_imported_member_and_its_history_are_audited_as_member_register_audits_them(tree, county_staff):
    row = import_row(1)
    assert import_members(actor=county_staff, source=workbook([row]), remote_addr="10.1.2.3").ok
    imported = Member.objects.get()
    # Another number of the same region and birth date: the masked number reads the same.
    registered = twin_of(imported, make_id(row["出生日期"], 7), actor=county_staff)

    assert audit_rows(imported) == audit_rows(registered)
    assert audit_rows(imported)[0]["actor_id"] == county_staff.pk
    assert history(imported) == history(registered)
    assert period_rows(imported) == period_rows(registered)
    assert len(period_rows(imported)) == 2  # probationary from joining, full from 转正


def test_an_imported_update_is_audited_as_member_update_audits_it(tree, county_staff):
    rows = [import_row(1), import_row(2, 姓名="黄文1", 手机号码="13800000001")]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    by_import, by_form = Member.objects.order_by("pk")
    changed = {"手机号码": "13912345678", "工作单位及职务": "县农业局 科员"}

    report = import_members(
        actor=county_staff,
        source=workbook([{**rows[0], **changed}]),
        remote_addr="10.1.2.3",
        confirmed_digest="*",
    )
    token = as_user_at("10.1.2.3")
    try:
        member_update(actor=county_staff, member=by_form, phone="13912345678", work_unit="县农业局 科员")
    finally:
        auditlog_value.reset(token)

    assert (report.ok, report.updated) == (True, 1)
    by_import.refresh_from_db()
    by_form.refresh_from_db()
    assert (by_import.phone, by_import.work_unit, by_import.version) == ("13912345678", "县农业局 科员", 2)
    assert audit_rows(by_import)[1:] == audit_rows(by_form)[1:]
    assert audit_rows(by_import)[1]["changes"] == {
        "phone": ["13800000001", "13912345678"],
        "work_unit": ["各甫村村委会 主任", "县农业局 科员"],
        "version": [1, 2],
    }


def test_a_corrected_join_date_re_dates_the_history_as_member_update_does(tree, county_staff):
    rows = [import_row(1), import_row(2, 姓名="黄文1", 手机号码="13800000001")]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    by_import, by_form = Member.objects.order_by("pk")

    report = import_members(
        actor=county_staff,
        source=workbook([{**rows[0], "入党日期": dt.date(2004, 7, 1), "转正日期": dt.date(2005, 7, 1)}]),
        remote_addr="10.1.2.3",
        confirmed_digest="*",
    )
    token = as_user_at("10.1.2.3")
    try:
        member_update(
            actor=county_staff, member=by_form, joined_on=dt.date(2004, 7, 1), full_on=dt.date(2005, 7, 1)
        )
    finally:
        auditlog_value.reset(token)

    assert report.ok and report.updated == 1
    assert history(by_import) == history(by_form)
    assert history(by_import)[0][2:4] == (dt.date(2004, 7, 1), dt.date(2005, 7, 1))
    assert audit_rows(by_import)[1:] == audit_rows(by_form)[1:]  # [0]: each twin's creation
    assert period_rows(by_import) == period_rows(by_form)


def audit_rows_of(entry: LogEntry) -> list[dict[str, Any]]:
    return [
        {
            f.attname: getattr(entry, f.attname)
            for f in LogEntry._meta.concrete_fields
            if f.name not in IGNORED
        }
    ]


def test_deleted_history_rows_are_audited_as_deleting_them_one_at_a_time_does(tree, county_staff):
    rows = [import_row(1), import_row(2, 姓名="黄文1", 手机号码="13800000001")]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    by_import, by_form = Member.objects.order_by("pk")
    ids = {
        by_import.pk: list(by_import.periods.values_list("pk", flat=True)),
        by_form.pk: list(by_form.periods.values_list("pk", flat=True)),
    }

    import_members(
        actor=county_staff,
        source=workbook([{**rows[0], "入党日期": dt.date(2004, 7, 1)}]),
        remote_addr="10.1.2.3",
        confirmed_digest="*",
    )
    token = as_user_at("10.1.2.3")
    try:
        member_update(actor=county_staff, member=by_form, joined_on=dt.date(2004, 7, 1))
    finally:
        auditlog_value.reset(token)

    def deletions(member: Member) -> list[dict[str, Any]]:
        entries = LogEntry.objects.filter(
            content_type__model="memberperiod", action=LogEntry.Action.DELETE, object_id__in=ids[member.pk]
        ).order_by("object_id")
        return [row for entry in entries for row in audit_rows_of(entry)]

    assert len(deletions(by_import)) == 2
    assert deletions(by_import) == deletions(by_form)


def test_an_update_writes_only_the_changed_columns_the_version_and_updated_at(tree, county_staff):
    rows = [import_row(i) for i in range(1, 4)]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    before = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        report = import_members(
            actor=county_staff,
            source=workbook([{**row, "手机号码": f"139{i:08d}"} for i, row in enumerate(rows)]),
            confirmed_digest="*",
        )

    assert report.ok and report.updated == 3
    # One statement for the three (executemany, recorded as "3 times: UPDATE …").
    updates = [q["sql"] for q in queries.captured_queries if 'UPDATE "members_member"' in q["sql"]]
    assert len(updates) == 1 and updates[0].startswith("3 times: ")
    assert sorted(re.findall(r'(?:SET|,) "(\w+)" = ', updates[0])) == ["phone", "updated_at", "version"]
    assert all(m.version == 2 and m.updated_at >= before for m in Member.objects.all())


def test_updates_take_as_many_queries_for_thirty_members_as_for_three(tree, county_staff):
    def writes(count: int, start: int) -> int:
        rows = [import_row(start + i) for i in range(count)]
        assert import_members(actor=county_staff, source=workbook(rows)).ok
        with CaptureQueriesContext(connection) as queries:
            report = import_members(
                actor=county_staff,
                source=workbook([{**row, "工作单位及职务": "县农业局 科员"} for row in rows]),
                confirmed_digest="*",
            )
        assert report.updated == count
        return len(queries.captured_queries)

    writes(1, 1000)  # warm caches (content types) so both runs start alike
    assert writes(3, 1) == writes(30, 100)


def test_new_members_history_and_audit_rows_are_built_before_the_write_transaction(
    tree, county_staff, monkeypatch
):
    """While the write lock is held only keys, the timestamp and the dates the insert fills are added."""
    from members.services.imports import write

    writing: list[bool] = []
    built_while_writing: list[Any] = []
    real_write = write._import_write

    def import_write(**kwargs: Any) -> Any:
        writing.append(True)
        try:
            return real_write(**kwargs)
        finally:
            writing.pop()

    class PendingCreates(write.PendingCreates):
        def __init__(self, objects: Any, context: Any) -> None:
            objects = list(objects)
            built_while_writing.extend(objects if writing else [])
            super().__init__(objects, context)

    class PreparedRows(write.PreparedRows):
        def add(self, obj: Any, **kwargs: Any) -> Any:
            built_while_writing.extend([obj] if writing else [])
            return super().add(obj, **kwargs)

    monkeypatch.setattr(write, "_import_write", import_write)
    monkeypatch.setattr(write, "PendingCreates", PendingCreates)
    monkeypatch.setattr(write, "PreparedRows", PreparedRows)

    report = import_members(actor=county_staff, source=workbook([import_row(i) for i in range(1, 4)]))

    assert report.ok and report.created == 3
    assert built_while_writing == []
    assert LogEntry.objects.filter(content_type__model="member").count() == 3
    assert LogEntry.objects.filter(content_type__model="memberperiod").count() == 6


def test_a_large_file_is_read_once_and_its_prepared_rows_wait_in_a_temporary_file(
    tree, county_staff, monkeypatch
):
    from members.services.imports import parse, write

    monkeypatch.setattr(write, "KEEP_ROWS_IN_MEMORY", 2)
    monkeypatch.setattr(parse, "CHUNK_SIZE", 2)
    opened, spools = [], []
    real_open, real_init = parse.open_source, write.PreparedWrites.__init__

    def open_source(*args, **kwargs):
        opened.append(True)
        return real_open(*args, **kwargs)

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        spools.append(self)

    monkeypatch.setattr(parse, "open_source", open_source)
    monkeypatch.setattr(write.PreparedWrites, "__init__", init)

    report = import_members(actor=county_staff, source=workbook([import_row(i) for i in range(1, 6)]))

    assert report.ok and report.created == 5
    assert MemberPeriod.objects.count() == 10
    assert len(opened) == 1
    assert (
        len(spools[0].offsets) == 3 and spools[0].spool is None
    )  # three chunks went through the file, now closed


def test_a_small_file_keeps_its_prepared_rows_in_memory(tree, county_staff, monkeypatch):
    from members.services.imports import write

    spools = []
    real_add = write.PreparedWrites.add

    def add(self, chunk):
        real_add(self, chunk)
        spools.append(self.spool)

    monkeypatch.setattr(write.PreparedWrites, "add", add)

    assert import_members(actor=county_staff, source=workbook([import_row(i) for i in range(1, 4)])).ok
    assert spools == [None]


def test_nothing_is_written_when_a_member_changed_between_validation_and_writing(
    tree, county_staff, admin_user
):
    rows = [import_row(1), import_row(2)]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    first = Member.objects.order_by("pk").first()
    edited = {**rows[0], "手机号码": "13912345678"}

    def edit_meanwhile(status: str, done: int, total: int) -> None:
        if status == "WRITING":
            member_update(actor=admin_user, member=Member.objects.get(pk=first.pk), phone="13700000000")

    report = import_members(
        actor=county_staff,
        source=workbook([edited, import_row(3)]),
        confirmed_digest=imports.import_members(
            actor=county_staff, source=workbook([edited, import_row(3)])
        ).digest,
        progress=edit_meanwhile,
    )

    assert [e.message for e in report.errors] == [imports.write.CHANGED_SINCE_PREVIEW]
    assert Member.objects.count() == 2
    assert Member.objects.get(pk=first.pk).phone == "13700000000"


def test_a_reserved_history_key_is_never_one_a_deleted_row_had(member_a):
    """Audit rows of a deleted history row must never point at a new one (SQLite: AUTOINCREMENT)."""
    from auditlog.context import disable_auditlog

    from core.bulkinsert import reserve_keys

    last = MemberPeriod.objects.order_by("-pk").first()
    with disable_auditlog():
        MemberPeriod.objects.filter(pk=last.pk).delete()

    first, second = reserve_keys(MemberPeriod, 2)

    assert last.pk < first < second


def test_a_party_group_given_in_the_file_is_written_and_audited(tree, county_staff, admin_user):
    """It used to be set on the member and then lost when member_update re-read the locked row."""
    from organizations.choices import OrgCategory, OrgKind
    from organizations.services import org_create
    from tests.factories import DAY0

    group = org_create(
        actor=admin_user,
        parent=tree.branch_a,
        code="C01T01B01G1",
        name="第一党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    row = import_row(1)
    assert import_members(actor=county_staff, source=workbook([row])).ok

    report = import_members(
        actor=county_staff, source=workbook([{**row, "所在党小组": "第一党小组"}]), confirmed_digest="*"
    )

    member = Member.objects.get()
    assert (report.updated, member.party_group, member.version) == (1, group, 2)
    assert audit_rows(member)[1]["changes"] == {"party_group": [None, "第一党小组"], "version": [1, 2]}


@pytest.mark.parametrize("keep_in_memory", [20_000, 0], ids=["in memory", "spooled"])
def test_a_member_edited_between_validation_and_writing_keeps_the_edit_and_gets_the_import_s_change(
    tree, county_staff, admin_user, keep_in_memory, monkeypatch
):
    """Another column changed meanwhile: the chunk is classified again and written from the row as it is now."""
    monkeypatch.setattr(imports.write, "KEEP_ROWS_IN_MEMORY", keep_in_memory)
    rows = [import_row(1), import_row(2)]
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    first = Member.objects.order_by("pk").first()
    # A file without the 工作单位 column: the import leaves that column as it finds it.
    headers = [h for h in imports.HEADERS if h != "工作单位及职务"]
    edited = workbook([{**rows[0], "手机号码": "13912345678"}, rows[1]], headers=headers)
    preview = import_members(actor=county_staff, source=edited)

    def edit_meanwhile(status: str, done: int, total: int) -> None:
        if status == "WRITING":
            member_update(actor=admin_user, member=Member.objects.get(pk=first.pk), work_unit="县农业局 科员")

    report = import_members(
        actor=county_staff, source=edited, confirmed_digest=preview.digest, progress=edit_meanwhile
    )

    assert (report.ok, report.updated) == (True, 1)
    member = Member.objects.get(pk=first.pk)
    assert (member.phone, member.work_unit, member.version) == ("13912345678", "县农业局 科员", 3)
    assert audit_rows(member)[-1]["changes"] == {"phone": ["13800000001", "13912345678"], "version": [2, 3]}


def test_a_change_that_breaks_a_rule_with_the_registered_fields_is_reported_and_nothing_is_written(
    tree, county_staff
):
    """The file leaves 转正日期 out and moves 入党日期 past it: refused while preparing, before any lock."""
    row = import_row(1)
    assert import_members(actor=county_staff, source=workbook([row])).ok
    headers = [h for h in imports.HEADERS if h != "转正日期"]
    before = (Member.objects.get().version, LogEntry.objects.count())

    report = import_members(
        actor=county_staff,
        source=workbook([{**row, "入党日期": dt.date(2010, 7, 1)}], headers=headers),
        confirmed_digest="*",
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "转正日期")]
    assert (Member.objects.get().version, LogEntry.objects.count()) == before
