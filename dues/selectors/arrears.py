"""Arrears (欠缴) and back payments (补交): months owed and not paid, months paid short of a raised base.

A month is overdue once its collection period is over: the month itself for
a branch collecting monthly, its quarter for one collecting quarterly.  A
member with ``dues_arrears_warning_months`` (6) consecutive overdue unpaid
months is flagged (连续6个月不交纳党费, the 自行脱党 rule) for the branch to
handle.  Arrears follow the member: months owed to an earlier branch still
count after a move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, QuerySet

from members.models import Member
from organizations.models import Organization
from organizations.rules import get_rule

from .. import months as m
from ..choices import MONTHLY_KINDS
from ..models import DuesAssessment, DuesPayment, DuesSchedule
from .grid import first_open_month
from .levy import Standards, load_terms
from .paid import PaidMonths

ZERO = Decimal("0.00")
#: The member and organization fields the status rows, the arrears list and the to-dos read.
MEMBER_FIELDS = (
    "id",
    "name",
    "organization_id",
    "organization__id",
    "organization__name",
    "organization__code",
    "organization__path",
    "organization__kind",
)


@dataclass
class Arrears:
    """One member's overdue unpaid months."""

    member: Member
    unpaid: list[int] = field(default_factory=list)  # month indexes, in order
    owed: Decimal = ZERO
    amounts: dict[int, Decimal] = field(default_factory=dict)  # what each unpaid month owes

    @property
    def count(self) -> int:
        return len(self.unpaid)

    @property
    def longest_run(self) -> int:
        return longest_run(self.unpaid)

    @property
    def first(self) -> dt.date | None:
        return m.from_index(self.unpaid[0]) if self.unpaid else None

    @property
    def last(self) -> dt.date | None:
        return m.from_index(self.unpaid[-1]) if self.unpaid else None

    @property
    def months_label(self) -> str:
        """ "2026年1月—6月、9月": the unpaid months in runs."""
        runs: list[list[int]] = []
        for month in self.unpaid:
            if runs and month == runs[-1][-1] + 1:
                runs[-1].append(month)
            else:
                runs.append([month])
        parts = []
        year = None
        for run in runs:
            a, b = m.from_index(run[0]), m.from_index(run[-1])
            text = f"{a.month}月" if a.year == year else f"{a.year}年{a.month}月"
            if len(run) > 1:
                text += f"—{b.month}月" if a.year == b.year else f"—{b.year}年{b.month}月"
            parts.append(text)
            year = b.year
        return "、".join(parts)


def longest_run(months: list[int]) -> int:
    """The most consecutive months in ``months`` (indexes, in order)."""
    best = run = 0
    previous = None
    for month in months:
        run = run + 1 if previous is not None and month == previous + 1 else 1
        best = max(best, run)
        previous = month
    return best


def warning_months() -> int:
    return int(get_rule("dues_arrears_warning_months"))


def _open_from(members: list[Member], today: dt.date) -> dict[int, int]:
    """The first month not yet overdue for each member's organization (its schedule decides)."""
    quarterly = set(
        DuesSchedule.objects.filter(
            organization_id__in={p.organization_id for p in members}, quarterly=True
        ).values_list("organization_id", flat=True)
    )
    return {
        org_id: m.index(first_open_month(today, org_id in quarterly))
        for org_id in {p.organization_id for p in members}
    }


@dataclass
class DuesStatus(Arrears):
    """A member's state on a day: overdue unpaid months, the current period unpaid, not assessed."""

    open_unpaid: int = 0  # months of the current collection period, up to this one, not yet paid
    unassessed: bool = False


