"""The report pages: the indicators as JSON, and 报送 (who has submitted a period, submit, return)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.forms import StyledForm, style_widgets
from core.scopes import can_write, in_scope, scope_root, sees_everything
from core.versioning import VersionedForm
from core.views import form_page, get_visible_or_404, write_view
from organizations.models import Organization

from . import word
from .batches import summary_batch_start
from .dashboard import dashboard
from .documents import report_document
from .indicators import FAMILIES, compute
from .models import BatchStatus, Submission, SubmissionStatus, SummaryBatch
from .narratives import narrative_of, narrative_save
from .periods import Period
from .statistics import statistics_tables, statistics_workbook
from .submissions import (
    may_return,
    missing_for,
    not_submitted,
    submission_return,
    submission_submit,
    submitters,
)
from .summary import NARRATIVE, NARRATIVE_KEYS, Summary, build_summary


@login_required
@require_safe
def report_json(request: HttpRequest, code: str, period: str) -> JsonResponse:
    """/reports/<org-code>/<period>.json — the flat object of INDICATORS.md, for an organization in scope."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    document = report_document(org, Period.parse(period))
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _periods(today: Any) -> list[Period]:
    """The periods offered: this year's halves and year, and the two years before."""
    year = today.year
    return [
        Period(year, 1),
        Period(year, 2),
        Period(year),
        Period(year - 1),
        Period(year - 1, 1),
        Period(year - 1, 2),
        Period(year - 2),
    ]


def _chosen_period(request: HttpRequest) -> Period:
    today = timezone.localdate()
    try:
        return Period.parse(request.GET.get("period") or str(today.year - (1 if today.month < 7 else 0)))
    except ValueError as exc:
        messages.error(request, str(exc))
        return Period(today.year)


@login_required
@require_safe
def submissions(request: HttpRequest) -> HttpResponse:
    """报送情况: the user's organization and those below it, with their status for the period."""
    period = _chosen_period(request)
    root = None if sees_everything(request.user) else scope_root(request.user)
    top = root or Organization.objects.filter(parent__isnull=True).order_by("path").first()
    orgs = [] if top is None else [top, *submitters(top, period)]
    by_org = {
        s.organization_id: s
        for s in Submission.objects.visible_to(request.user)
        .filter(period=period.key)
        .select_related("submitted_by", "returned_by")
    }
    writer = can_write(request.user)
    rows = []
    for org in orgs:
        submission = by_org.get(org.pk)
        rows.append(
            {
                "org": org,
                "submission": submission,
                "may_submit": writer
                and in_scope(request.user, org)
                and (submission is None or submission.status == SubmissionStatus.RETURNED),
                "may_return": submission is not None
                and submission.status == SubmissionStatus.SUBMITTED
                and may_return(request.user, submission),
            }
        )
    below = rows[1:]
    done = sum(1 for r in below if r["submission"] and r["submission"].status == SubmissionStatus.SUBMITTED)
    return render(
        request,
        "reports/submissions.html",
        {
            "period": period,
            "periods": _periods(timezone.localdate()),
            "rows": rows,
            "done": done,
            "total": len(below),
        },
    )


def _back(period: Period) -> HttpResponse:
    return redirect(f"{reverse('reports:submissions')}?period={period.key}")


