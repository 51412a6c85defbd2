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


@dataclass(frozen=True)
class DirectCounts:
    """Members kept directly by one organization (not its subtree)."""

    members: int = 0
    full: int = 0
    probationary: int = 0


# provider(org_ids) -> {org_id: DirectCounts}: current members held directly
# by each organization.  One query, whatever the number of organizations.
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
