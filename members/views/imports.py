"""Member import (template, upload, progress, preview, result) and export of the filtered roster."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import record_access
from core.models import AccessKind
from core.sheets import build_workbook
from core.views import get_visible_or_404, write_view
from core.xlsx import xlsx_response

from ..forms.imports import MemberImportForm
from ..models import ImportJob
from ..selectors.member import filter_members
from ..services.imports import (
    build_template,
    confirm_member_import,
    export_members,
    import_job_cancel,
    start_member_import,
)

#: Error lines (identical errors folded into one) and changed rows drawn on the page; the rest is a download.
ERRORS_SHOWN = 1000


def import_crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("党员名册", reverse("members:list")), ("批量导入", reverse("members:import")), *tail]


@write_view
def import_page(request: HttpRequest) -> HttpResponse:
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_member_import(actor=request.user, upload=upload, file_name=upload.name)
        except ValidationError as exc:  # another import of this user's is still queued or running
            form.add_error("file", exc)
        else:
            return redirect("members:import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:10]
    return render(
        request,
        "members/imports/import.html",
        {
            "form": form,
            "jobs": jobs,
            "breadcrumbs": [("党员名册", reverse("members:list")), ("批量导入", "")],
        },
    )


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(build_template(), "党员信息导入模板.xlsx")


def _job_context(request: HttpRequest, job: ImportJob) -> dict:
    groups = job.error_summary(ERRORS_SHOWN)
    return {
        "job": job,
        "error_groups": groups,
        "groups_hidden": len(groups) >= ERRORS_SHOWN,
        "preview_hidden": max(0, job.changed_count - len(job.preview or [])),
        "is_importer": job.created_by_id == request.user.pk,
    }


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.select_related("created_by"), request.user, pk=pk)


@login_required
@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    context = _job_context(request, job)
    context["breadcrumbs"] = import_crumbs((job.file_name, ""))
    return render(request, "members/imports/job.html", context)


@login_required
@require_safe
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; it stops polling once the job has finished or waits for a confirmation."""
    job = _visible_job(request, pk)
    return render(request, "members/imports/_progress.html", _job_context(request, job))


@write_view
@require_POST
def import_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The importer confirms the previewed updates; the worker writes them."""
    job = _visible_job(request, pk)
    try:
        confirm_member_import(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("members:import_job", pk=job.pk)


@write_view
@require_POST
def import_job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The importer drops the preview: nothing is written, the upload is deleted."""
    job = _visible_job(request, pk)
    try:
        import_job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.info(request, "已取消导入，未写入任何数据")
    return redirect("members:import_job", pk=job.pk)


@login_required
@require_safe
def import_job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error of a rejected job as a spreadsheet, one line per row, to work through while fixing the file."""
    job = get_visible_or_404(ImportJob.objects.all(), request.user, pk=pk)
    rows = ([row or "", column or "（整个文件）", message] for row, column, message in job.errors or [])
    content = build_workbook([("错误明细", ["行号", "列", "原因"], rows)])
    return xlsx_response(content, f"导入错误明细-{job.pk}.xlsx")


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The roster as filtered on the list page (same GET parameters), as .xlsx in the template's columns; recorded."""
    form, members = filter_members(request.user, request.GET)
    content = export_members(request.user, members)
    record_access(request=request, kind=AccessKind.EXPORT, what="党员名册", form=form, rows=members.count())
    return xlsx_response(content, f"党员名册-{dt.date.today():%Y%m%d}.xlsx")


urls = [
    path("import/", import_page, name="import"),
    path("import/template/", import_template, name="import_template"),
    path("import/<int:pk>/", import_job, name="import_job"),
    path("import/<int:pk>/progress/", import_job_progress, name="import_job_progress"),
    path("import/<int:pk>/confirm/", import_job_confirm, name="import_job_confirm"),
    path("import/<int:pk>/cancel/", import_job_cancel_view, name="import_job_cancel"),
    path("import/<int:pk>/errors.xlsx", import_job_errors, name="import_job_errors"),
    path("export/", export, name="export"),
]
