"""Reconciliation (对账) of an organization's quarter: collected, received from below, remitted, retained, outstanding.

Each level keeps its share (``RemittanceRule``) of the ordinary dues it
collected and received and remits the rest to the level above; special
payments go up whole.  ``reconcile_many`` reads any number of organizations
in five queries (payments, remittances out, remittances in, retained
entries, the rule).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from core.money import round_yuan
from organizations.choices import COMMITTEE_KINDS, OrgCategory, OrgKind
from organizations.models import Organization

from .. import months as m
from ..choices import LedgerPurpose, PaymentKind
from ..models import DuesPayment, Remittance, RemittanceRule, RetainedFundEntry

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def rule_on(day: dt.date) -> RemittanceRule | None:
    """The shares in force on ``day`` (one query)."""
    return RemittanceRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def share_of(rule: RemittanceRule | None, org: Organization) -> Decimal:
    """The percentage ``org`` keeps of the ordinary dues passing through it."""
    if rule is None:
        return ZERO
    if org.kind == OrgKind.COUNTY_COMMITTEE:
        return rule.county_retains
    if org.kind in COMMITTEE_KINDS:
        return rule.committee_retains
    if org.kind == OrgKind.GENERAL_BRANCH:
        return rule.general_branch_retains
    return rule.branch_retains


@dataclass
class Reconciliation:
    """One organization's quarter."""

    organization: Organization
    year: int
    quarter: int
    share: Decimal = ZERO  # % kept
    collected: Decimal = ZERO  # ordinary dues it collected (paid in the quarter)
    collected_special: Decimal = ZERO
    received: Decimal = ZERO  # remitted to it from below for the quarter
    received_special: Decimal = ZERO
    remitted: Decimal = ZERO  # it remitted upward for the quarter
    remitted_special: Decimal = ZERO
    retained_posted: Decimal = ZERO  # its ledger's retained share for the quarter

    @property
    def label(self) -> str:
        return m.quarter_label(self.year, self.quarter)

    @property
    def base(self) -> Decimal:
        return self.collected + self.received

    @property
    def retained(self) -> Decimal:
        """What it keeps (its share of the ordinary dues passing through it)."""
        return round_yuan(self.base * self.share / HUNDRED)

    @property
    def due(self) -> Decimal:
        """Ordinary dues to remit upward."""
        return self.base - self.retained

    @property
    def due_special(self) -> Decimal:
        return self.collected_special + self.received_special

    @property
    def to_remit(self) -> Decimal:
        return self.due + self.due_special

    @property
    def remitted_total(self) -> Decimal:
        return self.remitted + self.remitted_special

    @property
    def outstanding(self) -> Decimal:
        """Still to remit (negative: remitted more than collected, e.g. a payment voided since)."""
        return self.to_remit - self.remitted_total

    @property
    def outstanding_ordinary(self) -> Decimal:
        return self.due - self.remitted

    @property
    def outstanding_special(self) -> Decimal:
        return self.due_special - self.remitted_special

    @property
    def retained_mismatch(self) -> Decimal:
        """Retained share the ledger holds against what the quarter keeps (0 when it agrees or nothing is remitted yet)."""
        if not self.remitted_total:
            return ZERO
        return self.retained_posted - self.retained

    @property
    def is_empty(self) -> bool:
        return not (self.base or self.due_special or self.remitted_total)


