"""Reads for party lectures: the list, and the figures the reference leaves blank.

“已有 个县级单位的领导班子 名领导干部深入乡(镇)农村为 个党支部讲党课 期,
培训党员 人次”: lectures by leading cadres (科级以上, 副科级 included) of
county-level units count there — the units, the lecturers, the host
branches, the lectures and the members who heard them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from organizations.models import Organization

from ..choices import SECTION_OR_ABOVE
from ..filters import LectureFilterSet
from ..models import LectureAttendance, PartyLecture


def leading_cadre_q(prefix: str = "") -> Q:
    """A lecture by a leading cadre (科级以上) of a county-level unit."""
    return Q(**{f"{prefix}lecturer_unit__county_level": True, f"{prefix}lecturer_rank__in": SECTION_OR_ABOVE})


def lecture_list(*, user: Any, filters: LectureFilterSet) -> QuerySet[PartyLecture]:
    """Lectures hosted in the user's scope, narrowed by ``filters``, with their person-times."""
    lectures = filters.filter_queryset(PartyLecture.objects.visible_to(user))
    return (
        lectures.select_related("organization", "lecturer_unit")
        .annotate(person_times=Count("attendances", distinct=True))
        .order_by("-given_on", "-id")
    )


@dataclass(frozen=True)
class LectureFigures:
    """lectures.* for one organization's subtree and period."""

    units: int  # county-level units whose leaders lectured
    leaders: int  # distinct lecturers
    branches: int  # 党支部 that hosted
    sessions: int  # lectures
    person_times: int  # members who heard them

    def as_indicators(self) -> dict[str, int]:
        return {
            "lectures.units": self.units,
            "lectures.leaders": self.leaders,
            "lectures.branches": self.branches,
            "lectures.sessions": self.sessions,
            "lectures.person_times": self.person_times,
        }


def lecturer_key(member_id: int | None, name: str, unit_id: int | None) -> tuple[Any, ...]:
    """Who gave a lecture: the member when linked, else the name within the unit."""
    return ("member", member_id) if member_id else ("name", name.strip(), unit_id)


def lecture_figures(org: Organization, start: dt.date, end: dt.date) -> LectureFigures:
    """Leading cadres' lectures hosted in ``org``'s subtree (where each host stood on its day) (two queries)."""
    lectures = (
        PartyLecture.objects.within_then(org, "given_on")
        .filter(given_on__gte=start, given_on__lte=end)
        .filter(leading_cadre_q())
    )
    rows = list(
        lectures.values_list(
            "pk",
            "lecturer_member_id",
            "lecturer_name",
            "lecturer_unit_id",
            "organization_id",
            "organization__kind",
            "organization__form",
        )
    )
    host_branches = {
        org_id
        for _, _, _, _, org_id, kind, form in rows
        if Organization(kind=kind, form=form).counts_as_branch
    }
    person_times = LectureAttendance.objects.filter(lecture__in=lectures).count()
    return LectureFigures(
        units=len({unit for _, _, _, unit, _, _, _ in rows if unit}),
        leaders=len({lecturer_key(member, name, unit) for _, member, name, unit, _, _, _ in rows}),
        branches=len(host_branches),
        sessions=len(rows),
        person_times=person_times,
    )
