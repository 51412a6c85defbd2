"""A save while another transaction holds the write lock (a big import's write pass): it waits, or 503 — never a 500.

The lock is held from another connection in another thread, as the task
worker would hold it: SQLite's one write lock (``BEGIN IMMEDIATE``) or, on
PostgreSQL, ``LOCK TABLE … IN EXCLUSIVE MODE`` on the members table (reads
pass, writers and ``FOR UPDATE`` wait).  On SQLite the test database lives in
memory, where locks do not wait at all; :func:`file_database` moves the
test's data to a file with the production settings (WAL, IMMEDIATE, a busy
timeout), so the web save waits exactly as it would on the server.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from core.dblocks import is_busy, patient
from members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "系统正忙，请稍后重试"


class _FormFields(HTMLParser):
    """What a browser submits from the page's form (inputs, ticked boxes, selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") != "checkbox" or "checked" in a:
                self.data[name] = "on" if a.get("type") == "checkbox" else a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def submitted(response: Any, **typed: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {**parser.data, **typed}


@pytest.fixture
def file_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """SQLite: this test's database copied to a file and opened with the production options; elsewhere nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "db.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    memory, saved = connection.connection, dict(connection.settings_dict)
    # Django keeps the in-memory test database open for good; set it aside rather than close it.
    # The settings are changed in place: connections other threads open read the same dict.
    connection.connection = None
    connection.settings_dict.update(NAME=str(path), OPTIONS=dict(saved.get("OPTIONS", {})))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.connection = memory


def hold_write_lock(seconds: float) -> threading.Event:
    """Take the write lock on another connection in another thread and keep it ``seconds``; set when taken."""
    taken = threading.Event()
    settings = dict(connection.settings_dict)

    def hold() -> None:
        if connection.vendor == "sqlite":
            other = sqlite3.connect(settings["NAME"], isolation_level=None, timeout=30)
            other.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            other = psycopg.connect(
                dbname=settings["NAME"],
                user=settings.get("USER") or None,
                password=settings.get("PASSWORD") or None,
                host=settings.get("HOST") or None,
                port=settings.get("PORT") or None,
            )
            other.execute("LOCK TABLE members_member IN EXCLUSIVE MODE")
        taken.set()
        time.sleep(seconds)
        other.rollback()
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    return taken


def edit_page(user: Any, member: Member) -> tuple[Client, str, Any]:
    client = Client()
    client.force_login(user)
    url = reverse("members:edit", args=[member.pk])
    return client, url, client.get(url)


def test_a_save_while_an_import_holds_the_lock_briefly_waits_and_is_saved(
    file_database, secretary_a, member_a
):
    client, url, page = edit_page(secretary_a, member_a)
    entries = LogEntry.objects.count()

    hold_write_lock(0.5)
    with patient(seconds=5):  # the web's wait (SQLITE_BUSY_TIMEOUT / DB_LOCK_TIMEOUT)
        started = time.monotonic()
        response = client.post(url, submitted(page, phone="13912345678"))
        waited = time.monotonic() - started

    assert response.status_code == 302
    assert waited >= 0.3  # it did wait for the lock
    saved = Member.objects.get(pk=member_a.pk)
    assert (saved.phone, saved.version) == ("13912345678", member_a.version + 1)
    assert LogEntry.objects.count() == entries + 1


def test_a_save_while_an_import_holds_the_lock_too_long_gets_the_busy_page_and_saves_nothing(
    file_database, secretary_a, member_a
):
    client, url, page = edit_page(secretary_a, member_a)
    entries = LogEntry.objects.count()

    hold_write_lock(3)
    with patient(seconds=0.5):
        response = client.post(url, submitted(page, phone="13912345678"))
    time.sleep(3)  # the other transaction ends (and rolls back)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY in response.content.decode()
    saved = Member.objects.get(pk=member_a.pk)
    assert (saved.phone, saved.version) == (member_a.phone, member_a.version)
    assert LogEntry.objects.count() == entries


def test_the_form_sent_again_after_the_busy_page_is_saved(file_database, secretary_a, member_a):
    client, url, page = edit_page(secretary_a, member_a)
    form = submitted(page, phone="13912345678")
    hold_write_lock(2)
    with patient(seconds=0.3):
        assert client.post(url, form).status_code == 503
    time.sleep(2)

    assert client.post(url, form).status_code == 302
    assert Member.objects.get(pk=member_a.pk).phone == "13912345678"


def exported_rows(client: Client) -> list[dict[str, Any]]:
    """The roster export as rows of {header: value}, as a clerk edits it in Excel and imports it again."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(reverse("members:export")).content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_save_during_an_imports_write_pass_is_refused_with_the_busy_page_and_the_import_completes(
    file_database, secretary_a, member_a, monkeypatch
):
    """The import (another thread, as the task worker) updates this very member: SQLite's write lock or
    PostgreSQL's row lock holds the web save back until its wait runs out."""
    from members.services.imports import import_members, write
    from tests.members.test_imports_support import import_row, workbook

    client, url, page = edit_page(secretary_a, member_a)
    rows = exported_rows(client)
    rows[0]["手机号码"] = "13700000000"  # the import changes member_a …
    source = workbook([*rows, import_row(1), import_row(2)])  # … and registers two members
    entries = LogEntry.objects.count()
    writing, release = threading.Event(), threading.Event()
    real_insert, outcome = write._insert, {}

    def slow_insert(chunk: Any) -> int:
        created = real_insert(chunk)
        writing.set()
        release.wait(10)  # a long write pass: the lock stays held
        return created

    def run_import() -> None:
        try:
            outcome["report"] = import_members(actor=secretary_a, source=source, confirmed_digest="*")
        finally:
            connection.close()

    monkeypatch.setattr(write, "_insert", slow_insert)
    worker = threading.Thread(target=run_import)
    worker.start()
    try:
        assert writing.wait(30)
        with patient(seconds=0.5):
            response = client.post(url, submitted(page, work_unit="县农业局 科员"))
    finally:
        release.set()
        worker.join(30)

    assert response.status_code == 503
    assert BUSY in response.content.decode()
    report = outcome["report"]
    assert (report.ok, report.created, report.updated) == (True, 2, 1)
    saved = Member.objects.get(pk=member_a.pk)
    assert (saved.phone, saved.work_unit, saved.version) == (
        "13700000000",
        member_a.work_unit,
        member_a.version + 1,
    )
    # The import's rows (2 members, 4 history rows, their 6 audit rows, and member_a's update) and none of the save.
    assert LogEntry.objects.count() == entries + 7


