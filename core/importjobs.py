"""What every spreadsheet import shares: its job row, the stored upload and the error summary.

An import runs as a task (Django's task API): the page stores the upload
through the default storage (a worker on another machine reads it there),
creates a job row and enqueues the task; the task ticks progress onto the
row, records the outcome and deletes the upload whatever happened.  The page
polls the row.  A worker that dies stops ticking, and a job quiet for too
long reads as failed, never "running" forever.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from .xlsx import RowError

logger = logging.getLogger(__name__)

#: A running job whose row has not moved for this long lost its worker (a
#: restart, a kill); its write transaction never committed.  The write pass
#: cannot tick (it holds the only write transaction on SQLite), so big files
#: get more time: about ten times the measured write rate.
STALE_AFTER = dt.timedelta(minutes=10)
STALE_AFTER_PER_ROW = dt.timedelta(milliseconds=10)
#: A queued job no worker has taken for this long is given up (the worker is
#: not running); longer than STALE_AFTER, so a queue behind one big import is not.
PENDING_STALE_AFTER = dt.timedelta(minutes=30)
#: A preview nobody confirms is dropped (and its upload deleted) after this.
PREVIEW_KEPT_FOR = dt.timedelta(hours=24)
STALE_MESSAGE = "失败：后台任务中断，请重新导入（未写入任何数据）"
NOT_STARTED_MESSAGE = "失败：后台任务程序长时间未处理此任务（可能未启动），请联系管理员后重新导入"
PREVIEW_EXPIRED_MESSAGE = "预览已过期（超过24小时未确认），未写入任何数据，请重新导入"


class ImportJobStatus(models.TextChoices):
    PENDING = "PENDING", "排队中"
    VALIDATING = "VALIDATING", "校验中"
    PREVIEW = "PREVIEW", "待确认"
    WRITING = "WRITING", "写入中"
    SUCCEEDED = "SUCCEEDED", "导入成功"
    REJECTED = "REJECTED", "校验未通过"
    FAILED = "FAILED", "导入出错"
    CANCELLED = "CANCELLED", "已取消"


RUNNING_STATUSES = (ImportJobStatus.PENDING, ImportJobStatus.VALIDATING, ImportJobStatus.WRITING)
#: States in which the upload is still needed (running, or waiting for a confirmation).
OPEN_STATUSES = (*RUNNING_STATUSES, ImportJobStatus.PREVIEW)


class ImportJobBase(models.Model):
    """One upload of a spreadsheet: its progress (the worker's heartbeat) and its outcome."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=255)
    upload = models.CharField("上传文件（存储名）", max_length=255, blank=True)
    task_id = models.CharField("后台任务号", max_length=64, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    total = models.PositiveIntegerField("总行数（估计）", default=0)
    processed = models.PositiveIntegerField("已校验行数", default=0)
    created_count = models.PositiveIntegerField("新增数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES and not self.is_stale

    @property
    def is_stale(self) -> bool:
        """No heartbeat for too long: the worker died (or never came)."""
        quiet_for = timezone.now() - self.updated_at
        if self.status == ImportJobStatus.PREVIEW:
            return quiet_for > PREVIEW_KEPT_FOR
        if self.status == ImportJobStatus.PENDING:
            return quiet_for > PENDING_STALE_AFTER
        return self.status in RUNNING_STATUSES and quiet_for > STALE_AFTER + self.total * STALE_AFTER_PER_ROW

    @property
    def shown_status(self) -> str:
        """The status as the page shows it: a job that lost its worker is failed."""
        if self.is_stale:
            return ImportJobStatus.CANCELLED.label if self.status == ImportJobStatus.PREVIEW else "失败"
        return self.get_status_display()

    @property
    def stale_message(self) -> str:
        if self.status == ImportJobStatus.PREVIEW:
            return PREVIEW_EXPIRED_MESSAGE
        return NOT_STARTED_MESSAGE if self.status == ImportJobStatus.PENDING else STALE_MESSAGE

    @property
    def percent(self) -> int:
        if self.status in (ImportJobStatus.WRITING, ImportJobStatus.SUCCEEDED):
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))

    def error_summary(self, limit: int = 1000) -> list[ErrorGroup]:
        """The stored errors, identical ones folded into one line each."""
        return summarise_errors((RowError(r or 0, c or "", m) for r, c, m in self.errors or []), limit)


# ---------------------------------------------------------------------------
# Identical errors, one line each
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorGroup:
    """Rows that share one column and one message: 第3–2002行“学历”列：……（共2000行）."""

    rows: tuple[int, ...]
    column: str
    message: str

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def where(self) -> str:
        if not any(self.rows):
            return "文件"
        return f"第{row_ranges(self.rows)}行"

    def __str__(self) -> str:
        col = f"“{self.column}”列" if self.column else ""
        tail = f"（共{self.count}行）" if self.count > 1 else ""
        return f"{self.where}{col}：{self.message}{tail}"


def row_ranges(rows: Iterable[int], shown: int = 6) -> str:
    """3, 4, 5, 9 → "3–5、9"; past ``shown`` ranges the rest is "等"."""
    ranges: list[list[int]] = []
    for row in sorted(set(rows)):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges[:shown]]
    return "、".join(parts) + ("等" if len(ranges) > shown else "")


def summarise_errors(errors: Iterable[RowError], limit: int = 1000) -> list[ErrorGroup]:
    """Group errors by (column, message), in the order each first appears; at most ``limit`` groups."""
    rows_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for error in errors:
        key = (error.column, error.message)
        if key in rows_of or len(rows_of) < limit:
            rows_of[key].append(error.row)
    return [ErrorGroup(tuple(rows), column, message) for (column, message), rows in rows_of.items()]


# ---------------------------------------------------------------------------
# The upload, through the storage API
# ---------------------------------------------------------------------------


def store_upload(upload: Any, folder: str) -> str:
    """Save an uploaded file in the default storage; returns its storage name."""
    name = f"imports/{folder}/{uuid.uuid4().hex}.xlsx"
    return default_storage.save(name, as_file(upload))


@contextmanager
def local_copy(name: str) -> Iterator[str]:
    """A local file with the stored upload's bytes, for openpyxl (which seeks), removed afterwards."""
    with tempfile.NamedTemporaryFile(prefix="import-", suffix=".xlsx", delete=False) as out:
        with default_storage.open(name, "rb") as source:
            shutil.copyfileobj(source, out, 1 << 20)
    try:
        yield out.name
    finally:
        Path(out.name).unlink(missing_ok=True)


def delete_upload(name: str) -> None:
    """Remove a stored upload; a missing file is fine (deleted already), a storage error is logged."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("import upload %s could not be deleted", name, exc_info=True)


def tick(model: type[ImportJobBase], job_id: int, **values: Any) -> None:
    """Write a job's progress (its heartbeat) at once, outside any audit.

    A tick that cannot be written (a lock held too long) is skipped, not
    fatal: progress is a courtesy, the outcome is recorded at the end.  The
    savepoint keeps an enclosing transaction usable on PostgreSQL.
    """
    try:
        with transaction.atomic():
            model.objects.filter(pk=job_id).update(updated_at=timezone.now(), **values)
    except DatabaseError:
        logger.warning("import job %s: progress tick skipped", job_id, exc_info=True)


def as_file(upload: IO[bytes] | Any) -> Any:
    """The upload as Django's storage wants it (a File); plain binary streams are wrapped."""
    return upload if hasattr(upload, "chunks") else File(upload, name="upload.xlsx")
