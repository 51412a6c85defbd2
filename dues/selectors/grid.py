"""The monthly grid (党费收缴登记): an organization's members × the months of a year, in a fixed number of queries.

Queries: the collection schedule, the members, their periods, assessments and
letters in (``levy.load_terms``), the rules, the payments — seven, whatever
the number of members.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from members.models import Member, MemberPeriod
from organizations.models import Organization

from .. import months as m
from ..choices import CATEGORY_SHORT, MONTHLY_KINDS, PaymentKind
from ..models import DuesPayment, DuesSchedule
from .levy import DuesLevy, Standards, load_terms

ZERO = Decimal("0.00")

# Cell states.
PAID = "paid"  # a monthly payment is recorded (maybe short of a raised base)
DUE = "due"  # owes and has not paid: an input
FREE = "free"  # owes nothing this month (经批准免交, amount 0)
UNASSESSED = "unassessed"  # a member here that month, no category/base yet (未核定)
ELSEWHERE = "elsewhere"  # owed to another organization that month (before a move here)
NONE = "none"  # not a member that month


@dataclass
class GridCell:
    member_id: int
    month: dt.date
    state: str
    due: Decimal | None = None
    paid: Decimal | None = None
    receipt_no: str = ""
    overdue: bool = False
    collecting: bool = False  # one of the months being collected (shown on a phone, prefilled)
    value: str = ""  # what the input shows: the due amount in the months being collected, or what was typed
    error: str = ""

    @property
    def name(self) -> str:
        return cell_name(self.member_id, self.month)

    @property
    def shortfall(self) -> Decimal:
        """What a raised base still owes for a paid month (补交)."""
        if self.state != PAID or self.due is None or self.paid is None:
            return ZERO
        return max(self.due - self.paid, ZERO)

    @property
    def editable(self) -> bool:
        return self.state == DUE


def cell_name(member_id: int, month: dt.date) -> str:
    return f"p{member_id}_{month:%Y%m}"


@dataclass
class GridRow:
    member: Member
    cells: list[GridCell]
    category: str = ""  # short label of the category in force (latest month shown)

    @property
    def overdue_unpaid(self) -> int:
        return sum(1 for c in self.cells if c.state == DUE and c.overdue)

    @property
    def owed(self) -> Decimal:
        """Overdue unpaid months plus shortfalls of paid ones."""
        return sum(
            ((c.due or ZERO) if c.state == DUE and c.overdue else c.shortfall for c in self.cells), ZERO
        )

    @property
    def unassessed(self) -> bool:
        return any(c.state == UNASSESSED for c in self.cells)


@dataclass
class MonthTotal:
    month: dt.date
    due: Decimal = ZERO
    paid: Decimal = ZERO
    payers: int = 0
    owing: int = 0  # members who owe that month (payers included)


@dataclass
class Grid:
    organization: Organization
    year: int
    months: list[dt.date]
    collecting: list[dt.date]  # the months prefilled with the amount due (this month, or this quarter)
    quarterly: bool
    rows: list[GridRow] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def totals(self) -> list[MonthTotal]:
        totals = {month: MonthTotal(month) for month in self.months}
        for row in self.rows:
            for cell in row.cells:
                total = totals[cell.month]
                if cell.state in (PAID, DUE):
                    total.due += cell.due or ZERO
                    total.owing += 1
                if cell.state == PAID:
                    total.paid += cell.paid or ZERO
                    total.payers += 1
        return list(totals.values())

    @property
    def cells(self) -> dict[str, GridCell]:
        return {cell.name: cell for row in self.rows for cell in row.cells}

    @property
    def unassessed(self) -> list[Member]:
        return [row.member for row in self.rows if row.unassessed]

    def is_collecting(self, month: dt.date) -> bool:
        return month in self.collecting


def schedule_of(org: Organization) -> DuesSchedule | None:
    return DuesSchedule.objects.filter(organization=org).first()


def collecting_months(month: dt.date, quarterly: bool) -> list[dt.date]:
    """The months collected together: ``month`` alone, or its quarter where the branch pays quarterly."""
    if not quarterly:
        return [m.month_of(month)]
    return m.quarter_months(*m.quarter_of(month))


def first_open_month(today: dt.date, quarterly: bool) -> dt.date:
    """The first month not yet overdue on ``today``: this month, or this quarter's first."""
    return collecting_months(today, quarterly)[0]


