"""三会一课 and 主题党日 compliance: which branches held each kind of meeting as often as the rules ask.

Each kind is due once every N months (``organizations.rules``:
支部党员大会 3, 支委会 1, 党小组会 1, 党课 3, 主题党日 1 by default).  A
year is cut into windows of N months from January (quarters for 3, months for
1); a window counts once it has ended (the current one is still open), and
only while the branch existed.  A branch is behind on a kind when a window
that counts had no such meeting.

- 支委会 is due where the branch has a committee: ``branch_committee_min_full_members``
  full members (as ``organizations.selectors.required_posts`` says);
- 党小组会 is due for each of the branch's 党小组, recorded at the group;
- 党课 counts the branch's 党课 records (its groups' too) and the party
  lectures it hosted (``PartyLecture``);
- 主题党日 is due for every branch; a branch's fixed 党员活动日 (``ActivityDay``)
  is shown beside it.

Seven queries for any number of branches: the rules, the branches, their
groups, their full members, the meetings, the lectures, the activity days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from core.dates import add_months
from members.choices import MemberStatus
from members.models import MemberPeriod
from organizations.choices import OrgKind
from organizations.models import Organization
from organizations.rules import rules_in_force

from ..choices import INTERVAL_RULES, MeetingKind
from ..models import ActivityDay, OrgMeeting, PartyLecture
from ..periods import Period

KINDS = tuple(MeetingKind)


@dataclass(frozen=True)
class Window:
    """N months from ``start`` to ``end`` (inclusive) and how many meetings of the kind fell in it."""

    start: dt.date
    end: dt.date
    held: int
    counts: bool  # ended (and the organization existed throughout a part of it)

    @property
    def missed(self) -> bool:
        return self.counts and not self.held

    @property
    def label(self) -> str:
        if self.start.month == self.end.month:
            return f"{self.start.month}月"
        return f"{self.start.month}–{self.end.month}月"


@dataclass
class Requirement:
    """One kind of meeting for one branch over the period."""

    kind: str
    interval: int
    applies: bool
    windows: list[Window] = field(default_factory=list)
    units: int = 1  # 党小组会: the number of groups (each has its own windows)

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def due(self) -> int:
        return sum(1 for w in self.windows if w.counts)

    @property
    def met(self) -> int:
        return sum(1 for w in self.windows if w.counts and w.held)

    @property
    def held(self) -> int:
        return sum(w.held for w in self.windows)

    @property
    def behind(self) -> bool:
        return self.applies and self.met < self.due

    @property
    def missed_labels(self) -> list[str]:
        return [w.label for w in self.windows if w.missed]

    @property
    def text(self) -> str:
        """What a cell of the table says: 3/4 (windows met / due), 不适用, or 进行中."""
        if not self.applies:
            return "不适用"
        if not self.due:
            return f"进行中（已开{self.held}次）" if self.held else "进行中"
        return f"{self.met}/{self.due}"


@dataclass
class BranchCompliance:
    """One branch's row: each kind's requirement and the fixed activity day."""

    org: Organization
    parent_name: str
    full_members: int
    assembly: Requirement
    committee: Requirement
    group: Requirement
    lecture: Requirement
    activity_day: Requirement
    fixed_day: ActivityDay | None = None

    @property
    def requirements(self) -> list[Requirement]:
        return [self.assembly, self.committee, self.group, self.lecture, self.activity_day]

    def of(self, kind: str) -> Requirement:
        return {r.kind: r for r in self.requirements}[kind]

    @property
    def behind_kinds(self) -> list[str]:
        return [MeetingKind(r.kind).label for r in self.requirements if r.behind]

    @property
    def behind(self) -> bool:
        return bool(self.behind_kinds)

    @property
    def behind_count(self) -> int:
        return len(self.behind_kinds)


COMMITTEE_THRESHOLD = "branch_committee_min_full_members"


def intervals() -> tuple[dict[str, int], int]:
    """Each kind's frequency in months (at least 1) and the 支委会 threshold, in one query."""
    rules = rules_in_force(*INTERVAL_RULES.values(), COMMITTEE_THRESHOLD)
    return {kind: max(1, int(rules[key])) for kind, key in INTERVAL_RULES.items()}, int(
        rules[COMMITTEE_THRESHOLD]
    )


def windows_of(period: Period, interval: int) -> list[tuple[dt.date, dt.date]]:
    """The windows of ``interval`` months, aligned to January, that overlap the period."""
    result = []
    start = dt.date(period.year, 1, 1)
    while start <= period.end:
        end = add_months(start, interval) - dt.timedelta(days=1)
        if end >= period.start:
            result.append((start, end))
        start = add_months(start, interval)
    return result


def _existed(org: Organization, start: dt.date, end: dt.date) -> bool:
    return org.established_on <= end and (org.dissolved_on is None or org.dissolved_on > start)


def _windows(
    spans: list[tuple[dt.date, dt.date]],
    holder: Organization,
    days: list[dt.date],
    applies: bool,
    today: dt.date,
) -> list[Window]:
    """One organization's windows of one kind, each with the meetings it held in it."""
    return [
        Window(
            start,
            end,
            held=sum(1 for day in days if start <= day <= end),
            counts=applies and end < today and _existed(holder, start, end),
        )
        for start, end in spans
    ]


