"""Backup and restore round trip (``manage.py backup`` / ``restore``) on a real SQLite file and on PostgreSQL.

Each test works on a database of its own in subprocesses, as an operator
would: migrate, a small dataset built through the services (organizations,
members with their periods, audit rows), a backup, a change, a restore; row
counts of every model and a checksum of the key tables must come back.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: PostgreSQL database for the round trip (created and dropped by the test); override for another server.
PG_URL = os.environ.get("BACKUP_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/partyorg_backup_test")

#: Run in a subprocess on the database in DATABASE_URL: ``seed``, ``change`` and/or ``fingerprint``.
PROBE = r"""
import datetime as dt, hashlib, json, sys
import django
django.setup()
from django.apps import apps
from auditlog.models import LogEntry
from members.models import Member, MemberPeriod
from organizations.models import Organization, User
from tests.factories import make_admin, make_member, make_org, make_tree

KEY_MODELS = [Organization, Member, MemberPeriod, LogEntry]

def checksum(model):
    fields = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    for row in model.objects.order_by("pk").values_list(*fields):
        digest.update(repr(row).encode())
    return digest.hexdigest()

for step in sys.argv[1:]:
    if step == "seed":
        admin = make_admin()
        tree = make_tree(admin)
        for i in range(6):
            branch = tree.branch_a if i % 2 else tree.branch_b
            make_member(branch, actor=admin, name=f"党员{i}", birth_date=dt.date(1940, 1, i + 1), seq=i + 1)
    elif step == "change":
        admin = User.objects.get(username="admin")
        Organization.objects.filter(code="C01T01B01").update(name="改名党支部")
        Member.objects.filter(name="党员0").update(phone="13900000000")
        LogEntry.objects.filter(pk=LogEntry.objects.order_by("pk").first().pk).delete()
        make_member(make_org(Organization.objects.get(code="C01T02"), "C01T02B09", "新建党支部", actor=admin),
                    actor=admin, name="新党员", birth_date=dt.date(1945, 5, 5), seq=9)
    elif step == "fingerprint":
        counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
        sums = {m._meta.label: checksum(m) for m in KEY_MODELS}
        print(json.dumps({"counts": counts, "checksums": sums}))
"""


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return {**env, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "partyorg.settings"}


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(database_url), capture_output=True, text=True, timeout=300
    )


def _ok(database_url: str, *args: str) -> str:
    result = _run(database_url, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _probe(database_url: str, *steps: str) -> dict:
    out = _ok(database_url, "-c", PROBE, *steps)
    return json.loads(out.strip().splitlines()[-1]) if "fingerprint" in steps else {}


def _round_trip(database_url: str, backup_file: Path) -> None:
    _ok(database_url, "manage.py", "migrate", "--noinput", "-v", "0")
    before = _probe(database_url, "seed", "fingerprint")
    assert before["counts"]["members.Member"] == 6
    assert before["counts"]["auditlog.LogEntry"] > 0

    _ok(database_url, "manage.py", "backup", "-o", str(backup_file))
    assert backup_file.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    changed = _probe(database_url, "change", "fingerprint")
    assert changed["counts"]["members.Member"] == 7
    for label in before["checksums"]:
        assert changed["checksums"][label] != before["checksums"][label], label

    refused = _run(database_url, "manage.py", "restore", str(backup_file))
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert _probe(database_url, "fingerprint") == changed  # nothing touched

    _ok(database_url, "manage.py", "restore", str(backup_file), "--force")
    assert _probe(database_url, "fingerprint") == before


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "backups" / "partyorg.sqlite3")


def test_backup_refuses_to_overwrite_and_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    refused = _run(url, "manage.py", "backup", "-o", str(existing))
    assert refused.returncode != 0 and "已存在" in refused.stderr
    assert existing.read_bytes() == b"keep me"

    refused = _run(url, "manage.py", "restore", str(existing), "--force")
    assert refused.returncode != 0 and "不是本系统的备份文件" in refused.stderr


def _small_sqlite_backup(path: Path) -> Path:
    """A SQLite file shaped like a backup (a django_migrations table and some pages of rows)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied text)")
    db.executemany(
        "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
        [("core", f"{i:04d}_step_{'x' * 200}", "2026-11-30") for i in range(500)],
    )
    db.commit()
    db.close()
    return path


def test_restore_refuses_a_truncated_sqlite_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    whole = _small_sqlite_backup(tmp_path / "whole.sqlite3")
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(whole.read_bytes()[:8192])
    refused = _run(url, "manage.py", "restore", str(truncated), "--force")
    assert refused.returncode != 0 and "损坏" in refused.stderr


def _postgres_or_skip() -> tuple[str, str]:
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PostgreSQL 客户端工具缺失（{'、'.join(missing)}）：make install-pg-client")
    psycopg = pytest.importorskip("psycopg")
    server, name = PG_URL.rsplit("/", 1)
    try:
        psycopg.connect(server + "/postgres", connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL 不可用（{server}）：{exc}")
    return server, name


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_database():
    server, name = _postgres_or_skip()
    _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(server, f'CREATE DATABASE "{name}"')
    yield PG_URL
    _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_backup_and_restore_round_trip(tmp_path, pg_database):
    _round_trip(pg_database, tmp_path / "partyorg.dump")


def test_postgresql_restore_refuses_a_sqlite_backup(tmp_path, pg_database):
    sqlite_backup = _small_sqlite_backup(tmp_path / "sqlite.sqlite3")
    refused = _run(pg_database, "manage.py", "restore", str(sqlite_backup), "--force")
    assert refused.returncode != 0 and "SQLite 的备份" in refused.stderr
