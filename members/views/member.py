"""Member pages: the roster (党员名册), a member's record, registration, correction and moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import record_access
from core.audit import history_for
from core.lists import list_page
from core.models import AccessKind
from core.scopes import can_write
from core.views import form_page, get_visible_or_404, write_view
from organizations.choices import Role
from organizations.rules import get_rule

from ..choices import LeaveReason, MemberStatus, PeriodReason
from ..filters import MemberFilterSet
from ..forms.member import MemberCreateForm, MemberEditForm, MemberMoveForm
from ..models import Member, MemberPeriod
from ..permissions import may_reveal_id
from ..selectors import member as selectors
from ..selectors.development import probation_file
from ..services.member import member_move, member_register, member_update
from ..tables import MEMBER_TABLE

#: Roles whose scope holds more than one organization, so moving members is their work.
MOVING_ROLES = (Role.COUNTY_STAFF, Role.COMMITTEE_STAFF, Role.ADMIN)


def list_crumb() -> tuple[str, str]:
    return ("党员名册", reverse("members:list"))


def member_crumbs(member: Member, *tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [list_crumb(), (member.name, member.get_absolute_url()), *tail]


@login_required
@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    filters = MemberFilterSet(request.GET, user=request.user)
    day = filters.day
    status_labels = dict(MemberStatus.choices)

    def prepare(rows: Sequence[Member]) -> None:  # the page's rows only: at most one page of Python work
        for member in rows:
            member.age_shown = member.age_on(day or dt.date.today())
            member.status_label = status_labels.get(member.status_on, "")

    return list_page(
        request,
        filters=filters,
        rows=lambda: selectors.member_list(user=request.user, filters=filters),
        table=MEMBER_TABLE,
        template="members/member_list.html",
        prepare=prepare,
        context={"on": day, "can_create": can_write(request.user), "breadcrumbs": [("党员名册", "")]},
    )


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(
        Member.objects.select_related("organization", "party_group"), request.user, pk=pk
    )
    return _detail_page(request, member)


def _detail_page(request: HttpRequest, member: Member, revealed_id: str = "") -> HttpResponse:
    """A member's page; ``revealed_id`` is the full ID number just asked for (reveal_id without htmx)."""
    # The history belongs to the member's record: earlier organizations are
    # shown even when they lie outside today's scope.
    periods = list(
        MemberPeriod.objects.filter(member=member).select_related("organization").order_by("start_on", "id")
    )
    may_edit = can_write(request.user)
    suspended = member.leave_reason == LeaveReason.SUSPENDED
    return render(
        request,
        "members/member_detail.html",
        {
            **probation_context(member, dt.date.today(), may_edit),
            "member": member,
            "periods": periods,
            # 恢复党籍 records (the history shows the period they opened) and, while suspended,
            # the two ways on: restored when they come back, removed when they never do.
            "restorations": member.restorations.order_by("day", "id")
            if any(p.start_reason == PeriodReason.RESTORED for p in periods)
            else (),
            "may_restore": may_edit and suspended,
            "history": history_for(member),
            "may_edit": may_edit and member.is_current,
            "may_move": may_edit
            and member.is_current
            and (request.user.is_superuser or request.user.role in MOVING_ROLES),
            # The page shows the masked number; the full one only through reveal_id, recorded.
            "may_reveal_id": may_reveal_id(request.user),
            "revealed_id": revealed_id,
            "breadcrumbs": member_crumbs(member),
        },
    )


def probation_context(member: Member, today: dt.date, may_edit: bool) -> dict[str, object]:
    """The member page's 预备期与转正 card: shown for a 预备党员 and for anyone with a 转正记录."""
    file = probation_file(member, today, overdue_months=0)
    if member.status != MemberStatus.PROBATIONARY and not file.confirmations:
        return {}  # a full member registered as such: no card, one query
    file = replace(file, overdue_months=int(get_rule("probation_overdue_months")))
    return {
        "probation": file,
        "may_discuss": may_edit and file.is_open and file.pending is None,
        "may_decide": may_edit and file.pending is not None,
        "development_url": reverse("members:applicant_detail", args=[member.applicant.pk])
        if hasattr(member, "applicant")
        else "",
    }


@write_view
@require_POST
def reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's full ID number for 查看完整号码 (htmx swaps the cell; without it, the page); recorded."""
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not may_reveal_id(request.user):
        raise PermissionDenied("无权查看完整的公民身份号码")
    record_access(
        request=request,
        kind=AccessKind.REVEAL_ID,
        what=f"党员“{member.name}”（{member.organization.name}）的公民身份号码",
    )
    if request.headers.get("HX-Request"):
        return render(request, "members/_member_id.html", {"member": member, "revealed_id": member.id_number})
    return _detail_page(request, member, revealed_id=member.id_number)


@write_view
def create(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: member_register(
            actor=request.user,
            organization=data["organization"],
            status=data["status"],
            **form.profile_changes(),
        ),
        title="登记党员",
        success=lambda member: f"已登记党员“{member.name}”",
        cancel_url=reverse("members:list"),
        context={
            "subnav": "members/_subnav.html",
            "active": "list",
            "breadcrumbs": [list_crumb(), ("登记党员", "")],
        },
    )


@write_view
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(
        Member.objects.select_related("organization", "party_group"), request.user, pk=pk
    )
    form = MemberEditForm(request.POST or None, instance=member)
    if not member.is_current:
        form.add_error(None, "已离开党组织的党员档案不能修改")
    return form_page(
        request,
        form,
        save=lambda data: member_update(
            actor=request.user, member=member, expected_version=form.loaded_version, **form.profile_edits()
        ),
        title=f"修改党员信息：{member.name}",
        success=lambda member: f"已保存党员“{member.name}”的信息",
        cancel_url=member.get_absolute_url(),
        context={
            "subnav": "members/_subnav.html",
            "active": "list",
            "breadcrumbs": member_crumbs(member, ("修改信息", "")),
        },
    )


@write_view
def move(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    form = MemberMoveForm(request.POST or None, user=request.user, member=member)
    intro = (
        f"当前所在党组织：{member.organization.name}（{member.get_status_display()}）。"
        "调整后，原组织关系记录于调整日期截止，并自该日起在新党组织建立组织关系记录。"
    )
    if not member.is_current:
        form.add_error(None, "该党员已离开党组织，不能调整组织关系")
    elif not form.fields["to_org"].queryset.exists():
        intro = "您的管理范围内没有其他可以管理党员的党组织。县外转出、转入请通过“组织关系转接”办理。"
    return form_page(
        request,
        form,
        save=lambda data: member_move(
            actor=request.user,
            member=member,
            to_org=data["to_org"],
            day=data["day"],
            document_no=data["document_no"],
        ),
        title=f"调整组织关系：{member.name}",
        success=lambda moved: f"已将党员“{moved.name}”调整至{form.cleaned_data['to_org'].name}",
        cancel_url=member.get_absolute_url(),
        context={
            "subnav": "members/_subnav.html",
            "active": "list",
            "intro": intro,
            "submit_label": "确认调整",
            "breadcrumbs": member_crumbs(member, ("调整组织关系", "")),
        },
    )


urls = [
    path("", member_list, name="list"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/id-number/", reveal_id, name="reveal_id"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/move/", move, name="move"),
]
