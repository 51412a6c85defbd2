"""Where apps above ``members`` plug in (dues), so the dependency arrow keeps pointing one way.

``members`` never imports ``dues``.  Two things of a member's life depend on
dues all the same, and the dues app registers them from its ``AppConfig.ready()``:

- 党费缴到 on a 介绍信 is computed from the payments, not typed in
  (:func:`dues_paid_until`, called when a letter is issued and when a payment
  changes a member's pending letter);
- a care visit paid from retained dues (留存党费) is an expenditure of the
  organizer's retained-dues ledger (:func:`care_visit_changed`, called by every
  care-visit service inside its transaction, after the change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

PaidUntilProvider = Callable[[Any], dt.date | None]
CareVisitHook = Callable[[Any, Any], None]

_paid_until: list[PaidUntilProvider] = []
_care_hooks: list[CareVisitHook] = []


def register_dues_paid_until(provider: PaidUntilProvider) -> None:
    """The provider of 党费缴到 (one; registering again replaces it, so ``ready()`` may run twice)."""
    _paid_until[:] = [provider]


def dues_paid_until(member: Any) -> dt.date | None:
    """The month the member's dues are paid up to (None when no app keeps dues)."""
    for provider in _paid_until:
        return provider(member)
    return None


def register_care_visit_hook(hook: CareVisitHook) -> None:
    """Add a hook called as ``hook(visit, actor)`` after a care visit or its list of recipients changed."""
    if hook not in _care_hooks:
        _care_hooks.append(hook)


def care_visit_changed(visit: Any, actor: Any) -> None:
    for hook in _care_hooks:
        hook(visit, actor)
