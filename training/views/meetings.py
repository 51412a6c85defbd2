"""Pages of 三会一课: the records (with a photo), the compliance table, the branches' fixed activity days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, write_view
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import MeetingKind
from ..filters import ActivityDayFilterSet, ComplianceFilterSet, MeetingFilterSet
from ..forms.meetings import ActivityDayForm, MeetingForm
from ..models import ActivityDay, OrgMeeting
from ..selectors.compliance import compliance_list, compliance_summary, intervals
from ..selectors.meetings import activity_day_list, meeting_list, members_on
from ..services.meetings import (
    ACTIVITY_DAY_FIELDS,
    MEETING_FIELDS,
    activity_day_set,
    meeting_create,
    meeting_delete,
    meeting_update,
)
from ..tables import ACTIVITY_DAY_TABLE, COMPLIANCE_TABLE, MEETING_TABLE
from .common import crumbs, nav


def _meeting(request: HttpRequest, pk: int) -> OrgMeeting:
    return get_visible_or_404(
        OrgMeeting.objects.select_related("organization", "created_by"), request.user, pk=pk
    )


def _list_crumb() -> tuple[str, str]:
    return ("三会一课", reverse("training:meeting_list"))


@login_required
@require_safe
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    filters = MeetingFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: meeting_list(user=request.user, filters=filters),
        table=MEETING_TABLE,
        template="training/meetings/meeting_list.html",
        context={
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("三会一课", "")),
            **nav("meetings", "records"),
        },
    )


def _meeting_context() -> dict[str, object]:
    return {"kinds": MeetingKind.choices}


@write_view
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.is_bound:
        kind = request.GET.get("kind", "")
        if kind in MeetingKind.values:
            form.initial["kind"] = kind
        org = Organization.objects.editable_by(request.user).filter(code=request.GET.get("org", "")).first()
        if org is not None:
            form.initial["organization"] = org.pk
        chosen = org or getattr(request.user, "organization", None)
        if chosen is not None:
            form.initial.setdefault("expected", members_on(chosen, timezone.localdate()) or None)
    return form_page(
        request,
        form,
        save=lambda data: meeting_create(
            actor=request.user,
            organization=data["organization"],
            photo=data.get("photo_upload"),
            **{f: data[f] for f in MEETING_FIELDS},
        ),
        title="登记三会一课",
        success="已登记",
        cancel_url=reverse("training:meeting_list"),
        template="training/meetings/meeting_form.html",
        context={"breadcrumbs": crumbs(_list_crumb(), ("登记", "")), **nav("meetings", "records")},
    )


@write_view
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user, instance=meeting)
    return form_page(
        request,
        form,
        save=lambda data: meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=form.loaded_version,
            photo=data.get("photo_upload"),
            remove_photo=bool(data.get("remove_photo")),
            **form.edits(),
        ),
        title="修改三会一课记录",
        success="已保存",
        cancel_url=meeting.get_absolute_url(),
        template="training/meetings/meeting_form.html",
        context={
            "meeting": meeting,
            "breadcrumbs": crumbs(_list_crumb(), (str(meeting), meeting.get_absolute_url()), ("修改", "")),
            **nav("meetings", "records"),
        },
    )


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(
        request,
        "training/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "editable": can_write(request.user) and in_scope(request.user, meeting.organization),
            "history": history_for(meeting),
            "breadcrumbs": crumbs(_list_crumb(), (str(meeting), "")),
            **nav("meetings", "records"),
        },
    )


@login_required
@require_safe
def meeting_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's photo, to those who may see the meeting (uploads are never served as public files)."""
    meeting = _meeting(request, pk)
    if not meeting.photo:
        raise Http404("该记录没有照片")
    try:
        handle = meeting.photo.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件不存在") from None
    content_type = "image/png" if meeting.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@write_view
@require_POST
def meeting_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    label = f"{meeting.organization.name} {meeting}"
    meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, f"已删除“{label}”")
    return redirect("training:meeting_list")


