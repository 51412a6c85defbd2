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
- the process's peak resident memory after both (``ru_maxrss``: bounded by the
  parsed rows, not by the workbook — openpyxl reads it streaming).

Afterwards the imported payments are deleted and the voided ones restored, so
later benchmarks see the county as seeded.  ``BENCH_RECORD_ROWS`` changes the size.
"""

from __future__ import annotations

import os
import resource
import time
from typing import Any

from benchmarks import BenchContext

ROWS = int(os.environ.get("BENCH_RECORD_ROWS", "100000"))


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
    del content

    # The demo county has submitted (报送) its year: reopen it for the run (the check still runs per row).
    from reports.models import Submission, SubmissionStatus

    submitted = list(
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED).values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=submitted).update(status=SubmissionStatus.RETURNED)
    voided_on = dt.date.today()
    DuesPayment.objects.filter(pk__in=pks).update(voided_on=voided_on, void_reason="基准测试")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started_at = time.perf_counter()
    report = run_import(kind, actor=actor, source=str(path))
    seconds = round(time.perf_counter() - started_at, 2)
    assert report.ok, report.errors[:5]
    ctx.record(
        f"导入{len(rows)}行党费交纳记录",
        seconds,
        "秒",
        f"新增{report.created}条（校验、预览比对、收据编号、bulk_create 和审计记录），目标 < 30 秒",
    )
    started_at = time.perf_counter()
    again = run_import(kind, actor=actor, source=str(path))
    ctx.record(
        "同一文件再次导入（全部无变化）",
        round(time.perf_counter() - started_at, 2),
        "秒",
        f"无变化{again.unchanged}条，未写入",
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    ctx.record("进程内存峰值", peak, "MB", f"ru_maxrss；导入前（演示县生成、导出之后）{peak_before} MB")

    DuesPayment.objects.filter(note="导入", recorded_by=actor, created_at__date=voided_on).delete()
    DuesPayment.objects.filter(pk__in=pks).update(voided_on=None, void_reason="")
    Submission.objects.filter(pk__in=submitted).update(status=SubmissionStatus.SUBMITTED)
