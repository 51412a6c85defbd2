"""Many summaries at once: every base committee below an organization, as one .zip of .docx, in the background.

The page creates a :class:`SummaryBatch` and enqueues :func:`summary_batch_task`;
the worker writes each committee's Word file into a zip on the default
storage, ticking ``done`` after each, and the page polls the row.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from core.audit import service
from core.scopes import check_can_edit
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization

from . import word
from .indicators import compute
from .models import BatchStatus, SummaryBatch
from .narratives import narrative_of
from .periods import Period
from .submissions import missing_for, not_submitted
from .summary import build_summary

logger = logging.getLogger(__name__)


def batch_committees(org: Organization, period: Period) -> list[Organization]:
    """The base committees in ``org``'s subtree at period end (``org`` itself when it is one)."""
    return list(
        Organization.objects.within_on(org, period.end)
        .existing_on(period.end)
        .filter(kind__in=COMMITTEE_KINDS)
        .order_by("path")
    )


def summary_document(org: Organization, period: Period) -> bytes:
    narrative = narrative_of(org, period)
    names = [o.name for o in not_submitted(org, period)] if missing_for(org, period) else []
    summary = build_summary(org, period, compute(org, period), narrative.texts if narrative else {}, names)
    return word.summary_docx(summary)


@service
def summary_batch_start(*, actor: Any, organization: Organization, period: Period) -> SummaryBatch:
    """Queue the batch; a queue that cannot take it fails the batch at once (the page says so)."""
    check_can_edit(actor, organization)
    batch = SummaryBatch.objects.create(
        organization=organization,
        period=period.key,
        total=len(batch_committees(organization, period)),
        created_by=actor,
    )
    try:
        result = summary_batch_task.enqueue(batch_id=batch.pk)
    except Exception as exc:  # the queue is down: say so instead of waiting forever
        logger.exception("summary batch %s could not be queued", batch.pk)
        batch.status, batch.message = (
            BatchStatus.FAILED,
            f"无法提交后台任务（{type(exc).__name__}），请稍后重试",
        )
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "message", "finished_at"])
        return batch
    SummaryBatch.objects.filter(pk=batch.pk, task_id="").update(task_id=str(result.id)[:64])
    batch.refresh_from_db()
    return batch


def run_summary_batch(batch: SummaryBatch) -> SummaryBatch:
    period = Period.parse(batch.period)
    committees = batch_committees(batch.organization, period)
    SummaryBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total=len(committees), done=0)
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, committee in enumerate(committees, start=1):
                archive.writestr(
                    f"{n:02d}-{committee.name}{period.label}工作总结.docx",
                    summary_document(committee, period),
                )
                SummaryBatch.objects.filter(pk=batch.pk).update(done=n)
        spool.seek(0)
        name = default_storage.save(
            f"summaries/{batch.organization.code}-{period.key}-{batch.pk}.zip", File(spool)
        )
    SummaryBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, file=name, finished_at=timezone.now(), message=f"共{len(committees)}份"
    )
    batch.refresh_from_db()
    return batch


@task()
def summary_batch_task(batch_id: int) -> str:
    batch = SummaryBatch.objects.select_related("organization").get(pk=batch_id)
    try:
        return run_summary_batch(batch).status
    except Exception as exc:
        logger.exception("summary batch %s failed", batch_id)
        SummaryBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, finished_at=timezone.now(), message=f"生成失败（{type(exc).__name__}）"
        )
        raise
