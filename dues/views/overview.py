"""The dues overview (概况), the standards page, self-inspection and the dues register export."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from core.access import record_access
from core.lists import sections
from core.models import AccessKind
from core.scopes import can_write
from core.sheets import Sheet, write_workbook
from core.xlsx import xlsx_response
from organizations.choices import OrgKind

from .. import months as m
from ..forms import PeriodForm
from ..models import DuesRule, RemittanceRule
from ..selectors.figures import dues_breakdown
from ..selectors.grid import DUE, ELSEWHERE, FREE, NONE, PAID, UNASSESSED, dues_grid
from ..selectors.inspection import inspect
from .common import crumbs, home_org, may_edit, org_or_404


def _period(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if quarter:
        return m.quarter_span(year, quarter)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _chosen(request: HttpRequest, *, quarters: bool = True) -> tuple[PeriodForm, Any, int, int | None]:
    form = PeriodForm(request.GET or None, user=request.user, quarters=quarters)
    default = home_org(request.user)
    if default is None:
        raise Http404("未找到党组织")
    org, year, quarter = form.chosen(default)
    return form, org, year, quarter


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Collection, arrears, remittance and retained funds of a subtree and period, by the organizations under it."""
    form, org, year, quarter = _chosen(request)
    start, end = _period(year, quarter)
    total, rows = dues_breakdown(org, start, end)
    return render(
        request,
        "dues/index.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "quarter": quarter,
            "period_label": PeriodForm.months_label(year, quarter),
            "total": total,
            "rows": rows,
            "may_collect": may_edit(request.user, org) and org.kind != OrgKind.GROUP,
            "can_write": can_write(request.user),
            "this_quarter": m.quarter_of(dt.date.today()),
            "breadcrumbs": crumbs(("概况", "")),
        },
    )


@login_required
@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    """The dues standards as data, newest first within each category, and the shares each level keeps."""
    standards = DuesRule.objects.order_by("-effective_from", "category", "income_above")
    sets = [(day, list(rows)) for day, rows in groupby(standards, key=lambda r: r.effective_from)]
    return render(
        request,
        "dues/rules.html",
        {
            "sets": sets,
            "shares": RemittanceRule.objects.order_by("-effective_from"),
            "breadcrumbs": crumbs(("党费标准", "")),
        },
    )


INSPECTION_SHEETS = {
    "below": ("低于标准", ("党员", "所在党组织", "月份", "应交（元）", "已交（元）", "差额（元）")),
    "unpaid": ("未交月份", ("党员", "所在党组织", "未交月数", "未交月份", "最长连续", "金额（元）")),
    "remit": ("已收未缴", ("党组织", "季度", "应上缴（元）", "已上缴（元）", "未上缴（元）")),
    "mismatch": ("留存不符", ("党组织", "季度", "应留存（元）", "台账留存（元）", "差额（元）")),
    "negative": ("余额为负", ("党组织", "余额（元）")),
}


@login_required
@require_safe
def inspection(request: HttpRequest) -> HttpResponse:
    """自检自查 of a subtree and period; ``?format=xlsx`` writes each kind of anomaly on its own sheet."""
    form, org, year, quarter = _chosen(request)
    start, end = _period(year, quarter)
    found = inspect(org, start, end)
    if request.GET.get("format") == "xlsx":
        sheets = [
            (
                "below",
                [
                    [r.member.name, r.member.organization.name, m.label(r.month), r.due, r.paid, r.short]
                    for r in found.below_standard
                ],
            ),
            (
                "unpaid",
                [
                    [
                        r.member.name,
                        r.member.organization.name,
                        r.count,
                        r.months_label,
                        r.longest_run,
                        r.owed,
                    ]
                    for r in found.unpaid
                ],
            ),
            (
                "remit",
                [
                    [r.organization.name, r.label, r.to_remit, r.remitted_total, r.outstanding]
                    for r in found.not_remitted
                ],
            ),
            (
                "mismatch",
                [
                    [r.organization.name, r.label, r.retained, r.retained_posted, r.retained_mismatch]
                    for r in found.mismatched
                ],
            ),
            ("negative", [[r.organization.name, r.balance] for r in found.negative]),
        ]
        content = write_workbook(
            *(Sheet(INSPECTION_SHEETS[key][0], INSPECTION_SHEETS[key][1], rows) for key, rows in sheets)
        )
        title = f"党费自检自查（{org.name}{PeriodForm.months_label(year, quarter)}）"
        record_access(request=request, kind=AccessKind.EXPORT, what=title, form=form, rows=found.total)
        return xlsx_response(content, f"{title}.xlsx")
    return render(
        request,
        "dues/inspection.html",
        {
            "form": form,
            "org": org,
            "found": found,
            # Each kind of anomaly pages on its own (a county-wide check holds thousands of rows).
            "sections": sections(
                request,
                below=found.below_standard,
                unpaid=found.unpaid,
                remit=found.not_remitted,
                balance=[*found.mismatched, *found.negative],
            ),
            "period_label": PeriodForm.months_label(year, quarter),
            "query": request.GET.urlencode(),
            "breadcrumbs": crumbs(("自检自查", "")),
        },
    )


CELL_TEXT = {NONE: "—", ELSEWHERE: "他处", FREE: "免交", UNASSESSED: "未核定"}


@login_required
@require_safe
def register(request: HttpRequest, code: str) -> HttpResponse:
    """The dues register (党费收缴登记表) of an organization for a year or a month range, as .xlsx."""
    org = org_or_404(request, code)
    today = dt.date.today()
    start = m.parse_month(request.GET.get("start", ""))
    end = m.parse_month(request.GET.get("end", ""))
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if start is None or end is None or end < start or m.index(end) - m.index(start) > 35:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 1)
    sheet = dues_grid(org, start.year, span=(start, end), today=today)
    headers = [
        "姓名",
        "类别",
        *(m.label(month) for month in sheet.months),
        "应交合计（元）",
        "已交合计（元）",
        "欠缴（元）",
    ]
    rows = []
    for row in sheet.rows:
        cells = []
        due = paid = 0
        for cell in row.cells:
            if cell.state == PAID:
                cells.append(cell.paid)
                paid += cell.paid or 0
                due += cell.due or 0
            elif cell.state == DUE:
                cells.append("未交" if cell.overdue else "")
                due += cell.due or 0
            else:
                cells.append(CELL_TEXT.get(cell.state, ""))
        rows.append([row.member.name, row.category or "未核定", *cells, due, paid, row.owed])
    title = f"{org.name}党费收缴登记表（{m.label(start)}至{m.label(end)}）"
    content = write_workbook(Sheet("党费收缴登记表", headers, rows))
    record_access(request=request, kind=AccessKind.EXPORT, what=title, rows=len(rows))
    return xlsx_response(content, f"{title}.xlsx")


urls = [
    path("", index, name="index"),
    path("rules/", rules, name="rules"),
    path("inspection/", inspection, name="inspection"),
    path("register/<str:code>/", register, name="register"),
]
