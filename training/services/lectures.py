"""Writes for party lectures (讲党课): the lecture, its lecturer, its audience."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import service
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from members.models import Member
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import LecturerRank
from ..models import LectureAttendance, PartyLecture
from ..selectors.attendance import Roll
from .attendance import RollResult, check_attendees_on, delete_rows, record_found, record_roll
from .topics import unit_for

LECTURE_FIELDS = (
    "given_on",
    "topic",
    "lecturer_name",
    "lecturer_member",
    "lecturer_post",
    "lecturer_rank",
    "venue",
    "hours",
    "non_member_count",
    "note",
)


def _validate(lecture: PartyLecture) -> None:
    lecture.topic = (lecture.topic or "").strip()
    lecture.lecturer_name = (lecture.lecturer_name or "").strip()
    if lecture.lecturer_member_id and not lecture.lecturer_name:
        lecture.lecturer_name = lecture.lecturer_member.name
    if not lecture.topic:
        raise ValidationError({"topic": "请填写党课题目"})
    if not lecture.lecturer_name:
        raise ValidationError({"lecturer_name": "请填写讲课人"})
    if lecture.lecturer_rank not in LecturerRank.values:
        raise ValidationError({"lecturer_rank": "请选择讲课人职级"})
    if lecture.given_on and lecture.given_on > timezone.localdate():
        raise ValidationError({"given_on": "讲课日期不能晚于今天（讲课后再登记）"})
    if lecture.given_on:
        check_period_open(lecture.organization, lecture.given_on, "given_on")
    if lecture.hours is not None and lecture.hours <= 0:
        raise ValidationError({"hours": "学时必须大于0（不计学时请留空）"})
    if lecture.organization.kind == OrgKind.GROUP:
        raise ValidationError({"organization": "请以党小组所在的党支部登记"})
    lecture.full_clean()


@service
def lecture_create(
    *,
    actor: Any,
    organization: Organization,
    given_on: dt.date,
    topic: str,
    lecturer_name: str = "",
    lecturer_rank: str,
    lecturer_member: Member | None = None,
    unit_name: str = "",
    lecturer_post: str = "",
    venue: str = "",
    hours: Decimal | None = None,
    non_member_count: int = 0,
    note: str = "",
) -> PartyLecture:
    """Record a lecture given at ``organization`` (the host); a new unit joins the catalogue."""
    check_can_edit(actor, organization)
    lecture = PartyLecture(
        organization=organization,
        given_on=given_on,
        topic=topic,
        lecturer_name=lecturer_name,
        lecturer_member=lecturer_member,
        lecturer_unit=unit_for(unit_name),
        lecturer_post=(lecturer_post or "").strip(),
        lecturer_rank=lecturer_rank,
        venue=(venue or "").strip(),
        hours=hours,
        non_member_count=non_member_count or 0,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(lecture)
    lecture.save()
    return lecture


@service
def lecture_update(
    *,
    actor: Any,
    lecture: PartyLecture,
    expected_version: int | None = None,
    unit_name: str | None = None,
    **changes: Any,
) -> PartyLecture:
    """Correct a lecture (only the fields the user changed; ``unit_name`` re-links the unit)."""
    unknown = set(changes) - set(LECTURE_FIELDS)
    if unknown:
        raise ValueError(f"lecture_update cannot change {sorted(unknown)}")
    lock_for_update(PartyLecture, lecture, expected_version=expected_version)
    check_can_edit(actor, lecture.organization)
    check_period_open(lecture.organization, lecture.given_on)  # the date it has now, before any change
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    if unit_name is not None:
        unit = unit_for(unit_name)
        if (unit.pk if unit else None) != lecture.lecturer_unit_id:
            changes["lecturer_unit"] = unit
    changed = [f for f, value in changes.items() if value != getattr(lecture, f)]
    if not changed:
        return lecture
    for field in changed:
        setattr(lecture, field, changes[field])
    _validate(lecture)
    if "given_on" in changed:
        check_attendees_on(lecture.attendances, lecture.given_on, "given_on")
    save_changed(lecture, changed)
    return lecture


def lecture_roll(lecture: PartyLecture) -> Roll:
    return Roll(LectureAttendance, "lecture", lecture, lecture.organization, lecture.given_on)


@service
def lecture_attendance_record(
    *,
    actor: Any,
    lecture: PartyLecture,
    organization: Organization | None = None,
    present: Iterable[int],
    loaded: str | None = None,
    listed: Iterable[int] | None = None,
) -> RollResult:
    """Record which members of ``organization`` (or the ``listed`` ones found by name) heard the lecture."""
    lock_for_update(PartyLecture, lecture)
    check_can_edit(actor, lecture.organization)
    check_period_open(lecture.organization, lecture.given_on)
    roll = lecture_roll(lecture)
    if organization is None:
        return record_found(actor=actor, roll=roll, listed=listed or (), present=present, loaded=loaded)
    return record_roll(actor=actor, roll=roll, organization=organization, present=present, loaded=loaded)


@service
def lecture_delete(*, actor: Any, lecture: PartyLecture) -> None:
    """Delete a lecture entered by mistake, with its audience."""
    lock_for_update(PartyLecture, lecture)
    check_can_edit(actor, lecture.organization)
    check_period_open(lecture.organization, lecture.given_on)
    delete_rows(actor, lecture.attendances.select_related("member", "organization"), lecture=lecture)
    lecture.delete()
