"""Writes for training sessions (培训): the session, its topics, and its attendance branch by branch."""

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
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import TrainingForm, TrainingKind, level_of
from ..models import Attendance, AVFilm, TrainingSession
from ..selectors.attendance import Roll
from .attendance import RollResult, check_attendees_on, delete_rows, record_found, record_roll
from .topics import split_topics, topics_for

#: Fields ``session_update`` may change (the organizer is fixed once attendance may lie below it).
SESSION_FIELDS = (
    "title",
    "kind",
    "form",
    "start_on",
    "end_on",
    "venue",
    "hours",
    "non_member_count",
    "film",
    "note",
)


def _validate(session: TrainingSession) -> None:
    session.title = (session.title or "").strip()
    if not session.title:
        raise ValidationError({"title": "请填写培训名称"})
    if session.kind not in TrainingKind.values:
        raise ValidationError({"kind": "请选择培训类别"})
    if session.form not in TrainingForm.values:
        raise ValidationError({"form": "请选择培训形式"})
    if session.start_on and session.start_on > timezone.localdate():
        raise ValidationError({"start_on": "开始日期不能晚于今天（培训结束后再登记）"})
    if session.start_on:
        check_period_open(session.organization, session.start_on, "start_on")
    if session.start_on and session.end_on and session.end_on < session.start_on:
        raise ValidationError({"end_on": "结束日期不能早于开始日期"})
    if session.hours is not None and session.hours <= 0:
        raise ValidationError({"hours": "学时必须大于0"})
    if session.film_id and session.form != TrainingForm.AV:
        raise ValidationError({"film": "只有电化教育形式的培训才选择播放的电教片"})
    if session.organization.kind == OrgKind.GROUP:
        raise ValidationError({"organization": "党小组不单独举办培训，请以所在党支部登记"})
    session.full_clean(exclude=["topics"])


@service
def session_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    kind: str,
    form: str,
    start_on: dt.date,
    end_on: dt.date | None = None,
    hours: Decimal,
    topic_text: str = "",
    venue: str = "",
    non_member_count: int = 0,
    film: AVFilm | None = None,
    note: str = "",
) -> TrainingSession:
    """Record a session organized by ``organization``; its level follows from the organizer's kind."""
    check_can_edit(actor, organization)
    session = TrainingSession(
        organization=organization,
        level=level_of(organization.kind),
        title=title,
        kind=kind,
        form=form,
        start_on=start_on,
        end_on=end_on or start_on,
        hours=hours,
        venue=(venue or "").strip(),
        non_member_count=non_member_count or 0,
        film=film,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(session)
    session.save()
    session.topics.set(topics_for(split_topics(topic_text), kind))
    return session


@service
def session_update(
    *,
    actor: Any,
    session: TrainingSession,
    expected_version: int | None = None,
    topic_text: str | None = None,
    **changes: Any,
) -> TrainingSession:
    """Correct a session's details (only the fields the user changed); ``topic_text`` replaces the topics.

    A new date must still hold every attendee: each was a member of the
    organization they are listed under on the new start date.
    """
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"session_update cannot change {sorted(unknown)}")
    lock_for_update(TrainingSession, session, expected_version=expected_version)
    check_can_edit(actor, session.organization)
    check_period_open(session.organization, session.start_on)  # the date it has now, before any change
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(session, f)]
    for field in changed:
        setattr(session, field, changes[field])
    if topic_text is not None:
        names = split_topics(topic_text)
        if set(names) != {t.name for t in session.topics.all()}:
            session.topics.set(topics_for(names, session.kind))
            if not changed:
                changed = ["updated_at"]  # the topics changed: still a new version
    if not changed:
        return session
    _validate(session)
    if "start_on" in changed:
        check_attendees_on(session.attendances, session.start_on, "start_on")
    save_changed(session, [f for f in changed if f != "updated_at"])
    return session


def session_roll(session: TrainingSession) -> Roll:
    return Roll(Attendance, "session", session, session.organization, session.start_on)


@service
def session_attendance_record(
    *,
    actor: Any,
    session: TrainingSession,
    organization: Organization | None = None,
    present: Iterable[int],
    loaded: str | None = None,
    listed: Iterable[int] | None = None,
) -> RollResult:
    """Record which members of ``organization`` attended: the ticked ones present, the others not.

    Without an organization, ``listed`` are members found by name anywhere
    under the organizer (``record_found``).  The session is locked, so a
    change of its date waits and every attendee is checked against the date it keeps.
    """
    lock_for_update(TrainingSession, session)
    check_can_edit(actor, session.organization)
    check_period_open(session.organization, session.start_on)
    roll = session_roll(session)
    if organization is None:
        return record_found(actor=actor, roll=roll, listed=listed or (), present=present, loaded=loaded)
    return record_roll(actor=actor, roll=roll, organization=organization, present=present, loaded=loaded)


@service
def session_delete(*, actor: Any, session: TrainingSession) -> None:
    """Delete a session entered by mistake, with its attendance (each row audited)."""
    lock_for_update(TrainingSession, session)
    check_can_edit(actor, session.organization)
    check_period_open(session.organization, session.start_on)
    delete_rows(actor, session.attendances.select_related("member", "organization"), session=session)
    session.topics.clear()
    session.delete()
