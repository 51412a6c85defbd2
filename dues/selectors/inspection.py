"""Self-inspection (自检自查): a subtree's anomalies in a period, for the page and its export.

- paid below the standard: months paid short of what the member owes (a
  base raised since, or a wrong amount), not yet paid back;
- unpaid months: overdue months of the period with nothing paid;
- collected but not remitted: completed quarters with dues still to remit;
- balance mismatches: a ledger's retained share differing from what its
  remitted quarter keeps, and ledgers whose balance is negative.

The subtree is today's tree (a page of the current organizations).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from core.money import round_yuan
from members.models import Member
from organizations.models import Organization

from .. import months as m
from ..choices import MONTHLY_KINDS
from ..models import DuesPayment, RetainedFundEntry
from .arrears import MEMBER_FIELDS, Arrears, dues_status
from .levy import Standards, load_terms
from .remittance import Reconciliation, collecting_orgs, reconcile_many

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShortPaid:
    member: Member
    month: dt.date
    due: Decimal
    paid: Decimal

    @property
    def short(self) -> Decimal:
        return self.due - self.paid


@dataclass(frozen=True)
class NegativeBalance:
    organization: Organization
    balance: Decimal


@dataclass
class Inspection:
    organization: Organization
    start: dt.date
    end: dt.date
    below_standard: list[ShortPaid] = field(default_factory=list)
    unpaid: list[Arrears] = field(default_factory=list)
    not_remitted: list[Reconciliation] = field(default_factory=list)
    mismatched: list[Reconciliation] = field(default_factory=list)
    negative: list[NegativeBalance] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.below_standard)
            + len(self.unpaid)
            + len(self.not_remitted)
            + len(self.mismatched)
            + len(self.negative)
        )


def inspect(org: Organization, start: dt.date, end: dt.date, today: dt.date | None = None) -> Inspection:
    """The anomalies of ``org``'s subtree for months and quarters of [start, end]."""
    today = today or dt.date.today()
    found = Inspection(org, start, end)
    lo, hi = m.index(start), m.index(min(end, today))
    members = Member.objects.within(org)
    people = {p.pk: p for p in members.select_related("organization").only(*MEMBER_FIELDS)}
    # Paid below the standard.
    if hi >= lo and people:
        paid: dict[tuple[int, int], Decimal] = {}
        for member_id, month, amount in (
            DuesPayment.objects.live()
            .filter(
                member__in=members.values("pk"),
                kind__in=MONTHLY_KINDS,
                month__gte=m.from_index(lo),
                month__lte=m.from_index(hi),
            )
            .values_list("member_id", "month", "amount")
        ):
            paid[(member_id, m.index(month))] = paid.get((member_id, m.index(month)), ZERO) + amount
        terms = load_terms(members.values("pk"), lo, hi)
        standards = Standards.load()
        for member_id, member_terms in terms.items():
            for levy in member_terms.levies(standards, lo, hi):
                got = paid.get((member_id, levy.month))
                if got is not None and levy.amount is not None and got < levy.amount and member_id in people:
                    found.below_standard.append(
                        ShortPaid(people[member_id], m.from_index(levy.month), levy.amount, got)
                    )
    found.below_standard.sort(key=lambda r: (r.member.organization.path, r.member.name, r.month))
    # Unpaid overdue months of the period (current members).
    for row in dues_status(members.current(), today, since=start):
        row.unpaid = [month for month in row.unpaid if lo <= month <= m.index(end)]
        if row.unpaid:
            row.owed = sum((row.amounts[month] for month in row.unpaid), ZERO)
            found.unpaid.append(row)
    # Quarters collected but not remitted, and retained shares that disagree.
    orgs = list(collecting_orgs(org))
    for year, quarter in m.quarters_between(start, end):
        if m.quarter_span(year, quarter)[1] >= today:
            continue  # a quarter still running is not late
        for rec in reconcile_many(orgs, year, quarter):
            if rec.outstanding > 0:
                found.not_remitted.append(rec)
            if rec.retained_mismatch:
                found.mismatched.append(rec)
    # Ledgers below zero.
    for org_id, balance in (
        RetainedFundEntry.objects.filter(organization__in=orgs, entry_on__lte=end)
        .values_list("organization_id")
        .annotate(Sum("amount"))
        .order_by()
    ):
        balance = round_yuan(balance)
        if balance < 0:
            found.negative.append(NegativeBalance(next(o for o in orgs if o.pk == org_id), balance))
    return found
