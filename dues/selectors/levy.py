"""The amount due (应缴, ``DuesLevy``): derived, never stored, from the standards and each member's base.

A member owes dues for a month when

- they were a member of the county on some day of it (their ``MemberPeriod``
  history: a probationary member from the month of admission, step 15);
- a member who came in with a letter from outside the county owes from the
  month after the one the letter says was paid (党费缴到), not before;
- and an assessment (category and base, ``DuesAssessment``) is in force — a
  member never assessed is "not assessed" (未核定), not "owes nothing".

The month counts for the organization the member belonged to on its first
day (or, joining mid-month, the one joined).  Everything a set of members
needs is read in a fixed number of queries (periods, assessments, letters,
rules) and computed here, so the grid and the county's figures cost the
same number of queries for 10 members or 10,000.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from core.money import round_yuan
from members.models import MemberPeriod, Transfer, TransferKind, TransferStatus

from .. import months as m
from ..choices import RATE_CATEGORIES
from ..models import DuesAssessment, DuesRule

HUNDRED = Decimal("100")


class DuesLevy(NamedTuple):
    """应缴: what one member owes for one month (``amount`` None: not assessed, 未核定)."""

    member_id: int
    month: int  # months.index
    organization_id: int
    amount: Decimal | None
    category: str
    basis_id: int | None  # the assessment in force

    @property
    def month_date(self) -> dt.date:
        return m.from_index(self.month)


# --- the standards ---------------------------------------------------------------------------------


class Standards:
    """The dues rules as data: the standard of a category in force in a month, and the charge it makes."""

    def __init__(self, rules: Iterable[DuesRule]) -> None:
        by_category: dict[str, dict[int, list[DuesRule]]] = defaultdict(lambda: defaultdict(list))
        for rule in rules:
            by_category[rule.category][m.index(rule.effective_from)].append(rule)
        self._starts: dict[str, list[int]] = {}
        self._sets: dict[str, list[list[DuesRule]]] = {}
        for category, sets in by_category.items():
            starts = sorted(sets)
            self._starts[category] = starts
            self._sets[category] = [
                sorted(sets[s], key=lambda r: (r.income_above is not None, r.income_above or 0))
                for s in starts
            ]
        self._memo: dict[tuple[Any, ...], Decimal | None] = {}

    @classmethod
    def load(cls) -> Standards:
        """Every rule (one query; the table holds a few dozen rows)."""
        return cls(DuesRule.objects.order_by("category", "effective_from", "id"))

    def in_force(self, category: str, month: int) -> list[DuesRule]:
        """The rows of ``category``'s standard in force in ``month`` ([] before any)."""
        starts = self._starts.get(category)
        if not starts:
            return []
        i = bisect.bisect_right(starts, month) - 1
        return self._sets[category][i] if i >= 0 else []

    def rule_for(self, category: str, income: Decimal | None, month: int) -> DuesRule | None:
        """The row that applies: the income's bracket, or the category's fixed amount."""
        rows = self.in_force(category, month)
        if category not in RATE_CATEGORIES:
            return rows[0] if rows else None
        if income is None:
            return None
        for rule in rows:
            if (rule.income_above is None or income > rule.income_above) and (
                rule.income_upto is None or income <= rule.income_upto
            ):
                return rule
        return None

    def charge(
        self, category: str, income: Decimal | None, amount: Decimal | None, month: int
    ) -> Decimal | None:
        """The monthly amount due (None when no standard applies or a base is missing)."""
        starts = self._starts.get(category)
        if not starts:
            return None
        at = bisect.bisect_right(starts, month) - 1
        key = (category, income, amount, at)
        if key not in self._memo:
            rule = self.rule_for(category, income, month)
            if rule is None:
                self._memo[key] = None
            elif rule.rate is not None:
                self._memo[key] = round_yuan(income * rule.rate / HUNDRED)  # type: ignore[operator]
            else:
                self._memo[key] = amount if amount is not None else rule.amount
        return self._memo[key]


# --- what decides each member's dues ------------------------------------------------------------