def dues_status(
    members: QuerySet[Member],
    today: dt.date | None = None,
    *,
    paid_by: dt.date | None = None,
    since: dt.date | None = None,
    open_period: bool = False,
) -> list[DuesStatus]:
    """Every member of ``members`` with their dues state on ``today`` (nine or ten queries).

    Months are read from the first assessment (or ``since``, when later);
    ``paid_by`` counts only payments made by that day (a figure as at a period
    end); ``open_period`` also counts the months of the current collection
    period not yet paid (one more query).
    """
    today = today or dt.date.today()
    # What the rows show, nothing more: a county's members decrypted and built whole would cost seconds.
    people = list(
        members.select_related("organization")
        .only(*MEMBER_FIELDS)
        .order_by("organization__path", "name", "id")
    )
    if not people:
        return []
    ids = members.values("pk")
    first = DuesAssessment.objects.filter(member_id__in=ids).aggregate(first=Min("effective_from"))["first"]
    open_from = _open_from(people, today)
    now = m.index(m.month_of(today))
    lo = m.index(first) if first else now
    if since is not None:
        lo = max(lo, m.index(since))
    lo = min(lo, now)
    terms = load_terms(ids, lo, now)
    standards = Standards.load()
    rows: dict[int, DuesStatus] = {}
    owed: dict[int, list[tuple[int, Decimal]]] = {}
    current: dict[int, list[int]] = {}
    for person in people:
        row = rows[person.pk] = DuesStatus(person)
        member_terms = terms.get(person.pk)
        if member_terms is None:
            continue
        limit = open_from[person.organization_id]
        for month, _, amount, _ in member_terms.charges(standards, lo, now):
            if amount is not None and amount > 0:
                if month < limit:
                    owed.setdefault(person.pk, []).append((month, amount))
                else:
                    current.setdefault(person.pk, []).append(month)
        row.unassessed = member_terms.unassessed(now, now)
    paid = PaidMonths(ids, lo, set(open_from.values()), paid_by=paid_by)
    limit_of = {p.pk: open_from[p.organization_id] for p in people}
    maybe = [pk for pk, months in owed.items() if paid.count(pk, limit_of[pk]) < len(months)]
    paid_months = paid.months(maybe, now)
    for pk in maybe:
        row = rows[pk]
        for month, amount in owed[pk]:
            if (pk, month) not in paid_months:
                row.unpaid.append(month)
                row.amounts[month] = amount
                row.owed += amount
    if open_period and current:
        opened = PaidMonths(ids, min(limit_of.values()), [], paid_by=paid_by).months(None, now)
        for pk, months in current.items():
            rows[pk].open_unpaid = sum(1 for month in months if (pk, month) not in opened)
    return list(rows.values())


def arrears_of(
    members: QuerySet[Member], today: dt.date | None = None, *, paid_by: dt.date | None = None
) -> list[Arrears]:
    """Every member of ``members`` with overdue unpaid months on ``today`` (eight queries)."""
    return [row for row in dues_status(members, today, paid_by=paid_by) if row.unpaid]


def arrears_in(root: Organization, today: dt.date | None = None) -> list[Arrears]:
    """Current members of ``root``'s subtree (today's tree) with overdue unpaid months."""
    return arrears_of(Member.objects.within(root).current(), today)


# --- back payments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """A paid month owing more since a base rose (补交)."""

    member: Member
    month: dt.date
    due: Decimal
    paid: Decimal
    basis_id: int | None

    @property
    def member_id(self) -> int:
        return self.member.pk

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid


def shortfalls_of(
    org: Organization, *, member_ids: list[int] | None = None, until: dt.date | None = None
) -> list[Shortfall]:
    """Paid months of ``org``'s current members whose levy now exceeds what was paid (six queries)."""
    until = until or dt.date.today()
    members = Member.objects.filter(organization=org).current()
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    people = {p.pk: p for p in members.order_by("name", "id")}
    if not people:
        return []
    payments = DuesPayment.objects.live().filter(member_id__in=list(people), kind__in=MONTHLY_KINDS)
    paid: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for member_id, month, amount in payments.values_list("member_id", "month", "amount"):
        paid[(member_id, m.index(month))] += amount
    if not paid:
        return []
    lo = min(month for _, month in paid)
    hi = m.index(dt.date(until.year, 12, 1))
    terms = load_terms(list(people), lo, hi)
    standards = Standards.load()
    result = []
    for member_id, person in people.items():
        member_terms = terms.get(member_id)
        if member_terms is None:
            continue
        for levy in member_terms.levies(standards, lo, hi):
            got = paid.get((member_id, levy.month))
            if got is not None and levy.amount is not None and levy.amount > got:
                result.append(Shortfall(person, m.from_index(levy.month), levy.amount, got, levy.basis_id))
    return result


def shortfall_totals(shortfalls: list[Shortfall]) -> list[tuple[Member, list[Shortfall], Decimal]]:
    """Shortfalls grouped by member, with what each owes in all."""
    grouped: dict[int, list[Shortfall]] = defaultdict(list)
    for s in shortfalls:
        grouped[s.member_id].append(s)
    return [(rows[0].member, rows, sum((r.owed for r in rows), ZERO)) for rows in grouped.values()]
