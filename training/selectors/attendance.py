"""Reads for taking attendance member by member (a training session's, a lecture's): the roll call.

An event (a session, a lecture) is organized by an organization on a day;
its attendees may come from anywhere in the organizer's subtree as it stood
that day.  The attendance page works one unit at a time (a branch, or a
committee or general branch that keeps members directly): the units with
how many members each had that day and how many are recorded present, then
one unit's members with their tick.  Every read is a fixed number of
queries, whatever the number of members or attendees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model

from members.choices import Gender
from members.models import MemberPeriod
from organizations.models import Organization

from ..models.common import AttendeeBase


@dataclass(frozen=True)
class Roll:
    """An event whose attendance is taken member by member."""

    model: type[AttendeeBase]  # Attendance, LectureAttendance
    event_field: str  # "session", "lecture"
    event: Model
    organizer: Organization
    day: dt.date

    def rows(self) -> Any:
        return self.model.objects.filter(**{self.event_field: self.event})


@dataclass(frozen=True)
class Unit:
    """One organization whose members may attend: how many it had on the day, how many are recorded present."""

    org: Organization
    members: int
    present: int

    @property
    def done(self) -> bool:
        return self.present > 0

    def label(self, root_depth: int) -> str:
        """The unit as the chooser lists it: indented below the organizer, with its counts."""
        indent = "\u3000" * max(self.org.depth - root_depth, 0)
        state = f"已登记{self.present}/{self.members}人" if self.done else f"{self.members}人，未登记"
        return f"{indent}{self.org.name}（{state}）"


@dataclass(frozen=True)
class RollMember:
    member_id: int
    name: str
    gender: str
    present: bool
    moved: bool = False  # recorded under this unit but no longer its member on the day (can be unticked)
    org_name: str = ""  # shown beside the name when members of several organizations are listed

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label if self.gender in Gender.values else ""


def digest(member_ids: Iterable[int]) -> str:
    """A short fingerprint of a set of members: the attendance form's version of one unit's list."""
    text = ",".join(str(i) for i in sorted(set(member_ids)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def roll_units(roll: Roll) -> list[Unit]:
    """The organizations under the organizer whose members may attend, tree order (three queries).

    1 members per organization on the day (the dated tree), 2 attendance per
    organization, 3 the organizations themselves.
    """
    on_day = (
        MemberPeriod.objects.on(roll.day)
        .within_on(roll.organizer, roll.day)
        .order_by()
        .values("organization")
        .annotate(n=Count("id"))
        .values_list("organization", "n")
    )
    members = dict(on_day)
    present = dict(
        roll.rows().order_by().values("organization").annotate(n=Count("id")).values_list("organization", "n")
    )
    orgs = Organization.objects.filter(pk__in=set(members) | set(present)).order_by("path")
    return [Unit(org, members.get(org.pk, 0), present.get(org.pk, 0)) for org in orgs]


def roll_members(roll: Roll, org: Organization) -> list[RollMember]:
    """``org``'s members on the day, each with their tick (two queries).

    Members recorded present under ``org`` who were not its members that day
    (a record made before a correction of their history) are listed too, so
    they can be unticked.
    """
    periods = (
        MemberPeriod.objects.on(roll.day)
        .filter(organization=org)
        .order_by("member__name", "member_id")
        .values_list("member_id", "member__name", "member__gender")
    )
    recorded = dict(
        roll.rows().filter(organization=org).order_by("member__name").values_list("member_id", "member__name")
    )
    rows = [RollMember(pk, name, gender, pk in recorded) for pk, name, gender in periods]
    listed = {row.member_id for row in rows}
    rows += [RollMember(pk, name, "", True, moved=True) for pk, name in recorded.items() if pk not in listed]
    return rows


#: Members a search by name lists at most.
SEARCH_LIMIT = 60


def roll_search(roll: Roll, term: str) -> list[RollMember]:
    """Members anywhere under the organizer on the day whose name contains ``term``, with their ticks (two queries).

    For the sessions whose attendees come a few from each of many branches
    (the county's): the clerk types the names on the sign-in sheet.
    """
    found = list(
        MemberPeriod.objects.on(roll.day)
        .within_on(roll.organizer, roll.day)
        .filter(member__name__contains=term)
        .order_by("organization__path", "member__name", "member_id")
        .values_list("member_id", "member__name", "member__gender", "organization__name")[:SEARCH_LIMIT]
    )
    recorded = set(
        roll.rows().filter(member_id__in=[m for m, _, _, _ in found]).values_list("member_id", flat=True)
    )
    return [RollMember(pk, name, gender, pk in recorded, org_name=org) for pk, name, gender, org in found]


def next_unit(units: list[Unit], after: Organization | None) -> Organization | None:
    """The next unit (tree order) with members and no attendance yet, after ``after``; None when all are done."""
    pending = [u for u in units if u.members and not u.done]
    if after is not None:
        later = [u for u in pending if u.org.path > after.path]
        if later:
            return later[0].org
    return pending[0].org if pending else None