@write_view
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """报送: the organization's data for the period is entered."""
    try:
        period = Period.parse(request.POST.get("period", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:submissions")
    org = get_visible_or_404(Organization.objects.all(), request.user, code=request.POST.get("code", ""))
    try:
        submission_submit(actor=request.user, organization=org, period=period)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已报送{org.name}{period.label}的数据")
    return _back(period)


@write_view
@require_POST
def return_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """退回: the superior sends a submission back for correction, with a comment."""
    submission = get_visible_or_404(
        Submission.objects.select_related("organization__parent"), request.user, pk=pk
    )
    period = Period.parse(submission.period)
    try:
        submission_return(actor=request.user, submission=submission, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已退回{submission.organization.name}{period.label}的报送")
    return _back(period)


FAMILY_TITLES = {
    "orgs": "党组织",
    "members": "党员队伍",
    "development": "发展党员",
    "transfers": "组织关系转接与关怀帮扶",
    "dues": "党费收缴管理",
    "training": "教育培训与组织生活",
    "assessments": "目标管理与考核评议",
}


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """统计指标: every indicator of the user's organization (or a chosen one in scope) for a period."""
    period = _chosen_period(request)
    code = request.GET.get("org") or ""
    if code:
        org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    else:
        org = (
            scope_root(request.user)
            or Organization.objects.filter(parent__isnull=True).order_by("path").first()
        )
    if org is None:
        return render(request, "reports/index.html", {"org": None, "period": period})
    values = compute(org, period)
    groups = [
        {
            "title": FAMILY_TITLES.get(name, name),
            "rows": [{"indicator": i, "value": values[i.key]} for i in family.indicators],
        }
        for name, family in FAMILIES.items()
    ]
    return render(
        request,
        "reports/index.html",
        {
            "org": org,
            "period": period,
            "periods": _periods(timezone.localdate()),
            "groups": groups,
            "missing": missing_for(org, period),
        },
    )


def _summary(request: HttpRequest, code: str, period_key: str) -> tuple[Organization, Period, Summary, Any]:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    period = Period.parse(period_key)
    narrative = narrative_of(org, period)
    names = [o.name for o in not_submitted(org, period)] if missing_for(org, period) else []
    summary = build_summary(org, period, compute(org, period), narrative.texts if narrative else {}, names)
    return org, period, summary, narrative


@login_required
@require_safe
def summary(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """/reports/<code>/<period>/ — the 工作总结, each figure linked to the records it counts."""
    org, chosen, document, narrative = _summary(request, code, period)
    return render(
        request,
        "reports/summary.html",
        {
            "org": org,
            "period": chosen,
            "summary": document,
            "narrative": narrative,
            "may_edit": can_write(request.user),
            "periods": _periods(timezone.localdate()),
        },
    )


@login_required
@require_safe
def summary_docx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The 工作总结 as a Word file (figures only; the links stay on the page)."""
    _org, chosen, document, _narrative = _summary(request, code, period)
    response = HttpResponse(
        word.summary_docx(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = quote(f"{document.title}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class NarrativeForm(VersionedForm, StyledForm):
    """One text area per written part of the summary."""

    def __init__(self, *args: Any, narrative: Any = None, **kwargs: Any) -> None:
        texts = narrative.texts if narrative else {}
        kwargs.setdefault("initial", {key: texts.get(key, "") for key in NARRATIVE_KEYS})
        super().__init__(*args, **kwargs)
        for key, heading, _level, prompt in NARRATIVE:
            self.fields[key] = forms.CharField(
                label=heading or prompt,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=prompt if heading and prompt else "",
                max_length=5000,
            )
        self.fields["final"] = forms.BooleanField(label="定稿", required=False)
        style_widgets(self)
        if narrative is not None:
            self.init_version(narrative)
        else:  # nothing written yet: version 0, so a text someone saves meanwhile is not overwritten
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)


@write_view
def summary_edit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Write the narrative parts; 保存草稿 keeps a draft, 定稿 makes it the final version."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    chosen = Period.parse(period)
    narrative = narrative_of(org, chosen)
    form = NarrativeForm(request.POST or None, narrative=narrative)
    back = reverse("reports:summary", args=[org.code, chosen.key])
    return form_page(
        request,
        form,
        save=lambda data: narrative_save(
            actor=request.user,
            organization=org,
            period=chosen,
            texts={key: data.get(key, "") for key in NARRATIVE_KEYS},
            final=bool(data.get("final")),
            expected_version=form.loaded_version,
        ),
        title=f"编写工作总结 · {org.name} · {chosen.label}",
        success=lambda n: "已定稿" if n.status == "FINAL" else "已保存草稿",
        cancel_url=back,
        next_url=lambda _n: back,
        context={
            "submit_label": "保存",
            "intro": "带数字的句子由系统按记录自动生成，这里填写各部分由本单位撰写的文字（每段一行）。"
            "勾选“定稿”保存为定稿，否则保存为草稿；定稿后仍可修改。",
        },
    )


@login_required
@require_safe
def statistics(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """党内统计: the standard tables of a subtree for a period, on the page."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    chosen = Period.parse(period)
    return render(
        request,
        "reports/statistics.html",
        {"org": org, "period": chosen, "tables": statistics_tables(org, chosen)},
    )


@login_required
@require_safe
def statistics_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The same tables as an Excel workbook (a sheet each, merged titles, totals, A4)."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    chosen = Period.parse(period)
    response = HttpResponse(
        statistics_workbook(org, chosen),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = quote(f"{org.name}{chosen.label}党内统计.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@write_view
@require_POST
def batch_start(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Start making the summaries of every committee below ``code`` as one .zip."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    batch = summary_batch_start(actor=request.user, organization=org, period=Period.parse(period))
    return redirect("reports:batch", pk=batch.pk)


@login_required
@require_safe
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's progress (the page polls itself while it runs) and, when done, its download."""
    job = get_visible_or_404(SummaryBatch.objects.select_related("organization"), request.user, pk=pk)
    template = "reports/_batch_status.html" if request.headers.get("HX-Request") else "reports/batch.html"
    return render(request, template, {"batch": job, "period": Period.parse(job.period)})


@login_required
@require_safe
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_visible_or_404(SummaryBatch.objects.select_related("organization"), request.user, pk=pk)
    if job.status != BatchStatus.DONE or not job.file or not default_storage.exists(job.file):
        raise Http404("文件尚未生成或已被清理")
    name = quote(f"{job.organization.name}{Period.parse(job.period).label}各党委工作总结.zip")
    response = FileResponse(default_storage.open(job.file, "rb"), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_safe
def dashboard_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """/reports/<code>/<period>/dashboard/ — charts with their tables; a click drills down the tree."""
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    chosen = Period.parse(period)
    parent = org.parent if org.parent and in_scope(request.user, org.parent) else None
    return render(
        request,
        "reports/dashboard.html",
        {
            "org": org,
            "period": chosen,
            "parent": parent,
            "periods": _periods(timezone.localdate()),
            **dashboard(org, chosen),
        },
    )
