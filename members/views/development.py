"""Development pages: the worklist, applicants and their 25 steps, 公示 records, plans and warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page, sections
from core.scopes import can_write, scope_root, sees_everything
from core.views import apply_service_errors, form_page, get_visible_or_404, write_view
from organizations.models import Organization
from organizations.rules import get_rule

from ..filters import ApplicantFilterSet, PublicityFilterSet
from ..forms.development import (
    ApplicantForm,
    PlanEditForm,
    PublicityForm,
    PublicityResultForm,
    StepForm,
    WithdrawForm,
    YearForm,
)
from ..models.development import PUBLICITY_STEPS, Applicant, DevelopmentPlan, Publicity, Step
from ..selectors import development as selectors
from ..services import development as services
from ..tables import APPLICANT_TABLE, PUBLICITY_TABLE


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("党员", reverse("members:list")), ("发展党员", reverse("members:development_index")), *tail]


def _scope_org(user: Any) -> Organization | None:
    """The organization whose figures the user sees: the county root for administrators, else the user's own.

    None (no figures) for a user bound to no organization.
    """
    if sees_everything(user):
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    return scope_root(user)


def _applicant(request: HttpRequest, pk: int) -> Applicant:
    return get_visible_or_404(
        Applicant.objects.with_stage().select_related("organization", "member"), request.user, pk=pk
    )


@login_required
@require_safe
def development_index(request: HttpRequest) -> HttpResponse:
    """The worklist of the user's scope: due and overdue steps, 公示, probation ending, approvals."""
    work = selectors.worklist(request.user, dt.date.today())
    parts = sections(
        request,
        overdue=work.overdue,
        approvals=work.approvals,
        probation=work.probation_ending,
        publicity=work.publicity,
        due=work.due,
    )
    return render(
        request,
        "members/development/index.html",
        {"work": work, "sections": parts, "can_write": can_write(request.user), "breadcrumbs": _crumbs()},
    )


@login_required
@require_safe
def applicant_list(request: HttpRequest) -> HttpResponse:
    filters = ApplicantFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: selectors.applicant_list(user=request.user, filters=filters),
        table=APPLICANT_TABLE,
        template="members/development/applicant_list.html",
        context={"can_write": can_write(request.user), "breadcrumbs": _crumbs(("入党申请人", ""))},
    )


@write_view
def applicant_create(request: HttpRequest) -> HttpResponse:
    form = ApplicantForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Applicant:
        data = dict(data)
        return services.applicant_create(
            actor=request.user,
            organization=data.pop("organization"),
            applied_on=data.pop("applied_on"),
            note=data.pop("note"),
            **data,
        )

    return form_page(
        request,
        form,
        save=save,
        title="登记入党申请人",
        success=lambda applicant: f"已登记入党申请人“{applicant.name}”",
        cancel_url=reverse("members:applicant_list"),
        context={
            "subnav": "members/_subnav.html",
            "active": "development",
            "intro": "递交入党申请书时应年满18周岁；登记即记录第1步“递交入党申请书”。",
            "breadcrumbs": _crumbs(("登记入党申请人", "")),
        },
    )


@login_required
@require_safe
def applicant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's 25-step timeline, with the forms for the steps that may come next."""
    applicant = _applicant(request, pk)
    steps = list(
        applicant.steps.select_related(
            "first_contact", "second_contact", "first_introducer", "second_introducer", "approving_org"
        ).order_by("day", "number", "id")
    )
    timeline = selectors.applicant_timeline(applicant, steps, dt.date.today())
    publicities = list(applicant.publicities.order_by("starts_on", "id"))
    return render(
        request,
        "members/development/applicant_detail.html",
        {
            "applicant": applicant,
            "timeline": timeline,
            "publicities": publicities,
            "publicity_due": [n for n in timeline.available if n in PUBLICITY_STEPS],
            "can_write": can_write(request.user),
            "history": history_for(applicant),
            "breadcrumbs": _crumbs(("入党申请人", reverse("members:applicant_list")), (applicant.name, "")),
        },
    )


@write_view
def applicant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    form = ApplicantForm(request.POST or None, instance=applicant, user=request.user, creating=False)
    return form_page(
        request,
        form,
        save=lambda data: services.applicant_update(actor=request.user, applicant=applicant, **data),
        title=f"修改入党申请人信息：{applicant.name}",
        success="已保存",
        cancel_url=applicant.get_absolute_url(),
        context={
            "subnav": "members/_subnav.html",
            "active": "development",
            "breadcrumbs": _crumbs((applicant.name, applicant.get_absolute_url()), ("修改信息", "")),
        },
    )


