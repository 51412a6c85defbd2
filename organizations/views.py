"""Organization pages: the tree, one organization, its changes, vacancies, warnings and the import.

Reads go through the scope layer (out of scope → 404); every change is a
service call from ``organizations.services``; pages that change data are
``write_view``s (auditors → 403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view
from core.xlsx import xlsx_response

from . import selectors, services
from .choices import PostTitle
from .filters import VacancyFilterSet, WarningFilterSet
from .forms import (
    OrgCreateForm,
    OrgDissolveForm,
    OrgImportForm,
    OrgMergeForm,
    OrgMoveForm,
    OrgRenameForm,
    OrgUpdateForm,
    PostAppointForm,
    PostEndForm,
    TreeFilterForm,
)
from .importers import start_org_import, template_workbook
from .models import LeadershipPost, Organization, OrgImportJob
from .selectors import TreeOptions, org_summary, org_tree
from .tables import VACANCY_TABLE, WARNING_TABLE

#: Trees up to this many organizations open fully; bigger ones open their first level.
EXPAND_ALL_LIMIT = 60


def _tree_crumb() -> tuple[str, str]:
    return ("党组织", reverse("organizations:tree"))


def _crumbs(request: HttpRequest, org: Organization, *tail: tuple[str, str]) -> list[tuple[str, str]]:
    """党组织 › the ancestors the user may see › the organization › ``tail``."""
    ancestors = org.ancestors().visible_to(request.user).only("code", "name", "path")
    crumbs = [_tree_crumb(), *((a.name, a.get_absolute_url()) for a in ancestors)]
    crumbs.append((org.name, org.get_absolute_url()))
    crumbs.extend(tail)
    return crumbs


def _org_or_404(request: HttpRequest, code: str) -> Organization:
    return get_visible_or_404(
        Organization.objects.select_related("parent", "successor"), request.user, code=code
    )


@login_required
@require_safe
def tree(request: HttpRequest) -> HttpResponse:
    """The user's organizations as an expandable tree with member and sub-organization counts."""
    form = TreeFilterForm(request.GET or None)
    options = TreeOptions()
    if form.is_bound and form.is_valid():
        options = TreeOptions(
            on=form.cleaned_data["on"],
            include_dissolved=form.cleaned_data["dissolved"],
            query=form.cleaned_data["q"],
        )
    roots = org_tree(request.user, options)
    total = sum(1 + root.descendant_count for root in roots)
    context = {
        "form": form,
        "options": options,
        "roots": roots,
        "total": total,
        "expand_all": bool(options.query) or total <= EXPAND_ALL_LIMIT,
        "can_edit": can_write(request.user),
        "breadcrumbs": [("党组织", "")],
    }
    return render(request, "organizations/tree.html", context)


@login_required
@require_safe
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One organization: attributes, team and vacancies, sub-organizations, warnings, history."""
    org = _org_or_404(request, code)
    context = {
        "org": org,
        "summary": org_summary(org),
        "parent_visible": bool(org.parent and in_scope(request.user, org.parent)),
        "successor_visible": bool(org.successor and in_scope(request.user, org.successor)),
        "events": org.events.select_related("actor", "related"),
        "history": history_for(org)[:50],
        "can_edit": can_write(request.user),
        # 更名/调整隶属关系/合并/撤销 belong to the superior's staff (the services enforce it).
        "can_restructure": services.may_restructure(request.user, org),
        "breadcrumbs": _crumbs(request, org),
    }
    return render(request, "organizations/detail.html", context)


def _form_page(
    request: HttpRequest,
    org: Organization,
    form: Form,
    *,
    title: str,
    perform: Callable[[dict[str, Any]], Any],
    success: str,
    danger: bool = False,
    intro: str = "",
) -> HttpResponse:
    """An organization's form page (core.views.form_page): back to the organization (or the new one) after."""
    return form_page(
        request,
        form,
        save=perform,
        title=title,
        success=success,
        cancel_url=org.get_absolute_url(),
        next_url=lambda result: (result if isinstance(result, Organization) else org).get_absolute_url(),
        context={
            "subtitle": f"{org.name}（{org.get_kind_display()} · {org.code}）",
            "intro": intro,
            "danger": danger,
            "submit_label": "确定",
            "breadcrumbs": _crumbs(request, org, (title, "")),
        },
    )