@login_required
@require_safe
def compliance(request: HttpRequest) -> HttpResponse:
    """Which branches held each kind of meeting as often as the rules ask, in a period."""
    filters = ComplianceFilterSet(request.GET, user=request.user)
    today = timezone.localdate()
    rows = compliance_list(user=request.user, filters=filters, today=today) if filters.valid else []
    every, _ = intervals()
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=COMPLIANCE_TABLE,
        template="training/meetings/compliance.html",
        context={
            "period": filters.period if filters.valid else None,
            "summary": compliance_summary(rows),
            "intervals": [(MeetingKind(k).label, n) for k, n in every.items()],
            "breadcrumbs": crumbs(_list_crumb(), ("开展情况", "")),
            **nav("meetings", "compliance"),
        },
    )


@login_required
@require_safe
def activity_day_list_view(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("set", "")
    if chosen and can_write(request.user):  # the chooser "为尚未设置的党支部设置": on to that branch's form
        org = get_visible_or_404(_branches(request.user), request.user, code=chosen)
        return redirect("training:activity_day_edit", code=org.code)
    filters = ActivityDayFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: activity_day_list(user=request.user, filters=filters),
        table=ACTIVITY_DAY_TABLE,
        template="training/meetings/activity_day_list.html",
        context={
            "can_write": can_write(request.user),
            "unset": _branches_without_day(request.user) if can_write(request.user) else [],
            "breadcrumbs": crumbs(_list_crumb(), ("党员活动日", "")),
            **nav("meetings", "days"),
        },
    )


def _branches(user: object) -> object:
    return (
        Organization.objects.editable_by(user)
        .active()
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH))
    )


def _branches_without_day(user: object) -> list[Organization]:
    return list(
        _branches(user).filter(activity_day__isnull=True).order_by("path").only("code", "name", "path")
    )


@write_view
def activity_day_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Set or change a branch's fixed activity day (one per branch)."""
    org = get_visible_or_404(
        Organization.objects.filter(Q(kind=OrgKind.BRANCH) | Q(kind=OrgKind.GENERAL_BRANCH)),
        request.user,
        code=code,
    )
    current = ActivityDay.objects.filter(organization=org).first()
    form = ActivityDayForm(request.POST or None, user=request.user, instance=current)
    if current is None and not form.is_bound:
        form.initial["organization"] = org.pk
        form.initial.setdefault("start_on", timezone.localdate())
    if current is None:
        form.fields["organization"].disabled = True
        form.fields["organization"].initial = org.pk
    return form_page(
        request,
        form,
        save=lambda data: activity_day_set(
            actor=request.user,
            organization=org,
            expected_version=form.loaded_version if current is not None else None,
            **{f: data[f] for f in ACTIVITY_DAY_FIELDS},
        ),
        title=f"{org.name}党员活动日",
        success="已保存党员活动日",
        cancel_url=reverse("training:activity_day_list"),
        next_url=lambda day: reverse("training:activity_day_list"),
        context={
            "intro": "每月固定时间、固定地点开展党员活动日（如理论和科技培训、参与村务决策）；主题党日记录在“会议记录”中登记。",
            "breadcrumbs": crumbs(
                _list_crumb(), ("党员活动日", reverse("training:activity_day_list")), (org.name, "")
            ),
            **nav("meetings", "days"),
        },
    )


urls = [
    path("meetings/", meeting_list_view, name="meeting_list"),
    path("meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/photo/", meeting_photo, name="meeting_photo"),
    path("meetings/<int:pk>/delete/", meeting_delete_view, name="meeting_delete"),
    path("meetings/compliance/", compliance, name="compliance"),
    path("meetings/activity-days/", activity_day_list_view, name="activity_day_list"),
    path("meetings/activity-days/<str:code>/", activity_day_edit, name="activity_day_edit"),
]
