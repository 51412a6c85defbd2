"""Reads for members in motion: transfer lists and queues, the figures reports use, lost-contact flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.dates import add_months, months_between
from core.fieldcrypto import id_hash_q
from core.scopes import scope_root, sees_everything
from organizations.choices import MEMBER_HOLDING_KINDS, OrgKind
from organizations.lineage import in_subtree_then
from organizations.models import Organization
from organizations.rules import get_rule, rules_in_force

from ..choices import LeaveReason, MemberStatus
from ..filters import (
    CertificateFilterSet,
    DepartureFilterSet,
    LostContactFilterSet,
    MobileFilterSet,
    TransferFilterSet,
)
from ..models import (
    Certificate,
    Departure,
    LostContact,
    Member,
    MobileRegistration,
    Transfer,
    TransferKind,
    TransferStatus,
)


def county_of(org: Organization) -> Organization:
    """The county an organization belongs to: its nearest 县委 (or its root when there is none)."""
    if org.kind == OrgKind.COUNTY_COMMITTEE:
        return org
    ancestors = list(org.ancestors())  # root first
    for ancestor in reversed(ancestors):
        if ancestor.kind == OrgKind.COUNTY_COMMITTEE:
            return ancestor
    return ancestors[0] if ancestors else org


def transfer_destinations(user: Any) -> QuerySet[Organization]:
    """Organizations a letter inside the county may be addressed to.

    Addressing a 介绍信 needs the county's directory of organizations, not
    just the sender's subtree (a branch secretary sends members to branches
    of other committees).  It lists names only; nothing inside them becomes
    visible, and accepting stays the receiving side's act.
    """
    root = user.organization
    qs = Organization.objects.active().filter(kind__in=MEMBER_HOLDING_KINDS)
    if user.is_superuser or root is None:
        return qs if user.is_superuser else qs.none()
    return qs.within(county_of(root))


def transfer_list(user: Any, *, filters: TransferFilterSet | None = None) -> QuerySet[Transfer]:
    """Transfers either end of which lies in the user's scope (narrowed by ``filters``), with what a row shows."""
    transfers = Transfer.objects.visible_to(user).select_related("from_org", "to_org", "member")
    return filters.filter_queryset(transfers) if filters is not None else transfers


@dataclass(frozen=True)
class TransferQueue:
    """The work queue: open letters past validity, and letters my organizations should accept."""

    overdue: list[Transfer]
    awaiting_acceptance: list[Transfer]


def transfer_queue(user: Any, today: dt.date | None = None) -> TransferQueue:
    today = today or dt.date.today()
    base = transfer_list(user)
    overdue = base.overdue_on(today).order_by("valid_until", "id")
    awaiting = base.pending().filter(kind__in=(TransferKind.INTERNAL, TransferKind.IN))
    root = scope_root(user)
    if root is not None and not sees_everything(user):
        # Acceptance is the receiving side's act: only letters addressed into my scope.
        awaiting = awaiting.filter(to_org__path__subtree=root.path)
    awaiting = awaiting.order_by("valid_until", "id")
    return TransferQueue(overdue=list(overdue), awaiting_acceptance=list(awaiting))


@dataclass(frozen=True)
class TransferFigures:
    """Transfers completed and certificates issued in a period, for one organization's subtree.

    ``transfers_in``: letters that brought a member into the subtree (from
    outside the county, or from elsewhere in the county); ``transfers_out``
    the reverse; ``internal``: moves between organizations of the subtree,
    which are neither.  ``total`` = in + out (办理…名党员的组织关系转入、转出).
    """

    transfers_in: int
    transfers_out: int
    total: int
    internal: int
    certificates_issued: int


def transfer_figures(org: Organization, start: dt.date, end: dt.date) -> TransferFigures:
    """transfers.in / .out / .total and certificates.issued (two queries)."""
    # Each letter counts where its two ends stood in the tree on the day it was completed.
    to_here = Q(in_subtree_then(org, "to_org", "completed_on"))
    from_here = Q(in_subtree_then(org, "from_org", "completed_on"))
    # from_org is null exactly for letters into the county, to_org exactly
    # for letters out of it, so each side's "outside" is spelled by kind.
    came_in = (Q(kind=TransferKind.IN) & to_here) | (Q(kind=TransferKind.INTERNAL) & to_here & ~from_here)
    went_out = (Q(kind=TransferKind.OUT) & from_here) | (Q(kind=TransferKind.INTERNAL) & from_here & ~to_here)
    within = Q(kind=TransferKind.INTERNAL) & from_here & to_here
    counts = Transfer.objects.filter(
        status=TransferStatus.COMPLETED, completed_on__gte=start, completed_on__lte=end
    ).aggregate(
        came_in=Count("id", filter=came_in),
        went_out=Count("id", filter=went_out),
        within=Count("id", filter=within),
    )
    certificates = (
        Certificate.objects.within_then(org, "issued_on")
        .filter(issued_on__gte=start, issued_on__lte=end)
        .count()
    )
    return TransferFigures(
        transfers_in=counts["came_in"],
        transfers_out=counts["went_out"],
        total=counts["came_in"] + counts["went_out"],
        internal=counts["within"],
        certificates_issued=certificates,
    )


def certificate_list(user: Any, *, filters: CertificateFilterSet | None = None) -> QuerySet[Certificate]:
    """Certificates issued in the user's scope, narrowed by ``filters``."""
    certificates = Certificate.objects.visible_to(user).select_related("member", "organization")
    return filters.filter_queryset(certificates) if filters is not None else certificates