def reconcile_many(orgs: Iterable[Organization], year: int, quarter: int) -> list[Reconciliation]:
    """The quarter of each organization (five queries whatever their number)."""
    orgs = list(orgs)
    first, last = m.quarter_span(year, quarter)
    rule = rule_on(last)
    rows = {org.pk: Reconciliation(org, year, quarter, share=share_of(rule, org)) for org in orgs}
    ids = list(rows)
    if not ids:
        return []
    collected = (
        DuesPayment.objects.live()
        .filter(organization_id__in=ids, paid_on__gte=first, paid_on__lte=last)
        .values_list("organization_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for org_id, kind, total in collected:
        total = round_yuan(total)  # SQLite sums money as floats: back to the cent
        if kind == PaymentKind.SPECIAL:
            rows[org_id].collected_special += total
        else:
            rows[org_id].collected += total
    live = Remittance.objects.live().filter(year=year, quarter=quarter)
    for org_id, amount, special in (
        live.filter(from_org_id__in=ids)
        .values_list("from_org_id")
        .annotate(Sum("amount"), Sum("special_amount"))
        .order_by()
    ):
        rows[org_id].remitted += round_yuan(amount)
        rows[org_id].remitted_special += round_yuan(special)
    for org_id, amount, special in (
        live.filter(to_org_id__in=ids)
        .values_list("to_org_id")
        .annotate(Sum("amount"), Sum("special_amount"))
        .order_by()
    ):
        rows[org_id].received += round_yuan(amount)
        rows[org_id].received_special += round_yuan(special)
    for org_id, total in (
        RetainedFundEntry.objects.filter(
            organization_id__in=ids, purpose=LedgerPurpose.RETAINED_SHARE, year=year, quarter=quarter
        )
        .values_list("organization_id")
        .annotate(Sum("amount"))
        .order_by()
    ):
        rows[org_id].retained_posted += round_yuan(total)
    return [rows[org.pk] for org in orgs]


def reconcile(org: Organization, year: int, quarter: int) -> Reconciliation:
    return reconcile_many([org], year, quarter)[0]


def collecting_orgs(root: Organization) -> QuerySet[Organization]:
    """The organizations of a subtree that collect or pass on dues (all but 党小组), tree order."""
    return Organization.objects.within(root).exclude(kind=OrgKind.GROUP).order_by("path")


def reconciliation_rows(
    root: Organization, year: int, quarter: int, *, depth: int = 1
) -> list[Reconciliation]:
    """``root`` and the organizations up to ``depth`` levels below it that are still open or touched the quarter."""
    first, _ = m.quarter_span(year, quarter)
    orgs = [
        org
        for org in collecting_orgs(root).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=first))
        if org.depth - root.depth <= depth
    ]
    return reconcile_many(orgs, year, quarter)


@dataclass(frozen=True)
class RetiredReturn:
    """What a retired-cadre branch (老干支部) gets back of what it remitted in a year."""

    branch: Organization
    remitted: Decimal
    rate: Decimal
    returned: Decimal  # already returned for the year

    @property
    def amount(self) -> Decimal:
        return round_yuan(self.remitted * self.rate / HUNDRED)

    @property
    def to_return(self) -> Decimal:
        return max(self.amount - self.returned, ZERO)


def retired_returns(org: Organization, year: int) -> list[RetiredReturn]:
    """The year's returns the organization owes its retired-cadre branches (four queries)."""
    rule = rule_on(dt.date(year, 12, 31))
    rate = rule.retired_branch_return if rule else ZERO
    branches = list(
        Organization.objects.within(org)
        .filter(kind=OrgKind.BRANCH, category=OrgCategory.RETIRED)
        .exclude(pk=org.pk)
        .order_by("path")
    )
    ids = [b.pk for b in branches]
    remitted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for branch_id, total in (
        Remittance.objects.live()
        .filter(from_org_id__in=ids, year=year)
        .values_list("from_org_id")
        .annotate(Sum("amount"))
        .order_by()
    ):
        remitted[branch_id] = round_yuan(total)
    returned: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for branch_id, total in (
        RetainedFundEntry.objects.filter(
            organization=org, purpose=LedgerPurpose.RETURN_RETIRED, year=year, counterpart_id__in=ids
        )
        .values_list("counterpart_id")
        .annotate(Sum("amount"))
        .order_by()
    ):
        returned[branch_id] = -round_yuan(total)
    return [RetiredReturn(b, remitted[b.pk], rate, returned[b.pk]) for b in branches]
