"""AV equipment as a purchase the dues app's retained-dues ledger may book (``core.spending``).

“县委组织部从留存党费中拿出6万元……配备55套电教设备”: the equipment services
call :func:`av_spending_changed` inside their transaction whenever a purchase
is recorded or its money changes; the dues app (beside training, neither
imports the other) books it by registering a ``core.spending`` handler that
handles ``source == AV_SOURCE``.  A handler's ``ValidationError`` refuses the
save.
"""

from __future__ import annotations

from typing import Any

from core.spending import Spending, ledger_connected, spending_changed

from .choices import Funding

#: ``Spending.source`` of AV equipment.
AV_SOURCE = "training.av"

__all__ = ["AV_SOURCE", "av_spending_changed", "ledger_connected", "spending_of"]


def spending_of(equipment: Any) -> Spending:
    """The purchase as the ledger sees it, now."""
    return Spending(
        source=AV_SOURCE,
        record_id=equipment.pk,
        organization_id=equipment.organization_id,
        amount=equipment.amount,
        spent_on=equipment.delivered_on,
        from_retained_dues=equipment.funding == Funding.RETAINED_DUES,
        description=f"配备电教设备{equipment.sets}套",
    )


def av_spending_changed(*, equipment: Any, actor: Any, before: Spending | None) -> None:
    spending_changed(spending=spending_of(equipment), before=before, actor=actor)
