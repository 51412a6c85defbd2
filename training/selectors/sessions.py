"""Reads for training sessions: the session list, a session's attendees by organization, the attendance register."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from ..filters import AttendanceFilterSet, SessionFilterSet
from ..models import Attendance, TrainingSession, TrainingTopic


def session_list(*, user: Any, filters: SessionFilterSet) -> QuerySet[TrainingSession]:
    """Sessions organized in the user's scope, narrowed by ``filters``, with their person-times.

    Three queries a page whatever the number of attendees: the count, the page
    (organizer and person-times joined in), the page's topics.
    """
    sessions = filters.filter_queryset(TrainingSession.objects.visible_to(user))
    return (
        sessions.select_related("organization")
        .annotate(person_times=Count("attendances", distinct=True))
        .prefetch_related(Prefetch("topics", queryset=TrainingTopic.objects.order_by("name")))
        .order_by("-start_on", "-id")
    )


def attendees(event: Any) -> QuerySet:
    """An event's attendees (a session's, a lecture's), by organization then name, without ID numbers."""
    return (
        event.attendances.select_related("member", "organization")
        .only("id", "member__id", "member__name", "member__gender", "organization__id", "organization__name")
        .order_by("organization__path", "member__name", "id")
    )


def attendance_list(*, user: Any, filters: AttendanceFilterSet) -> QuerySet[Attendance]:
    """The attendance register: attendances of members in the user's scope (at any organizer's session).

    Scoped by the attendee's organization, so a branch sees its members'
    attendance at the county's and the committee's sessions too.
    """
    rows = filters.filter_queryset(Attendance.objects.visible_to(user))
    return (
        rows.select_related("session", "session__organization", "organization")
        .select_related("member")
        .only(
            "id",
            "member__id",
            "member__name",
            "member__gender",
            "organization__id",
            "organization__name",
            "organization__path",
            "session__id",
            "session__title",
            "session__kind",
            "session__form",
            "session__level",
            "session__start_on",
            "session__end_on",
            "session__hours",
            "session__organization__id",
            "session__organization__name",
        )
        .order_by("-session__start_on", "session_id", "organization__path", "member__name", "id")
    )
