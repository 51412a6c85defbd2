"""Reads of the organization tree, always through the scope layer.

Member figures come from :func:`organizations.hooks.direct_member_counts`
(one grouped query, provided by the members app) and are added up the
materialized paths in Python, so a whole tree with its subtree totals costs
one query for the organizations and one for the counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from .choices import COMMITTEE_KINDS, OrgKind, PostTitle
from .hooks import DirectCounts, direct_member_counts
from .models import PATH_SEGMENT, LeadershipPost, Organization, OrganizationQuerySet
from .rules import TermYears, get_rule, rules_in_force

SEGMENT_LENGTH = PATH_SEGMENT + 1  # digits plus the trailing "/"


@dataclass(frozen=True)
class ScopeOverview:
    root: Organization | None
    org_counts: dict[str, int]  # kind label -> active organizations
    member_total: int
    member_probationary: int


def scope_overview(user: Any) -> ScopeOverview:
    """What the user's scope holds today (for the home page)."""
    orgs = Organization.objects.visible_to(user).active()
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    kinds = {label: by_kind.get(value, 0) for value, label in OrgKind.choices if by_kind.get(value)}
    counts = [c for c in direct_member_counts(orgs.values_list("id", flat=True)).values() if not c.in_parent]
    total = sum(c.members for c in counts)
    probationary = sum(c.probationary for c in counts)
    return ScopeOverview(
        root=user.organization if not user.is_superuser else None,
        org_counts=kinds,
        member_total=total,
        member_probationary=probationary,
    )


def visible_orgs_on(user: Any, day: dt.date) -> Any:
    return Organization.objects.visible_to(user).existing_on(day)


# ---------------------------------------------------------------------------
# Subtree totals


@dataclass
class SubtreeCounts:
    """Current members of an organization and everything below it."""

    members: int = 0
    full: int = 0
    probationary: int = 0
    direct_members: int = 0

    def add(self, counts: DirectCounts) -> None:
        self.members += counts.members
        self.full += counts.full
        self.probationary += counts.probationary


def ancestor_paths_of(path: str) -> list[str]:
    """Every proper prefix of a materialized path, root first."""
    return [path[:end] for end in range(SEGMENT_LENGTH, len(path), SEGMENT_LENGTH)]


def subtree_counts(orgs: Sequence[Organization], ids_query: Iterable[int]) -> dict[int, SubtreeCounts]:
    """Member totals per organization over its subtree, as far as ``orgs`` reaches.

    ``ids_query`` selects the ids of ``orgs`` (pass a ``values_list`` queryset:
    it becomes a subquery of the one counting query).  A node's total includes
    every row of ``orgs`` below it.  A 党小组 shows the members placed in it,
    who are on its branch's roll already: they count once above it.
    """
    direct = direct_member_counts(ids_query)
    by_path = {org.path: org.pk for org in orgs}
    totals = {org.pk: SubtreeCounts() for org in orgs}
    for org in orgs:
        counts = direct.get(org.pk)
        if not counts:
            continue
        totals[org.pk].direct_members = counts.members
        totals[org.pk].add(counts)
        if counts.in_parent:
            continue  # counted at the branch that keeps them
        for prefix in ancestor_paths_of(org.path):
            ancestor_id = by_path.get(prefix)
            if ancestor_id is not None:
                totals[ancestor_id].add(counts)
    return totals


# ---------------------------------------------------------------------------
# The tree page


@dataclass
class TreeNode:
    """One organization of the tree page with its figures and visible children."""

    org: Organization
    counts: SubtreeCounts
    children: list[TreeNode] = field(default_factory=list)
    child_count: int = 0  # direct sub-organizations shown
    descendant_count: int = 0  # every organization below it shown
    matched: bool = False  # hit of the search box
    depth: int = 0  # 0 for a root of the page


@dataclass(frozen=True)
class TreeOptions:
    """What the tree page shows: ``on`` (as of a date), dissolved ones, a search text."""

    on: dt.date | None = None
    include_dissolved: bool = False
    query: str = ""


def tree_queryset(user: Any, options: TreeOptions) -> OrganizationQuerySet:
    orgs = Organization.objects.visible_to(user)
    if options.on:
        return orgs.existing_on(options.on)
    if not options.include_dissolved:
        return orgs.active()
    return orgs


def _sort_key(node: TreeNode) -> tuple[int, str]:
    return (node.org.sort_order, node.org.code)


