"""Writes for AV education: equipment deliveries and their service events, the film catalogue, film orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import service
from core.money import parse_amount
from core.periodlock import check_period_open
from core.scopes import can_write, check_can_edit, scope_root, sees_everything
from core.versioning import lock_for_update, save_changed
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import STATUS_AFTER, EquipmentEventKind, EquipmentStatus, Funding, TrainingKind
from ..hooks import av_spending_changed, spending_of
from ..models import AVEquipment, AVEquipmentEvent, AVFilm, FilmOrder

EQUIPMENT_FIELDS = ("delivered_on", "sets", "items", "amount", "funding", "note")
ORDER_FIELDS = ("copies", "amount", "ordered_on", "distributed_on", "note")
FILM_FIELDS = ("title", "kind", "source", "minutes", "year", "note")


def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})


def _validate_equipment(equipment: AVEquipment) -> None:
    equipment.items = (equipment.items or "").strip()
    equipment.amount = parse_amount(equipment.amount, label="金额")
    if equipment.funding not in Funding.values:
        raise ValidationError({"funding": "请选择经费来源"})
    _not_future(equipment.delivered_on, "delivered_on", "配发日期")
    if equipment.delivered_on:
        check_period_open(equipment.organization, equipment.delivered_on, "delivered_on")
    if equipment.organization.kind == OrgKind.GROUP:
        raise ValidationError({"organization": "电教设备配备到党支部或党委，不配备到党小组"})
    equipment.full_clean()


@service
def equipment_create(
    *,
    actor: Any,
    organization: Organization,
    delivered_on: dt.date,
    sets: int,
    amount: Decimal | str,
    funding: str,
    items: str = "",
    note: str = "",
) -> AVEquipment:
    """Record equipment delivered to ``organization`` (in service from its delivery); a retained-dues
    purchase is passed to the dues ledger (``training.hooks``)."""
    check_can_edit(actor, organization)
    equipment = AVEquipment(
        organization=organization,
        delivered_on=delivered_on,
        sets=sets,
        items=items,
        amount=amount,
        funding=funding,
        note=(note or "").strip(),
        status=EquipmentStatus.IN_SERVICE,
        status_on=delivered_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate_equipment(equipment)
    equipment.save()
    av_spending_changed(equipment=equipment, actor=actor, before=None)
    return equipment


@service
def equipment_update(
    *, actor: Any, equipment: AVEquipment, expected_version: int | None = None, **changes: Any
) -> AVEquipment:
    """Correct a delivery (only the fields the user changed); the ledger hears of a change of money."""
    unknown = set(changes) - set(EQUIPMENT_FIELDS)
    if unknown:
        raise ValueError(f"equipment_update cannot change {sorted(unknown)}")
    lock_for_update(AVEquipment, equipment, expected_version=expected_version)
    check_can_edit(actor, equipment.organization)
    check_period_open(
        equipment.organization, equipment.delivered_on
    )  # the date it has now, before any change
    before = spending_of(equipment)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(equipment, f)]
    if not changed:
        return equipment
    for field in changed:
        setattr(equipment, field, changes[field])
    _validate_equipment(equipment)
    first = equipment.events.order_by("happened_on", "id").first()
    if first is not None and equipment.delivered_on > first.happened_on:
        raise ValidationError({"delivered_on": f"配发日期不能晚于已登记的{first.get_kind_display()}日期"})
    if "delivered_on" in changed and equipment.status == EquipmentStatus.IN_SERVICE and first is None:
        equipment.status_on = equipment.delivered_on
        changed.append("status_on")
    save_changed(equipment, changed)
    av_spending_changed(equipment=equipment, actor=actor, before=before)
    return equipment


@service
def equipment_event_record(
    *, actor: Any, equipment: AVEquipment, kind: str, happened_on: dt.date, note: str = ""
) -> AVEquipmentEvent:
    """Record that the equipment broke down, was repaired or was scrapped on ``happened_on``."""
    lock_for_update(AVEquipment, equipment)
    check_can_edit(actor, equipment.organization)
    if kind not in EquipmentEventKind.values:
        raise ValidationError({"kind": "请选择事项"})
    _not_future(happened_on, "happened_on", "日期")
    if happened_on < equipment.delivered_on:
        raise ValidationError({"happened_on": "日期不能早于配发日期"})
    last = equipment.events.order_by("-happened_on", "-id").first()
    if last is not None and happened_on < last.happened_on:
        raise ValidationError(
            {
                "happened_on": f"日期不能早于上一次登记的{last.get_kind_display()}（{last.happened_on:%Y-%m-%d}）"
            }
        )
    allowed = {
        EquipmentStatus.IN_SERVICE: (EquipmentEventKind.BROKEN, EquipmentEventKind.SCRAPPED),
        EquipmentStatus.BROKEN: (EquipmentEventKind.REPAIRED, EquipmentEventKind.SCRAPPED),
        EquipmentStatus.SCRAPPED: (),
    }[EquipmentStatus(equipment.status)]
    if kind not in allowed:
        raise ValidationError(
            {
                "kind": f"设备当前为“{equipment.get_status_display()}”，不能登记“{EquipmentEventKind(kind).label}”"
            }
        )
    event = AVEquipmentEvent(
        equipment=equipment,
        kind=kind,
        happened_on=happened_on,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    event.full_clean()
    event.save()
    equipment.status = STATUS_AFTER[EquipmentEventKind(kind)]
    equipment.status_on = happened_on
    save_changed(equipment, ["status", "status_on"])
    return event


# --- the film catalogue: kept by the county (its staff or an administrator) -----------------------


def may_edit_catalogue(user: Any) -> bool:
    """The film catalogue is the county's: county staff (scope root a 县委) and administrators."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return can_write(user) and root is not None and root.kind == OrgKind.COUNTY_COMMITTEE


