"""Reads for 民主评议党员: a branch's grade sheet, a round's progress and warnings, results, follow-ups, figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.scopes import scope_root, sees_everything
from members.models import Member
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import GradeCategory
from ..models import AppraisalFollowUp, AppraisalRound, MemberAppraisal, TeamAppraisal
from ..services.appraisals import TEAM_KINDS, grade_categories
from .common import rate


def excellent_share() -> Fraction:
    return get_rule("appraisal_excellent_share")  # type: ignore[return-value]


def over_share(excellent: int, appraised: int, share: Fraction) -> bool:
    """More 优秀 than the share allows (normally one third) of those appraised."""
    return appraised > 0 and Fraction(excellent, appraised) > share


def share_label(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}" if share.denominator != 1 else str(share.numerator)


# --- rounds ----------------------------------------------------------------------------------------


def rounds_for(user: Any) -> QuerySet[AppraisalRound]:
    """Rounds the user takes part in: run in their subtree, or above it covering their organization."""
    if sees_everything(user):
        return AppraisalRound.objects.all()
    root = scope_root(user)
    if root is None:
        return AppraisalRound.objects.none()
    return AppraisalRound.objects.filter(
        Q(organization__path__subtree=root.path) | Q(organization__path__in=root.ancestor_paths())
    )


def round_visible(user: Any, round_: AppraisalRound) -> bool:
    return rounds_for(user).filter(pk=round_.pk).exists()


# --- one branch's grade sheet ----------------------------------------------------------------------


@dataclass
class GradeRow:
    member: Member
    appraisal: MemberAppraisal | None
    elsewhere: bool = False  # appraised this year in another round or branch

    @property
    def grade(self) -> str:
        return self.appraisal.grade if self.appraisal else ""

    @property
    def version(self) -> int:
        return self.appraisal.version if self.appraisal else 0


@dataclass
class GradeSheet:
    round: AppraisalRound
    organization: Organization
    rows: list[GradeRow]
    share: Fraction
    categories: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counter:
        return Counter(r.appraisal.grade for r in self.rows if r.appraisal and not r.elsewhere)

    @property
    def appraised(self) -> int:
        return sum(1 for r in self.rows if r.appraisal and not r.elsewhere)

    @property
    def excellent(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.appraisal and not r.elsewhere and r.appraisal.category == GradeCategory.EXCELLENT
        )

    @property
    def over_share(self) -> bool:
        return over_share(self.excellent, self.appraised, self.share)

    @property
    def excellent_limit(self) -> int:
        """The most 优秀 the share allows among the members on the sheet."""
        return int(self.share * len(self.rows))


def grade_sheet(round_: AppraisalRound, org: Organization) -> GradeSheet:
    """The members of ``org`` with their grade of the round's year: three queries.

    1 the share rule, 2 the branch's current members, 3 their appraisals of
    the year (any round; one in another round or branch is shown, not editable).
    """
    share = excellent_share()
    members = list(Member.objects.current().filter(organization=org).order_by("name", "id"))
    appraisals = {
        a.member_id: a
        for a in MemberAppraisal.objects.filter(
            year=round_.year, member__in=[m.pk for m in members]
        ).select_related("follow_up")
    }
    rows = []
    for m in members:
        a = appraisals.get(m.pk)
        elsewhere = a is not None and (a.round_id != round_.pk or a.organization_id != org.pk)
        rows.append(GradeRow(m, a, elsewhere))
    return GradeSheet(round_, org, rows, share, grade_categories(round_.grades))


# --- a round's progress ----------------------------------------------------------------------------


@dataclass
class BranchProgress:
    org: Organization
    members: int = 0
    by_category: Counter = field(default_factory=Counter)

    @property
    def appraised(self) -> int:
        return sum(self.by_category.values())

    @property
    def done(self) -> bool:
        return self.members > 0 and self.appraised >= self.members

    @property
    def excellent(self) -> int:
        return self.by_category[GradeCategory.EXCELLENT]

    @property
    def unqualified(self) -> int:
        return self.by_category[GradeCategory.UNQUALIFIED]


@dataclass
class RoundProgress:
    round: AppraisalRound
    branches: list[BranchProgress]
    share: Fraction
    grade_counts: Counter  # by the grade's own word

    @property
    def members(self) -> int:
        return sum(b.members for b in self.branches)

    @property
    def appraised(self) -> int:
        return sum(b.appraised for b in self.branches)

    @property
    def excellent(self) -> int:
        return sum(b.excellent for b in self.branches)

    @property
    def done_branches(self) -> int:
        return sum(1 for b in self.branches if b.done)

    @property
    def warnings(self) -> list[BranchProgress]:
        return [b for b in self.branches if over_share(b.excellent, b.appraised, self.share)]

    @property
    def over_share(self) -> bool:
        return over_share(self.excellent, self.appraised, self.share)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.appraised, self.members)

    def grade_rows(self) -> list[tuple[str, int, Decimal | None]]:
        return [
            (g, self.grade_counts[g], rate(self.grade_counts[g], self.appraised)) for g in self.round.grades
        ]


def round_progress(round_: AppraisalRound, within: Organization | None = None) -> RoundProgress:
    """Every organization keeping members in the round (or in ``within``): members, appraised, by category.

    Four queries: the share rule, the organizations with current members and
    their counts, the round's appraisals by organization and category, and by grade.
    """
    share = excellent_share()
    scope = within or round_.organization
    members = Member.objects.current().within(scope).values("organization").annotate(n=Count("id")).order_by()
    counts = {row["organization"]: row["n"] for row in members}
    appraisals = round_.appraisals.filter(organization__path__subtree=scope.path)
    by_org: dict[int, Counter] = defaultdict(Counter)
    for row in appraisals.values("organization", "category").annotate(n=Count("id")).order_by():
        by_org[row["organization"]][row["category"]] += row["n"]
    grade_counts = Counter(
        dict(appraisals.values_list("grade").annotate(n=Count("id")).order_by().values_list("grade", "n"))
    )
    orgs = Organization.objects.filter(pk__in=set(counts) | set(by_org)).order_by("path")
    branches = [BranchProgress(o, counts.get(o.pk, 0), by_org.get(o.pk, Counter())) for o in orgs]
    return RoundProgress(round_, branches, share, grade_counts)


def team_sheet(round_: AppraisalRound, user: Any) -> list[tuple[Organization, TeamAppraisal | None]]:
    """The teams of the round the user may enter votes for, with their votes so far (two queries)."""
    orgs = list(
        Organization.objects.editable_by(user)
        .active()
        .filter(path__subtree=round_.organization.path, kind__in=TEAM_KINDS)
        .exclude(form__in=("TEMPORARY", "FUNCTIONAL"))
        .order_by("path")
    )
    votes = {t.organization_id: t for t in round_.team_appraisals.filter(organization__in=orgs)}
    return [(o, votes.get(o.pk)) for o in orgs]


# --- lists -----------------------------------------------------------------------------------------


def appraisal_list(*, user: Any, filters: Any) -> QuerySet[MemberAppraisal]:
    return filters.filter_queryset(
        MemberAppraisal.objects.visible_to(user).select_related(
            "member", "organization", "round", "follow_up"
        )
    )


def follow_up_list(*, user: Any, filters: Any) -> QuerySet[MemberAppraisal]:
    """Members appraised 不合格 in the user's scope, with their follow-up (or none yet)."""
    return filters.filter_queryset(
        MemberAppraisal.objects.visible_to(user)
        .filter(category=GradeCategory.UNQUALIFIED)
        .select_related("member", "organization", "round", "follow_up", "follow_up__departure")
    )


