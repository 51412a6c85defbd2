"""Where apps above ``organizations`` plug in, so the dependency arrow keeps pointing one way.

``organizations`` never imports ``members`` (or any app above it).  Pages of
the tree still show member counts and warnings, and closing an organization
must move or refuse its members: the apps above register those pieces here
from their ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# handler(org, successor_or_None, day, actor): raise ValidationError to refuse
# the closing, or move records to the successor.  Called inside the service's
# transaction, before the organization is marked closed.
CLOSING_HANDLERS: list[Callable[[Any, Any, dt.date, Any], None]] = []
# check(org, new_parent, day): raise ValidationError to refuse moving ``org`` under
# ``new_parent`` (a 党小组 still holding members of its branch).  Nothing is written yet.
MOVING_CHECKS: list[Callable[[Any, Any, dt.date], None]] = []


@dataclass(frozen=True)
class DirectCounts:
    """Members kept directly by one organization (not its subtree).

    For a 党小组, the members placed in it: they stay on their branch's roll,
    so ``in_parent`` is set and totals above the group count them once, at the branch.
    """

    members: int = 0
    full: int = 0
    probationary: int = 0
    in_parent: bool = False


# provider(org_ids) -> {org_id: DirectCounts}: current members held directly
# by each organization, and for a 党小组 those placed in it (``in_parent``).
# One query, whatever the number of organizations.
MemberCountsProvider = Callable[[Iterable[int]], dict[int, DirectCounts]]
_member_counts: list[MemberCountsProvider] = []


def register_member_counts(provider: MemberCountsProvider) -> None:
    if provider not in _member_counts:
        _member_counts.append(provider)


def direct_member_counts(org_ids: Iterable[int]) -> dict[int, DirectCounts]:
    """Current members held directly by each organization ({} when no app provides them)."""
    for provider in _member_counts:
        return provider(org_ids)
    return {}
