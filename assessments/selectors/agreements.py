"""Reads for 目标管理责任书: the bulk screens' rows, signing progress, lists, the ranking and the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from members.models import Member, MemberPeriod
from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgKind
from organizations.models import Organization

from ..choices import AgreementLevel, AgreementStatus
from ..models import AgreementTemplate, AssessmentScore, TargetAgreement
from ..services.agreements import PARTY_KINDS, exemption_by_rule, exemption_rules
from .common import rate

# --- the bulk screen of a branch's members ---------------------------------------------------------


@dataclass
class MemberRow:
    """One member on a branch's agreement screen: the agreement of the year (if any) and the rule's view."""

    member: Member
    agreement: TargetAgreement | None
    suggested: tuple[str, str] | None  # (reason, note) when the rules exempt the member
    age: int

    @property
    def status(self) -> str:
        return self.agreement.status if self.agreement else AgreementStatus.NONE

    @property
    def status_label(self) -> str:
        return AgreementStatus(self.status).label

    organization: Organization | None = None

    @property
    def left(self) -> bool:
        """Signed here but no longer a member of the branch (left or moved since)."""
        return self.member.left_on is not None or (
            self.organization is not None and self.member.organization_id != self.organization.pk
        )

    @property
    def signed_elsewhere(self) -> bool:
        """Signed in another branch before moving here."""
        return bool(
            self.agreement and self.organization and self.agreement.subject_id != self.organization.pk
        )


@dataclass
class MemberSheet:
    organization: Organization
    year: int
    rows: list[MemberRow]
    day: dt.date

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status and not r.left)

    @property
    def signed(self) -> int:
        return self.count(AgreementStatus.SIGNED)

    @property
    def pending(self) -> int:
        return self.count(AgreementStatus.PENDING)

    @property
    def exempt(self) -> int:
        return self.count(AgreementStatus.EXEMPT)

    @property
    def missing(self) -> int:
        return self.count(AgreementStatus.NONE)

    @property
    def members(self) -> int:
        return sum(1 for r in self.rows if not r.left)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.signed, self.members)

    @property
    def to_issue(self) -> list[MemberRow]:
        return [r for r in self.rows if r.status == AgreementStatus.NONE and not r.left]


def member_sheet(org: Organization, year: int, day: dt.date | None = None) -> MemberSheet:
    """Every member of ``org`` with the year's agreement and the exemption the rules suggest: three queries.

    1 the exemption rules, 2 the branch's members today, 3 the branch's
    agreements of the year (members who left since still show, marked).
    The rules are applied on ``day`` (default: today, or 1 January of a past year).
    """
    today = dt.date.today()
    day = day or (today if today.year <= year else dt.date(year, 12, 31))
    rules = exemption_rules()
    members = list(Member.objects.current().filter(organization=org).order_by("name", "id"))
    # The members' agreements of the year wherever they signed (a member moved here since keeps the one
    # signed in the old branch), and those signed here by members who have left or moved since.
    agreements = {
        a.member_id: a
        for a in TargetAgreement.objects.for_members()
        .filter(Q(subject=org) | Q(member__in=[m.pk for m in members]), year=year)
        .select_related("member", "subject")
        .order_by("member__name", "id")
    }
    rows = []
    for member in members:
        rows.append(
            MemberRow(
                member,
                agreements.pop(member.pk, None),
                exemption_by_rule(member, day, rules),
                member.age_on(day),
                org,
            )
        )
    for agreement in agreements.values():  # left or moved since they signed here
        member = agreement.member
        rows.append(MemberRow(member, agreement, None, member.age_on(day), org))  # type: ignore[arg-type]
    return MemberSheet(org, year, rows, day)


# --- signing progress of a subtree (and the bulk screen of an organization's parties) --------------


@dataclass
class PartyRow:
    """One organization below: its own agreement with the level above, and how its members signed."""

    org: Organization
    agreement: TargetAgreement | None
    members: int = 0
    signed: int = 0
    exempt: int = 0
    issued: int = 0

    @property
    def status(self) -> str:
        return self.agreement.status if self.agreement else AgreementStatus.NONE

    @property
    def status_label(self) -> str:
        return AgreementStatus(self.status).label

    @property
    def pending(self) -> int:
        return max(self.issued - self.signed - self.exempt, 0)

    @property
    def missing(self) -> int:
        return max(self.members - self.issued, 0)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.signed, self.members)


@dataclass
class Progress:
    organization: Organization
    year: int
    rows: list[PartyRow]
    total: PartyRow = field(init=False)

    def __post_init__(self) -> None:
        self.total = PartyRow(self.organization, None)

    @property
    def parties_signed(self) -> int:
        return sum(1 for r in self.rows if r.status == AgreementStatus.SIGNED)

    @property
    def to_issue(self) -> list[PartyRow]:
        return [r for r in self.rows if r.agreement is None]


def parties_of(org: Organization) -> QuerySet[Organization]:
    """The organizations directly below ``org`` that sign an agreement with it."""
    return (
        Organization.objects.active()
        .filter(parent=org, kind__in=PARTY_KINDS)
        .exclude(form__in=NOT_COUNTED_FORMS)
        .order_by("sort_order", "path")
    )


def subtree_progress(org: Organization, year: int) -> Progress:
    """``org``'s parties, each with its agreement and its members' signing: four queries.

    1 the parties, 2 their agreements of the year, 3 the members of the
    subtree today by organization, 4 those members' agreements of the year by
    their organization today.  A party's members are those anywhere below it.
    """
    parties = list(parties_of(org))
    agreements = {
        a.subject_id: a
        for a in TargetAgreement.objects.for_organizations()
        .filter(year=year, subject__in=parties)
        .select_related("score", "organization")
    }
    progress = Progress(org, year, [PartyRow(p, agreements.get(p.pk)) for p in parties])
    by_path = sorted(progress.rows, key=lambda r: -len(r.org.path))

    def row_of(path: str) -> PartyRow | None:
        return next((r for r in by_path if path.startswith(r.org.path)), None)

    counts = Member.objects.current().within(org).values("organization__path").annotate(n=Count("id"))
    for c in counts.order_by():
        row = row_of(c["organization__path"])
        progress.total.members += c["n"]
        if row:
            row.members += c["n"]
    # By the member's organization today (a member who moved keeps the agreement signed before).
    signed = (
        TargetAgreement.objects.for_members()
        .filter(year=year, member__left_on__isnull=True, member__organization__path__subtree=org.path)
        .values("member__organization__path")
        .annotate(
            issued=Count("id"),
            signed=Count("id", filter=Q(signed_on__isnull=False)),
            exempt=Count("id", filter=~Q(exemption="")),
        )
    )
    for c in signed.order_by():
        for target in (row_of(c["member__organization__path"]), progress.total):
            if target is not None:
                target.issued += c["issued"]
                target.signed += c["signed"]
                target.exempt += c["exempt"]
    return progress


# --- templates -------------------------------------------------------------------------------------


def templates_for(org: Organization, year: int, level: str) -> QuerySet[AgreementTemplate]:
    """Templates ``org`` may issue ``level`` agreements of ``year`` from (its own and its superiors')."""
    return (
        AgreementTemplate.objects.usable_for(org)
        .filter(year=year, level=level)
        .select_related("organization")
        .order_by("-organization__path", "-id")
    )


def template_list(user: Any, year: int | None = None) -> QuerySet[AgreementTemplate]:
    qs = (
        AgreementTemplate.objects.visible_to(user)
        .select_related("organization")
        .annotate(
            item_count=Count("items", distinct=True), agreement_count=Count("agreements", distinct=True)
        )
    )
    return qs.filter(year=year) if year else qs


# --- lists -----------------------------------------------------------------------------------------


def agreement_list(*, user: Any, filters: Any) -> QuerySet[TargetAgreement]:
    """Organizations' agreements in the user's scope (the scoring table), narrowed by ``filters``."""
    return filters.filter_queryset(
        TargetAgreement.objects.visible_to(user)
        .for_organizations()
        .select_related("organization", "subject", "score")
    )


def member_roster(*, user: Any, filters: Any) -> QuerySet[Member]:
    """Members of the user's scope today with their agreement of the chosen year (status annotated)."""
    year = int(filters.values.get("year") or dt.date.today().year)
    of_year = TargetAgreement.objects.filter(year=year, member=OuterRef("pk"))
    members = (
        Member.objects.visible_to(user)
        .current()
        .select_related("organization")
        .annotate(
            agreement_pk=Subquery(of_year.values("pk")[:1]),
            agreement_signed_on=Subquery(of_year.values("signed_on")[:1]),
            agreement_exemption=Subquery(of_year.values("exemption")[:1]),
            agreement_exemption_note=Subquery(of_year.values("exemption_note")[:1]),
        )
    )
    return filters.filter_queryset(members)


def roster_status(member: Any) -> str:
    if member.agreement_pk is None:
        return AgreementStatus.NONE
    if member.agreement_exemption:
        return AgreementStatus.EXEMPT
    return AgreementStatus.SIGNED if member.agreement_signed_on else AgreementStatus.PENDING


# --- ranking ---------------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int | None
    agreement: TargetAgreement
    score: AssessmentScore | None


def ranking(org: Organization, year: int) -> list[RankRow]:
    """The agreements ``org`` issued to organizations for ``year``, best total first (one query).

    Equal totals share a rank (1, 2, 2, 4); agreements not scored yet come last, unranked.
    """
    rows = list(
        TargetAgreement.objects.for_organizations()
        .filter(year=year, organization=org)
        .select_related("subject", "score", "organization")
        .order_by(F("score__total").desc(nulls_last=True), "subject__sort_order", "subject__path")
    )
    ranked: list[RankRow] = []
    previous: Decimal | None = None
    rank = 0
    for position, agreement in enumerate(rows, start=1):
        score = getattr(agreement, "score", None)
        if score is None:
            ranked.append(RankRow(None, agreement, None))
            continue
        if score.total != previous:
            rank, previous = position, score.total
        ranked.append(RankRow(rank, agreement, score))
    return ranked


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementFigures:
    """agreements.* for one organization's subtree and period."""

    members_signed: int  # members with a signed agreement of the period's year (signed by its end)
    members_total: int  # members at period end (党员总数)
    committees_signed: int  # base committees (incl. 党工委) with a signed agreement
    branches_signed: int  # 党支部 (as the statistics count them) with a signed agreement

    @property
    def members_rate(self) -> Decimal | None:
        return rate(self.members_signed, self.members_total)


def agreement_figures(org: Organization, start: dt.date, end: dt.date) -> AgreementFigures:
    """Signed agreements of ``start.year`` by ``end``, counted where each was signed: three queries.

    1 members with a signed agreement (each under the organization it signed in,
    placed in the tree as it stood on the signing day), 2 the organizations
    that signed, by kind, 3 members at period end (the rate's denominator, as
    the reference prints it: 7844 of 8789 = 89.25%).
    """
    signed = TargetAgreement.objects.filter(year=start.year, signed_on__lte=end).within_then(org, "signed_on")
    members = signed.filter(level=AgreementLevel.MEMBER).aggregate(n=Count("member", distinct=True))["n"]
    orgs = signed.filter(level=AgreementLevel.ORGANIZATION).aggregate(
        committees=Count("subject", distinct=True, filter=Q(subject__kind__in=COMMITTEE_KINDS)),
        branches=Count(
            "subject",
            distinct=True,
            filter=Q(subject__kind=OrgKind.BRANCH) & ~Q(subject__form__in=NOT_COUNTED_FORMS),
        ),
    )
    total = MemberPeriod.objects.on(end).within_on(org, end).count()
    return AgreementFigures(
        members_signed=members,
        members_total=total,
        committees_signed=orgs["committees"],
        branches_signed=orgs["branches"],
    )


def status_counts(agreements: QuerySet[TargetAgreement]) -> dict[str, int]:
    """How many of ``agreements`` are signed, pending or exempt (one query)."""
    totals = agreements.aggregate(
        signed=Count("id", filter=Q(signed_on__isnull=False)),
        exempt=Count("id", filter=~Q(exemption="")),
        total=Count("id"),
    )
    totals["pending"] = totals["total"] - totals["signed"] - totals["exempt"]
    return totals


__all__ = [
    "AgreementFigures",
    "MemberRow",
    "MemberSheet",
    "PartyRow",
    "Progress",
    "RankRow",
    "agreement_figures",
    "agreement_list",
    "member_roster",
    "member_sheet",
    "parties_of",
    "ranking",
    "roster_status",
    "status_counts",
    "subtree_progress",
    "template_list",
    "templates_for",
]