@write_view
def applicant_step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Record step ``number``: the form (a fragment for htmx) on GET, the service on POST."""
    applicant = _applicant(request, pk)
    if number not in Step.values:
        raise Http404("没有该步骤")
    form = StepForm(request.POST or None, applicant=applicant, number=number, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_record(
                actor=request.user,
                applicant=applicant,
                number=number,
                day=form.cleaned_data["day"],
                **form.particulars(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已记录第{number}步“{Step(number).label}”")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = applicant.get_absolute_url()
                return response
            return redirect(applicant)
    context = {
        "applicant": applicant,
        "form": form,
        "number": number,
        "step_name": Step(number).label,
        "breadcrumbs": _crumbs(
            (applicant.name, applicant.get_absolute_url()), (f"第{number}步 {Step(number).label}", "")
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "members/development/_step_form.html", context)
    return render(request, "members/development/step_form.html", context)


@write_view
def applicant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_withdraw(
                actor=request.user,
                applicant=applicant,
                day=form.cleaned_data["withdrawn_on"],
                kind=form.cleaned_data["withdraw_kind"],
                reason=form.cleaned_data["withdraw_reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"“{applicant.name}”已终止发展")
            return redirect(applicant)
    return render(
        request,
        "members/development/withdraw.html",
        {
            "applicant": applicant,
            "form": form,
            "breadcrumbs": _crumbs((applicant.name, applicant.get_absolute_url()), ("终止发展", "")),
        },
    )


@login_required
@require_safe
def publicity_list(request: HttpRequest) -> HttpResponse:
    filters = PublicityFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: selectors.publicity_list(user=request.user, filters=filters),
        table=PUBLICITY_TABLE,
        template="members/development/publicity_list.html",
        context={
            "today": dt.date.today(),
            "can_write": can_write(request.user),
            "breadcrumbs": _crumbs(("公示记录", "")),
        },
    )


@write_view
def publicity_create(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    steps = list(applicant.steps.all())
    due = [n for n in selectors.available_steps(applicant, steps) if n in PUBLICITY_STEPS]
    form = PublicityForm(request.POST or None, steps=due)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_create(actor=request.user, applicant=applicant, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已登记公示")
            return redirect(applicant)
    return render(
        request,
        "members/development/publicity_form.html",
        {
            "applicant": applicant,
            "form": form,
            "working_days": get_rule("publicity_working_days"),
            "breadcrumbs": _crumbs((applicant.name, applicant.get_absolute_url()), ("登记公示", "")),
        },
    )


@write_view
def publicity_result(request: HttpRequest, pk: int) -> HttpResponse:
    publicity = get_visible_or_404(
        Publicity.objects.select_related("applicant__organization"), request.user, pk=pk
    )
    form = PublicityResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_close(
                actor=request.user,
                publicity=publicity,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["result_note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已登记公示结果")
            return redirect(publicity.applicant)
    return render(
        request,
        "members/development/publicity_result.html",
        {
            "publicity": publicity,
            "form": form,
            "breadcrumbs": _crumbs(
                (publicity.applicant.name, publicity.applicant.get_absolute_url()), ("登记公示结果", "")
            ),
        },
    )


@login_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plan completion per committee, new-member structure and the 长期不发展 warning, for a year."""
    today = dt.date.today()
    year = YearForm(request.GET or None).year_or(today.year)
    org = _scope_org(request.user)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    context = {
        "year": year,
        "years": list(range(today.year + 1, today.year - 6, -1)),
        "org": org,
        "breadcrumbs": _crumbs(("发展计划与预警", "")),
        "can_set_plans": bool(org)
        and selectors.committees_for_plans(request.user).exists()
        and can_write(request.user),
    }
    if org is not None:
        warning_day = min(end, today)
        context.update(
            completion=selectors.plan_completion(org, start, end),
            structure=selectors.new_member_structure(org, start, end),
            pipeline=selectors.pipeline_counts(org, warning_day),
            warnings=selectors.branches_without_new(org, warning_day),
            warning_day=warning_day,
        )
    return render(request, "members/development/plans.html", context)


@write_view
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    """The county sets the year's quota of every committee in one form (all saved or none)."""
    committees = list(selectors.committees_for_plans(request.user))
    committees = [c for c in committees if services.can_set_plans(request.user, c)]
    if not committees:
        raise PermissionDenied("发展党员计划由上级党委（县委组织部）下达")
    plans = {p.committee_id: p for p in DevelopmentPlan.objects.filter(committee__in=committees, year=year)}
    form = PlanEditForm(request.POST or None, committees=committees, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for c in committees:
                    quota = form.cleaned_data[f"quota_{c.pk}"]
                    note = form.cleaned_data[f"note_{c.pk}"]
                    old = plans.get(c.pk)
                    if quota is None or (old and old.quota == quota and old.note == note):
                        continue
                    services.plan_set(actor=request.user, committee=c, year=year, quota=quota, note=note)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存{year}年发展党员计划")
            return redirect(f"{reverse('members:development_plans')}?year={year}")
    return render(
        request,
        "members/development/plan_edit.html",
        {
            "form": form,
            "year": year,
            "breadcrumbs": _crumbs(
                ("发展计划与预警", reverse("members:development_plans")), (f"{year}年计划", "")
            ),
        },
    )


urls = [
    path("development/", development_index, name="development_index"),
    path("development/applicants/", applicant_list, name="applicant_list"),
    path("development/applicants/new/", applicant_create, name="applicant_create"),
    path("development/applicants/<int:pk>/", applicant_detail, name="applicant_detail"),
    path("development/applicants/<int:pk>/edit/", applicant_edit, name="applicant_edit"),
    path("development/applicants/<int:pk>/steps/<int:number>/", applicant_step, name="applicant_step"),
    path("development/applicants/<int:pk>/withdraw/", applicant_withdraw, name="applicant_withdraw"),
    path("development/applicants/<int:pk>/publicity/", publicity_create, name="publicity_create"),
    path("development/publicity/", publicity_list, name="publicity_list"),
    path("development/publicity/<int:pk>/result/", publicity_result, name="publicity_result"),
    path("development/plans/", plan_list, name="development_plans"),
    path("development/plans/<int:year>/edit/", plan_edit, name="development_plan_edit"),
]
