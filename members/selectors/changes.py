"""The member change table (党员增减变化): who came onto and who left a subtree's roll in a period.

党内统计 reconciles last year's total with this year's: increase (新发展,
恢复党籍, 转入) and decrease (出党, 停止党籍, 死亡, 转出).  Everything is read
from the members' dated history (``MemberPeriod``) and the dated tree, so a
branch moved today leaves last year's table as it was
(``ScopedQuerySet.within_on`` / ``within_then``).

A period that starts (or ends) on a day another period of the same member,
in the same subtree, ends (or starts) is no change for that subtree: a
转正, or a move between two of its branches.  What starts the rest says how
the member came (its ``start_reason``); what ends it says how they left
(``end_reason``, and for 出党/死亡/停止党籍 the departure recorded that day, else
the member's leaving reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from organizations.models import Organization

from ..choices import EXIT_REASONS, LeaveReason, PeriodReason
from ..models import Departure, MemberPeriod
from .development.figures import admissions

MOVES = (PeriodReason.MOVED, PeriodReason.MERGED)


@dataclass(frozen=True)
class MemberChanges:
    """One subtree's members at the start and end of a period and every change between (counts)."""

    start_total: int  # members on the day before the period
    admitted: int  # 新发展 (入党日期 in the period)
    restored: int  # 恢复党籍
    transferred_in: int  # 从县外转入
    moved_in: int  # 县内转入 (from outside the subtree, a merge included)
    other_in: int  # anything else (a record registered later than its 入党日期)
    exited: int  # 出党: 退党, 劝退, 除名, 开除党籍, 取消预备资格
    suspended: int  # 停止党籍
    died: int  # 死亡
    transferred_out: int  # 转出县外
    moved_out: int  # 县内转出 (to outside the subtree)
    other_out: int
    end_total: int  # members on the period's last day

    @property
    def increase(self) -> int:
        return self.admitted + self.restored + self.transferred_in + self.moved_in + self.other_in

    @property
    def decrease(self) -> int:
        return (
            self.exited + self.suspended + self.died + self.transferred_out + self.moved_out + self.other_out
        )

    @property
    def reconciles(self) -> bool:
        """Last period's total plus the increase less the decrease is this period's total."""
        return self.start_total + self.increase - self.decrease == self.end_total


def _members_on(org: Organization, day: dt.date) -> int:
    return MemberPeriod.objects.within_on(org, day).on(day).count()


def member_changes(org: Organization, start: dt.date, end: dt.date) -> MemberChanges:
    """The change table of ``org``'s subtree from ``start`` to ``end`` (both included): four queries."""
    # 1–2: the totals before and at the end of the period.
    before = _members_on(org, start - dt.timedelta(days=1))
    after = _members_on(org, end)

    # 3: periods that bring a member into the subtree (each where its organization stood that day).
    continues_one = Exists(
        MemberPeriod.objects.filter(member=OuterRef("member"), end_on=OuterRef("start_on")).within_then(
            org, "end_on", day_before=True
        )
    )
    arrivals = (
        MemberPeriod.objects.filter(start_on__gte=start, start_on__lte=end)
        .within_then(org, "start_on")
        .exclude(continues_one)
    )
    admitted = Q(pk__in=admissions(start, end).values("pk"))
    restored = Q(start_reason=PeriodReason.RESTORED)
    transferred_in = Q(start_reason=PeriodReason.TRANSFER_IN)
    moved_in = Q(start_reason__in=MOVES)
    came = arrivals.aggregate(
        admitted=Count("id", filter=admitted),
        restored=Count("id", filter=restored),
        transferred_in=Count("id", filter=transferred_in),
        moved_in=Count("id", filter=moved_in),
        total=Count("id"),
    )

    # 4: periods that take a member out of it (in the subtree on the day before they end).
    continued = Exists(
        MemberPeriod.objects.filter(member=OuterRef("member"), start_on=OuterRef("end_on")).within_then(
            org, "start_on"
        )
    )
    departure_that_day = Departure.objects.filter(member=OuterRef("member"), day=OuterRef("end_on")).order_by(
        "id"
    )
    leavings = (
        MemberPeriod.objects.filter(end_on__gte=start, end_on__lte=end)
        .within_then(org, "end_on", day_before=True)
        .exclude(continued)
        # A suspended member removed (除名) later left on the suspension day: the departure of that day says so.
        .annotate(left_as=Coalesce(Subquery(departure_that_day.values("reason")[:1]), "member__leave_reason"))
    )
    left = Q(end_reason=PeriodReason.LEFT)
    went = leavings.aggregate(
        exited=Count("id", filter=left & Q(left_as__in=EXIT_REASONS)),
        suspended=Count("id", filter=left & Q(left_as=LeaveReason.SUSPENDED)),
        died=Count("id", filter=left & Q(left_as=LeaveReason.DEATH)),
        transferred_out=Count("id", filter=Q(end_reason=PeriodReason.TRANSFER_OUT)),
        moved_out=Count("id", filter=Q(end_reason__in=MOVES)),
        total=Count("id"),
    )
    came_total, went_total = came.pop("total"), went.pop("total")
    return MemberChanges(
        start_total=before,
        **came,
        other_in=came_total - sum(came.values()),
        **went,
        other_out=went_total - sum(went.values()),
        end_total=after,
    )