def branch_compliance(branches: list[Organization], period: Period, today: dt.date) -> list[BranchCompliance]:
    """The compliance rows of ``branches`` (loaded with their parents) for ``period`` as of ``today``."""
    if not branches:
        return []
    every, threshold = intervals()
    spans = {kind: windows_of(period, every[kind]) for kind in KINDS}
    first = min(s[0][0] for s in spans.values() if s)
    last = max(s[-1][1] for s in spans.values() if s)
    ids = [b.pk for b in branches]
    groups: dict[int, list[Organization]] = defaultdict(list)
    for group in Organization.objects.filter(parent_id__in=ids, kind=OrgKind.GROUP).order_by("path"):
        groups[group.parent_id].append(group)
    group_ids = [g.pk for gs in groups.values() for g in gs]
    parent_of_group = {g.pk: g.parent_id for gs in groups.values() for g in gs}
    # Full members on the period's last day that has passed (the 支委会 threshold).
    as_of = min(period.end, today)
    full = dict(
        MemberPeriod.objects.on(as_of)
        .filter(organization_id__in=ids, status=MemberStatus.FULL)
        .order_by()
        .values("organization")
        .annotate(n=Count("id"))
        .values_list("organization", "n")
    )
    days: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    meetings = (
        OrgMeeting.objects.filter(Q(organization_id__in=ids) | Q(organization_id__in=group_ids))
        .filter(held_on__gte=first, held_on__lte=last)
        .values_list("organization_id", "kind", "held_on")
    )
    for org_id, kind, day in meetings:
        if kind == MeetingKind.GROUP:
            days[(org_id, kind)].append(day)  # per group
        else:
            days[(parent_of_group.get(org_id, org_id), kind)].append(day)
    for org_id, day in PartyLecture.objects.filter(
        organization_id__in=ids, given_on__gte=first, given_on__lte=last
    ).values_list("organization_id", "given_on"):
        days[(org_id, MeetingKind.LECTURE)].append(day)
    fixed = {a.organization_id: a for a in ActivityDay.objects.filter(organization_id__in=ids)}

    rows = []
    for branch in branches:

        def req(kind: str, applies: bool = True, b: Organization = branch) -> Requirement:
            return Requirement(
                kind, every[kind], applies, _windows(spans[kind], b, days[(b.pk, kind)], applies, today)
            )

        has_committee = branch.kind == OrgKind.GENERAL_BRANCH or full.get(branch.pk, 0) >= threshold
        its_groups = groups[branch.pk]
        group_req = Requirement(
            MeetingKind.GROUP,
            every[MeetingKind.GROUP],
            bool(its_groups),
            [
                w
                for g in its_groups
                for w in _windows(spans[MeetingKind.GROUP], g, days[(g.pk, MeetingKind.GROUP)], True, today)
            ],
            units=max(1, len(its_groups)),
        )
        rows.append(
            BranchCompliance(
                org=branch,
                parent_name=branch.parent.name if branch.parent_id else "",
                full_members=full.get(branch.pk, 0),
                assembly=req(MeetingKind.ASSEMBLY),
                committee=req(MeetingKind.COMMITTEE, has_committee),
                group=group_req,
                lecture=req(MeetingKind.LECTURE),
                activity_day=req(MeetingKind.ACTIVITY_DAY),
                fixed_day=fixed.get(branch.pk),
            )
        )
    return rows


def compliance_branches(
    user: Any, period: Period, today: dt.date, org: Organization | None = None
) -> list[Organization]:
    """The counted branches of the user's scope (or ``org``'s subtree) that existed during the period.

    Placed in the tree as it stood on the period's last day that has passed,
    so a branch moved away since still counts where it was then.
    """
    day = min(period.end, today)
    base = (
        Organization.objects.within_on(org, day)
        if org is not None
        else Organization.objects.visible_on(user, day)
    )
    return list(
        base.counted_branches()
        .filter(established_on__lte=period.end)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.start))
        .select_related("parent")
        .order_by("path")
    )


def compliance_list(*, user: Any, filters: Any, today: dt.date) -> list[BranchCompliance]:
    """The compliance table's rows: a valid ``ComplianceFilterSet`` chooses period, subtree, kind, behind only."""
    values = filters.values
    period = filters.period
    rows = branch_compliance(compliance_branches(user, period, today, values.get("org")), period, today)
    kind = values.get("kind")
    if values.get("behind"):
        rows = [r for r in rows if (r.of(kind).behind if kind else r.behind)]
    elif kind:
        rows = [r for r in rows if r.of(kind).applies]
    return rows


@dataclass(frozen=True)
class ComplianceSummary:
    """How many branches were behind on each kind (and on any) in a period."""

    branches: int
    behind: int
    by_kind: dict[str, int]


def compliance_summary(rows: list[BranchCompliance]) -> ComplianceSummary:
    return ComplianceSummary(
        branches=len(rows),
        behind=sum(1 for r in rows if r.behind),
        by_kind={kind.label: sum(1 for r in rows if r.of(kind).behind) for kind in KINDS},
    )
