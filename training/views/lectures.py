"""Pages of party lectures (讲党课): the list, recording a lecture, its audience."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope
from core.views import form_page, get_visible_or_404, paginate, write_view

from ..filters import LectureFilterSet
from ..forms.lectures import LectureForm
from ..models import LecturerUnit, PartyLecture
from ..selectors.lectures import lecture_figures, lecture_list
from ..selectors.sessions import attendees
from ..services.lectures import (
    LECTURE_FIELDS,
    lecture_attendance_record,
    lecture_create,
    lecture_delete,
    lecture_roll,
    lecture_update,
)
from ..tables import LECTURE_TABLE
from .attendance import roll_page
from .common import crumbs, nav


def _lecture(request: HttpRequest, pk: int) -> PartyLecture:
    return get_visible_or_404(
        PartyLecture.objects.select_related("organization", "lecturer_unit", "lecturer_member", "created_by"),
        request.user,
        pk=pk,
    )


def _list_crumb() -> tuple[str, str]:
    return ("讲党课", reverse("training:lecture_list"))


@login_required
@require_safe
def lecture_list_view(request: HttpRequest) -> HttpResponse:
    filters = LectureFilterSet(request.GET, user=request.user)
    figures = None
    root = getattr(request.user, "organization", None)
    if filters.valid and root is not None:
        values = filters.values
        today = timezone.localdate()
        start = values.get("start") or today.replace(month=1, day=1)
        end = values.get("end") or today
        figures = (lecture_figures(values.get("org") or root, start, end), start, end)
    return list_page(
        request,
        filters=filters,
        rows=lambda: lecture_list(user=request.user, filters=filters),
        table=LECTURE_TABLE,
        template="training/lectures/lecture_list.html",
        context={
            "figures": figures,
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("讲党课", "")),
            **nav("lectures"),
        },
    )


def _unit_context() -> dict[str, object]:
    return {"unit_options": list(LecturerUnit.objects.order_by("name").values_list("name", flat=True)[:500])}


@write_view
def lecture_new(request: HttpRequest) -> HttpResponse:
    form = LectureForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: lecture_create(
            actor=request.user,
            organization=data["organization"],
            unit_name=data["unit_name"],
            **{f: data[f] for f in LECTURE_FIELDS},
        ),
        title="登记讲党课",
        success="已登记讲党课，请登记听课党员",
        cancel_url=reverse("training:lecture_list"),
        next_url=lambda lecture: reverse("training:lecture_attendance", kwargs={"pk": lecture.pk}),
        template="training/lectures/lecture_form.html",
        context={
            "submit_label": "保存，下一步登记听课党员",
            "breadcrumbs": crumbs(_list_crumb(), ("登记", "")),
            **_unit_context(),
            **nav("lectures"),
        },
    )


@write_view
def lecture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _lecture(request, pk)
    form = LectureForm(request.POST or None, user=request.user, instance=lecture)
    return form_page(
        request,
        form,
        save=lambda data: lecture_update(
            actor=request.user,
            lecture=lecture,
            expected_version=form.loaded_version,
            unit_name=form.unit_edit(),
            **form.edits(),
        ),
        title="修改讲党课",
        success="已保存",
        cancel_url=lecture.get_absolute_url(),
        template="training/lectures/lecture_form.html",
        context={
            "breadcrumbs": crumbs(_list_crumb(), (str(lecture), lecture.get_absolute_url()), ("修改", "")),
            **_unit_context(),
            **nav("lectures"),
        },
    )


@login_required
@require_safe
def lecture_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _lecture(request, pk)
    by_org = list(
        lecture.attendances.order_by("organization__path")
        .values("organization__name", "organization__path")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "training/lectures/lecture_detail.html",
        {
            "lecture": lecture,
            "page_obj": paginate(request, attendees(lecture), per_page=100),
            "by_org": by_org,
            "person_times": sum(row["n"] for row in by_org),
            "editable": can_write(request.user) and in_scope(request.user, lecture.organization),
            "history": history_for(lecture),
            "breadcrumbs": crumbs(_list_crumb(), (str(lecture), "")),
            **nav("lectures"),
        },
    )


@write_view
def lecture_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _lecture(request, pk)
    return roll_page(
        request,
        roll=lecture_roll(lecture),
        save=lambda **kw: lecture_attendance_record(actor=request.user, lecture=lecture, **kw),
        title="登记听课党员",
        done_url=lecture.get_absolute_url(),
        context={
            "event": lecture,
            "event_line": f"{lecture.organization.name} · {lecture.lecturer_name}",
            "breadcrumbs": crumbs(
                _list_crumb(), (str(lecture), lecture.get_absolute_url()), ("听课党员", "")
            ),
            **nav("lectures"),
        },
    )


@write_view
@require_POST
def lecture_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _lecture(request, pk)
    label = str(lecture)
    lecture_delete(actor=request.user, lecture=lecture)
    messages.success(request, f"已删除“{label}”及其听课名单")
    return redirect("training:lecture_list")


urls = [
    path("lectures/", lecture_list_view, name="lecture_list"),
    path("lectures/new/", lecture_new, name="lecture_new"),
    path("lectures/<int:pk>/", lecture_detail, name="lecture_detail"),
    path("lectures/<int:pk>/edit/", lecture_edit, name="lecture_edit"),
    path("lectures/<int:pk>/attendance/", lecture_attendance, name="lecture_attendance"),
    path("lectures/<int:pk>/delete/", lecture_delete_view, name="lecture_delete"),
]
