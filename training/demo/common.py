"""What the training demo steps share: who belonged where on which day, and the organizations by kind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from core.demo import DemoContext
from members.choices import MemberStatus
from members.models import MemberPeriod
from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgKind
from organizations.models import Organization


class Roster:
    """Every member period, indexed by organization: "members of X on day D" without a query per day."""

    def __init__(self) -> None:
        self.periods: dict[int, list[tuple[int, str, dt.date, dt.date | None]]] = defaultdict(list)
        rows = MemberPeriod.objects.order_by("organization_id", "member_id", "start_on").values_list(
            "organization_id", "member_id", "status", "start_on", "end_on"
        )
        for org_id, member_id, status, start, end in rows:
            self.periods[org_id].append((member_id, status, start, end))

    def on(self, org_id: int, day: dt.date) -> list[int]:
        """Members of ``org_id`` on ``day`` (ids, in id order)."""
        return [
            m
            for m, _, start, end in self.periods.get(org_id, ())
            if start <= day and (end is None or end > day)
        ]

    def full_on(self, org_id: int, day: dt.date) -> int:
        return sum(
            1
            for _, status, start, end in self.periods.get(org_id, ())
            if status == MemberStatus.FULL and start <= day and (end is None or end > day)
        )

    def across(self, org_ids: Iterable[int], day: dt.date) -> list[tuple[int, int]]:
        """(member, organization) of every member of these organizations on ``day``."""
        return [(m, org_id) for org_id in org_ids for m in self.on(org_id, day)]


class Tree:
    """The organizations as the demo left them (today's tree), by kind."""

    def __init__(self, ctx: DemoContext) -> None:
        self.all = list(Organization.objects.order_by("path"))
        self.by_pk = {o.pk: o for o in self.all}
        self.county = ctx.county
        self.committees = [o for o in self.all if o.kind in COMMITTEE_KINDS]
        self.branches = [o for o in self.all if o.kind == OrgKind.BRANCH and o.form not in NOT_COUNTED_FORMS]
        self.groups = [o for o in self.all if o.kind == OrgKind.GROUP]

    def below(self, org: Organization, *, kinds: tuple[str, ...] | None = None) -> list[Organization]:
        return [o for o in self.all if o.path.startswith(org.path) and (kinds is None or o.kind in kinds)]

    def committee_of(self, org: Organization) -> Organization | None:
        above = [c for c in self.committees if org.path.startswith(c.path)]
        return max(above, key=lambda c: len(c.path), default=None)


def existed(org: Organization, day: dt.date) -> bool:
    return org.established_on <= day and (org.dissolved_on is None or org.dissolved_on > day)


def day_in_month(ctx: DemoContext, year: int, month: int, low: int = 3, high: int = 26) -> dt.date:
    return dt.date(year, month, ctx.rng.randint(low, high))
