"""Record imports (``core.recordimports``): 100,000 dues payment rows, target under 30 s on SQLite.

The file is the demo county's own year of monthly dues, exported by the
``dues_payments`` kind as county staff (the template's layout), its first
``ROWS`` rows (the figure names the count when the county holds fewer).  The
payments in the file are then voided in one UPDATE (a throwaway database), so
the import records every row anew: reading, every rule of the payment
service per row, the diff, receipt numbers, ``bulk_create`` and the audit rows.

Figures, as county staff:

- the import of ``ROWS`` new payments (validation and the write);
- the same file again: every row unchanged (validation and diff, nothing written);
- the memory each import adds at its peak, and the process's peak (``ru_maxrss``)
  before and after.  By default "adds" is the resident size sampled every 20 ms
  (``/proc/self/statm``) minus the size just before: cheap, but it undercounts
  (Python reuses memory the demo seeding freed).  ``BENCH_RECORD_TRACEMALLOC=1``
  measures it with ``tracemalloc`` instead (peak of the Python allocations during
  the import minus those before it; the import runs some 2–3 times slower then,
  so take the seconds from a run without it).  Run it at two sizes
  (``BENCH_RECORD_ROWS=10000`` and the default) to see whether the growth
  follows the row count.

Afterwards the imported payments are deleted and the voided ones restored, so
later benchmarks see the county as seeded.  ``BENCH_RECORD_ROWS`` changes the size.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks import BenchContext

ROWS = int(os.environ.get("BENCH_RECORD_ROWS", "100000"))
TRACE = os.environ.get("BENCH_RECORD_TRACEMALLOC", "") not in ("", "0")


def _rows(kind: Any, actor: Any) -> tuple[list[list[Any]], list[int]]:
    """The export's rows (at most ROWS) and the payments they stand for."""
    from dues.choices import PaymentKind
    from dues.models import DuesPayment

    rows = list(next(iter(kind.export_rows(actor, {}).values())))[:ROWS]
    pks = list(
        DuesPayment.objects.live()
        .filter(kind=PaymentKind.REGULAR)
        .order_by("organization__path", "member__name", "member_id", "month")
        .values_list("pk", flat=True)[: len(rows)]
    )
    return rows, pks


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measured(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """``call()``'s result, its seconds, and the memory it added at its peak (MB; see the module's notes)."""
    import gc
    import tracemalloc

    gc.collect()
    if TRACE:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        started_at = time.perf_counter()
        try:
            result = call()
        finally:
            seconds = round(time.perf_counter() - started_at, 2)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return result, seconds, round((peak - base) / 2**20)
    before = _rss_mb()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started_at = time.perf_counter()
    try:
        result = call()
    finally:
        seconds = round(time.perf_counter() - started_at, 2)
        done.set()
        sampler.join()
    peak[0] = max(peak[0], _rss_mb())
    return result, seconds, round(peak[0] - before)


def _maxrss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def run(ctx: BenchContext) -> None:
    import datetime as dt

    from core.recordimports import get_kind, run_import
    from dues.models import DuesPayment

    actor = ctx.demo.users["county"]
    kind = get_kind("dues_payments")
    start = time.perf_counter()
    rows, pks = _rows(kind, actor)
    content = kind.workbook({kind.sheets[0].title: rows})
    path = ctx.tmpdir / "dues-payments.xlsx"
    path.write_bytes(content)
    ctx.record("导出并生成导入文件", round(time.perf_counter() - start, 2), "秒", f"{len(rows)}行")
    ctx.record("导入文件大小", round(len(content) / 1024), "KB", f"{len(rows)}行 .xlsx")
    count = len(rows)
    del content, rows

    # The demo county has submitted (报送) its year: reopen it for the run (the check still runs per row).
    from reports.models import Submission, SubmissionStatus

    submitted = list(
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED).values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=submitted).update(status=SubmissionStatus.RETURNED)
    voided_on = dt.date.today()
    DuesPayment.objects.filter(pk__in=pks).update(voided_on=voided_on, void_reason="基准测试")
    peak_before = _maxrss_mb()
    report, seconds, added = measured(lambda: run_import(kind, actor=actor, source=str(path)))
    assert report.ok, report.errors[:5]
    ctx.record(
        f"导入{count}行党费交纳记录",
        seconds,
        "秒",
        f"新增{report.created}条（校验、预览比对、收据编号、插入和审计记录），目标 < 30 秒",
    )
    how = "tracemalloc：导入中 Python 分配的峰值减去导入前" if TRACE else "导入中常驻内存峰值减去导入前"
    ctx.record("导入时内存增加（峰值）", added, "MB", how)
    again, seconds, added = measured(lambda: run_import(kind, actor=actor, source=str(path)))
    ctx.record("同一文件再次导入（全部无变化）", seconds, "秒", f"无变化{again.unchanged}条，未写入")
    ctx.record("再次导入时内存增加（峰值）", added, "MB", "同上")
    ctx.record(
        "进程内存峰值", _maxrss_mb(), "MB", f"ru_maxrss；导入前（演示县生成、导出之后）{peak_before} MB"
    )

    DuesPayment.objects.filter(note="导入", recorded_by=actor, created_at__date=voided_on).delete()
    DuesPayment.objects.filter(pk__in=pks).update(voided_on=None, void_reason="")
    Submission.objects.filter(pk__in=submitted).update(status=SubmissionStatus.SUBMITTED)
