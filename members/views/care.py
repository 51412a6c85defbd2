"""Pages of care visits (走访慰问): the list with filters, recording a visit, choosing whom it reached."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, paginate, write_view
from organizations.choices import OrgKind
from organizations.rules import get_rule

from ..filters import CareVisitFilterSet
from ..forms.care import AmountForm, CareMembersForm, CareVisitForm
from ..models import CareVisit, CareVisitMember
from ..selectors.care import care_candidates, care_visit_list, visit_recipients
from ..services.care import (
    care_visit_add_members,
    care_visit_create,
    care_visit_remove_member,
    care_visit_set_amount,
    care_visit_update,
)
from ..tables import CARE_VISIT_TABLE

SECTION = "走访慰问"


def crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(SECTION, reverse("members:care_list")), *tail]


def _visit(request: HttpRequest, pk: int) -> CareVisit:
    return get_visible_or_404(
        CareVisit.objects.select_related("organization", "created_by"), request.user, pk=pk
    )


@login_required
@require_safe
def care_list(request: HttpRequest) -> HttpResponse:
    filters = CareVisitFilterSet(request.GET, user=request.user)
    visits = (
        care_visit_list(user=request.user, filters=filters) if filters.valid else CareVisit.objects.none()
    )
    totals = CareVisitMember.objects.filter(visit__in=visits.values("pk")).aggregate(
        members=Count("member", distinct=True), amount=Sum("amount")
    )
    return list_page(
        request,
        filters=filters,
        rows=lambda: visits,
        table=CARE_VISIT_TABLE,
        template="members/care/care_list.html",
        context={
            "totals": totals,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("慰问记录", "")),
        },
    )


VISIT_FIELDS = ("visited_on", "occasion", "visitors", "funding", "note")


@write_view
def care_new(request: HttpRequest) -> HttpResponse:
    form = CareVisitForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: care_visit_create(
            actor=request.user, organization=data["organization"], **{f: data[f] for f in VISIT_FIELDS}
        ),
        title="登记走访慰问",
        success="已登记走访慰问，请选择慰问对象",
        cancel_url=reverse("members:care_list"),
        next_url=lambda visit: reverse("members:care_add_members", kwargs={"pk": visit.pk}),
        context={"subnav": "members/_subnav.html", "active": "care", "breadcrumbs": crumbs(("登记", ""))},
    )


@write_view
def care_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = CareVisitForm(request.POST or None, user=request.user, instance=copy.copy(visit))
    return form_page(
        request,
        form,
        save=lambda data: care_visit_update(
            actor=request.user, visit=visit, expected_version=form.loaded_version, **form.edits()
        ),
        title="修改走访慰问",
        success="已保存",
        cancel_url=visit.get_absolute_url(),
        context={
            "subnav": "members/_subnav.html",
            "active": "care",
            "breadcrumbs": crumbs((str(visit), visit.get_absolute_url()), ("修改", "")),
        },
    )


@login_required
@require_safe
def care_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    recipients = visit_recipients(visit)
    totals = recipients.aggregate(
        members=Count("id"),
        branches=Count("organization", distinct=True, filter=Q(organization__kind=OrgKind.BRANCH)),
        amount=Sum("amount"),
    )
    editable = can_write(request.user) and in_scope(request.user, visit.organization)
    return render(
        request,
        "members/care/care_detail.html",
        {
            "visit": visit,
            "page_obj": paginate(request, recipients),
            "totals": totals,
            "editable": editable,
            "history": history_for(visit),
            "breadcrumbs": crumbs((str(visit), "")),
        },
    )


@write_view
def care_add_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose whom the visit reached: hardship and old members first, everyone on request."""
    visit = _visit(request, pk)
    everyone = request.GET.get("all") == "1"
    old_age = int(get_rule("care_old_member_age"))
    candidates = care_candidates(request.user, visit, everyone=everyone, old_age=old_age)
    form = CareMembersForm(request.POST or None, candidates=candidates)
    page = paginate(request, candidates)
    return form_page(
        request,
        form,
        save=lambda data: care_visit_add_members(actor=request.user, visit=visit, entries=data["entries"]),
        title="选择慰问对象",
        success=lambda added: f"已添加{len(added)}名慰问对象",
        cancel_url=visit.get_absolute_url(),
        # Back to the same list (now without those added) to pick more.
        next_url=lambda added: request.get_full_path(),
        template="members/care/care_add_members.html",
        context={
            "visit": visit,
            "page_obj": page,
            "rows": form.rows(page),
            "everyone": everyone,
            "old_age": old_age,
            "breadcrumbs": crumbs((str(visit), visit.get_absolute_url()), ("选择慰问对象", "")),
        },
    )


def _recipient(request: HttpRequest, pk: int) -> CareVisitMember:
    return get_visible_or_404(
        CareVisitMember.objects.select_related("visit__organization", "member", "organization"),
        request.user,
        pk=pk,
    )


@write_view
@require_POST
def recipient_amount(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request, pk)
    form = AmountForm(request.POST)
    if form.is_valid():
        try:
            care_visit_set_amount(actor=request.user, recipient=recipient, amount=form.cleaned_data["amount"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已将{recipient.member.name}的慰问金改为{form.cleaned_data['amount']}元"
            )
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(recipient.visit)


@write_view
@require_POST
def recipient_remove(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request, pk)
    visit = recipient.visit
    care_visit_remove_member(actor=request.user, recipient=recipient)
    messages.success(request, f"已将{recipient.member.name}移出慰问名单")
    return redirect(visit)


urls = [
    path("care/", care_list, name="care_list"),
    path("care/new/", care_new, name="care_new"),
    path("care/<int:pk>/", care_detail, name="care_detail"),
    path("care/<int:pk>/edit/", care_edit, name="care_edit"),
    path("care/<int:pk>/members/", care_add_members, name="care_add_members"),
    path("care/recipients/<int:pk>/amount/", recipient_amount, name="care_recipient_amount"),
    path("care/recipients/<int:pk>/remove/", recipient_remove, name="care_recipient_remove"),
]