def mobile_list(user: Any, *, filters: MobileFilterSet | None = None) -> QuerySet[MobileRegistration]:
    """流动党员 registrations in the user's scope; with ``filters``, those still away unless ``show`` says otherwise."""
    registrations = MobileRegistration.objects.visible_to(user).select_related("member", "organization")
    if filters is None:
        return registrations
    show = filters.values.get("show")
    if show == MobileFilterSet.RETURNED:
        registrations = registrations.filter(until__isnull=False)
    elif show != MobileFilterSet.ALL:
        registrations = registrations.filter(until__isnull=True)
    return filters.filter_queryset(registrations)


def departure_list(user: Any, *, filters: DepartureFilterSet | None = None) -> QuerySet[Departure]:
    """Deaths, 出党 and 停止党籍 recorded in the user's scope, narrowed by ``filters``."""
    departures = Departure.objects.visible_to(user).select_related("member", "organization", "recorded_by")
    return filters.filter_queryset(departures) if filters is not None else departures


def lost_contact_list(user: Any, *, filters: LostContactFilterSet | None = None) -> QuerySet[LostContact]:
    """失联 records in the user's scope; with ``filters``, the open ones unless ``show`` says otherwise."""
    records = LostContact.objects.visible_to(user).select_related("member", "organization")
    if filters is None:
        return records
    show = filters.values.get("show")
    if show == LostContactFilterSet.RESOLVED:
        records = records.filter(resolved_on__isnull=False)
    elif show != LostContactFilterSet.ALL:
        records = records.filter(resolved_on__isnull=True)
    return filters.filter_queryset(records)


class FlagKind:
    SUSPENSION = "SUSPENSION"
    CANCELLATION = "CANCELLATION"
    REMOVAL = "REMOVAL"


FLAG_LABELS = {
    FlagKind.SUSPENSION: "停止党籍（待研究）",
    # A 预备党员 is never suspended: the probation is cancelled instead.
    FlagKind.CANCELLATION: "取消预备资格（待研究）",
    FlagKind.REMOVAL: "除名（待研究）",
}

#: The two thresholds of 党员教育管理工作条例 (2019) 第24条 (configurable; defaults 6 and 24 months).
FLAG_RULES = ("lost_contact_suspension_months", "suspension_removal_months")


@dataclass(frozen=True)
class LostContactFlag:
    """One member the rules say needs a decision (停止党籍 or 取消预备资格, 除名)."""

    kind: str
    member: Member
    organization: Organization
    since: dt.date  # lost contact since / suspended since
    months: int
    record: LostContact | None = None

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.kind]


def _lost_flag(record: LostContact, today: dt.date) -> LostContactFlag:
    member = record.member
    kind = FlagKind.CANCELLATION if member.status == MemberStatus.PROBATIONARY else FlagKind.SUSPENSION
    return LostContactFlag(
        kind, member, record.organization, record.since, months_between(record.since, today), record
    )


def lost_contact_flag(
    record: LostContact, today: dt.date | None = None, *, months: int | None = None
) -> LostContactFlag | None:
    """The flag one open lost-contact record raises today, if any: lost ≥ 6 months → 停止党籍 to propose.

    ``months``: the rule ``lost_contact_suspension_months`` when the caller has read it already.
    """
    today = today or dt.date.today()
    if not record.is_open or not record.member.is_current:
        return None
    if months is None:
        months = int(get_rule("lost_contact_suspension_months"))
    if record.since > add_months(today, -months):
        return None
    return _lost_flag(record, today)


def lost_contact_flags(
    user: Any, today: dt.date | None = None, *, rules: dict[str, Any] | None = None
) -> list[LostContactFlag]:
    """Flags in the user's scope (the two rules in one query unless given as ``rules``, then two queries).

    党员教育管理工作条例 (2019) 第24条: lost contact for ≥ 6 months and still
    not reachable → the branch proposes 停止党籍 (a 预备党员: 取消预备资格);
    停止党籍 for ≥ 2 years and still not reachable → 除名 (both configurable).
    """
    today = today or dt.date.today()
    rules = rules or rules_in_force(*FLAG_RULES)
    suspension = rules["lost_contact_suspension_months"]
    removal = rules["suspension_removal_months"]
    open_records = (
        lost_contact_list(user)
        .filter(resolved_on__isnull=True, member__left_on__isnull=True)
        .filter(since__lte=add_months(today, -suspension))
        .order_by("since", "id")
    )
    flags = [_lost_flag(record, today) for record in open_records]
    suspended = (
        Member.objects.visible_to(user)
        .filter(leave_reason=LeaveReason.SUSPENDED, left_on__lte=add_months(today, -removal))
        .select_related("organization")
        .order_by("left_on", "id")
    )
    for member in suspended:
        months = months_between(member.left_on, today)
        flags.append(LostContactFlag(FlagKind.REMOVAL, member, member.organization, member.left_on, months))
    return flags


def suspended_person(transfer: Transfer, user: Any) -> Member | None:
    """The suspended member (停止党籍) a pending letter into the county introduces, when ``user`` sees them.

    Accepting that letter restores them (恢复党籍, ``services.transfers.incoming``): the page says so
    and asks for the approval's number.
    """
    if transfer.kind != TransferKind.IN or not transfer.is_pending:
        return None
    return (
        Member.objects.visible_to(user)
        .filter(id_hash_q("id_number", transfer.person_id_number), leave_reason=LeaveReason.SUSPENDED)
        .select_related("organization")
        .first()
    )