def _refuse_closed(request: HttpRequest, org: Organization) -> HttpResponse | None:
    if org.is_active:
        return None
    messages.error(request, f"“{org.name}”已于{org.dissolved_on:%Y-%m-%d}撤销或合并，不能再办理此事项")
    return redirect(org.get_absolute_url())


@write_view
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    """Establish a sub-organization."""
    parent = _org_or_404(request, code)
    if refused := _refuse_closed(request, parent):
        return refused
    form = OrgCreateForm(
        request.POST or None, parent=parent, user=request.user, initial={"category": parent.category}
    )
    if not form.fields["kind"].choices:
        messages.error(request, f"{parent.get_kind_display()}之下不能再设立党组织")
        return redirect(parent.get_absolute_url())

    def perform(data: dict[str, Any]) -> Organization:
        return services.org_create(actor=request.user, parent=parent, **data)

    return _form_page(
        request, parent, form, title="设立下级党组织", perform=perform, success="已设立下级党组织"
    )


@write_view
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change attributes without history (category, approval authority, term)."""
    org = _org_or_404(request, code)
    form = OrgUpdateForm(request.POST or None, org=org, user=request.user)
    if request.method == "POST" and form.is_valid() and not form.changes():
        messages.info(request, "未做任何修改")
        return redirect(org.get_absolute_url())

    def perform(data: dict[str, Any]) -> Organization:
        return services.org_update(
            actor=request.user, org=org, expected_version=form.loaded_version, **form.changes()
        )

    return _form_page(
        request,
        org,
        form,
        title="修改基本信息",
        perform=perform,
        success="已保存",
        intro="名称、隶属关系和撤销请使用“更名”“调整隶属关系”“合并”“撤销”，以便留下沿革记录。",
    )


@write_view
def rename(request: HttpRequest, code: str) -> HttpResponse:
    org = _org_or_404(request, code)
    services.check_can_restructure(request.user, org, "更名")
    if refused := _refuse_closed(request, org):
        return refused
    form = OrgRenameForm(request.POST or None, org=org, initial={"name": org.name})

    def perform(data: dict[str, Any]) -> Organization:
        return services.org_rename(actor=request.user, org=org, **data)

    return _form_page(request, org, form, title="更名", perform=perform, success="已更名")


@write_view
def move(request: HttpRequest, code: str) -> HttpResponse:
    """Re-parent an organization (and its subtree) among the organizations the user may edit."""
    org = _org_or_404(request, code)
    services.check_can_restructure(request.user, org, "调整隶属关系")
    if refused := _refuse_closed(request, org):
        return refused
    form = OrgMoveForm(request.POST or None, org=org, user=request.user)

    def perform(data: dict[str, Any]) -> Organization:
        data = dict(data)
        return services.org_move(actor=request.user, org=org, new_parent=data.pop("parent"), **data)

    return _form_page(
        request,
        org,
        form,
        title="调整隶属关系",
        perform=perform,
        success="已调整隶属关系",
        intro=f"“{org.name}”及其全部下级党组织将一并调整到新的上级党组织之下。",
    )


@write_view
def merge(request: HttpRequest, code: str) -> HttpResponse:
    org = _org_or_404(request, code)
    services.check_can_restructure(request.user, org, "合并")
    if refused := _refuse_closed(request, org):
        return refused
    form = OrgMergeForm(request.POST or None, org=org, user=request.user)

    def perform(data: dict[str, Any]) -> Organization:
        data = dict(data)
        return services.org_merge(actor=request.user, org=org, day=data.pop("dissolved_on"), **data)

    return _form_page(
        request,
        org,
        form,
        title="合并",
        perform=perform,
        success="已合并，党员已转入合并后的党组织",
        danger=True,
        intro=f"合并后“{org.name}”停止存在，其党员于合并日期转入所选党组织；须先调整或撤销其下级党组织。",
    )


@write_view
def dissolve(request: HttpRequest, code: str) -> HttpResponse:
    org = _org_or_404(request, code)
    services.check_can_restructure(request.user, org, "撤销")
    if refused := _refuse_closed(request, org):
        return refused
    form = OrgDissolveForm(request.POST or None, org=org)

    def perform(data: dict[str, Any]) -> Organization:
        data = dict(data)
        return services.org_dissolve(actor=request.user, org=org, day=data.pop("dissolved_on"), **data)

    return _form_page(
        request,
        org,
        form,
        title="撤销",
        perform=perform,
        success="已撤销",
        danger=True,
        intro="撤销前须转出全部党员、调整或撤销全部下级党组织；撤销后仍保留在历史记录中。",
    )


@write_view
def appoint(request: HttpRequest, code: str) -> HttpResponse:
    """Appoint someone to a post of the leadership team."""
    org = _org_or_404(request, code)
    if refused := _refuse_closed(request, org):
        return refused
    title = request.GET.get("title", "")
    initial = {"title": title} if title in PostTitle.values else {}
    form = PostAppointForm(request.POST or None, initial=initial)

    def perform(data: dict[str, Any]) -> LeadershipPost:
        return services.post_appoint(actor=request.user, org=org, **data)

    return _form_page(
        request,
        org,
        form,
        title="任职",
        perform=perform,
        success="已登记任职",
        intro="新任书记到任之日，原书记即离任。",
    )


@write_view
def end_post(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A post holder leaves the post."""
    org = _org_or_404(request, code)
    post = get_visible_or_404(LeadershipPost.objects.filter(organization=org), request.user, pk=pk)
    form = PostEndForm(request.POST or None, post=post)

    def perform(data: dict[str, Any]) -> LeadershipPost:
        return services.post_end(actor=request.user, post=post, **data)

    return _form_page(
        request,
        org,
        form,
        title=f"离任：{post.get_title_display()} {post.holder_name}",
        perform=perform,
        success=f"{post.holder_name}已离任",
    )