def org_tree(user: Any, options: TreeOptions) -> list[TreeNode]:
    """The user's tree as nested nodes: one query for the organizations, one for the member counts.

    With a search text, only the matching organizations and their ancestors
    are kept (totals still count the whole subtree).
    """
    queryset = tree_queryset(user, options)
    orgs = list(queryset)
    counts = subtree_counts(orgs, queryset.values_list("id", flat=True))
    nodes = {org.path: TreeNode(org=org, counts=counts[org.pk]) for org in orgs}

    roots: list[TreeNode] = []
    for org in orgs:  # ordered by path: parents come before their children
        node = nodes[org.path]
        parent = nodes.get(org.path[:-SEGMENT_LENGTH]) if org.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    for org in reversed(orgs):  # children first, so their totals are final
        node = nodes[org.path]
        node.child_count = len(node.children)
        node.descendant_count = sum(1 + child.descendant_count for child in node.children)
        node.children.sort(key=_sort_key)

    query = options.query.strip().lower()
    if query:
        keep: set[str] = set()
        for org in orgs:
            if query in org.name.lower() or query in org.code.lower():
                nodes[org.path].matched = True
                keep.add(org.path)
                keep.update(ancestor_paths_of(org.path))
        for node in nodes.values():
            node.children = [child for child in node.children if child.org.path in keep]
        roots = [root for root in roots if root.org.path in keep]

    def set_depth(node: TreeNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    roots.sort(key=_sort_key)
    for root in roots:
        set_depth(root, 0)
    return roots


# ---------------------------------------------------------------------------
# Leadership teams and vacancies

#: Posts every committee's leadership team needs (基层党委, 党工委, 县委).
COMMITTEE_REQUIRED_POSTS = (
    PostTitle.SECRETARY,
    PostTitle.DEPUTY_SECRETARY,
    PostTitle.ORGANIZATION,
    PostTitle.DISCIPLINE,
)
#: Posts of a branch committee (支委会) or a general-branch committee (总支委员会).
BRANCH_COMMITTEE_REQUIRED_POSTS = (
    PostTitle.SECRETARY,
    PostTitle.ORGANIZATION,
    PostTitle.PROPAGANDA,
    PostTitle.DISCIPLINE,
)


def required_posts(org: Organization, full_members: int, committee_threshold: int) -> tuple[str, ...]:
    """The posts ``org`` must have filled: the one place that says so.

    Every organization needs a 书记 (a 党小组 has a 组长, not a post here);
    committees need 书记, 副书记, 组织委员, 纪检委员; a general branch has a
    committee, and a branch has a 支委会 once it has ``committee_threshold``
    full members (get_rule("branch_committee_min_full_members")), both needing
    组织委员, 宣传委员, 纪检委员 besides the 书记.
    """
    if org.kind == OrgKind.GROUP:
        return ()
    if org.kind in (*COMMITTEE_KINDS, OrgKind.COUNTY_COMMITTEE):
        return COMMITTEE_REQUIRED_POSTS
    if org.kind == OrgKind.GENERAL_BRANCH:
        return BRANCH_COMMITTEE_REQUIRED_POSTS
    if full_members >= committee_threshold:
        return BRANCH_COMMITTEE_REQUIRED_POSTS
    return (PostTitle.SECRETARY,)


@dataclass(frozen=True)
class Vacancy:
    """An organization whose required posts are not all filled on a day."""

    org: Organization
    missing: tuple[str, ...]  # PostTitle values
    full_members: int
    parent_name: str = ""

    @property
    def missing_items(self) -> list[tuple[str, str]]:
        return [(title, PostTitle(title).label) for title in self.missing]


def vacancies_for(
    orgs: Sequence[Organization],
    counts: dict[int, SubtreeCounts],
    filled: dict[int, set[str]],
    committee_threshold: int,
) -> list[Vacancy]:
    names = {org.pk: org.name for org in orgs}
    result = []
    for org in orgs:
        full = counts[org.pk].full if org.pk in counts else 0
        held = filled.get(org.pk, set())
        missing = tuple(t for t in required_posts(org, full, committee_threshold) if t not in held)
        if missing:
            parent_name = names.get(org.parent_id, "") if org.parent_id else ""
            result.append(Vacancy(org=org, missing=missing, full_members=full, parent_name=parent_name))
    return result


def filled_posts(orgs_query: OrganizationQuerySet, day: dt.date) -> dict[int, set[str]]:
    """Titles held on ``day`` by organization, in one query."""
    rows = (
        LeadershipPost.objects.current_on(day)
        .filter(organization__in=orgs_query)
        .values_list("organization_id", "title")
        .distinct()
    )
    filled: dict[int, set[str]] = {}
    for org_id, title in rows:
        filled.setdefault(org_id, set()).add(title)
    return filled


def vacancies(user: Any, day: dt.date | None = None, kind: str = "") -> list[Vacancy]:
    """Organizations in the user's scope whose required posts are unfilled on ``day`` (today).

    Four queries whatever the size of the scope: the rule, the organizations,
    the member counts and the posts.
    """
    day = day or timezone.localdate()
    threshold = int(get_rule("branch_committee_min_full_members"))
    queryset = Organization.objects.visible_to(user).existing_on(day)
    orgs = list(queryset)
    counts = subtree_counts(orgs, queryset.values_list("id", flat=True))
    filled = filled_posts(queryset, day)
    rows = vacancies_for(orgs, counts, filled, threshold)
    return [row for row in rows if row.org.kind == kind] if kind else rows


def vacancy_list(*, user: Any, filters: Any) -> list[Vacancy]:
    """The vacancy list page's rows: ``vacancies`` narrowed by a valid ``VacancyFilterSet``."""
    values = filters.values
    rows = vacancies(user, kind=values.get("kind") or "")
    if values.get("org") is not None:
        rows = [row for row in rows if row.org.path.startswith(values["org"].path)]
    return rows


@dataclass(frozen=True)
class Team:
    """An organization's leadership on a day: who holds what, what is missing, who held what before."""

    current: list[LeadershipPost]
    past: list[LeadershipPost]
    missing: tuple[str, ...]

    @property
    def missing_items(self) -> list[tuple[str, str]]:
        return [(title, PostTitle(title).label) for title in self.missing]


def team_of(org: Organization, full_members: int, day: dt.date | None = None) -> Team:
    """The leadership team of one organization (one query for its posts, one for the rule)."""
    day = day or timezone.localdate()
    posts = list(LeadershipPost.objects.filter(organization=org).order_by("-start_on", "title"))
    current = [p for p in posts if p.start_on <= day and (p.end_on is None or p.end_on > day)]
    order = {value: index for index, value in enumerate(PostTitle.values)}
    current.sort(key=lambda p: (order[p.title], p.start_on))
    past = [p for p in posts if p not in current]
    held = {p.title for p in current}
    threshold = int(get_rule("branch_committee_min_full_members"))
    missing = tuple(t for t in required_posts(org, full_members, threshold) if t not in held)
    return Team(current=current, past=past, missing=missing)


# ---------------------------------------------------------------------------
# Warnings (DOMAIN.md: warn, don't block)


@dataclass(frozen=True)
class OrgWarning:
    """One thing about an organization that breaks a rule of thumb of the 支部工作条例."""

    org: Organization
    code: str
    message: str

    @property
    def title(self) -> str:
        return WARNING_KINDS[self.code]


WARNING_KINDS: dict[str, str] = {
    "branch_too_few_full": "党支部正式党员不足",
    "branch_too_many": "党支部党员过多",
    "term_expired": "班子任期届满",
    "general_branch_too_small": "党总支党员不足",
    "committee_too_small": "基层党委党员不足",
}


@dataclass(frozen=True)
class WarningThresholds:
    branch_min_full: int
    branch_max: int
    general_branch_min: int
    committee_min: int
    terms: TermYears

    KEYS = (
        "branch_min_full_members",
        "branch_max_members",
        "general_branch_min_members",
        "committee_min_members",
        *TermYears.KEYS,
    )

    @classmethod
    def current(cls) -> WarningThresholds:
        return cls.from_rules(rules_in_force(*cls.KEYS))

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> WarningThresholds:
        return cls(
            branch_min_full=rules["branch_min_full_members"],
            branch_max=rules["branch_max_members"],
            general_branch_min=rules["general_branch_min_members"],
            committee_min=rules["committee_min_members"],
            terms=TermYears.from_rules(rules),
        )


def warnings_for(
    org: Organization, counts: SubtreeCounts, limits: WarningThresholds, day: dt.date
) -> list[OrgWarning]:
    """The warnings of one organization from its subtree totals."""
    found: list[OrgWarning] = []

    def warn(code: str, message: str) -> None:
        found.append(OrgWarning(org=org, code=code, message=message))

    if org.counts_as_branch:  # a temporary or functional branch keeps no members of its own
        if counts.full < limits.branch_min_full:
            warn(
                "branch_too_few_full",
                f"正式党员{counts.full}名，少于{limits.branch_min_full}名，应与邻近单位联合建立党支部",
            )
        if counts.members > limits.branch_max:
            warn(
                "branch_too_many",
                f"党员{counts.members}名，超过{limits.branch_max}名，宜分设党支部或成立党总支",
            )
    elif org.kind == OrgKind.GENERAL_BRANCH and counts.members < limits.general_branch_min:
        warn(
            "general_branch_too_small",
            f"党员{counts.members}名，不足{limits.general_branch_min}名（党员50人以上方可设立党总支）",
        )
    elif org.kind == OrgKind.COMMITTEE and counts.members < limits.committee_min:
        warn(
            "committee_too_small",
            f"党员{counts.members}名，不足{limits.committee_min}名（党员100人以上方可设立基层党委）",
        )
    ends_on = org.term_end_in(limits.terms)
    if ends_on and ends_on < day:
        warn("term_expired", f"本届班子任期已于{ends_on:%Y年%m月%d日}届满，应按期换届")
    return found


def org_warnings(user: Any, code: str = "", day: dt.date | None = None) -> list[OrgWarning]:
    """Warnings for every active organization in the user's scope (optionally one kind of warning)."""
    day = day or timezone.localdate()
    limits = WarningThresholds.current()
    queryset = Organization.objects.visible_to(user).existing_on(day)
    orgs = list(queryset)
    counts = subtree_counts(orgs, queryset.values_list("id", flat=True))
    found = [w for org in orgs for w in warnings_for(org, counts[org.pk], limits, day)]
    if code:
        found = [w for w in found if w.code == code]
    return found


def warning_list(*, user: Any, filters: Any) -> list[OrgWarning]:
    """The warning list page's rows: ``org_warnings`` narrowed by a valid ``WarningFilterSet``."""
    values = filters.values
    rows = org_warnings(user, code=values.get("code") or "")
    if values.get("org") is not None:
        rows = [row for row in rows if row.org.path.startswith(values["org"].path)]
    return rows


# ---------------------------------------------------------------------------
# The detail page


@dataclass(frozen=True)
class OrgSummary:
    """What the detail page shows about one organization and its subtree."""

    org: Organization
    counts: SubtreeCounts
    children: list[TreeNode]
    warnings: list[OrgWarning]
    team: Team


def org_summary(org: Organization, day: dt.date | None = None) -> OrgSummary:
    """Figures, sub-organizations, warnings and team of one organization (a handful of queries)."""
    day = day or timezone.localdate()
    queryset = Organization.objects.within(org)
    orgs = list(queryset)
    counts = subtree_counts(orgs, queryset.values_list("id", flat=True))
    descendants: dict[int, int] = {o.pk: 0 for o in orgs}
    open_children: dict[int, int] = {o.pk: 0 for o in orgs}
    by_path = {o.path: o.pk for o in orgs}
    for other in orgs:
        if other.dissolved_on is None:
            if other.parent_id in open_children:
                open_children[other.parent_id] += 1
            for prefix in ancestor_paths_of(other.path):
                if prefix in by_path:
                    descendants[by_path[prefix]] += 1
    children = [
        TreeNode(
            org=child,
            counts=counts[child.pk],
            child_count=open_children[child.pk],
            descendant_count=descendants[child.pk],
        )
        for child in orgs
        if child.parent_id == org.pk
    ]
    children.sort(key=lambda n: (n.org.dissolved_on is not None, n.org.sort_order, n.org.code))
    own = counts[org.pk]
    warnings = warnings_for(org, own, WarningThresholds.current(), day) if org.is_active else []
    return OrgSummary(
        org=org,
        counts=own,
        children=children,
        warnings=warnings,
        team=team_of(org, own.full, day),
    )


def org_choices(user: Any, *, exclude: Organization | None = None, kinds: Iterable[str] = ()) -> Any:
    """Active organizations the user may write to, for a form's choice list."""
    queryset = Organization.objects.editable_by(user).active()
    if exclude is not None:
        queryset = queryset.exclude(path__subtree=exclude.path)
    kinds = [k for k in kinds if k]
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset
