"""A save while another transaction holds the write lock: how long it waits, and how it ends.

Another connection (a thread with its own connection, as the import's task
worker would be) takes the lock — SQLite: ``BEGIN IMMEDIATE``, the database's
one write lock; PostgreSQL: ``LOCK TABLE members_member IN EXCLUSIVE MODE``,
which lets plain reads through and stops writers and ``FOR UPDATE`` — and
holds it while this connection, as the county user:

- reads a member (WAL on SQLite: readers never wait for a writer);
- saves a member through ``member_update`` with the lock held 1.5 s, waiting
  up to 5 s (the web's ``SQLITE_BUSY_TIMEOUT`` / ``DB_LOCK_TIMEOUT``): it waits
  and succeeds;
- the same with the lock held 3 s and a 1 s wait: it gives up after the
  wait with the error ``core.dblocks.is_busy`` turns into the 503 page;
- SQLite only: the first save again in a DEFERRED transaction (SQLite's
  default ``BEGIN``): the service reads (its ``lock_for_update``) and then
  writes, and the upgrade from reader to writer fails at once or as soon as the
  other writer commits, however long the busy timeout — why the settings
  use ``"transaction_mode": "IMMEDIATE"``.

The figures back the settings' comment on the timeouts (partyorg/settings.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks import BenchContext


def _holder(vendor: str, settings_dict: dict[str, Any], seconds: float, held: threading.Event) -> None:
    """Take the write lock on a connection of its own, hold it ``seconds``, let go."""
    if vendor == "sqlite":
        import sqlite3

        conn = sqlite3.connect(settings_dict["NAME"], isolation_level=None, timeout=30)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        conn = psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
            host=settings_dict.get("HOST") or None,
            port=settings_dict.get("PORT") or None,
        )
        conn.execute("LOCK TABLE members_member IN EXCLUSIVE MODE")
    held.set()
    time.sleep(seconds)
    conn.rollback()
    conn.close()


def _while_held(ctx: BenchContext, hold: float, wait: float, action: Callable[[], Any]) -> tuple[float, str]:
    """Run ``action`` while another connection holds the lock ``hold`` s; this one waits up to ``wait`` s."""
    from django.db import DatabaseError, connection

    from core.dblocks import is_busy, patient

    held = threading.Event()
    thread = threading.Thread(
        target=_holder, args=(connection.vendor, connection.settings_dict, hold, held), daemon=True
    )
    thread.start()
    held.wait(10)
    start = time.perf_counter()
    try:
        with patient(seconds=wait):
            action()
        outcome = "成功"
    except DatabaseError as exc:
        outcome = "503 系统正忙" if is_busy(exc) else f"500 {exc}"
    elapsed = time.perf_counter() - start
    thread.join()
    return elapsed, outcome


def run(ctx: BenchContext) -> None:
    from django.db import connection

    from members.models import Member
    from members.services.member import member_update

    actor = ctx.demo.users["county"]
    member = Member.objects.current().order_by("pk").first()
    assert member is not None
    pk = member.pk
    saves = iter(range(1, 1000))

    def read() -> None:
        Member.objects.filter(pk=pk).values_list("name", flat=True).get()

    def save() -> None:
        member_update(actor=actor, member=Member.objects.get(pk=pk), phone=f"1390000{next(saves):04d}")

    elapsed, outcome = _while_held(ctx, 1.5, 5, read)
    ctx.record("读取（写锁被占用 1.5 秒）", round(elapsed * 1000), "毫秒", outcome)
    elapsed, outcome = _while_held(ctx, 1.5, 5, save)
    ctx.record("保存（写锁被占用 1.5 秒，最多等 5 秒）", round(elapsed, 2), "秒", f"{outcome}：等到锁释放")
    elapsed, outcome = _while_held(ctx, 3, 1, save)
    ctx.record(
        "保存（写锁被占用 3 秒，最多等 1 秒）", round(elapsed, 2), "秒", f"{outcome}：等满后放弃，未写入"
    )
    if connection.vendor == "sqlite":
        mode = connection.transaction_mode
        connection.transaction_mode = None  # BEGIN DEFERRED, SQLite's default
        try:
            elapsed, outcome = _while_held(ctx, 1.5, 5, save)
        finally:
            connection.transaction_mode = mode
        ctx.record(
            "保存（DEFERRED 事务，写锁被占用 1.5 秒，最多等 5 秒）",
            round(elapsed, 2),
            "秒",
            f"{outcome}：先读后写的事务不能等待升级为写事务",
        )
