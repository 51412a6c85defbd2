"""党费缴到: the month a member's dues are paid up to, computed from the payments (printed on the 介绍信).

It is the last month of the unbroken run of settled months from the first
month the member owes: a month is settled when a monthly payment is recorded
for it or it owes nothing (免交).  A member who came in with a letter starts
from the month that letter gave.  A gap stops the run, so a letter never
says "paid to October" while June is unpaid.  None when nothing is known
(never assessed, nothing paid and no letter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .. import months as m
from ..choices import MONTHLY_KINDS
from ..models import DuesPayment
from .levy import Standards, load_terms

#: How far back the run is followed (a member's dues history older than this is not in the system).
HORIZON_YEARS = 30


def paid_until_many(member_ids: Iterable[int], today: dt.date | None = None) -> dict[int, dt.date | None]:
    """党费缴到 of each member (five queries for any number of members)."""
    today = today or dt.date.today()
    ids = list(member_ids)
    hi = m.index(dt.date(today.year, 12, 1))  # months paid ahead this year count
    lo = hi - 12 * HORIZON_YEARS
    terms = load_terms(ids, lo, hi)
    standards = Standards.load()
    paid = set(
        DuesPayment.objects.live()
        .filter(member_id__in=ids, kind__in=MONTHLY_KINDS)
        .values_list("member_id", "month")
        .distinct()
    )
    result: dict[int, dt.date | None] = {}
    for member_id in ids:
        member_terms = terms.get(member_id)
        if member_terms is None:
            result[member_id] = None
            continue
        letters = [until for _, until in member_terms.letters_in if until is not None]
        last: int | None = m.index(max(letters)) if letters else None
        for levy in member_terms.levies(standards, lo, hi):
            if levy.amount is None:
                break  # not assessed: nothing known beyond
            if levy.amount > 0 and (member_id, m.from_index(levy.month)) not in paid:
                break
            last = levy.month if last is None else max(last, levy.month)
        result[member_id] = m.from_index(last) if last is not None else None
    return result


def paid_until(member: object) -> dt.date | None:
    """党费缴到 of one member (the hook ``members.hooks`` calls when a 介绍信 is issued)."""
    return paid_until_many([member.pk])[member.pk]  # type: ignore[attr-defined]
