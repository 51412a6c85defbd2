"""Where the dues app plugs into AV education, so training never imports it.

AV equipment is often bought from retained dues (留存党费): “县委组织部从留存
党费中拿出6万元……配备55套电教设备”.  The retained-dues ledger belongs to the
dues app, which sits beside training (neither imports the other).  So the
equipment services call the handlers registered here, inside their own
transaction, whenever a retained-dues purchase is recorded or its money
changes; the dues app registers one from its ``AppConfig.ready()``::

    from training.hooks import register_av_spending

    def book_av_purchase(*, equipment, actor, before):
        ...  # write (or reverse and rewrite) the RetainedFundEntry of this purchase

    register_av_spending(book_av_purchase)

A handler may refuse with a ``ValidationError`` (say, more than the
organization has retained): the equipment is then not saved and the message
lands on the form.  ``before`` is None for a new purchase; for a change it is
the :class:`AVSpending` as it stood, so the ledger can reverse it (ledgers are
append-only).  ``spending_of`` gives the same snapshot of a record now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .choices import Funding


@dataclass(frozen=True)
class AVSpending:
    """What the ledger needs of one equipment purchase: whose money, how much, on which day."""

    equipment_id: int
    organization_id: int
    amount: Decimal
    spent_on: dt.date
    from_retained_dues: bool
    description: str


def spending_of(equipment: Any) -> AVSpending:
    return AVSpending(
        equipment_id=equipment.pk,
        organization_id=equipment.organization_id,
        amount=equipment.amount,
        spent_on=equipment.delivered_on,
        from_retained_dues=equipment.funding == Funding.RETAINED_DUES,
        description=f"配备电教设备{equipment.sets}套",
    )


#: handler(*, equipment, actor, before: AVSpending | None) -> None
AVSpendingHandler = Callable[..., None]
_av_spending: list[AVSpendingHandler] = []


def register_av_spending(handler: AVSpendingHandler) -> None:
    """Add a handler (idempotent: ``ready()`` may run twice)."""
    if handler not in _av_spending:
        _av_spending.append(handler)


def ledger_connected() -> bool:
    """True once an app books retained-dues purchases (the pages say so beside the funding)."""
    return bool(_av_spending)


def av_spending_changed(*, equipment: Any, actor: Any, before: AVSpending | None) -> None:
    """Tell the ledger about a purchase recorded (``before`` None) or changed, when retained dues are involved."""
    now = spending_of(equipment)
    if not now.from_retained_dues and not (before and before.from_retained_dues):
        return
    if before is not None and before == now:
        return
    for handler in list(_av_spending):
        handler(equipment=equipment, actor=actor, before=before)
