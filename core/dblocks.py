"""Waiting for another writer: short for a web request, long for background work.

A web request waits a few seconds for a lock another transaction holds (a
big import's write pass), then gives up with "database is locked" (SQLite,
after ``SQLITE_BUSY_TIMEOUT``) or "canceling statement due to lock timeout"
(PostgreSQL, after ``DB_LOCK_TIMEOUT``); :func:`is_busy` recognises both and
``core.errors`` answers 503 系统正忙，请稍后重试 instead of a 500.  The
settings module says why those numbers.

Background work (an import in the task worker) has no user waiting on the
page and must not fail because a web save or another import holds the lock a
little longer: :func:`patient` lets one connection wait up to
``BACKGROUND_LOCK_WAIT`` instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

#: How long background work waits for a lock (seconds): the longest write pass
#: measured (100,000 imported rows, docs/benchmarks.md) several times over.
BACKGROUND_LOCK_WAIT = 600

#: PostgreSQL's SQLSTATE for lock_timeout (and NOWAIT) failures: lock_not_available.
LOCK_NOT_AVAILABLE = "55P03"


def is_busy(exc: BaseException | None) -> bool:
    """``exc`` means "another transaction holds the lock too long", not a broken query."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE:  # psycopg 3
        return True
    # sqlite3: "database is locked" (a writer, after the busy timeout) or
    # "database table is locked" (a shared-cache connection, e.g. the test database).
    message = str(exc.args[0]) if exc.args else ""
    return message.startswith(("database is locked", "database table is locked"))


@contextlib.contextmanager
def patient(using: str = DEFAULT_DB_ALIAS, seconds: float = BACKGROUND_LOCK_WAIT) -> Iterator[None]:
    """Let this connection wait up to ``seconds`` for other writers, then go back to the wait it had.

    Enter it before the transaction: on SQLite the wait applies to the
    ``BEGIN IMMEDIATE`` that takes the write lock.  Nested uses restore the
    outer one's wait.
    """
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            before = f"PRAGMA busy_timeout = {int(cursor.fetchone()[0])}"
            cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        else:
            # set_config(…, false): for the session, as SET; it also takes a bound parameter.
            cursor.execute("SELECT current_setting('lock_timeout')")
            before = ("SELECT set_config('lock_timeout', %s, false)", [cursor.fetchone()[0]])
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{int(seconds * 1000)}ms"])
    try:
        yield
    finally:
        # Inside a transaction that failed PostgreSQL refuses this; the setting above was rolled back with it.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            if isinstance(before, str):
                cursor.execute(before)
            else:
                cursor.execute(*before)
