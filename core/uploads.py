"""Uploads bounded before they are opened, and imports bounded in number.

- :class:`UploadSizeMiddleware` refuses a request whose ``Content-Length``
  passes ``UPLOAD_MAX_BYTES`` with a 413 page, before anything reads the
  body.  Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves file fields out,
  so without it a multipart body of any size is streamed to disk.  (A body
  without a length — chunked — is never read by Django's WSGI handler.)
- :func:`check_upload` does the same on the import forms' file field, and
  checks the .xlsx's zip directory (:func:`core.xlsx.inflated_size_error`),
  so a refused file is never stored.
- :func:`check_photo` bounds a photo (a meeting's): JPEG or PNG by its
  first bytes, at most ``PHOTO_MAX_BYTES``, refused with a Chinese message.
- :func:`check_no_open_import` lets a user have one import queued or
  running; :func:`claim_import_slot` lets at most ``IMPORT_MAX_CONCURRENT``
  imports run in the whole installation — a task that finds no free slot
  leaves its job 排队中 and comes back later (:func:`wait_for_slot`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils import timezone

from .importjobs import ImportJobBase, ImportJobStatus, tick
from .scopes import can_write, check_can_edit, scope_root
from .xlsx import inflated_size_error

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_CONCURRENT = 2
#: A task that found no free slot runs again this much later (its job stays 排队中).
SLOT_RETRY_AFTER = dt.timedelta(seconds=15)
BUSY_MESSAGE = "您已有一个导入正在进行，请等待其完成后再导入"
#: Any fixed number: the PostgreSQL advisory lock that serialises slot claims.
SLOT_LOCK_KEY = 0x696D706F7274  # "import"


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)


def too_large_message() -> str:
    return f"上传文件超过{upload_max_bytes() // 1024 // 1024} MB，请拆分后分批导入"


# ---------------------------------------------------------------------------
# The request and the file
# ---------------------------------------------------------------------------

_TOO_LARGE_PAGE = """{% extends "error_plain.html" %}
{% block title %}文件过大{% endblock %}
{% block tone %}warning{% endblock %}
{% block heading %}文件过大{% endblock %}
{% block message %}<p class="mb-0">{{ message }}</p>{% endblock %}"""


class UploadSizeMiddleware:
    """413 for a request body past ``UPLOAD_MAX_BYTES``, judged from its Content-Length alone.

    Listed before anything that reads ``request.POST`` (the CSRF check, the
    session), so the body is never parsed; the page needs no session or database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own handler treats a bad length as an empty body
        if length > upload_max_bytes():
            message = too_large_message()
            logger.warning("request to %s refused: body of %d bytes", request.path, length)
            body = (
                engines["django"]
                .from_string(_TOO_LARGE_PAGE)
                .render({"message": message, "static_url": settings.STATIC_URL})
            )
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


def check_upload(upload: Any) -> None:
    """Refuse an uploaded spreadsheet that is too large, or would inflate too far, before it is stored."""
    if upload.size > upload_max_bytes():
        raise ValidationError(too_large_message())
    refused = inflated_size_error(upload)
    if refused:
        raise ValidationError(refused.message)


# ---------------------------------------------------------------------------
# Photos (会议照片 …)
# ---------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
#: What a photo's first bytes must be, by the extension it is stored under.
PHOTO_SIGNATURES = (("jpg", (b"\xff\xd8\xff",)), ("png", (b"\x89PNG\r\n\x1a\n",)))
PHOTO_TYPE_MESSAGE = "照片只能是 JPG 或 PNG 格式的图片，请重新选择"


