"""dues.* figures (INDICATORS.md) of a subtree and period, counted on the tree as it stood (the dated tree).

- ``levied`` / ``paid`` / ``collection_rate``: owed and paid for the months
  of the period; a month counts where the member belonged on its first day,
  placed in the tree as it stood that day; payments made by the period's end;
- ``members_in_arrears``: members of the subtree on the last day with an
  overdue unpaid month by then (``members_flagged``: a run of
  ``dues_arrears_warning_months``);
- ``remitted``: what the organization itself remitted upward in the period;
- ``retained_spent`` (``_av``, ``_care``): expenditure of the subtree's
  retained-dues ledgers in the period, net of reversals;
  ``retained_balance``: their balance on the last day.

A period not over yet is counted as far as today (the months begun, the
payments made, the months overdue by now), so this year's rate is not
lowered by December's dues in November.

One pass serves a single organization and its breakdown by the organizations
under it (``dues_breakdown``): a fixed number of queries (lineage, periods,
assessments, letters, rules, payments twice, schedules, remittances, ledger,
the warning rule), whatever the size of the county.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, Q, Sum

from core.money import round_yuan
from members.models import MemberPeriod
from organizations.choices import OrgKind
from organizations.lineage import children_on
from organizations.models import Organization, OrgLineage

from .. import months as m
from ..choices import EXPENSE_PURPOSES, MONTHLY_KINDS, LedgerPurpose
from ..models import DuesAssessment, DuesPayment, DuesSchedule, Remittance, RetainedFundEntry
from .arrears import longest_run, warning_months
from .grid import first_open_month
from .levy import Standards, load_terms
from .paid import PaidMonths

ZERO = Decimal("0.00")


@dataclass
class DuesFigures:
    """dues.* of one organization's subtree and period."""

    levied: Decimal = ZERO
    paid: Decimal = ZERO
    members_levied: int = 0
    members_unassessed: int = 0
    members_in_arrears: int = 0
    members_flagged: int = 0
    remitted: Decimal = ZERO
    retained_spent: Decimal = ZERO
    retained_spent_av: Decimal = ZERO
    retained_spent_care: Decimal = ZERO
    retained_balance: Decimal = ZERO
    _levied_members: set[int] = field(default_factory=set, repr=False)
    _unassessed_members: set[int] = field(default_factory=set, repr=False)

    @property
    def collection_rate(self) -> Decimal | None:
        """paid / levied in %, one decimal (None when nothing was levied)."""
        if not self.levied:
            return None
        return (self.paid * 100 / self.levied).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_indicators(self) -> dict[str, object]:
        """The flat dues.* keys of the indicators JSON."""
        return {
            "dues.levied": self.levied,
            "dues.paid": self.paid,
            "dues.collection_rate": self.collection_rate,
            "dues.members_in_arrears": self.members_in_arrears,
            "dues.remitted": self.remitted,
            "dues.retained_spent": self.retained_spent,
            "dues.retained_spent_av": self.retained_spent_av,
            "dues.retained_spent_care": self.retained_spent_care,
        }


class Buckets:
    """Which counted organization (the root, or one of the organizations under it) an organization fell in on a day."""

    def __init__(self, root: Organization, parts: list[Organization]) -> None:
        self.root = root
        self.part_ids = [p.pk for p in parts]
        rows = OrgLineage.objects.filter(ancestor_id__in=[root.pk, *self.part_ids]).values_list(
            "ancestor_id", "descendant_id", "start_on", "end_on"
        )
        self._spans: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for ancestor, descendant, start_on, end_on in rows:
            self._spans[descendant].append((ancestor, start_on, end_on))
        self._memo: dict[tuple[int, dt.date], int | None] = {}

    @property
    def descendants(self) -> list[int]:
        """Every organization ever under the root (to narrow the queries)."""
        return [d for d, spans in self._spans.items() if any(a == self.root.pk for a, _, _ in spans)]

    def of(self, org_id: int, day: dt.date) -> int | None:
        key = (org_id, day)
        if key not in self._memo:
            found = None
            for ancestor, start_on, end_on in self._spans.get(org_id, ()):
                if start_on <= day and (end_on is None or day < end_on):
                    if ancestor != self.root.pk:
                        found = ancestor
                        break
                    found = self.root.pk
            self._memo[key] = found
        return self._memo[key]