@dataclass
class Terms:
    """One member's history as dues read it: where they were, their assessments, their letter in."""

    member_id: int
    spans: list[tuple[dt.date, dt.date | None, int]] = field(default_factory=list)  # start, end, org
    assessments: list[tuple[int, str, Decimal | None, Decimal | None, int]] = field(default_factory=list)
    letters_in: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)  # accepted_on, paid until

    def months_held(self, lo: int, hi: int) -> dict[int, int]:
        """month → organization for the months in [lo, hi] the member owes for."""
        held: dict[int, int] = {}
        for start, end, org in sorted(self.spans, key=lambda s: s[0]):
            first = m.index(start)
            # ``end`` is the first day no longer true: a period ending on the 1st does not touch that month.
            last = m.index(end - dt.timedelta(days=1)) if end is not None else hi
            for i in range(max(first, lo), min(last, hi) + 1):
                held.setdefault(i, org)
        for accepted_on, paid_until in self.letters_in:
            came = m.index(accepted_on)
            if paid_until is None:
                continue
            until = m.index(paid_until)
            for i in range(came, min(until, hi) + 1):
                held.pop(i, None)  # paid where they came from, as the letter says
            org = held.get(came) or next((o for s, _, o in self.spans if m.index(s) == came), None)
            if org is not None:
                for i in range(max(until + 1, lo), min(came - 1, hi) + 1):
                    held.setdefault(i, org)  # owed here from the month after the letter's
        return held

    def charges(
        self, standards: Standards, lo: int, hi: int
    ) -> Iterator[tuple[int, int, Decimal | None, int]]:
        """(month, organization, amount, assessment) of each month owed in [lo, hi]: the fast form of ``levies``."""
        if not self.assessments:
            return
        assessments = sorted(self.assessments)
        count = len(assessments)
        at = -1
        for month, org in sorted(self.months_held(lo, hi).items()):
            while at + 1 < count and assessments[at + 1][0] <= month:
                at += 1
            if at < 0:
                continue  # not assessed yet: owes from the first assessment's month
            _, category, income, amount, pk = assessments[at]
            yield month, org, standards.charge(category, income, amount, month), pk

    def levies(self, standards: Standards, lo: int, hi: int) -> Iterator[DuesLevy]:
        categories = {a[4]: a[1] for a in self.assessments}
        for month, org, amount, pk in self.charges(standards, lo, hi):
            yield DuesLevy(self.member_id, month, org, amount, categories[pk], pk)

    def unassessed(self, lo: int, hi: int) -> bool:
        """Held in the range without any assessment in force for some of it."""
        held = self.months_held(lo, hi)
        if not held:
            return False
        first = min(a[0] for a in self.assessments) if self.assessments else None
        return first is None or min(held) < first


def load_terms(member_ids: QuerySet | Iterable[int], lo: int, hi: int) -> dict[int, Terms]:
    """Terms of the members (a subquery or ids) for months [lo, hi]: three queries."""
    start, end = m.from_index(lo), m.from_index(hi + 1)
    terms: dict[int, Terms] = {}
    periods = (
        MemberPeriod.objects.filter(member_id__in=member_ids, start_on__lt=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
        .order_by("member_id", "start_on", "id")
        .values_list("member_id", "start_on", "end_on", "organization_id")
    )
    for member_id, start_on, end_on, org_id in periods:
        terms.setdefault(member_id, Terms(member_id)).spans.append((start_on, end_on, org_id))
    assessments = (
        DuesAssessment.objects.filter(member_id__in=member_ids, effective_from__lt=end)
        .order_by("member_id", "effective_from")
        .values_list("member_id", "effective_from", "category", "income", "amount", "pk")
    )
    for member_id, effective_from, category, income, amount, pk in assessments:
        if member_id in terms:
            terms[member_id].assessments.append((m.index(effective_from), category, income, amount, pk))
    letters = (
        Transfer.objects.filter(
            member_id__in=member_ids,
            kind=TransferKind.IN,
            status=TransferStatus.COMPLETED,
            accepted_on__isnull=False,
            accepted_on__lt=end,
        )
        .order_by("member_id", "accepted_on")
        .values_list("member_id", "accepted_on", "dues_paid_until")
    )
    for member_id, accepted_on, paid_until in letters:
        if member_id in terms:
            terms[member_id].letters_in.append((accepted_on, paid_until))
    return terms


def levies_of(terms: dict[int, Terms], standards: Standards, lo: int, hi: int) -> Iterator[DuesLevy]:
    for member_terms in terms.values():
        yield from member_terms.levies(standards, lo, hi)


def member_levies(member_id: int, start: dt.date, end: dt.date) -> list[DuesLevy]:
    """One member's levies, month by month (four queries)."""
    lo, hi = m.index(start), m.index(end)
    terms = load_terms([member_id], lo, hi)
    if member_id not in terms:
        return []
    return list(terms[member_id].levies(Standards.load(), lo, hi))
