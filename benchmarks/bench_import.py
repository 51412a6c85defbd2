"""Member import (``members.services.imports.import_members``): 10,000 rows, target under 30 s.

The file is generated into the scratch directory: ``ROWS`` members spread
over the demo county's branches that hold members (by org code), with ID
numbers of a region code no demo member has.  Figures, as the county user:

- the whole import, split into the validation pass (reading, validating and
  preparing every write: members, their history and their audit rows) and
  the write pass — the one transaction, which on SQLite holds the database's
  write lock, so other users' saves wait for it (``SQLITE_BUSY_TIMEOUT``);
- the same file with one bad last row: everything is validated, nothing written;
- the imported file again with every tenth phone number changed: the preview
  (N new, M changed, K unchanged) and the confirmed update (changed members
  written with ``bulk_update``, their audit rows as ``member_update`` writes them);
- peak Python memory of a validation pass (tracemalloc), keeping the
  prepared rows in memory (files up to ``KEEP_ROWS_IN_MEMORY`` rows) and
  spooling them to a temporary file (larger files: bounded by the chunk, not the file).

The imported members are deleted afterwards so later benchmarks see the
county as seeded.  ``BENCH_IMPORT_ROWS`` changes the size (e.g. 100000 for the
write pass of a big import); ``BENCH_IMPORT_QUICK=1`` leaves out the bad-file
and memory passes (a 100,000-row run then takes minutes, not most of an hour).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks import BenchContext

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
QUICK = os.environ.get("BENCH_IMPORT_QUICK", "") not in ("", "0")
REGION = "650102"  # a real region code (新疆 乌鲁木齐 天山区) that no demo member has
NAME_PREFIX = "导入党员"


def make_id(birth: dt.date, seq: int, male: bool) -> str:
    from core.idcard import check_char

    first17 = f"{REGION}{birth:%Y%m%d}{seq % 500 * 2 + (1 if male else 0):03d}"
    return first17 + check_char(first17)


def write_file(
    path: Path, rows: int, branches: list[Any], bad_last_row: bool = False, new_phones: bool = False
) -> None:
    """An import file as a user would fill it from the template (write-only, so large files stay cheap)."""
    from openpyxl import Workbook

    from members.services.imports import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(list(HEADERS))
    educations = ("大学本科", "大学专科", "高中/中技", "初中及以下", "中专")
    occupations = ("农牧渔民", "工人", "专业技术人员", "党政机关工作人员", "离退休人员")
    for i in range(rows):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=i % 15000)
        male = i % 3 != 0
        probationary = i % 20 == 0
        ws.append(
            [
                f"{NAME_PREFIX}{i}",
                "男" if male else "女",
                ("汉族", "壮族", "瑶族", "苗族")[i % 4],
                "123" if bad_last_row and i == rows - 1 else make_id(birth, i // 15000, male),
                birth,
                educations[i % len(educations)],
                occupations[i % len(occupations)],
                "是" if i % 2 else "否",
                f"{137 if new_phones and i % 10 == 0 else 139}{i:08d}",
                "富宁县某单位 职员",
                branches[i % len(branches)].code,
                "",
                "预备党员" if probationary else "正式党员",
                dt.date(2025, 7, 1) if probationary else dt.date(2001, 7, 1),
                None if probationary else dt.date(2002, 7, 1),
                "否",
                "是" if i % 5 == 0 else "否",
                "是" if i % 17 == 0 else "否",
                "否",
            ]
        )
    wb.save(path)


def run(ctx: BenchContext) -> None:
    actor = ctx.demo.users["county"]
    # 功能型/临时党支部 hold no members' organization relations (members.services.member.validate_holding_org).
    branches = [b for b in ctx.demo.branches if getattr(b, "develops_members", True)]
    good = ctx.tmpdir / "import-good.xlsx"
    bad = ctx.tmpdir / "import-bad-last-row.xlsx"
    start = time.perf_counter()
    write_file(good, ROWS, branches)
    if not QUICK:
        write_file(bad, ROWS, branches, bad_last_row=True)
    ctx.record(
        "生成导入文件", round(time.perf_counter() - start, 2), "秒", f"{1 if QUICK else 2}个文件，各{ROWS}行"
    )
    ctx.record("导入文件大小", round(good.stat().st_size / 1024), "KB", f"{ROWS}行 .xlsx")
    if not QUICK:
        _bad_file_and_memory(ctx, actor, bad)
    _import_and_update(ctx, actor, good, branches)


class Clerk:
    """Another user saving a member once a second while the import writes, as a web request would.

    Its own connection, with the web's wait (SQLITE_BUSY_TIMEOUT / DB_LOCK_TIMEOUT):
    each save either waits for the import's write lock and is saved, or gets
    the error the 503 page answers (``core.dblocks.is_busy``); anything else
    would be a 500.
    """

    def __init__(self, user: Any) -> None:
        self.user = user
        self.outcomes: list[tuple[str, float]] = []
        self.running = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.running.set()
            self.thread = threading.Thread(target=self.run, daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.running.clear()
        if self.thread is not None:
            self.thread.join(60)

    def run(self) -> None:
        from django.db import DatabaseError, connection

        from core.dblocks import is_busy
        from members.models import Member
        from members.services.member import member_update

        try:
            member = Member.objects.visible_to(self.user).current().order_by("pk").first()
            n = 0
            while self.running.is_set():
                n += 1
                started = time.perf_counter()
                try:
                    member_update(
                        actor=self.user, member=Member.objects.get(pk=member.pk), phone=f"1360000{n:04d}"
                    )
                    outcome = "saved"
                except DatabaseError as exc:
                    outcome = "busy" if is_busy(exc) else "error"
                self.outcomes.append((outcome, time.perf_counter() - started))
                time.sleep(1)
        finally:
            connection.close()

    @property
    def saved(self) -> int:
        return sum(1 for outcome, _ in self.outcomes if outcome == "saved")

    def summary(self) -> str:
        saved = [s for o, s in self.outcomes if o == "saved"]
        busy = [s for o, s in self.outcomes if o == "busy"]
        errors = sum(1 for o, _ in self.outcomes if o == "error")
        waited = f"，最长等待{max(saved):.1f}秒" if saved else ""
        return f"保存成功{len(saved)}次{waited}；系统正忙（503）{len(busy)}次；其他错误（500）{errors}次"


def _bad_file_and_memory(ctx: BenchContext, actor: Any, bad: Path) -> None:
    from members.models import Member
    from members.services import imports

    start = time.perf_counter()
    rejected = imports.import_members(actor=actor, source=str(bad))
    ctx.record(
        f"{ROWS}行、仅末行有错",
        round(time.perf_counter() - start, 2),
        "秒",
        f"{len(rejected.errors)}处错误，写入{Member.objects.filter(name__startswith=NAME_PREFIX).count()}名"
        "（全有或全无）",
    )

    # Memory of one validation pass of the file with the bad last row (nothing
    # written): keeping the validated rows for the write pass (files up to
    # KEEP_ROWS_IN_MEMORY rows), and streaming only (larger files).
    for keep, label in ((imports.write.KEEP_ROWS_IN_MEMORY, "保留在内存中"), (0, "仅流式，暂存临时文件")):
        saved, imports.write.KEEP_ROWS_IN_MEMORY = imports.write.KEEP_ROWS_IN_MEMORY, keep
        tracemalloc.start()
        try:
            imports.import_members(actor=actor, source=str(bad))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            imports.write.KEEP_ROWS_IN_MEMORY = saved
        ctx.record(f"内存峰值（{label}）", round(peak / 1024 / 1024, 1), "MB", f"tracemalloc，{ROWS}行")


def _import_and_update(ctx: BenchContext, actor: Any, good: Path, branches: list[Any]) -> None:
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from members.models import Member, MemberPeriod
    from members.services import imports

    marks: dict[str, float] = {}
    clerk = Clerk(ctx.demo.users["secretary"])

    def progress(status: str, done: int, total: int) -> None:
        marks.setdefault(status, time.perf_counter())
        if status == "WRITING":
            clerk.start()  # another user saves a member every second while the import writes

    before = (Member.objects.count(), MemberPeriod.objects.count(), LogEntry.objects.count())
    start = time.perf_counter()
    try:
        report = imports.import_members(actor=actor, source=str(good), progress=progress)
    finally:
        total = time.perf_counter() - start
        clerk.stop()
    after = (Member.objects.count(), MemberPeriod.objects.count(), LogEntry.objects.count())
    if not report.ok:
        ctx.record("导入失败", len(report.errors), "处错误", str(report.errors[0]))
        return
    spooled = "，准备好的行暂存临时文件" if ROWS > imports.write.KEEP_ROWS_IN_MEMORY else ""
    ctx.record(f"导入{ROWS}行（合计）", round(total, 2), "秒", f"目标 < 30 秒（{ctx.vendor}）{spooled}")
    ctx.record(
        "其中：校验与准备",
        round(marks["WRITING"] - start, 2),
        "秒",
        "流式读取、逐行校验、每500行查一次重号；备好党员、组织关系记录和审计记录",
    )
    ctx.record(
        "其中：写入（持有写锁）",
        round(start + total - marks["WRITING"], 2),
        "秒",
        f"一个事务：党员{after[0] - before[0]}名、组织关系记录{after[1] - before[1]}条、"
        f"审计记录{after[2] - before[2] - clerk.saved}条",
    )
    ctx.record("导入速度", round(ROWS / total), "行/秒")
    ctx.record(
        "写入期间他人保存",
        len(clerk.outcomes),
        "次",
        f"支部书记每秒保存一次党员信息：{clerk.summary()}",
    )

    # Update mode: the same members again, every tenth phone number changed.
    changed = ctx.tmpdir / "import-update.xlsx"
    write_file(changed, ROWS, branches, new_phones=True)
    start = time.perf_counter()
    preview = imports.import_members(actor=actor, source=str(changed))
    ctx.record(
        f"更新预览（{ROWS}行）",
        round(time.perf_counter() - start, 2),
        "秒",
        f"新增{preview.new}、变更{preview.changed}、无变化{preview.unchanged}，未写入",
    )
    marks.clear()
    start = time.perf_counter()
    updated = imports.import_members(
        actor=actor, source=str(changed), confirmed_digest=preview.digest, progress=progress
    )
    end = time.perf_counter()
    ctx.record(f"确认更新{updated.updated}名", round(end - start, 2), "秒", "含再次校验")
    ctx.record(
        "其中：写入（持有写锁）",
        round(end - marks.get("WRITING", start), 2),
        "秒",
        "事先备好的列值成批写入（每组变更列一条 UPDATE），审计记录与 member_update 逐个写入时相同",
    )

    start = time.perf_counter()
    ids = list(Member.objects.filter(name__startswith=NAME_PREFIX).values_list("pk", flat=True))
    with disable_auditlog():
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(MemberPeriod),
            object_id__in=MemberPeriod.objects.filter(member__in=ids).values("pk"),
        ).delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Member), object_id__in=ids
        ).delete()
        MemberPeriod.objects.filter(member__in=ids).delete()
        Member.objects.filter(pk__in=ids).delete()
    ctx.record("清理导入数据", round(time.perf_counter() - start, 2), "秒", "后续基准看到的仍是原演示县")
