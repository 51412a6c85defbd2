"""Backup and restore of the whole database (``manage.py backup`` / ``restore``).

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a
consistent snapshot while the server keeps running, into one self-contained
file (journal mode DELETE, no ``-wal`` beside it).  PostgreSQL: ``pg_dump
--format=custom``; a restore replays ``pg_restore``'s script through ``psql``
in ONE transaction that first drops the current tables, so a failed restore
leaves the database as it was, and tables the backup does not know (from newer
migrations) do not survive it.

Backups hold every member's personal data: files are created readable by
their owner only.  The key that encrypts ID numbers must be kept apart from
them (README 备份与恢复).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.migrations.executor import MigrationExecutor

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
PG_TOOLS = ("pg_dump", "pg_restore", "psql")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup file holds."""

    kind: str  # "sqlite" or "postgresql"
    tables: int
    migrations: int


def file_kind(path: Path) -> str:
    """``"sqlite"`` or ``"postgresql"`` from the file's first bytes; BackupError for anything else."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"备份文件不存在：{path}") from None
    except IsADirectoryError:
        raise BackupError(f"{path} 是目录，不是备份文件") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} 不是本系统的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）")


def database_kind(alias: str = "default") -> str:
    """``"sqlite"`` or ``"postgresql"`` for the configured database; BackupError for others."""
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）")
    return vendor


def private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only (it will hold personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


def backup(alias: str, output: Path) -> BackupInfo:
    """Write a backup of database ``alias`` to ``output`` (through a ``.part`` file, renamed when checked)."""
    kind = database_kind(alias)
    if output.exists():
        raise BackupError(f"文件已存在：{output}（请换一个文件名，备份不会覆盖已有文件）")
    part = output.with_name(output.name + ".part")
    private_file(part)
    try:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(alias), part)
        else:
            _pg_backup(connections[alias].settings_dict, part)
        info = check(part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, output)
    return info


def check(path: Path) -> BackupInfo:
    """Check that ``path`` is a whole, readable backup of this system (BackupError otherwise)."""
    kind = file_kind(path)
    if kind == "sqlite":
        return _sqlite_check(path)
    return _pg_check(path)


def check_for(alias: str, path: Path) -> BackupInfo:
    """:func:`check`, and that the backup is of the same kind of database as ``alias``."""
    kind = database_kind(alias)
    info = check(path)
    if info.kind != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"备份文件是 {names[info.kind]} 的备份，当前数据库是 {names[kind]}，不能恢复")
    return info


def table_count(alias: str = "default") -> int:
    """How many tables database ``alias`` has now (0: nothing to overwrite)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return len(connection.introspection.table_names(cursor))


def restore(alias: str, path: Path) -> BackupInfo:
    """Replace every table of database ``alias`` with the backup in ``path``."""
    info = check_for(alias, path)
    if info.kind == "sqlite":
        target = _sqlite_path(alias)
        connections[alias].close()
        _sqlite_restore(path, target)
    else:
        _pg_restore(alias, path)
    connections[alias].close()
    return info


def unapplied_migrations(alias: str = "default") -> int:
    """How many of the code's migrations the (restored) database has not applied."""
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- SQLite ---------------------------------------------------------------------------------------------


def _sqlite_path(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("内存中的 SQLite 数据库不能备份或恢复")
    return Path(name)


def _sqlite_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    src = _sqlite_readonly(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # a consistent snapshot, also of what is still in the -wal file
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path) -> BackupInfo:
    try:
        db = _sqlite_readonly(path)
    except sqlite3.Error as exc:
        raise BackupError(f"备份文件无法打开：{exc}") from None
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"备份文件已损坏（SQLite 完整性检查：{result}）")
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if "django_migrations" not in tables:
            raise BackupError("备份文件是 SQLite 数据库，但不是本系统的数据库（没有 django_migrations 表）")
        migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件已损坏：{exc}") from None
    finally:
        db.close()
    return BackupInfo("sqlite", len(tables), migrations)


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    src = _sqlite_readonly(backup_file)
    # Waits for the server's writers like they wait for each other; the copy is one write transaction.
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"恢复失败（数据库未改变）：{exc}") from None
    finally:
        dst.close()
        src.close()


# --- PostgreSQL -----------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端工具（pg_dump、pg_restore、psql），"
            "版本不低于服务器。Debian/Ubuntu：apt-get install postgresql-client（或以 root 运行 make install-pg-client）"
        )
    return path


def _pg_env(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment variables (the password never on a command line)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("service", "PGSERVICE"), ("passfile", "PGPASSFILE")):
        if options.get(key):
            env[var] = str(options[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip() or result.returncode}")
    return result.stdout


def _pg_backup(settings_dict: Mapping[str, Any], target: Path) -> None:
    pg_dump = _pg_tool("pg_dump")
    _run([pg_dump, "--format=custom", f"--file={target}"], _pg_env(settings_dict), "pg_dump 备份")


def _pg_check(path: Path) -> BackupInfo:
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ), "读取备份文件")
    tables = [line for line in listing.splitlines() if " TABLE DATA " in line]
    if not any(line.split()[-2:-1] == ["django_migrations"] for line in tables):
        raise BackupError("备份文件是 pg_dump 备份，但不是本系统的数据库（没有 django_migrations 表）")
    return BackupInfo("postgresql", len(tables), migrations=-1)  # counted only once restored


def _pg_restore(alias: str, backup_file: Path) -> None:
    connection = connections[alias]
    env = _pg_env(connection.settings_dict)
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    with connection.cursor() as cursor:
        current = connection.introspection.table_names(cursor)
    connection.close()
    drops = "".join(f"DROP TABLE IF EXISTS {connection.ops.quote_name(t)} CASCADE;\n" for t in current)
    with tempfile.TemporaryFile() as psql_err, tempfile.TemporaryFile() as restore_err:
        # One transaction, committed only once pg_restore has written the whole script: psql stops at
        # the first error, and a session that ends without COMMIT (pg_restore failing half-way) rolls back.
        loader = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(backup_file)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        assert loader.stdin is not None and script.stdout is not None
        try:
            loader.stdin.write(("BEGIN;\n" + drops).encode())
            shutil.copyfileobj(script.stdout, loader.stdin, 1024 * 1024)
            if script.wait() == 0:
                loader.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error: its message follows
        finally:
            script.stdout.close()
            # psql may already have exited at an error; its exit code and message are read below.
            with contextlib.suppress(BrokenPipeError):
                loader.stdin.close()
        script_rc, loader_rc = script.wait(), loader.wait()
        if script_rc or loader_rc:
            psql_err.seek(0)
            restore_err.seek(0)
            detail = (psql_err.read() + restore_err.read()).decode(errors="replace").strip()
            raise BackupError(f"恢复失败，数据库未改变：{detail}")
