"""Rows of the dues lists: ``x_list(*, user, filters)`` each (the one list idiom, core.lists)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.scopes import scope_root, sees_everything
from members.models import Member
from organizations.models import Organization

from ..filters import (
    ArrearsFilterSet,
    AssessmentFilterSet,
    LedgerFilterSet,
    PaymentFilterSet,
    RemittanceFilterSet,
)
from ..models import DuesAssessment, DuesPayment, Remittance, RetainedFundEntry
from .arrears import Arrears, arrears_of, warning_months

ZERO = Decimal("0.00")


def payment_list(*, user: Any, filters: PaymentFilterSet) -> QuerySet[DuesPayment]:
    """Payments recorded in the user's scope, narrowed by ``filters``."""
    return filters.filter_queryset(DuesPayment.objects.visible_to(user)).select_related(
        "member", "organization"
    )


def assessment_list(*, user: Any, filters: AssessmentFilterSet, month: dt.date) -> QuerySet[Member]:
    """Current members in scope with the assessment in force in ``month`` (category, base, fixed amount)."""
    in_force = DuesAssessment.objects.filter(member=OuterRef("pk"), effective_from__lte=month).order_by(
        "-effective_from"
    )
    members = (
        filters.filter_queryset(Member.objects.visible_to(user).current())
        .select_related("organization")
        .annotate(
            dues_category=Subquery(in_force.values("category")[:1]),
            dues_income=Subquery(in_force.values("income")[:1]),
            dues_amount=Subquery(in_force.values("amount")[:1]),
            dues_since=Subquery(in_force.values("effective_from")[:1]),
        )
    )
    values = filters.values
    if values.get("category"):
        members = members.filter(dues_category=values["category"])
    if values.get("unassessed"):
        members = members.filter(dues_category__isnull=True)
    return members


def arrears_list(*, user: Any, filters: ArrearsFilterSet, today: dt.date | None = None) -> list[Arrears]:
    """Members in scope with overdue unpaid months (computed rows, sorted by the list in Python)."""
    values = filters.values
    members = Member.objects.visible_to(user).current()
    if values.get("org"):
        members = members.within(values["org"])
    rows = arrears_of(members, today)
    if values.get("months"):
        rows = [r for r in rows if r.count >= values["months"]]
    if values.get("flagged"):
        threshold = warning_months()
        rows = [r for r in rows if r.longest_run >= threshold]
    return rows


def remittance_list(*, user: Any, filters: RemittanceFilterSet) -> QuerySet[Remittance]:
    """Remittances made from the user's scope, narrowed by ``filters``."""
    return filters.filter_queryset(Remittance.objects.visible_to(user)).select_related("from_org", "to_org")


def ledger_owner(user: Any, filters: LedgerFilterSet) -> Organization | None:
    """Whose ledger the page shows: the chosen organization, else the user's own."""
    chosen = filters.values.get("org")
    if chosen is not None:
        return chosen
    if sees_everything(user) and scope_root(user) is None:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    return scope_root(user)


def ledger_list(*, user: Any, filters: LedgerFilterSet) -> QuerySet[RetainedFundEntry]:
    """One organization's ledger in the period, each entry with the balance (余额) after it.

    The balance runs over the whole ledger in date order, so the period's
    first line carries what came before it: a subquery per shown row.
    """
    owner = ledger_owner(user, filters)
    if owner is None:
        return RetainedFundEntry.objects.none()
    before = RetainedFundEntry.objects.filter(organization=owner).filter(
        Q(entry_on__lt=OuterRef("entry_on")) | Q(entry_on=OuterRef("entry_on"), pk__lte=OuterRef("pk"))
    )
    balance = before.order_by().values("organization").annotate(total=Sum("amount")).values("total")[:1]
    rows = filters.filter_queryset(RetainedFundEntry.objects.visible_to(user).filter(organization=owner))
    return rows.select_related("organization", "reverses").annotate(balance=Coalesce(Subquery(balance), ZERO))
