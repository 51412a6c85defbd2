"""Writes for care visits (走访慰问): the visit and the members it reached, with the money given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.money import parse_amount
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ..hooks import care_visit_changed
from ..models import CareFunding, CareOccasion, CareVisit, CareVisitMember, Member

#: Header fields ``care_visit_update`` may change.
VISIT_FIELDS = ("visited_on", "occasion", "visitors", "funding", "note")


def clean_amount(value: Any, who: str = "") -> Decimal:
    """慰问金: a money amount (core.money.parse_amount) whose errors name the member."""
    return parse_amount(value, label="慰问金", who=who)


def _validate_header(visit: CareVisit) -> None:
    if visit.visited_on and visit.visited_on > dt.date.today():
        raise ValidationError({"visited_on": "走访日期不能晚于今天"})
    if visit.visited_on:
        check_period_open(visit.organization, visit.visited_on, "visited_on")
    if visit.occasion not in CareOccasion.values:
        raise ValidationError({"occasion": "请选择慰问时机"})
    if visit.funding not in CareFunding.values:
        raise ValidationError({"funding": "请选择经费来源"})
    visit.visitors = (visit.visitors or "").strip()
    if not visit.visitors:
        raise ValidationError({"visitors": "请填写走访人员"})
    visit.full_clean()


def _add_members(
    actor: Any, visit: CareVisit, entries: Iterable[tuple[Member, Any]]
) -> list[CareVisitMember]:
    added: list[CareVisitMember] = []
    seen = set(visit.recipients.values_list("member_id", flat=True)) if visit.pk else set()
    for member, raw_amount in entries:
        # Out of the actor's scope looks like "not found", as everywhere.
        check_can_edit(actor, member.organization)
        amount = clean_amount(raw_amount, member.name)
        if not member.organization.path.startswith(visit.organization.path):
            raise ValidationError(
                {"member": f"{member.name}不属于{visit.organization.name}，不能列入本次慰问"}
            )
        if member.joined_on > visit.visited_on or (member.left_on and member.left_on <= visit.visited_on):
            raise ValidationError({"member": f"{member.name}在走访日期不是本组织党员"})
        if member.pk in seen:
            raise ValidationError({"member": f"{member.name}已在本次慰问名单中"})
        seen.add(member.pk)
        recipient = CareVisitMember(
            visit=visit, member=member, organization=member.organization, amount=amount
        )
        recipient.full_clean()
        recipient.save()
        added.append(recipient)
    return added


@service
def care_visit_create(
    *,
    actor: Any,
    organization: Organization,
    visited_on: dt.date,
    occasion: str,
    visitors: str,
    funding: str,
    note: str = "",
    entries: Iterable[tuple[Member, Any]] = (),
) -> CareVisit:
    """Record a care visit organized by ``organization`` and, optionally, the members it reached."""
    check_can_edit(actor, organization)
    visit = CareVisit(
        organization=organization,
        visited_on=visited_on,
        occasion=occasion,
        visitors=visitors,
        funding=funding,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate_header(visit)
    visit.save()
    _add_members(actor, visit, entries)
    care_visit_changed(visit, actor)  # paid from retained dues: the ledger follows (members.hooks)
    return visit


@service
def care_visit_update(
    *, actor: Any, visit: CareVisit, expected_version: int | None = None, **changes: Any
) -> CareVisit:
    """Correct a visit's date, occasion, visitors, funding or note.

    ``changes`` are the fields the user changed; the row is locked and only
    those are written.  ``expected_version`` (the version the user's form was
    loaded with) refuses a save over a newer record (``core.versioning``).
    """
    unknown = set(changes) - set(VISIT_FIELDS)
    if unknown:
        raise ValueError(f"care_visit_update cannot change {sorted(unknown)}")
    lock_for_update(CareVisit, visit, expected_version=expected_version)
    check_can_edit(actor, visit.organization)
    check_period_open(visit.organization, visit.visited_on)  # the date it has now, before any change
    changes = {f: value.strip() if isinstance(value, str) else value for f, value in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(visit, f)]
    if not changed:
        return visit  # nothing to write, so no new version
    for field in changed:
        setattr(visit, field, changes[field])
    _validate_header(visit)
    visited_on = visit.visited_on
    for recipient in visit.recipients.select_related("member"):
        member = recipient.member
        if member.joined_on > visited_on or (member.left_on and member.left_on <= visited_on):
            raise ValidationError({"visited_on": f"{member.name}在该日期不是党员，请核对走访日期"})
    save_changed(visit, changed)
    care_visit_changed(visit, actor)
    return visit


@service
def care_visit_add_members(
    *, actor: Any, visit: CareVisit, entries: Iterable[tuple[Member, Any]]
) -> list[CareVisitMember]:
    """Add members (each with the amount given) to a visit."""
    # Locked: a change of the visit's date waits, so every member is checked against the date it keeps.
    lock_for_update(CareVisit, visit)
    check_can_edit(actor, visit.organization)
    check_period_open(visit.organization, visit.visited_on)
    added = _add_members(actor, visit, entries)
    if not added:
        raise ValidationError({"member": "请至少选择一名慰问对象"})
    care_visit_changed(visit, actor)
    return added


@service
def care_visit_set_amount(*, actor: Any, recipient: CareVisitMember, amount: Any) -> CareVisitMember:
    """Correct the amount given to one member."""
    check_can_edit(actor, recipient.visit.organization)
    check_period_open(recipient.visit.organization, recipient.visit.visited_on)
    recipient.amount = clean_amount(amount, recipient.member.name)
    recipient.full_clean()
    recipient.save(update_fields=["amount"])
    care_visit_changed(recipient.visit, actor)
    return recipient


@service
def care_visit_remove_member(*, actor: Any, recipient: CareVisitMember) -> None:
    """Take a member off a visit's list (entered by mistake)."""
    check_can_edit(actor, recipient.visit.organization)
    check_period_open(recipient.visit.organization, recipient.visit.visited_on)
    recipient.delete()
    care_visit_changed(recipient.visit, actor)
