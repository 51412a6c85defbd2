"""The pages every import kind shares, under /imports/: the list of kinds, upload, progress, preview, errors, files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import record_access
from core.models import AccessKind, RecordImportJob
from core.scopes import can_write
from core.uploads import check_upload, upload_max_bytes
from core.views import get_visible_or_404, write_view
from core.xlsx import xlsx_response

from .engine import errors_workbook
from .jobs import confirm_record_import, kind_of, record_import_job_cancel, start_record_import
from .kinds import ImportKind, all_kinds, get_kind

#: Error lines (identical errors folded into one) drawn on the page; the rest is in errors.xlsx.
ERRORS_SHOWN = 1000


class RecordImportForm(forms.Form):
    """One .xlsx file filled in from a kind's template (or an export of it, changed)."""

    file = forms.FileField(
        label="Excel 文件",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"请使用导入模板填写，或用导出的文件修改后上传；.xlsx 格式，不超过{upload_max_bytes() // 1024 // 1024} MB。"

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能导入 .xlsx 格式的文件（.xls 请先在 Excel/WPS 中另存为 .xlsx）")
        check_upload(upload)
        return upload


def _kind(key: str) -> ImportKind:
    kind = get_kind(key)
    if kind is None:
        raise Http404("未知的导入类别")
    return kind


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("数据导入", reverse("imports:index")), *tail]


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """数据导入: every kind, with its template and export; upload links for the kinds the user may import."""
    kinds = [
        {
            "kind": kind,
            "may_import": kind.may_import(request.user),
            "may_export": kind.may_export(request.user),
        }
        for kind in all_kinds()
    ]
    jobs = RecordImportJob.objects.visible_to(request.user).select_related("created_by")[:10]
    return render(
        request,
        "core/imports/index.html",
        {
            "kinds": kinds,
            "jobs": jobs,
            "labels": {k.key: k.label for k in all_kinds()},
            "breadcrumbs": _crumbs(),
        },
    )


@write_view
def kind_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a workbook of one kind."""
    import_kind = _kind(kind)
    if not import_kind.may_import(request.user):
        raise Http404("未知的导入类别")
    form = RecordImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_record_import(
                actor=request.user, kind=import_kind, upload=upload, file_name=upload.name
            )
        except ValidationError as exc:  # another import of this user's is still queued or running
            form.add_error("file", exc)
        else:
            return redirect("imports:job", pk=job.pk)
    jobs = (
        RecordImportJob.objects.visible_to(request.user)
        .filter(kind=import_kind.key)
        .select_related("created_by")[:10]
    )
    return render(
        request,
        "core/imports/kind.html",
        {"kind": import_kind, "form": form, "jobs": jobs, "breadcrumbs": _crumbs((import_kind.label, ""))},
    )


@login_required
@require_safe
def template(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind(kind)
    return xlsx_response(import_kind.template(), f"{import_kind.file_stem}导入模板.xlsx")


@login_required
@require_safe
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """What the user may see of one kind, in the template's layout (so it re-imports); recorded."""
    import_kind = _kind(kind)
    if not import_kind.may_export(request.user):
        raise Http404("未知的导入类别")
    content = import_kind.export(request.user, request.GET.dict())
    record_access(request=request, kind=AccessKind.EXPORT, what=f"{import_kind.label}（导入格式）")
    return xlsx_response(content, f"{import_kind.file_stem}-{dt.date.today():%Y%m%d}.xlsx")


def _visible_job(request: HttpRequest, pk: int) -> RecordImportJob:
    return get_visible_or_404(RecordImportJob.objects.select_related("created_by"), request.user, pk=pk)


def _job_context(request: HttpRequest, job: RecordImportJob) -> dict[str, Any]:
    groups = job.error_summary(ERRORS_SHOWN)
    return {
        "job": job,
        "kind": kind_of(job),
        "error_groups": groups,
        "groups_hidden": len(groups) >= ERRORS_SHOWN,
        "preview_hidden": max(0, job.changed_count - len(job.preview or [])),
        "is_importer": job.created_by_id == request.user.pk,
    }


@login_required
@require_safe
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    context = _job_context(request, job)
    context["breadcrumbs"] = _crumbs(
        (context["kind"].label, reverse("imports:kind", args=[job.kind]) if can_write(request.user) else ""),
        (job.file_name, ""),
    )
    return render(request, "core/imports/job.html", context)


@login_required
@require_safe
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment htmx polls; it stops polling once the job has finished or waits for a confirmation."""
    job = _visible_job(request, pk)
    return render(request, "core/imports/_progress.html", _job_context(request, job))


@write_view
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    try:
        confirm_record_import(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("imports:job", pk=job.pk)


@write_view
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    try:
        record_import_job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.info(request, "已取消导入，未写入任何数据")
    return redirect("imports:job", pk=job.pk)


@login_required
@require_safe
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """errors.xlsx: the bad rows as uploaded with 错误说明, and every error one per line."""
    job = _visible_job(request, pk)
    content = errors_workbook(get_kind(job.kind), job.errors or [], job.bad_rows or {})
    return xlsx_response(content, f"导入错误明细-{job.pk}.xlsx")


urls = [
    path("", index, name="index"),
    path("jobs/<int:pk>/", job_page, name="job"),
    path("jobs/<int:pk>/progress/", job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/errors.xlsx", job_errors, name="job_errors"),
    path("<slug:kind>/", kind_page, name="kind"),
    path("<slug:kind>/template.xlsx", template, name="template"),
    path("<slug:kind>/export.xlsx", export, name="export"),
]