def photo_max_bytes() -> int:
    return getattr(settings, "PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)


def photo_too_large_message() -> str:
    limit = photo_max_bytes()
    size = f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"照片不能超过{size}，请压缩或换一张后再上传"


def check_photo(upload: Any) -> str:
    """Refuse a photo that is too large or not a JPEG/PNG image (judged by its content, not its name).

    Returns the extension it is to be stored under (``jpg`` or ``png``), so a
    stored name never carries the user's own.
    """
    if upload.size > photo_max_bytes():
        raise ValidationError(photo_too_large_message(), code="photo_too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for extension, signatures in PHOTO_SIGNATURES:
        if any(head.startswith(signature) for signature in signatures):
            return extension
    raise ValidationError(PHOTO_TYPE_MESSAGE, code="photo_type")


# ---------------------------------------------------------------------------
# How many imports at once
# ---------------------------------------------------------------------------


def import_max_concurrent() -> int:
    return max(1, getattr(settings, "IMPORT_MAX_CONCURRENT", IMPORT_MAX_CONCURRENT))


def import_job_models() -> list[type[ImportJobBase]]:
    """Every app's import job model (the concrete subclasses; core knows no app)."""
    found: list[type[ImportJobBase]] = []
    todo = list(ImportJobBase.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if not model._meta.abstract and not model._meta.proxy:
            found.append(model)
    return found


def check_no_open_import(actor: Any, *, except_job: ImportJobBase | None = None) -> None:
    """One import per user: refuse while another of theirs is queued or running (any kind).

    Call inside the transaction that creates (or re-queues) the job: the
    user's row is locked first, so two uploads sent at once cannot both pass.
    """
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
    for model in import_job_models():
        jobs = model.objects.filter(created_by=actor, status__in=_QUEUED_OR_RUNNING)
        if except_job is not None and isinstance(except_job, model):
            jobs = jobs.exclude(pk=except_job.pk)
        if any(job.is_running for job in jobs):
            raise ValidationError(BUSY_MESSAGE)


J = TypeVar("J", bound=ImportJobBase)


def new_import_job(model: type[J], *, actor: Any, file_name: str, read_only_message: str) -> J:
    """The job record of one upload, owned by the actor's organization; call it inside the app's ``@service``.

    Out of scope is "not found", a read-only account is refused with
    ``read_only_message``, and a user with an import already open gets BUSY_MESSAGE.
    """
    root = scope_root(actor)
    if root is not None:
        check_can_edit(actor, root)
    elif not can_write(actor):
        raise PermissionDenied(read_only_message)
    check_no_open_import(actor)
    job = model(organization=root, created_by=actor, file_name=file_name[:255] or "未命名.xlsx")
    job.full_clean()
    job.save()
    return job


_QUEUED_OR_RUNNING = (ImportJobStatus.PENDING, ImportJobStatus.VALIDATING, ImportJobStatus.WRITING)
_RUNNING = (ImportJobStatus.VALIDATING, ImportJobStatus.WRITING)


def _serialise_claims() -> None:
    # SQLite: the IMMEDIATE transaction (settings) already holds the write lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SLOT_LOCK_KEY])


def claim_import_slot(model: type[ImportJobBase], job_id: int) -> bool:
    """Move a queued job to 校验中 if fewer than IMPORT_MAX_CONCURRENT imports run; else leave it 排队中.

    Claims are serialised (one at a time, under a lock), so the count cannot
    be read stale by two workers at once.  A running job whose worker died
    (stale) holds no slot.  False also when the job is no longer queued.
    """
    with transaction.atomic():
        _serialise_claims()
        running = sum(
            1
            for each in import_job_models()
            for job in each.objects.filter(status__in=_RUNNING)
            if not job.is_stale
        )
        if running >= import_max_concurrent():
            tick(model, job_id)  # still waiting, not dead: keep its heartbeat
            return False
        return bool(
            model.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).update(
                status=ImportJobStatus.VALIDATING, updated_at=timezone.now()
            )
        )


def wait_for_slot(task: Any, model: type[ImportJobBase], job_id: int, /, **kwargs: Any) -> None:
    """Queue the job's task again a little later (the job stays 排队中 and its worker is free)."""
    if not model.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).exists():
        return  # closed meanwhile (cancelled, stale) or taken by another run
    backend = task.get_backend()
    if not backend.supports_defer:
        # The Immediate backend (tests) runs at once: there is no later.  The
        # job stays 排队中 and is closed as stale if no one starts it again.
        logger.warning("import job %s: no free slot and the task backend cannot defer", job_id)
        return
    result = task.using(run_after=timezone.now() + SLOT_RETRY_AFTER).enqueue(**kwargs)
    model.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])
