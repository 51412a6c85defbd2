"""Writes for 三会一课 and 主题党日 records (OrgMeeting) and a branch's fixed activity day (ActivityDay)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.audit import service
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.uploads import check_photo
from core.versioning import lock_for_update, save_changed
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import MeetingKind
from ..models import ActivityDay, OrgMeeting

MEETING_FIELDS = (
    "kind",
    "held_on",
    "topic",
    "venue",
    "host",
    "expected",
    "present",
    "absent_note",
    "minutes",
)
ACTIVITY_DAY_FIELDS = ("day_of_month", "place", "content", "is_pilot", "start_on", "end_on", "note")

#: Which organizations hold each kind of meeting.
HELD_BY = {
    MeetingKind.ASSEMBLY: (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
    MeetingKind.COMMITTEE: (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
    MeetingKind.GROUP: (OrgKind.GROUP,),
    MeetingKind.LECTURE: (
        OrgKind.BRANCH,
        OrgKind.GENERAL_BRANCH,
        OrgKind.GROUP,
        OrgKind.COMMITTEE,
        OrgKind.WORKING_COMMITTEE,
    ),
    MeetingKind.ACTIVITY_DAY: (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
}


def _validate(meeting: OrgMeeting) -> None:
    for name in ("topic", "venue", "host", "absent_note"):
        setattr(meeting, name, (getattr(meeting, name) or "").strip())
    if meeting.kind not in MeetingKind.values:
        raise ValidationError({"kind": "请选择会议类型"})
    kind = MeetingKind(meeting.kind)
    if meeting.organization.kind not in HELD_BY[kind]:
        where = "党小组" if kind == MeetingKind.GROUP else "党支部或党总支"
        raise ValidationError(
            {"kind": f"{kind.label}应登记在{where}名下，{meeting.organization.name}不能登记"}
        )
    if meeting.held_on and meeting.held_on > timezone.localdate():
        raise ValidationError({"held_on": "日期不能晚于今天（会议召开后再登记）"})
    if meeting.held_on:
        check_period_open(meeting.organization, meeting.held_on, "held_on")
    if not meeting.topic:
        raise ValidationError({"topic": "请填写主题或议题"})
    if meeting.expected is not None and meeting.present is not None and meeting.present > meeting.expected:
        raise ValidationError({"present": "实到人数不能多于应到人数"})
    if meeting.expected == 0:
        raise ValidationError({"expected": "应到人数至少为1"})
    meeting.full_clean(exclude=["photo"])


def _store_photo(meeting: OrgMeeting, photo: UploadedFile) -> None:
    """Check the upload (type by content, size) and store it under our own name."""
    extension = check_photo(photo)
    photo.name = f"photo.{extension}"
    meeting.photo.save(photo.name, photo, save=False)


def _delete_file_after_commit(name: str) -> None:
    if not name:
        return

    def remove() -> None:
        from django.core.files.storage import default_storage

        default_storage.delete(name)

    transaction.on_commit(remove)


@service
def meeting_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    held_on: dt.date,
    topic: str,
    expected: int,
    present: int,
    venue: str = "",
    host: str = "",
    absent_note: str = "",
    minutes: str = "",
    photo: UploadedFile | None = None,
) -> OrgMeeting:
    """Record a meeting held by ``organization``, with its photo if one is given."""
    check_can_edit(actor, organization)
    meeting = OrgMeeting(
        organization=organization,
        kind=kind,
        held_on=held_on,
        topic=topic,
        expected=expected,
        present=present,
        venue=venue,
        host=host,
        absent_note=absent_note,
        minutes=minutes or "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(meeting)
    if photo is not None:
        _store_photo(meeting, photo)
    try:
        meeting.save()
    except Exception:
        if meeting.photo:
            meeting.photo.storage.delete(meeting.photo.name)
        raise
    return meeting


@service
def meeting_update(
    *,
    actor: Any,
    meeting: OrgMeeting,
    expected_version: int | None = None,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    **changes: Any,
) -> OrgMeeting:
    """Correct a record (only the fields the user changed), replace or remove its photo."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"meeting_update cannot change {sorted(unknown)}")
    lock_for_update(OrgMeeting, meeting, expected_version=expected_version)
    check_can_edit(actor, meeting.organization)
    check_period_open(meeting.organization, meeting.held_on)  # the date it has now, before any change
    changes = {f: v.strip() if isinstance(v, str) and f != "minutes" else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(meeting, f)]
    for field in changed:
        setattr(meeting, field, changes[field])
    old_photo = meeting.photo.name if meeting.photo else ""
    if photo is not None or (remove_photo and old_photo):
        changed.append("photo")
    if not changed:
        return meeting
    _validate(meeting)
    if photo is not None:
        _store_photo(meeting, photo)
    elif remove_photo:
        meeting.photo = ""
    save_changed(meeting, changed)
    if "photo" in changed:
        _delete_file_after_commit(old_photo)
    return meeting


@service
def meeting_delete(*, actor: Any, meeting: OrgMeeting) -> None:
    """Delete a record entered by mistake (its photo goes with it)."""
    lock_for_update(OrgMeeting, meeting)
    check_can_edit(actor, meeting.organization)
    check_period_open(meeting.organization, meeting.held_on)
    photo = meeting.photo.name if meeting.photo else ""
    meeting.delete()
    _delete_file_after_commit(photo)


# --- the fixed activity day ------------------------------------------------------------------------


def _validate_day(day: ActivityDay) -> None:
    day.place = (day.place or "").strip()
    if day.organization.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        raise ValidationError({"organization": "党员活动日设在党支部或党总支"})
    if not day.place:
        raise ValidationError({"place": "请填写固定地点"})
    day.full_clean()


@service
def activity_day_set(
    *, actor: Any, organization: Organization, expected_version: int | None = None, **fields: Any
) -> ActivityDay:
    """Set (or change) a branch's fixed activity day: day of month, place, content, pilot, dates."""
    check_can_edit(actor, organization)
    unknown = set(fields) - set(ACTIVITY_DAY_FIELDS)
    if unknown:
        raise ValueError(f"activity_day_set cannot change {sorted(unknown)}")
    current = ActivityDay.objects.filter(organization=organization).first()
    if current is None:
        day = ActivityDay(
            organization=organization, created_by=actor if getattr(actor, "pk", None) else None, **fields
        )
        _validate_day(day)
        day.save()
        return day
    lock_for_update(ActivityDay, current, expected_version=expected_version)
    fields = {f: v.strip() if isinstance(v, str) else v for f, v in fields.items()}
    changed = [f for f, value in fields.items() if value != getattr(current, f)]
    if not changed:
        return current
    for field in changed:
        setattr(current, field, fields[field])
    _validate_day(current)
    save_changed(current, changed)
    return current