@login_required
@require_safe
def vacancy_list(request: HttpRequest) -> HttpResponse:
    """Organizations in scope whose required posts are unfilled today."""
    filters = VacancyFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: selectors.vacancy_list(user=request.user, filters=filters),
        table=VACANCY_TABLE,
        template="organizations/vacancies.html",
        context={"can_edit": can_write(request.user), "breadcrumbs": [_tree_crumb(), ("班子缺配", "")]},
    )


@login_required
@require_safe
def warning_list(request: HttpRequest) -> HttpResponse:
    """Organizations in scope that break a rule of thumb (warn, don't block)."""
    filters = WarningFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: selectors.warning_list(user=request.user, filters=filters),
        table=WARNING_TABLE,
        template="organizations/warnings.html",
        context={"breadcrumbs": [_tree_crumb(), ("组织预警", "")]},
    )


@write_view
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an organization sheet; the task worker imports it (all or nothing), the job page follows it."""
    form = OrgImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_org_import(actor=request.user, upload=upload, file_name=upload.name)
        except ValidationError as exc:  # another import of this user's is still queued or running
            form.add_error("file", exc)
        else:
            return redirect("organizations:import_job", pk=job.pk)
    context = {
        "form": form,
        "jobs": OrgImportJob.objects.visible_to(request.user).select_related("created_by")[:10],
        "breadcrumbs": [_tree_crumb(), ("导入党组织", "")],
    }
    return render(request, "organizations/import.html", context)


def _import_job_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    job = get_visible_or_404(OrgImportJob.objects.select_related("created_by"), request.user, pk=pk)
    return {"job": job, "error_groups": job.error_summary(1000)}


@login_required
@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One organization import: its progress, then its outcome (identical errors on one line)."""
    context = _import_job_context(request, pk)
    context["breadcrumbs"] = [
        _tree_crumb(),
        ("导入党组织", reverse("organizations:import")),
        (context["job"].file_name, ""),
    ]
    return render(request, "organizations/import_job.html", context)


@login_required
@require_safe
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls until the job ends."""
    return render(request, "organizations/_import_progress.html", _import_job_context(request, pk))


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template (.xlsx) with the column headers and how to fill them in."""
    return xlsx_response(template_workbook(), "党组织导入模板.xlsx")