def follow_ups_due(user: Any, today: dt.date, days: int = 30) -> tuple[int, int]:
    """(不合格 without a decision, 限期改正 whose deadline is within ``days`` or past): two queries."""
    undecided = (
        MemberAppraisal.objects.visible_to(user)
        .filter(category=GradeCategory.UNQUALIFIED, follow_up__isnull=True, member__left_on__isnull=True)
        .count()
    )
    due = (
        AppraisalFollowUp.objects.visible_to(user)
        .filter(closed_on__isnull=True, deadline__lte=today + dt.timedelta(days=days))
        .count()
    )
    return undecided, due


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppraisalFigures:
    """appraisal.* for one subtree and period: members appraised and by category."""

    members: int
    excellent: int
    qualified: int
    basically_qualified: int
    unqualified: int

    @property
    def excellent_rate(self) -> Decimal | None:
        return rate(self.excellent, self.members)


def appraisal_figures(org: Organization, start: dt.date, end: dt.date) -> AppraisalFigures:
    """Members appraised in the period's year (by its end), where they were appraised: one query."""
    rows = MemberAppraisal.objects.filter(year=start.year, appraised_on__lte=end).within_then(
        org, "appraised_on"
    )
    c = rows.aggregate(
        members=Count("member", distinct=True),
        **{key.lower(): Count("id", filter=Q(category=key)) for key in GradeCategory.values},
    )
    return AppraisalFigures(
        members=c["members"],
        excellent=c["excellent"],
        qualified=c["qualified"],
        basically_qualified=c["basic"],
        unqualified=c["unqualified"],
    )
