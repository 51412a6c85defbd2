"""Writes for 民主生活会: one meeting per organization and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.forms import normalise_document_no
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ..models import LifeMeeting
from .common import not_in_future

MEETING_FIELDS = (
    "held_on",
    "document_no",
    "leaders_expected",
    "leaders_attended",
    "absentees",
    "supervisors",
    "topics",
    "issues",
    "rectification",
)
#: Kinds whose leadership teams hold a democratic life meeting (as the reference counts them).
MEETING_KINDS = ("COUNTY_COMMITTEE", "COMMITTEE", "WORKING_COMMITTEE", "GENERAL_BRANCH", "BRANCH")


def _validate(meeting: LifeMeeting) -> None:
    org = meeting.organization
    if org.kind not in MEETING_KINDS:
        raise ValidationError({"organization": "党小组不单独召开民主生活会"})
    not_in_future(meeting.held_on, "held_on", "召开日期")
    if meeting.held_on < org.established_on or not org.existed_on(meeting.held_on):
        raise ValidationError({"held_on": f"{org.name}在召开日期尚未成立或已撤销"})
    meeting.year = meeting.held_on.year
    meeting.document_no = normalise_document_no(meeting.document_no or "")
    for name in ("absentees", "supervisors", "topics", "issues", "rectification"):
        setattr(meeting, name, (getattr(meeting, name) or "").strip())
    if not meeting.topics:
        raise ValidationError({"topics": "请填写会议主题"})
    if meeting.leaders_expected is None or meeting.leaders_expected < 1:
        raise ValidationError({"leaders_expected": "应参会班子成员至少1人"})
    if meeting.leaders_attended is None or meeting.leaders_attended > meeting.leaders_expected:
        raise ValidationError({"leaders_attended": "实参会人数不能多于应参会人数"})
    if meeting.leaders_attended < meeting.leaders_expected and not meeting.absentees:
        raise ValidationError({"absentees": "有班子成员缺席时，请填写缺席人员及原因"})
    meeting.full_clean()


@service
def life_meeting_record(
    *,
    actor: Any,
    organization: Organization,
    held_on: dt.date,
    leaders_expected: int,
    leaders_attended: int,
    topics: str,
    document_no: str = "",
    absentees: str = "",
    supervisors: str = "",
    issues: str = "",
    rectification: str = "",
) -> LifeMeeting:
    """Record the democratic life meeting ``organization`` held on ``held_on``."""
    check_can_edit(actor, organization)
    if held_on:
        check_period_open(organization, held_on, "held_on")
    meeting = LifeMeeting(
        organization=organization,
        year=held_on.year if held_on else 0,
        held_on=held_on,
        document_no=document_no,
        leaders_expected=leaders_expected,
        leaders_attended=leaders_attended,
        absentees=absentees,
        supervisors=supervisors,
        topics=topics,
        issues=issues,
        rectification=rectification,
    )
    if held_on and LifeMeeting.objects.filter(organization=organization, year=held_on.year).exists():
        raise ValidationError(
            {"held_on": f"{organization.name}{held_on.year}年度的民主生活会已登记，请修改原记录"}
        )
    _validate(meeting)
    meeting.save()
    return meeting


@service
def life_meeting_update(
    *, actor: Any, meeting: LifeMeeting, expected_version: int | None = None, **changes: Any
) -> LifeMeeting:
    """Correct a meeting's record; only the changed fields are written."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"life_meeting_update cannot change {sorted(unknown)}")
    lock_for_update(LifeMeeting, meeting, expected_version=expected_version)
    check_can_edit(actor, meeting.organization)
    check_period_open(meeting.organization, meeting.held_on)  # the date it has now, before any change
    if changes.get("held_on"):
        check_period_open(meeting.organization, changes["held_on"], "held_on")
    year = meeting.year
    changed = [f for f, value in changes.items() if value != getattr(meeting, f)]
    if not changed:
        return meeting
    for f in changed:
        setattr(meeting, f, changes[f])
    new_year = meeting.held_on.year if meeting.held_on else year
    if new_year != year:
        if LifeMeeting.objects.filter(organization=meeting.organization, year=new_year).exists():
            raise ValidationError({"held_on": f"{meeting.organization.name}{new_year}年度的民主生活会已登记"})
        changed.append("year")
    _validate(meeting)
    save_changed(meeting, changed)
    return meeting
