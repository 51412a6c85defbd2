"""Development pages: the worklist, applicants and their 25 steps, 公示 records, plans and warnings."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page, sections
from core.scopes import can_write, scope_root, sees_everything
from core.views import form_page, get_visible_or_404, write_view
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
from ..models.development import Applicant, DevelopmentPlan, Outcome, Publicity, Step
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
            "first_contact",
            "second_contact",
            "first_introducer",
            "second_introducer",
            "approving_org",
            "party_group",
        ).order_by("day", "number", "id")
    )
    confirmations = (
        list(applicant.member.confirmations.select_related("organization", "approving_org"))
        if applicant.member
        else []
    )
    timeline = selectors.applicant_timeline(applicant, steps, dt.date.today(), confirmations)
    publicities = list(applicant.publicities.order_by("starts_on", "id"))
    return render(
        request,
        "members/development/applicant_detail.html",
        {
            "applicant": applicant,
            "timeline": timeline,
            "publicities": publicities,
            "publicity_due": services.publicities_due(applicant, steps),
            "can_write": can_write(request.user),
            "history": history_for(applicant),
            "breadcrumbs": _crumbs(("入党申请人", reverse("members:applicant_list")), (applicant.name, "")),
        },
    )


def _applicant_page(applicant: Applicant, action: str, subtitle: str | None = None) -> dict[str, Any]:
    """The form page's context for an action on ``applicant``: subnav, subtitle (branch · stage), crumbs."""
    return {
        "subnav": "members/_subnav.html",
        "active": "development",
        "subtitle": subtitle or f"{applicant.organization.name} · {applicant.stage.label}",
        "breadcrumbs": _crumbs((applicant.name, applicant.get_absolute_url()), (action, "")),
    }


@write_view
def applicant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    # The form works on a copy so the service still sees the stored values.
    form = ApplicantForm(
        request.POST or None, instance=copy.copy(applicant), user=request.user, creating=False
    )
    return form_page(
        request,
        form,
        save=lambda data: services.applicant_update(
            actor=request.user, applicant=applicant, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改入党申请人信息：{applicant.name}",
        success="已保存",
        cancel_url=applicant.get_absolute_url(),
        context=_applicant_page(applicant, "修改信息"),
    )


def _htmx_redirect(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """After an htmx form's success, load the next page whole (HX-Redirect) instead of inside the target."""
    if request.headers.get("HX-Request") and response.status_code == 302:
        hx = HttpResponse(status=204)
        hx["HX-Redirect"] = response["Location"]
        return hx
    return response


@write_view
def applicant_step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Record step ``number``: the form alone for htmx (in the detail page's panel), else a form page."""
    applicant = _applicant(request, pk)
    if number not in Step.values:
        raise Http404("没有该步骤")
    name = Step(number).label
    form = StepForm(request.POST or None, applicant=applicant, number=number, user=request.user)
    if (
        number == Step.CONFIRMATION_MEETING
        and request.GET.get("outcome") in Outcome.values
        and not form.is_bound
    ):
        form.initial["outcome"] = request.GET["outcome"]
    fragment = bool(request.headers.get("HX-Request"))
    response = form_page(
        request,
        form,
        save=lambda data: services.step_record(
            actor=request.user, applicant=applicant, number=number, day=data["day"], **form.particulars()
        ),
        title=f"第{number}步 {name}：{applicant.name}",
        success=f"已记录第{number}步“{name}”",
        cancel_url=applicant.get_absolute_url(),
        next_url=lambda step: applicant.get_absolute_url(),
        template="members/development/_step_form.html" if fragment else "form_page.html",
        context={
            "applicant": applicant,
            "number": number,
            "step_name": name,
            **_applicant_page(applicant, f"第{number}步 {name}"),
            "submit_label": "记录",
        },
    )
    return _htmx_redirect(request, response)


@write_view
def applicant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    form = WithdrawForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.applicant_withdraw(
            actor=request.user,
            applicant=applicant,
            day=data["withdrawn_on"],
            kind=data["withdraw_kind"],
            reason=data["withdraw_reason"],
        ),
        title=f"终止发展：{applicant.name}",
        success=f"“{applicant.name}”已终止发展",
        cancel_url=applicant.get_absolute_url(),
        context={
            **_applicant_page(applicant, "终止发展"),
            "intro": "终止后该申请人不再进入发展流程（记录保留）；已接收为预备党员的，须经支部大会讨论取消预备资格"
            "（或由上级党委在第17步不予批准）。",
            "danger": True,
            "submit_label": "终止发展",
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
    due = services.publicities_due(applicant, list(applicant.steps.all()))
    form = PublicityForm(request.POST or None, steps=due)
    working_days = get_rule("publicity_working_days")
    return form_page(
        request,
        form,
        save=lambda data: services.publicity_create(actor=request.user, applicant=applicant, **data),
        title=f"登记公示：{applicant.name}",
        success="已登记公示",
        cancel_url=applicant.get_absolute_url(),
        next_url=lambda publicity: applicant.get_absolute_url(),
        context={
            **_applicant_page(applicant, "登记公示"),
            "intro": f"公示期不少于{working_days}个工作日（按国家法定节假日安排计算，调休上班日计入），"
            "公示结束且无异议后方可进行下一步骤。预备党员拟转正公示在提出转正申请（第22步）之后、"
            "支部大会讨论转正（第23步）之前进行。",
        },
    )


@write_view
def publicity_result(request: HttpRequest, pk: int) -> HttpResponse:
    publicity = get_visible_or_404(
        Publicity.objects.select_related("applicant__organization"), request.user, pk=pk
    )
    applicant = publicity.applicant
    form = PublicityResultForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.publicity_close(
            actor=request.user, publicity=publicity, result=data["result"], note=data["result_note"]
        ),
        title=f"登记公示结果：{applicant.name}",
        success="已登记公示结果",
        cancel_url=applicant.get_absolute_url(),
        next_url=lambda publicity: applicant.get_absolute_url(),
        context=_applicant_page(
            applicant,
            "登记公示结果",
            subtitle=f"{publicity.get_step_display()} · {publicity.starts_on:%Y-%m-%d} 至 "
            f"{publicity.ends_on:%Y-%m-%d} · {publicity.place}",
        ),
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
    plans_page = f"{reverse('members:development_plans')}?year={year}"

    @transaction.atomic
    def save(data: dict[str, Any]) -> list[DevelopmentPlan]:
        return [
            services.plan_set(
                actor=request.user, committee=c, year=year, quota=quota, note=note, expected_version=version
            )
            for c, quota, note, version in form.changes()
        ]

    return form_page(
        request,
        form,
        save=save,
        title=f"下达{year}年发展党员计划",
        success=f"已保存{year}年发展党员计划",
        cancel_url=plans_page,
        next_url=lambda saved: plans_page,
        template="members/development/plan_edit.html",
        context={
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
