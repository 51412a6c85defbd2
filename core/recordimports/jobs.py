"""Record imports on the task queue: the page uploads, a worker imports, the page polls (as the member import).

The upload goes to the default storage and is deleted when the job ends; a
job stopped at a preview keeps it until it is confirmed, cancelled or expires.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from core.audit import service
from core.dblocks import patient
from core.importjobs import OPEN_STATUSES, ImportJobStatus, delete_upload, local_copy, store_upload, tick
from core.models import RecordImportJob
from core.scopes import check_can_edit, scope_root
from core.uploads import check_no_open_import, claim_import_slot, wait_for_slot

from .engine import RecordImportReport, run_import
from .kinds import ImportKind, get_kind

logger = logging.getLogger(__name__)


def kind_of(job: RecordImportJob) -> ImportKind:
    kind = get_kind(job.kind)
    if kind is None:
        raise Http404("未知的导入类别")
    return kind


@service
def record_import_job_create(*, actor: Any, kind: ImportKind, file_name: str) -> RecordImportJob:
    """Record an upload of ``kind``'s workbook (the job the page follows)."""
    if not kind.may_import(actor):
        raise PermissionDenied(f"当前账号不能导入{kind.label}")
    root = scope_root(actor)
    if root is not None:
        check_can_edit(actor, root)
    check_no_open_import(actor)
    job = RecordImportJob(
        kind=kind.key,
        organization_path=root.path if root is not None else "",
        created_by=actor,
        file_name=file_name[:255] or "未命名.xlsx",
    )
    job.full_clean()
    job.save()
    return job


def _close(job: RecordImportJob, status: str, message: str = "") -> None:
    delete_upload(job.upload)
    job.upload = ""
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()


@service
def record_import_job_finish(
    *, actor: Any, job: RecordImportJob, report: RecordImportReport | None, message: str = ""
) -> RecordImportJob:
    """Store a job's outcome: every error, the preview to confirm, or the counts written."""
    job.refresh_from_db()  # progress ticks updated the row behind this instance's back
    if report is None:
        _close(job, ImportJobStatus.FAILED, message or "导入过程中发生错误，未写入任何数据")
    elif report.errors:
        _close(job, ImportJobStatus.REJECTED)
        job.errors = [[e.row, e.column, e.message] for e in report.errors]
        job.error_count = len(report.errors)
        job.bad_rows = report.bad_rows
    else:
        job.new_count, job.changed_count, job.unchanged_count = report.new, report.changed, report.unchanged
        job.processed = job.total = report.rows
        if report.needs_confirmation:
            job.status = ImportJobStatus.PREVIEW
            job.preview = report.preview
            job.preview_digest = report.digest
        else:
            _close(job, ImportJobStatus.SUCCEEDED)
            job.created_count, job.updated_count = report.created, report.updated
    job.save()
    return job


@service
def record_import_job_confirm(*, actor: Any, job: RecordImportJob) -> RecordImportJob:
    """The importer confirms a preview: the job queues again and writes what was previewed."""
    job = RecordImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied("只有上传该文件的用户可以确认导入")
    if job.status != ImportJobStatus.PREVIEW or job.is_stale:
        raise ValidationError("该导入不在待确认状态（可能已确认、已取消或已过期），请重新导入")
    check_no_open_import(actor, except_job=job)
    job.status = ImportJobStatus.PENDING
    job.confirmed = True
    job.save()
    return job


@service
def record_import_job_cancel(*, actor: Any, job: RecordImportJob) -> RecordImportJob:
    """The importer drops a preview: nothing is written and the upload is deleted."""
    job = RecordImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied("只有上传该文件的用户可以取消导入")
    if job.status != ImportJobStatus.PREVIEW:
        raise ValidationError("该导入不在待确认状态，无法取消")
    _close(job, ImportJobStatus.CANCELLED, "已取消，未写入任何数据")
    job.save()
    return job


def close_stale_record_jobs() -> int:
    """Close the jobs whose worker died (or whose preview expired) and delete their uploads."""
    closed = 0
    for job in RecordImportJob.objects.filter(status__in=OPEN_STATUSES):
        if job.is_stale:
            status = (
                ImportJobStatus.CANCELLED if job.status == ImportJobStatus.PREVIEW else ImportJobStatus.FAILED
            )
            _close(job, status, job.stale_message)
            job.save(update_fields=["upload", "status", "message", "finished_at", "updated_at"])
            closed += 1
    return closed


def run_record_import_job(*, job_id: int) -> RecordImportJob:
    """Run one uploaded file's import (or its confirmed update) and record the outcome on the job."""
    close_stale_record_jobs()
    job = RecordImportJob.objects.select_related("created_by__organization").get(pk=job_id)
    actor = job.created_by
    if job.status != ImportJobStatus.PENDING:
        return job  # closed meanwhile
    if not claim_import_slot(RecordImportJob, job_id):
        wait_for_slot(record_import_task, RecordImportJob, job_id, job_id=job_id)
        job.refresh_from_db()
        return job

    def progress(status: str, processed: int, total: int) -> None:
        tick(RecordImportJob, job_id, status=status, processed=processed, total=total)

    try:
        with local_copy(job.upload) as path:
            report = run_import(
                kind_of(job),
                actor=actor,
                source=path,
                progress=progress,
                confirmed_digest=job.preview_digest if job.confirmed else None,
            )
    except (PermissionDenied, Http404) as exc:
        return record_import_job_finish(actor=actor, job=job, report=None, message=str(exc))
    except Exception as exc:
        logger.exception("record import job %s failed", job_id)
        return record_import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"导入过程中发生错误，未写入任何数据（{type(exc).__name__}）",
        )
    return record_import_job_finish(actor=actor, job=job, report=report)


@task()
def record_import_task(job_id: int) -> str:
    """The task the worker runs: one record import job to its end (or to its preview)."""
    with patient():
        try:
            return run_record_import_job(job_id=job_id).status
        except Exception:
            logger.exception("record import job %s could not record its outcome", job_id)
            job = RecordImportJob.objects.filter(pk=job_id).first()
            if job is not None:
                _close(job, ImportJobStatus.FAILED, "导入过程中发生错误，未写入任何数据")
                job.save()
            raise


def _enqueue(job: RecordImportJob) -> RecordImportJob:
    try:
        result = record_import_task.enqueue(job_id=job.pk)
    except Exception as exc:
        logger.exception("record import job %s could not be queued", job.pk)
        return record_import_job_finish(
            actor=job.created_by,
            job=job,
            report=None,
            message=f"无法提交后台任务（{type(exc).__name__}），未写入任何数据，请稍后重试",
        )
    RecordImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def start_record_import(*, actor: Any, kind: ImportKind, upload: Any, file_name: str) -> RecordImportJob:
    """Store the upload, create its job and queue its import."""
    job = record_import_job_create(actor=actor, kind=kind, file_name=file_name)
    try:
        name = store_upload(upload, "records")
    except OSError as exc:
        logger.exception("record import job %s: cannot store the upload", job.pk)
        return record_import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"服务器无法保存上传的文件（{exc.strerror or exc}），未写入任何数据",
        )
    RecordImportJob.objects.filter(pk=job.pk).update(upload=name)
    job.upload = name
    return _enqueue(job)


def confirm_record_import(*, actor: Any, job: RecordImportJob) -> RecordImportJob:
    """Confirm a preview and queue the write."""
    return _enqueue(record_import_job_confirm(actor=actor, job=job))
