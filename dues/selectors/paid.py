"""Which months members paid, read cheaply for thousands of members.

Most members paid every month they owe.  Counting the months each member
paid (one grouped query) and comparing with the months they owe settles
them without reading their months; only the members who may owe have their
paid months read (a second query, in chunks).  A county's 120,000 payments
are then a few thousand rows read instead of all of them.

The count assumes payments are for months the member owes, which the
services ensure (a month not held, not assessed or exempt is refused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from .. import months as m
from ..choices import MONTHLY_KINDS
from ..models import DuesPayment

#: Member ids per query: one query in practice (SQLite allows 32,766 parameters a statement).
CHUNK = 30000


class PaidMonths:
    """Monthly payments (按月 and 补交, not voided) of ``members`` for months from ``lo`` on."""

    def __init__(
        self,
        members: QuerySet | Iterable[int],
        lo: int,
        limits: Iterable[int],
        paid_by: dt.date | None = None,
    ) -> None:
        self.limits = sorted(set(limits))
        self.members = members
        base = DuesPayment.objects.live().filter(kind__in=MONTHLY_KINDS, month__gte=m.from_index(lo))
        if paid_by is not None:
            base = base.filter(paid_on__lte=paid_by)
        self.base = base
        self.counts: dict[int, dict[int, int]] = {}
        if not self.limits:
            return
        # How many distinct months each member paid before each limit (one query).
        annotations = {
            f"before_{limit}": Count("month", distinct=True, filter=Q(month__lt=m.from_index(limit)))
            for limit in self.limits
        }
        rows = (
            base.filter(member_id__in=members, month__lt=m.from_index(self.limits[-1]))
            .values("member_id")
            .annotate(**annotations)
            .order_by()
        )
        for row in rows:
            self.counts[row["member_id"]] = {limit: row[f"before_{limit}"] for limit in self.limits}

    def count(self, member_id: int, limit: int) -> int:
        """Months the member paid before ``limit`` (one of the limits given)."""
        return self.counts.get(member_id, {}).get(limit, 0)

    def months(self, member_ids: Iterable[int] | None, hi: int) -> set[tuple[int, int]]:
        """(member, month) paid up to ``hi``: for these members (one query), or for all of them (None)."""
        if member_ids is None:
            return self._read(self.base.filter(member_id__in=self.members), hi)
        ids = sorted(set(member_ids))
        found: set[tuple[int, int]] = set()
        for i in range(0, len(ids), CHUNK):
            found |= self._read(self.base.filter(member_id__in=ids[i : i + CHUNK]), hi)
        return found

    @staticmethod
    def _read(payments: QuerySet, hi: int) -> set[tuple[int, int]]:
        rows = (
            payments.filter(month__lte=m.from_index(hi))
            .values_list("member_id", "month")
            .distinct()
            .order_by()
        )
        return {(member_id, m.index(month)) for member_id, month in rows}
