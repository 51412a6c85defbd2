"""预备期与转正: where every 预备党员's probation stands, with or without an ``Applicant``.

A probation runs one year from the 入党日期, plus the one extension the upper
committee approved.  It ends with an approved 按期转正 or 取消预备资格 (a
``Confirmation``).  The member's page, the development worklist and the
工作台 read it from here, so a 预备党员 who was registered, imported or
transferred in is followed exactly like one admitted through the pipeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max, Q, QuerySet

from core.dates import add_months, add_years

from ...choices import MemberStatus
from ...models import Member
from ...models.development import Confirmation, Decision, Outcome
from .rules import PROBATION_NOTICE_DAYS, PROBATION_YEARS, approved_extension, pending_of, probation_ends_on


class ProbationState:
    """Where a probation stands on a day (the worklist's sections read these)."""

    RUNNING = "RUNNING"  # more than PROBATION_NOTICE_DAYS to go
    ENDING = "ENDING"  # ends within PROBATION_NOTICE_DAYS
    OVERDUE = "OVERDUE"  # ended, not yet discussed
    LONG_OVERDUE = "LONG_OVERDUE"  # ended so long ago that the record must be wrong or forgotten
    AWAITING = "AWAITING"  # discussed, waiting for the upper committee
    CLOSED = "CLOSED"  # 转正 or 取消预备资格 approved, or the member left


@dataclass(frozen=True)
class ProbationFile:
    """A member's probation: its end, its 转正记录 and what is due on ``today``."""

    member: Member
    confirmations: list[Confirmation]
    today: dt.date
    overdue_months: int

    @property
    def extension(self) -> int | None:
        return approved_extension(self.confirmations)

    @property
    def pending(self) -> Confirmation | None:
        return pending_of(self.confirmations)

    @property
    def ends_on(self) -> dt.date:
        return probation_ends_on(self.member.joined_on, self.extension)

    @property
    def long_overdue_on(self) -> dt.date:
        """From this day the record is implausible: the longest extension and the approval have passed."""
        return add_months(add_years(self.member.joined_on, PROBATION_YEARS), self.overdue_months)

    @property
    def is_open(self) -> bool:
        return self.member.is_current and self.member.status == MemberStatus.PROBATIONARY

    @property
    def state(self) -> str:
        return probation_state(
            open_=self.is_open,
            pending=self.pending is not None,
            ends_on=self.ends_on,
            long_overdue_on=self.long_overdue_on,
            today=self.today,
        )

    @property
    def may_extend(self) -> bool:
        return self.extension is None


def probation_state(
    *, open_: bool, pending: bool, ends_on: dt.date, long_overdue_on: dt.date, today: dt.date
) -> str:
    if not open_:
        return ProbationState.CLOSED
    if pending:
        return ProbationState.AWAITING
    if today > long_overdue_on:
        return ProbationState.LONG_OVERDUE
    if today > ends_on:
        return ProbationState.OVERDUE
    if (ends_on - today).days <= PROBATION_NOTICE_DAYS:
        return ProbationState.ENDING
    return ProbationState.RUNNING


def probation_file(member: Member, today: dt.date, overdue_months: int) -> ProbationFile:
    """The member's probation with every 转正记录, oldest first (one query)."""
    confirmations = list(
        member.confirmations.select_related("organization", "approving_org").order_by("meeting_on", "id")
    )
    return ProbationFile(
        member=member, confirmations=confirmations, today=today, overdue_months=overdue_months
    )


def probationary_members(user: Any) -> QuerySet[Member]:
    """Current 预备党员 the user may see, with their approved extension and the discussion awaiting approval.

    One query: ``extension`` (months, approved) and ``pending_on`` / ``pending_id``
    (the discussion waiting for step 24), ``applicant_pk`` when the member came
    through the pipeline (the worklist links there).
    """
    approved_extension_q = Q(
        confirmations__decision=Decision.APPROVED, confirmations__outcome=Outcome.EXTENDED
    )
    return (
        Member.objects.visible_to(user)
        .current()
        .filter(status=MemberStatus.PROBATIONARY)
        .annotate(
            extension=Max("confirmations__extension_months", filter=approved_extension_q),
            pending_on=Max("confirmations__meeting_on", filter=Q(confirmations__decision="")),
            pending_id=Max("confirmations__id", filter=Q(confirmations__decision="")),
            applicant_pk=F("applicant__pk"),
        )
        .select_related("organization")
        .order_by("organization__path", "name", "id")
    )
