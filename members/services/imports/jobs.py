"""Import jobs on the task queue: the page uploads, a worker imports, the page polls.

The upload goes to the default storage (a worker on another machine reads
it there) and is deleted when the job ends, whatever its outcome; a job
that stops at a preview keeps it until it is confirmed, cancelled or
expires.  Progress ticks are the worker's heartbeat: a job whose worker
died reads as failed (``ImportJob.is_stale``) and is closed by the next task.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks import task

from core.audit import service
from core.dblocks import patient
from core.importjobs import (
    OPEN_STATUSES,
    delete_upload,
    local_copy,
    store_upload,
    tick,
)
from core.uploads import check_no_open_import, claim_import_slot, new_import_job, wait_for_slot

from ...models import ImportJob, ImportJobStatus
from .write import MemberImportReport, current_remote_addr, import_members

logger = logging.getLogger(__name__)


@service
def import_job_create(*, actor: Any, file_name: str) -> ImportJob:
    """Record an upload of the member spreadsheet (the job the import page follows)."""
    return new_import_job(
        ImportJob, actor=actor, file_name=file_name, read_only_message="当前账号为只读权限，不能导入党员"
    )


def _close(job: ImportJob, status: str, message: str = "") -> None:
    delete_upload(job.upload)
    job.upload = ""
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()


@service
def import_job_finish(
    *, actor: Any, job: ImportJob, report: MemberImportReport | None, message: str = ""
) -> ImportJob:
    """Store a job's outcome (created and updated counts, the preview, or every error).

    ``report`` None means the import crashed.  Every outcome but a preview
    ends the job and deletes its upload.
    """
    job.refresh_from_db()  # progress ticks updated the row behind this instance's back
    if report is None:
        _close(job, ImportJobStatus.FAILED, message or "导入过程中发生错误，未写入任何数据")
    elif report.errors:
        _close(job, ImportJobStatus.REJECTED)
        job.errors = [[e.row, e.column, e.message] for e in report.errors]
        job.error_count = len(report.errors)
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
def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The importer confirms a preview: the job queues again and writes what was previewed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
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
def import_job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """The importer drops a preview: nothing is written and the upload is deleted."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied("只有上传该文件的用户可以取消导入")
    if job.status != ImportJobStatus.PREVIEW:
        raise ValidationError("该导入不在待确认状态，无法取消")
    _close(job, ImportJobStatus.CANCELLED, "已取消，未写入任何数据")
    job.save()
    return job


def close_stale_jobs() -> int:
    """Close the jobs whose worker died (or whose preview expired) and delete their uploads."""
    closed = 0
    for job in ImportJob.objects.filter(status__in=OPEN_STATUSES).select_related("created_by"):
        if job.is_stale:
            message = job.stale_message
            status = (
                ImportJobStatus.CANCELLED if job.status == ImportJobStatus.PREVIEW else ImportJobStatus.FAILED
            )
            _close(job, status, message)
            job.save(update_fields=["upload", "status", "message", "finished_at", "updated_at"])
            closed += 1
    return closed


def _progress(job_id: int) -> Any:
    def record(status: str, processed: int, total: int) -> None:
        # A plain UPDATE: no audit row per tick (outcomes are audited by import_job_finish).
        tick(ImportJob, job_id, status=status, processed=processed, total=total)

    return record


def run_import_job(*, job_id: int, remote_addr: str | None = None) -> ImportJob:
    """Run one uploaded file's import (or its confirmed update) and record the outcome on the job."""
    close_stale_jobs()
    job = ImportJob.objects.select_related("created_by__organization").get(pk=job_id)
    actor = job.created_by
    if job.status != ImportJobStatus.PENDING:
        return job  # closed meanwhile (cancelled, or given up as stale): nothing to do
    if not claim_import_slot(ImportJob, job_id):
        # IMPORT_MAX_CONCURRENT imports run already: stay 排队中 and come back later.
        wait_for_slot(member_import_task, ImportJob, job_id, job_id=job_id, remote_addr=remote_addr)
        job.refresh_from_db()
        return job
    try:
        with local_copy(job.upload) as path:
            report = import_members(
                actor=actor,
                source=path,
                remote_addr=remote_addr,
                progress=_progress(job_id),
                confirmed_digest=job.preview_digest if job.confirmed else None,
            )
    except PermissionDenied as exc:
        return import_job_finish(actor=actor, job=job, report=None, message=str(exc))
    except Exception as exc:
        logger.exception("member import job %s failed", job_id)
        return import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"导入过程中发生错误，未写入任何数据（{type(exc).__name__}）",
        )
    return import_job_finish(actor=actor, job=job, report=report)


@task()
def member_import_task(job_id: int, remote_addr: str | None = None) -> str:
    """The task the worker runs: one member import job to its end (or to its preview)."""
    # No one waits on a page for the worker: it waits for the write lock as long as another
    # import's write pass or a web save holds it, rather than give up after the web's few seconds.
    with patient():
        try:
            return run_import_job(job_id=job_id, remote_addr=remote_addr).status
        except Exception:
            # Recording the outcome failed too; close the job so it does not wait for the stale timeout.
            logger.exception("member import job %s could not record its outcome", job_id)
            job = ImportJob.objects.filter(pk=job_id).first()
            if job is not None:
                _close(job, ImportJobStatus.FAILED, "导入过程中发生错误，未写入任何数据")
                job.save()
            raise


def enqueue_import(job: ImportJob, remote_addr: str | None) -> ImportJob:
    """Hand the job to the task queue; a queue that cannot take it fails the job at once."""
    try:
        result = member_import_task.enqueue(job_id=job.pk, remote_addr=remote_addr)
    except Exception as exc:
        logger.exception("member import job %s could not be queued", job.pk)
        return import_job_finish(
            actor=job.created_by,
            job=job,
            report=None,
            message=f"无法提交后台任务（{type(exc).__name__}），未写入任何数据，请稍后重试",
        )
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def start_member_import(*, actor: Any, upload: Any, file_name: str) -> ImportJob:
    """Store the upload, create its job and queue its import."""
    job = import_job_create(actor=actor, file_name=file_name)
    try:
        name = store_upload(upload, "members")
    except OSError as exc:
        logger.exception("member import job %s: cannot store the upload", job.pk)
        return import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"服务器无法保存上传的文件（{exc.strerror or exc}），未写入任何数据",
        )
    ImportJob.objects.filter(pk=job.pk).update(upload=name)
    job.upload = name
    return enqueue_import(job, current_remote_addr())


def confirm_member_import(*, actor: Any, job: ImportJob) -> ImportJob:
    """Confirm a preview and queue the write."""
    job = import_job_confirm(actor=actor, job=job)
    return enqueue_import(job, current_remote_addr())