def _compute(
    root: Organization, parts: list[Organization], start: dt.date, end: dt.date
) -> dict[int, DuesFigures]:
    buckets = Buckets(root, parts)
    figures: dict[int, DuesFigures] = defaultdict(DuesFigures)
    below = buckets.descendants
    # A period not over yet counts as far as today: months begun, payments made, arrears overdue by now
    # (this month is still being collected); a past period's months are all due by its last day.
    running = end >= dt.date.today()
    end = min(end, dt.date.today())
    lo, hi = m.index(start), m.index(end)
    # Members who belonged somewhere under the root during the period or on its last day.
    touched = (
        MemberPeriod.objects.filter(organization_id__in=below, start_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=start) | Q(end_on__gt=end))
        .values("member_id")
    )
    first = DuesAssessment.objects.filter(member_id__in=touched).aggregate(first=Min("effective_from"))[
        "first"
    ]
    since = min(m.index(first), lo) if first else lo
    terms = load_terms(touched, since, hi)
    standards = Standards.load()
    for org_id, month, total in (
        DuesPayment.objects.live()
        .filter(
            organization_id__in=below,
            kind__in=MONTHLY_KINDS,
            paid_on__lte=end,
            month__gte=m.from_index(lo),
            month__lte=m.from_index(hi),
        )
        .values_list("organization_id", "month")
        .annotate(Sum("amount"))
        .order_by()
    ):
        bucket = buckets.of(org_id, month)
        if bucket is not None:
            figures[bucket].paid += round_yuan(total)  # SQLite sums money as floats: back to the cent
    # Arrears as at the period's end: overdue months end where each organization's collection period began.
    quarterly = set(DuesSchedule.objects.filter(quarterly=True).values_list("organization_id", flat=True))
    day_after = end if running else end + dt.timedelta(days=1)
    open_month = {
        True: m.index(first_open_month(day_after, True)),
        False: m.index(first_open_month(day_after, False)),
    }
    threshold = warning_months()
    owing: dict[
        int, tuple[int, list[int]]
    ] = {}  # member → (bucket on the last day, months owed before the limit)
    limits: dict[int, int] = {}
    for member_id, member_terms in terms.items():
        on_end = next(
            (org for s, e, org in member_terms.spans if s <= end and (e is None or e > end)),
            None,
        )
        end_bucket = buckets.of(on_end, end) if on_end is not None else None
        limit = open_month[on_end in quarterly] if on_end is not None else lo
        owed: list[int] = []
        for month, org_id, amount, _ in member_terms.charges(standards, since, hi):
            if month >= lo:
                bucket = buckets.of(org_id, m.from_index(month))
                if bucket is not None:
                    target = figures[bucket]
                    if amount is None:
                        target._unassessed_members.add(member_id)
                    else:
                        target.levied += amount
                        target._levied_members.add(member_id)
            if end_bucket is not None and month < limit and amount:
                owed.append(month)
        if owed:
            owing[member_id] = (end_bucket, owed)  # type: ignore[assignment]
            limits[member_id] = limit
    # Payments made by the period's end: counts settle most members, the others' months are read.
    paid = PaidMonths(touched, since, set(limits.values()), paid_by=end)
    maybe = [mid for mid, (_, owed) in owing.items() if paid.count(mid, limits[mid]) < len(owed)]
    paid_months = paid.months(maybe, hi)
    for member_id in maybe:
        end_bucket, owed = owing[member_id]
        unpaid = [month for month in owed if (member_id, month) not in paid_months]
        if not unpaid:
            continue
        figures[end_bucket].members_in_arrears += 1
        if longest_run(unpaid) >= threshold:
            figures[end_bucket].members_flagged += 1
    for org_id, total, special in (
        Remittance.objects.live()
        .filter(from_org_id__in=[root.pk, *buckets.part_ids], remitted_on__gte=start, remitted_on__lte=end)
        .values_list("from_org_id")
        .annotate(Sum("amount"), Sum("special_amount"))
        .order_by()
    ):
        figures[org_id].remitted += round_yuan(total + special)
    for org_id, day, purpose, total in (
        RetainedFundEntry.objects.filter(organization_id__in=below, entry_on__lte=end)
        .values_list("organization_id", "entry_on", "purpose")
        .annotate(Sum("amount"))
        .order_by()
    ):
        total = round_yuan(total)
        bucket = buckets.of(org_id, day)
        if bucket is not None and day >= start and purpose in EXPENSE_PURPOSES:
            figures[bucket].retained_spent -= total
            if purpose == LedgerPurpose.AV_EQUIPMENT:
                figures[bucket].retained_spent_av -= total
            elif purpose == LedgerPurpose.CARE:
                figures[bucket].retained_spent_care -= total
        balance_bucket = buckets.of(org_id, end)
        if balance_bucket is not None:
            figures[balance_bucket].retained_balance += total
    for figure in figures.values():
        figure.members_levied = len(figure._levied_members)
        figure.members_unassessed = len(figure._unassessed_members - figure._levied_members)
    return figures


def _total(parts: list[DuesFigures]) -> DuesFigures:
    total = DuesFigures()
    for f in parts:
        for name in (
            "levied",
            "paid",
            "members_in_arrears",
            "members_flagged",
            "retained_spent",
            "retained_spent_av",
            "retained_spent_care",
            "retained_balance",
        ):
            setattr(total, name, getattr(total, name) + getattr(f, name))
        total._levied_members |= f._levied_members
        total._unassessed_members |= f._unassessed_members
    total.members_levied = len(total._levied_members)
    total.members_unassessed = len(total._unassessed_members - total._levied_members)
    return total


def dues_figures(org: Organization, start: dt.date, end: dt.date) -> DuesFigures:
    """dues.* of ``org``'s subtree for [start, end]."""
    figures = _compute(org, [], start, end)
    result = figures.get(org.pk, DuesFigures())
    # What the organization remitted upward is its own act; the rest is the whole subtree's.
    return result


@dataclass(frozen=True)
class BreakdownRow:
    organization: Organization
    figures: DuesFigures
    own: bool = False  # the organization's own members and ledger (直属), not a part below it


def dues_breakdown(org: Organization, start: dt.date, end: dt.date) -> tuple[DuesFigures, list[BreakdownRow]]:
    """The subtree's figures and one row per organization directly under it on ``end`` (plus 直属)."""
    parts = list(children_on(org, end).exclude(kind=OrgKind.GROUP).order_by("path"))  # 党小组 hold no members
    figures = _compute(org, parts, start, end)
    rows = [BreakdownRow(p, figures.get(p.pk, DuesFigures())) for p in parts]
    own = figures.get(org.pk)
    if own is not None and (own.levied or own.members_levied or own.retained_balance or own.retained_spent):
        rows.insert(0, BreakdownRow(org, own, own=True))
    total = _total(
        [r.figures for r in rows] + ([own] if own is not None and not any(r.own for r in rows) else [])
    )
    total.remitted = own.remitted if own is not None else ZERO
    return total, rows