def members_held(org: Organization, start: dt.date, end: dt.date) -> Q:
    """Members with a period in ``org`` touching [start, end) (a filter on Member)."""
    periods = (
        MemberPeriod.objects.filter(organization=org, start_on__lt=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
        .values("member_id")
    )
    return Q(pk__in=periods)


def dues_grid(
    org: Organization,
    year: int,
    *,
    collect: dt.date | None = None,
    today: dt.date | None = None,
    members: list[int] | None = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> Grid:
    """The grid of ``org``'s members for ``year`` (or the months of ``span``); ``collect`` is the month being collected."""
    today = today or dt.date.today()
    schedule = schedule_of(org)
    quarterly = bool(schedule and schedule.quarterly)
    months = m.months(*span) if span else [dt.date(year, month, 1) for month in range(1, 13)]
    if collect is None:
        this = m.month_of(today)
        collect = this if months[0] <= this <= months[-1] else months[-1 if this > months[-1] else 0]
    collecting = collecting_months(collect, quarterly)
    grid = Grid(org, year, months, collecting, quarterly, today=today)
    start, end = months[0], m.from_index(m.index(months[-1]) + 1)
    lo, hi = m.index(start), m.index(months[-1])
    held = Member.objects.filter(members_held(org, start, end))
    if members is not None:
        held = held.filter(pk__in=members)
    people = list(
        held.order_by("name", "id").only("id", "name", "status", "joined_on", "left_on", "organization_id")
    )
    if not people:
        return grid
    ids = [p.pk for p in people]
    terms = load_terms(ids, lo, hi)
    standards = Standards.load()
    payments: dict[tuple[int, int], list[DuesPayment]] = defaultdict(list)
    for payment in (
        DuesPayment.objects.live()
        .filter(member_id__in=ids, month__gte=start, month__lt=end, kind__in=MONTHLY_KINDS)
        .only("id", "member_id", "month", "kind", "amount", "receipt_no")
        .order_by("id")
    ):
        payments[(payment.member_id, m.index(payment.month))].append(payment)
    open_from = m.index(first_open_month(today, quarterly))
    for person in people:
        member_terms = terms.get(person.pk)
        levies: dict[int, DuesLevy] = {}
        held_months: dict[int, int] = {}
        if member_terms is not None:
            held_months = member_terms.months_held(lo, hi)
            levies = {levy.month: levy for levy in member_terms.levies(standards, lo, hi)}
        cells = []
        category = ""
        for month in months:
            i = m.index(month)
            cell = _cell(person.pk, month, i, org, held_months, levies, payments.get((person.pk, i), []))
            cell.overdue = i < open_from
            cell.collecting = month in collecting
            if cell.state == DUE and cell.collecting:
                cell.value = str(cell.due)
            if i in levies:
                category = CATEGORY_SHORT.get(levies[i].category, "")
            cells.append(cell)
        grid.rows.append(GridRow(person, cells, category))
    return grid


def _cell(
    member_id: int,
    month: dt.date,
    i: int,
    org: Organization,
    held: dict[int, int],
    levies: dict[int, DuesLevy],
    paid: list[DuesPayment],
) -> GridCell:
    if paid:
        regular = [p for p in paid if p.kind == PaymentKind.REGULAR]
        levy = levies.get(i)
        return GridCell(
            member_id,
            month,
            PAID,
            due=levy.amount if levy else None,
            paid=sum((p.amount for p in paid), ZERO),
            receipt_no=(regular or paid)[0].receipt_no,
        )
    if i not in held:
        return GridCell(member_id, month, NONE)
    if held[i] != org.pk:
        return GridCell(member_id, month, ELSEWHERE)
    levy = levies.get(i)
    if levy is None or levy.amount is None:
        return GridCell(member_id, month, UNASSESSED)
    if levy.amount <= 0:
        return GridCell(member_id, month, FREE, due=levy.amount)
    return GridCell(member_id, month, DUE, due=levy.amount)
