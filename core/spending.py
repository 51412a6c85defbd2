"""Purchases one app records and another app keeps the ledger of, without either importing the other.

AV equipment is recorded by the training app and, when bought from retained
dues (留存党费), is an expenditure of the dues app's retained-dues ledger.
Those apps sit side by side (neither may import the other), so the app that
records the purchase calls :func:`spending_changed` here, inside its own
service's transaction, and the ledger's app registers a handler from its
``AppConfig.ready()``::

    from core.spending import register_spending_handler

    def book(*, spending, before, actor):
        if spending.source != "training.av":
            return
        ...  # write (or reverse and rewrite) the ledger entry of this purchase

    register_spending_handler(book)

A handler may refuse with a ``ValidationError`` (say, more than the
organization has retained): the purchase is then not saved and the message
lands on the form.  ``before`` is None for a new purchase; for a change it is
the :class:`Spending` as it stood, so an append-only ledger can reverse it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Spending:
    """One purchase: which record, whose money, how much, on which day."""

    source: str  # the recording app's kind of purchase, e.g. "training.av"
    record_id: int
    organization_id: int
    amount: Decimal
    spent_on: dt.date
    from_retained_dues: bool
    description: str


#: handler(*, spending: Spending, before: Spending | None, actor) -> None
SpendingHandler = Callable[..., None]
_handlers: list[SpendingHandler] = []


def register_spending_handler(handler: SpendingHandler) -> None:
    """Add a ledger's handler (idempotent: ``ready()`` may run twice)."""
    if handler not in _handlers:
        _handlers.append(handler)


def ledger_connected() -> bool:
    """True once an app keeps the ledger of these purchases (pages say so beside the funding)."""
    return bool(_handlers)


def spending_changed(*, spending: Spending, before: Spending | None, actor: Any) -> None:
    """Tell the ledgers about a purchase recorded (``before`` None) or changed, when retained dues are involved."""
    if not spending.from_retained_dues and not (before and before.from_retained_dues):
        return
    if before is not None and before == spending:
        return
    for handler in list(_handlers):
        handler(spending=spending, before=before, actor=actor)