def _check_catalogue(actor: Any) -> None:
    if not may_edit_catalogue(actor):
        raise PermissionDenied("电教片目录由县委组织部维护")


def _validate_film(film: AVFilm) -> None:
    film.title = (film.title or "").strip()
    if not film.title:
        raise ValidationError({"title": "请填写片名"})
    if film.kind not in TrainingKind.values:
        raise ValidationError({"kind": "请选择类别"})
    film.full_clean()


@service
def film_create(*, actor: Any, title: str, kind: str, source: str = "", **fields: Any) -> AVFilm:
    """Add a film to the catalogue."""
    _check_catalogue(actor)
    film = AVFilm(title=title, kind=kind, **fields)
    if source:
        film.source = source.strip()
    _validate_film(film)
    film.save()
    return film


@service
def film_update(*, actor: Any, film: AVFilm, **changes: Any) -> AVFilm:
    """Correct a film of the catalogue."""
    _check_catalogue(actor)
    unknown = set(changes) - set(FILM_FIELDS)
    if unknown:
        raise ValueError(f"film_update cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(film, field, value.strip() if isinstance(value, str) else value)
    _validate_film(film)
    film.save()
    return film


# --- film orders ----------------------------------------------------------------------------------


def _validate_order(order: FilmOrder) -> None:
    order.amount = parse_amount(order.amount, label="金额")
    _not_future(order.ordered_on, "ordered_on", "订购日期")
    _not_future(order.distributed_on, "distributed_on", "发放日期")
    if order.distributed_on and order.ordered_on and order.distributed_on < order.ordered_on:
        raise ValidationError({"distributed_on": "发放日期不能早于订购日期"})
    order.full_clean()


@service
def film_order_create(
    *,
    actor: Any,
    organization: Organization,
    film: AVFilm,
    copies: int,
    ordered_on: dt.date,
    amount: Decimal | str = Decimal("0"),
    distributed_on: dt.date | None = None,
    note: str = "",
) -> FilmOrder:
    """Record copies of a film ordered for ``organization``, and when they were handed out if already."""
    check_can_edit(actor, organization)
    order = FilmOrder(
        organization=organization,
        film=film,
        copies=copies,
        amount=amount,
        ordered_on=ordered_on,
        distributed_on=distributed_on,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate_order(order)
    order.save()
    return order


@service
def film_order_update(
    *, actor: Any, order: FilmOrder, expected_version: int | None = None, **changes: Any
) -> FilmOrder:
    """Correct an order or record its distribution (only the fields the user changed)."""
    unknown = set(changes) - set(ORDER_FIELDS)
    if unknown:
        raise ValueError(f"film_order_update cannot change {sorted(unknown)}")
    lock_for_update(FilmOrder, order, expected_version=expected_version)
    check_can_edit(actor, order.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(order, f)]
    if not changed:
        return order
    for field in changed:
        setattr(order, field, changes[field])
    _validate_order(order)
    save_changed(order, changed)
    return order
