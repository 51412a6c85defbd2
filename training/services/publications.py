"""Writes for party publication subscriptions (党刊征订)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import service
from core.money import parse_amount
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ..models import Publication, Subscription

SUBSCRIPTION_FIELDS = ("copies", "amount", "note")


def _validate(subscription: Subscription) -> None:
    subscription.amount = parse_amount(subscription.amount, label="金额")
    this_year = timezone.localdate().year
    if not (1949 <= subscription.year <= this_year + 1):
        raise ValidationError({"year": f"征订年度应在1949至{this_year + 1}之间"})
    subscription.full_clean()


@service
def subscription_create(
    *,
    actor: Any,
    organization: Organization,
    publication: Publication,
    year: int,
    copies: int,
    amount: Decimal | str = Decimal("0"),
    note: str = "",
) -> Subscription:
    """Record ``organization``'s subscription to ``publication`` for ``year`` (one row per year and title)."""
    check_can_edit(actor, organization)
    subscription = Subscription(
        organization=organization,
        publication=publication,
        year=year,
        copies=copies,
        amount=amount,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(subscription)
    subscription.save()
    return subscription


@service
def subscription_update(
    *, actor: Any, subscription: Subscription, expected_version: int | None = None, **changes: Any
) -> Subscription:
    """Correct the copies, amount or note of a subscription (only what the user changed)."""
    unknown = set(changes) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise ValueError(f"subscription_update cannot change {sorted(unknown)}")
    lock_for_update(Subscription, subscription, expected_version=expected_version)
    check_can_edit(actor, subscription.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(subscription, f)]
    if not changed:
        return subscription
    for field in changed:
        setattr(subscription, field, changes[field])
    _validate(subscription)
    save_changed(subscription, changed)
    return subscription
