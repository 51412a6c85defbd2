"""Writes of attendance taken member by member: one unit's list replaced by the ticked members.

Called by the session and lecture services (``training.services.sessions``,
``training.services.lectures``), inside their ``@service`` transaction after
they locked the event and checked the actor's scope.  Rows are written in
bulk (``bulk_create``, one ``DELETE``) with their audit rows built by
``core.bulkaudit`` (``PendingCreates`` for the new rows, one insert;
``delete_entry`` for the removed ones), so 200 attendees cost the same few
queries as 2 (conventions: "Many rows at once").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from core.bulkaudit import AuditContext, PendingCreates, delete_entry
from members.models import MemberPeriod
from organizations.models import Organization

from ..selectors.attendance import Roll, digest

STALE_MESSAGE = "{org}的名单在您打开页面后已被他人修改，未保存。页面已显示最新名单，请核对后重新提交。"


class StaleRoll(ValidationError):
    """The unit's list changed since the page was loaded (another clerk saved it)."""


@dataclass(frozen=True)
class RollResult:
    organization: Organization | None  # the unit saved; None for members found by name
    present: int
    added: int
    removed: int


def record_roll(
    *, actor: Any, roll: Roll, organization: Organization, present: Iterable[int], loaded: str | None
) -> RollResult:
    """Make ``organization``'s attendees of ``roll`` exactly the ``present`` members.

    ``loaded`` is the digest of the list the page showed (None: do not check);
    a list saved by someone else since is refused with :class:`StaleRoll`.
    """
    if not organization.path.startswith(roll.organizer.path):
        raise ValidationError(
            {"org": f"{organization.name}不在{roll.organizer.name}范围内，不能列入参加人员"}
        )
    wanted = set(present)
    existing = list(
        roll.rows()
        .filter(organization=organization)
        .select_related("member")
        .only("id", "member__name", "member_id")
    )
    for row in existing:
        row.organization = organization  # the audit rows' text without a query
    if loaded is not None and digest(a.member_id for a in existing) != loaded:
        raise StaleRoll(STALE_MESSAGE.format(org=organization.name), code="stale")
    have = {a.member_id for a in existing}
    to_add = wanted - have
    periods: list[MemberPeriod] = []
    if to_add:
        periods = list(
            MemberPeriod.objects.on(roll.day)
            .filter(organization=organization, member_id__in=to_add)
            .select_related("member", "organization")
            .only("member_id", "member__id", "member__name", "organization__id", "organization__name")
        )
        if len(periods) != len(to_add):
            raise ValidationError(
                {
                    "org": f"所选党员中有人在{roll.day:%Y年%m月%d日}不是{organization.name}的党员，请刷新页面后重新选择"
                }
            )
        elsewhere = list(
            roll.rows()
            .filter(member_id__in=to_add)
            .exclude(organization=organization)
            .values_list("member__name", "organization__name")
        )
        if elsewhere:
            names = "、".join(f"{name}（{org}）" for name, org in elsewhere)
            raise ValidationError({"org": f"{names}已在参加人员名单中，不能重复登记"})
    removed = _write(actor, roll, [a for a in existing if a.member_id not in wanted], periods)
    return RollResult(organization, present=len(wanted), added=len(periods), removed=removed)


def record_found(
    *, actor: Any, roll: Roll, listed: Iterable[int], present: Iterable[int], loaded: str | None
) -> RollResult:
    """Members found by name anywhere under the organizer: the ``present`` ones of ``listed`` attend, the others not.

    Only the members the page listed change; each is placed in the
    organization they belonged to on the day.  ``loaded`` is the digest of
    the listed members who were recorded when the page was shown.
    """
    listed_ids, wanted = set(listed), set(present)
    if not wanted <= listed_ids:
        raise ValidationError("所选党员不在查找结果中，请重新查找")
    existing = list(
        roll.rows()
        .filter(member_id__in=listed_ids)
        .select_related("member", "organization")
        .only("id", "member_id", "member__name", "organization__id", "organization__name")
    )
    if loaded is not None and digest(a.member_id for a in existing) != loaded:
        raise StaleRoll(STALE_MESSAGE.format(org="查找到的党员"), code="stale")
    to_add = wanted - {a.member_id for a in existing}
    periods: list[MemberPeriod] = []
    if to_add:
        periods = list(
            MemberPeriod.objects.on(roll.day)
            .within_on(roll.organizer, roll.day)
            .filter(member_id__in=to_add)
            .select_related("member", "organization")
            .only("member_id", "member__id", "member__name", "organization__id", "organization__name")
        )
        if len(periods) != len(to_add):
            raise ValidationError(
                f"所选党员中有人在{roll.day:%Y年%m月%d日}不是{roll.organizer.name}范围内的党员，请重新查找"
            )
    removed = _write(actor, roll, [a for a in existing if a.member_id not in wanted], periods)
    return RollResult(None, present=len(wanted), added=len(periods), removed=removed)


def _write(actor: Any, roll: Roll, to_remove: list[Any], periods: list[MemberPeriod]) -> int:
    """Delete ``to_remove`` and add an attendance for each period's member, with their audit rows (bulk)."""
    context = AuditContext.current(actor)
    entries: list[LogEntry] = []
    if to_remove:
        for row in to_remove:
            setattr(row, roll.event_field, roll.event)  # the audit row's text names the event without a query
            entry = delete_entry(row, context)
            if entry is not None:
                entries.append(entry)
        with disable_auditlog():  # the entries above are the audit rows of this delete
            roll.model.objects.filter(pk__in=[row.pk for row in to_remove]).delete()
    if periods:
        rows = [
            roll.model(**{roll.event_field: roll.event}, member=p.member, organization=p.organization)
            for p in sorted(periods, key=lambda p: p.member_id)
        ]
        pending = PendingCreates(rows, context)  # diffed now, no query
        roll.model.objects.bulk_create(rows)
        pending.insert()
    if entries:
        LogEntry.objects.bulk_create(entries)
    return len(to_remove)


def delete_rows(actor: Any, rows: Any, **loaded: Any) -> int:
    """Delete attendance rows in bulk with their audit rows (an event deleted with its list).

    ``loaded`` sets relations already at hand on every row (the event), so the
    audit rows' text costs no query.
    """
    context = AuditContext.current(actor)
    objects = list(rows)
    entries = []
    for row in objects:
        for name, value in loaded.items():
            setattr(row, name, value)
        entry = delete_entry(row, context)
        if entry is not None:
            entries.append(entry)
    if objects:
        with disable_auditlog():
            rows.delete()
        LogEntry.objects.bulk_create(entries)
    return len(objects)


def check_attendees_on(rows: Any, day: Any, field: str) -> None:
    """Every listed attendee must have belonged to the organization they are listed under on ``day``.

    Called when an event's date changes (two queries); the refusal names up to five of them.
    """
    listed = list(rows.values_list("member_id", "organization_id", "member__name"))
    if not listed:
        return
    held = set(
        MemberPeriod.objects.on(day)
        .filter(member_id__in=[m for m, _, _ in listed])
        .values_list("member_id", "organization_id")
    )
    wrong = [name for member, org, name in listed if (member, org) not in held]
    if wrong:
        shown = "、".join(wrong[:5]) + (f"等{len(wrong)}人" if len(wrong) > 5 else "")
        raise ValidationError({field: f"{shown}在该日期不是所列组织的党员，请核对日期或先调整参加人员名单"})