@pytest.mark.parametrize("debug", [False, True])
def test_a_lock_error_in_a_view_is_the_busy_page_not_a_500(
    secretary_a, member_a, settings, debug, monkeypatch
):
    from members.views import member as member_views

    def locked(**kwargs: Any) -> None:
        raise OperationalError("database is locked")

    client, url, page = edit_page(secretary_a, member_a)
    settings.DEBUG = debug
    client.raise_request_exception = False
    monkeypatch.setattr(member_views, "member_update", locked)

    response = client.post(url, submitted(page, phone="13912345678"))

    assert response.status_code == 503
    assert BUSY in response.content.decode()


def test_the_500_handler_answers_a_lock_error_from_a_middleware_with_the_busy_page(rf):
    """A session saved on the way out while the lock is held: Django hands the exception to the 500 handler."""
    from core.errors import server_error

    try:
        raise OperationalError("database is locked")
    except OperationalError:
        busy = server_error(rf.get("/"))
    try:
        raise OperationalError("no such table: django_session")
    except OperationalError:
        broken = server_error(rf.get("/"))

    assert (busy.status_code, broken.status_code) == (503, 500)
    assert BUSY in busy.content.decode()


def test_is_busy_knows_both_databases_lock_errors_and_nothing_else():
    class LockNotAvailable(Exception):
        sqlstate = "55P03"

    pg = OperationalError("canceling statement due to lock timeout")
    pg.__cause__ = LockNotAvailable()

    assert is_busy(OperationalError("database is locked"))
    assert is_busy(OperationalError("database table is locked: members_member"))
    assert is_busy(pg)
    assert not is_busy(OperationalError("no such table: members_member"))
    assert not is_busy(DatabaseError("disk I/O error"))
    assert not is_busy(ValueError("database is locked"))
    assert not is_busy(None)


def current_wait_ms() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'")
        return int(cursor.fetchone()[0])


def test_a_web_request_waits_five_seconds_for_a_lock_and_the_import_task_ten_minutes(monkeypatch):
    from members.services.imports import jobs

    seen = {}

    def run_import_job(**kwargs: Any) -> Any:
        seen["task"] = current_wait_ms()
        raise RuntimeError("stop here")

    monkeypatch.setattr(jobs, "run_import_job", run_import_job)
    web = current_wait_ms()
    with pytest.raises(RuntimeError):
        jobs.member_import_task.call(job_id=0)

    assert (web, seen["task"], current_wait_ms()) == (5000, 600_000, 5000)
    if connection.vendor == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
