"""Pages of training sessions: the list, recording a session, its attendance, the attendance register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, paginate, write_view

from ..filters import AttendanceFilterSet, SessionFilterSet
from ..forms.sessions import SessionForm
from ..models import Attendance, TrainingSession, TrainingTopic
from ..selectors.sessions import attendance_list, attendees, session_list
from ..services.sessions import (
    SESSION_FIELDS,
    session_attendance_record,
    session_create,
    session_delete,
    session_roll,
    session_update,
)
from ..tables import ATTENDANCE_TABLE, SESSION_TABLE
from .attendance import roll_page
from .common import crumbs, nav

#: The attendance register exports at most this many rows at once (about two months of a county).
REGISTER_EXPORT_LIMIT = 20000
#: Topics offered under the topic field: the most used first.
SUGGESTED_TOPICS = 12


def _session(request: HttpRequest, pk: int) -> TrainingSession:
    return get_visible_or_404(
        TrainingSession.objects.select_related("organization", "created_by", "film"), request.user, pk=pk
    )


def _list_crumb() -> tuple[str, str]:
    return ("培训登记", reverse("training:session_list"))


@login_required
@require_safe
def session_list_view(request: HttpRequest) -> HttpResponse:
    filters = SessionFilterSet(request.GET, user=request.user)
    sessions = (
        session_list(user=request.user, filters=filters) if filters.valid else TrainingSession.objects.none()
    )
    totals = Attendance.objects.filter(session__in=sessions.values("pk")).aggregate(people=Count("id"))
    return list_page(
        request,
        filters=filters,
        rows=lambda: sessions,
        table=SESSION_TABLE,
        template="training/sessions/session_list.html",
        context={
            "totals": totals,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("培训登记", "")),
            **nav("sessions", "list"),
        },
    )


def _topic_context() -> dict[str, object]:
    popular = TrainingTopic.objects.annotate(n=Count("sessions")).order_by("-n", "name")
    return {
        "topic_options": list(TrainingTopic.objects.order_by("name").values_list("name", flat=True)[:500]),
        "topic_suggestions": list(popular.values_list("name", flat=True)[:SUGGESTED_TOPICS]),
    }


@write_view
def session_new(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: session_create(
            actor=request.user,
            organization=data["organization"],
            topic_text=data["topic_text"],
            **{f: data[f] for f in SESSION_FIELDS},
        ),
        title="登记培训",
        success="已登记培训，请登记参训党员",
        cancel_url=reverse("training:session_list"),
        next_url=lambda session: reverse("training:session_attendance", kwargs={"pk": session.pk}),
        template="training/sessions/session_form.html",
        context={
            "intro": "先登记培训的基本情况，保存后按党支部勾选参训党员（默认全部到会，取消勾选缺席的）。",
            "submit_label": "保存，下一步登记参训党员",
            "breadcrumbs": crumbs(_list_crumb(), ("登记培训", "")),
            **_topic_context(),
            **nav("sessions", "list"),
        },
    )


@write_view
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = SessionForm(request.POST or None, user=request.user, instance=session)
    return form_page(
        request,
        form,
        save=lambda data: session_update(
            actor=request.user,
            session=session,
            expected_version=form.loaded_version,
            topic_text=form.topic_edit(),
            **form.edits(),
        ),
        title="修改培训",
        success="已保存",
        cancel_url=session.get_absolute_url(),
        template="training/sessions/session_form.html",
        context={
            "breadcrumbs": crumbs(_list_crumb(), (str(session), session.get_absolute_url()), ("修改", "")),
            **_topic_context(),
            **nav("sessions", "list"),
        },
    )


@login_required
@require_safe
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    rows = attendees(session)
    by_org = list(
        session.attendances.order_by("organization__path")
        .values("organization__name", "organization__path")
        .annotate(n=Count("id"))
    )
    editable = can_write(request.user) and in_scope(request.user, session.organization)
    return render(
        request,
        "training/sessions/session_detail.html",
        {
            "session": session,
            "topics": list(session.topics.order_by("name")),
            "page_obj": paginate(request, rows, per_page=100),
            "by_org": by_org,
            "person_times": sum(row["n"] for row in by_org),
            "editable": editable,
            "history": history_for(session),
            "breadcrumbs": crumbs(_list_crumb(), (str(session), "")),
            **nav("sessions", "list"),
        },
    )


@write_view
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the members present, one branch at a time (the heart of the app: 200 attendees in minutes)."""
    session = _session(request, pk)
    return roll_page(
        request,
        roll=session_roll(session),
        save=lambda **kw: session_attendance_record(actor=request.user, session=session, **kw),
        title="登记参训党员",
        done_url=session.get_absolute_url(),
        context={
            "event": session,
            "event_line": f"{session.organization.name} · {session.hours}学时",
            "breadcrumbs": crumbs(
                _list_crumb(), (str(session), session.get_absolute_url()), ("参训党员", "")
            ),
            **nav("sessions", "list"),
        },
    )


@write_view
@require_POST
def session_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    label = str(session)
    session_delete(actor=request.user, session=session)
    messages.success(request, f"已删除培训“{label}”及其参训名单")
    return redirect("training:session_list")


@login_required
@require_safe
def attendance_list_view(request: HttpRequest) -> HttpResponse:
    """The attendance register (参训记录) of members in scope, at whoever's sessions; exported per period."""
    filters = AttendanceFilterSet(request.GET, user=request.user)
    rows = attendance_list(user=request.user, filters=filters) if filters.valid else Attendance.objects.none()
    if request.GET.get("format") == "xlsx" and (found := rows.count()) > REGISTER_EXPORT_LIMIT:
        # A county's year is some 80,000 rows: minutes of writing for one request.  Narrow it first.
        messages.warning(
            request,
            f"符合条件的参训记录有{found}条，一次最多导出{REGISTER_EXPORT_LIMIT}条，请按期间或党组织筛选后分批导出。",
        )
        query = request.GET.copy()
        query.pop("format")
        return redirect(f"{request.path}?{query.urlencode()}")
    totals = rows.aggregate(
        people=Count("id"), members=Count("member", distinct=True), hours=Sum("session__hours")
    )
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=ATTENDANCE_TABLE,
        template="training/sessions/attendance_list.html",
        context={"totals": totals, "breadcrumbs": crumbs(("参训记录", "")), **nav("sessions", "register")},
    )


urls = [
    path("sessions/", session_list_view, name="session_list"),
    path("sessions/new/", session_new, name="session_new"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/delete/", session_delete_view, name="session_delete"),
    path("attendance/", attendance_list_view, name="attendance_list"),
]
