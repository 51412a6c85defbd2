"""Demo step (organizations): the organization tree of a 富宁县-like county and its events of the year.

Shape at the end of ``ctx.year`` (as the reference summary counts it): the
county committee, 20 base committees (15 township committees, one 党工委 for
the county organs, education, health, enterprise and retired-cadre
committees), 14 general branches, 385 branches (145 village branches) and a
few Party groups.  Events: a village branch merged into its neighbour last
year; this year a rename, a re-parenting, one general branch and six
branches established and three branches dissolved in the institutional
reform, each with its document number.

Organizations go through the real services (``org_create`` …), so they and
their events carry audit rows.  Members do not exist yet: the moves of
members out of the closing branches are written by the members step from
``ctx.extra["member_homes"]``, which this step fills.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from core.demo import DemoContext
from organizations.choices import BranchForm, OrgCategory, OrgKind
from organizations.models import Organization
from organizations.rules import TermYears
from organizations.services import org_create, org_dissolve, org_merge, org_move, org_rename

from . import names
from .names import DOC_COUNTY_OFFICE, DOC_ORG_DEPT, document_no

#: Villages per township (in the order of names.TOWNSHIPS); 146 created, one merged last year.
VILLAGES_PER_TOWNSHIP = (12, 11, 10, 11, 10, 10, 10, 9, 10, 9, 9, 9, 9, 9, 8)
#: Townships that keep a retired-cadre branch, and those with an enterprise branch.
TOWNSHIPS_WITH_RETIRED = ("新华镇", "归朝镇", "剥隘镇", "里达镇", "田蓬镇", "木央镇", "洞波乡", "睦伦乡")
TOWNSHIPS_WITH_ENTERPRISE = {
    "新华镇": "新华镇非公有制企业",
    "剥隘镇": "剥隘镇民营企业",
    "归朝镇": "归朝镇糖厂",
    "里达镇": "里达镇社会组织",
}
#: Joint branches of units too small for one each: unit -> (name before 党支部, category, units covered).
JOINT_BRANCHES = {
    "新华镇非公有制企业": (
        "新华镇非公有制企业联合",
        OrgCategory.PRIVATE_ENTERPRISE,
        "富宁县宏达建材有限公司、新华镇富兴农资经营部、富宁县鑫源运输有限公司",
    ),
    "里达镇社会组织": (
        "里达镇社会组织联合",
        OrgCategory.SOCIAL_ORG,
        "里达镇茶叶协会、里达镇老年人协会、里达镇农民专业合作社联合会",
    ),
}
#: Party groups: (branch unit, number of groups).
PARTY_GROUPS = (("新华镇各甫村", 3), ("睦伦乡睦伦村", 2), ("洞波乡洞波村", 1))


@dataclass
class Move:
    """Members of a home organization move to ``to_org`` on ``day``."""

    day: dt.date
    to_org: Organization
    reason: str  # a members.choices.PeriodReason value
    document_no: str = ""


@dataclass
class Home:
    """Where a group of demo members is registered first, and where they go later.

    ``org`` is the organization of their first period (its category shapes
    their profile), ``weight`` their relative share of the county's members,
    ``moves`` the dated moves that take them elsewhere (a member who joins on
    or after a move's day starts at its target).
    """

    org: Organization
    weight: int
    moves: list[Move] = field(default_factory=list)

    @property
    def final_org(self) -> Organization:
        return self.moves[-1].to_org if self.moves else self.org


#: Relative size of a branch by category: (fewest, most) members.
SIZE_BY_CATEGORY: dict[str, tuple[int, int]] = {
    OrgCategory.VILLAGE: (15, 45),
    OrgCategory.COMMUNITY: (10, 35),
    OrgCategory.ORGAN: (5, 30),
    OrgCategory.INSTITUTION: (8, 30),
    OrgCategory.SCHOOL: (8, 30),
    OrgCategory.STATE_ENTERPRISE: (6, 30),
    OrgCategory.PRIVATE_ENTERPRISE: (4, 15),
    OrgCategory.SOCIAL_ORG: (3, 10),
    OrgCategory.RETIRED: (10, 40),
    OrgCategory.STATION: (4, 15),
}


class TreeBuilder:
    """Creates the tree through the services, numbering codes per parent."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.year = ctx.year
        self._children: dict[int, int] = {}
        self._doc_numbers: dict[tuple[str, int], int] = {}
        self.units: dict[int, str] = {}  # org pk -> work unit name
        self.by_unit: dict[str, Organization] = {}
        self.homes: list[Home] = []

    # -- numbering -------------------------------------------------------
    def next_code(self, parent: Organization, letter: str, width: int) -> str:
        n = self._children.get(parent.pk, 0) + 1
        self._children[parent.pk] = n
        return f"{parent.code}{letter}{n:0{width}d}"

    def doc(self, prefix: str, year: int) -> str:
        """The next document number of ``prefix`` in ``year`` (numbers rise through the year)."""
        key = (prefix, year)
        n = self._doc_numbers.get(key, self.rng.randint(3, 9)) + self.rng.randint(1, 4)
        self._doc_numbers[key] = n
        return document_no(prefix, year, n)

    # -- dates -------------------------------------------------------------
    def old_date(self, first_year: int, last_year: int) -> dt.date:
        return dt.date(
            self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A day from ``first`` to ``last`` (``first`` when the range is empty)."""
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    @cached_property
    def terms(self) -> TermYears:
        return TermYears.current()

    def term_start(self, kind: str, category: str, established_on: dt.date) -> dt.date | None:
        """Start of the current team's term (None: no term); about one in twenty has run past its end."""
        years = self.terms.for_kind(kind, category)
        if years is None:
            return None
        if self.rng.random() < 0.05:
            start = dt.date(
                self.year - years - self.rng.randint(0, 1), self.rng.randint(1, 10), self.rng.randint(1, 28)
            )
        elif category in (OrgCategory.VILLAGE, OrgCategory.COMMUNITY):
            # Village and community teams were elected together early in one year.
            start = dt.date(self.year - 4, self.rng.randint(1, 4), self.rng.randint(1, 28))
        else:
            start = dt.date(
                self.year - self.rng.randint(1, years - 1), self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
        return max(start, established_on)

    # -- creation ----------------------------------------------------------
    def create(
        self,
        parent: Organization | None,
        name: str,
        kind: str,
        category: str,
        *,
        code: str | None = None,
        established_on: dt.date | None = None,
        document: str = "",
        reason: str = "",
        can_approve: bool = False,
        form: str = BranchForm.REGULAR,
        covered_units: str = "",
    ) -> Organization:
        if code is None:
            assert parent is not None
            letter, width = {
                OrgKind.COMMITTEE: ("", 2),
                OrgKind.WORKING_COMMITTEE: ("", 2),
                OrgKind.GENERAL_BRANCH: ("Z", 2),
                OrgKind.BRANCH: ("B", 3),
                OrgKind.GROUP: ("G", 1),
            }[kind]
            code = self.next_code(parent, letter, width)
        if established_on is None:
            established_on = self.date_between(
                max(parent.established_on + dt.timedelta(days=30), dt.date(1956, 1, 1))
                if parent
                else dt.date(1950, 1, 1),
                dt.date(self.year - 3, 12, 31),
            )
            document = document or (
                self.doc(DOC_ORG_DEPT, established_on.year) if established_on.year >= 1985 else ""
            )
        term = self.term_start(kind, category, established_on)
        org = org_create(
            actor=self.ctx.actor,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            category=category,
            established_on=established_on,
            reason=reason,
            document_no=document,
            can_approve_members=can_approve,
            term_started_on=term,
            form=form,
            covered_units=covered_units,
            sort_order=self._children.get(parent.pk, 0) if parent else 0,
        )
        return org

    def branch(
        self,
        parent: Organization,
        unit: str,
        category: str,
        *,
        label: str | None = None,
        established_on: dt.date | None = None,
        document: str = "",
        reason: str = "",
        home: bool = True,
        form: str = BranchForm.REGULAR,
        covered_units: str = "",
    ) -> Organization:
        """A 党支部 named after its unit; ``home`` registers it as a home of demo members."""
        org = self.create(
            parent,
            f"{label or unit}党支部",
            OrgKind.BRANCH,
            category,
            established_on=established_on,
            document=document,
            reason=reason,
            form=form,
            covered_units=covered_units,
        )
        self.units[org.pk] = unit
        self.by_unit[unit] = org
        if home:
            self.add_home(org)
        return org

    def add_home(self, org: Organization, moves: list[Move] | None = None) -> Home:
        low, high = SIZE_BY_CATEGORY.get(org.category, (5, 30))
        home = Home(org=org, weight=self.rng.randint(low, high), moves=moves or [])
        self.homes.append(home)
        return home


def village_names(
    rng_township: list[str], fixed: tuple[str, ...], count: int, taken: set[str], ctx: DemoContext
) -> None:
    """Fill ``rng_township`` with ``count`` distinct village names, the fixed ones first."""
    for name in fixed[:count]:
        rng_township.append(name)
        taken.add(name)
    while len(rng_township) < count:
        name = ctx.rng.choice(names.VILLAGE_PREFIXES) + ctx.rng.choice(names.VILLAGE_SUFFIXES)
        if name not in taken:
            taken.add(name)
            rng_township.append(name)


def build(ctx: DemoContext) -> None:
    """Create the county tree and this year's organization events."""
    from .users import ensure_admin

    if ctx.actor is None:
        ctx.actor = ensure_admin(ctx)
    b = TreeBuilder(ctx)
    year = ctx.year
    county = b.create(
        None,
        "富宁县委",
        OrgKind.COUNTY_COMMITTEE,
        OrgCategory.ORGAN,
        code="FN",
        established_on=dt.date(1950, 3, 1),
        can_approve=True,
    )
    ctx.county = county
    b.units[county.pk] = "富宁县委"

    def committee(name: str, kind: str, category: str) -> Organization:
        org = b.create(
            county,
            name,
            kind,
            category,
            established_on=b.old_date(1984, 1996),
            can_approve=True,
        )
        ctx.committees.append(org)
        return org

    def general_branch(parent: Organization, name: str, category: str, **kwargs: object) -> Organization:
        org = b.create(parent, f"{name}党总支", OrgKind.GENERAL_BRANCH, category, **kwargs)  # type: ignore[arg-type]
        ctx.general_branches.append(org)
        return org

    # -- the 15 township committees and their branches ---------------------
    taken_villages: set[str] = set()
    villages_by_township: dict[str, list[Organization]] = {}
    stations_by_township: dict[str, dict[str, Organization]] = {}
    for (township, fixed), n_villages in zip(names.TOWNSHIPS, VILLAGES_PER_TOWNSHIP, strict=True):
        tc = committee(f"{township}党委", OrgKind.COMMITTEE, OrgCategory.TOWNSHIP)
        b.units[tc.pk] = f"{township}党委"
        organ_parent: Organization = tc
        community_parent: Organization = tc
        if township == "新华镇":
            community_parent = general_branch(tc, "新华镇社区", OrgCategory.COMMUNITY)
        if township == "归朝镇":
            organ_parent = general_branch(tc, "归朝镇机关", OrgCategory.ORGAN)
        b.branch(organ_parent, f"{township}机关", OrgCategory.ORGAN)
        extra_stations = list(names.TOWNSHIP_STATIONS[2:])
        stations = [*names.TOWNSHIP_STATIONS[:2], ctx.rng.choice(extra_stations)]
        stations_by_township[township] = {
            s: b.branch(organ_parent, f"{township}{s}", OrgCategory.STATION) for s in stations
        }
        b.branch(tc, f"{township}中心学校", OrgCategory.SCHOOL)
        for community in names.COMMUNITIES.get(township, ()):
            label = community if township == "新华镇" else None
            b.branch(community_parent, f"{township}{community}", OrgCategory.COMMUNITY, label=label)
        village_list: list[str] = []
        village_names(village_list, fixed, n_villages, taken_villages, ctx)
        villages_by_township[township] = [
            b.branch(tc, f"{township}{v}村", OrgCategory.VILLAGE, label=f"{v}村") for v in village_list
        ]
        if township in TOWNSHIPS_WITH_RETIRED:
            b.branch(tc, f"{township}离退休干部", OrgCategory.RETIRED, label=f"{township}老干部")
        if township in TOWNSHIPS_WITH_ENTERPRISE:
            unit = TOWNSHIPS_WITH_ENTERPRISE[township]
            if unit in JOINT_BRANCHES:  # small firms too few to have a branch each
                label, category, covered = JOINT_BRANCHES[unit]
                b.branch(
                    tc,
                    unit,
                    category,
                    label=label,
                    form=BranchForm.JOINT,
                    covered_units=covered,
                )
            else:
                b.branch(tc, unit, OrgCategory.PRIVATE_ENTERPRISE)
        if township == "新华镇":
            b.branch(
                tc,
                "新华镇流动党员",
                OrgCategory.OTHER,
                label="新华镇流动党员功能型",
                form=BranchForm.FUNCTIONAL,
                home=False,
            )

    # -- the county organs' working committee -----------------------------
    organs = committee("县直机关工委", OrgKind.WORKING_COMMITTEE, OrgCategory.ORGAN)
    organ_branches: dict[str, Organization] = {}
    for unit in names.COUNTY_ORGANS:
        organ_branches[unit] = b.branch(organs, unit, OrgCategory.ORGAN)
    for unit in names.REFORM_DISSOLVED:
        organ_branches[unit] = b.branch(organs, unit, OrgCategory.ORGAN, home=False)
    organ_general: dict[str, Organization] = {}
    for unit, branch_units in names.ORGAN_GENERAL_BRANCHES:
        gb = general_branch(organs, unit, OrgCategory.ORGAN)
        organ_general[unit] = gb
        for sub in branch_units:
            organ_branches[sub] = b.branch(gb, sub, OrgCategory.ORGAN)
    # The resident village work teams have a temporary branch (their members' relationships
    # stay in their own branches).
    b.branch(
        organs,
        "县乡村振兴驻村工作队",
        OrgCategory.ORGAN,
        label="县乡村振兴驻村工作队临时",
        form=BranchForm.TEMPORARY,
        established_on=dt.date(year - 1, 3, 1),
        document=b.doc(DOC_ORG_DEPT, year - 1),
        home=False,
    )

    def system_committee(
        name: str,
        category: str,
        general: tuple[tuple[str, tuple[str, ...]], ...],
        units: tuple[str, ...],
        branch_category: str | None = None,
    ) -> Organization:
        org = committee(name, OrgKind.COMMITTEE, category)
        for unit, branch_units in general:
            gb = general_branch(org, unit, branch_category or category)
            for sub in branch_units:
                b.branch(gb, sub, branch_category or category)
        for unit in units:
            b.branch(org, unit, branch_category or category)
        return org

    system_committee(
        "县教育系统党委", OrgCategory.SCHOOL, names.SCHOOL_GENERAL_BRANCHES, names.COUNTY_SCHOOLS
    )
    system_committee(
        "县卫生健康系统党委",
        OrgCategory.INSTITUTION,
        names.HEALTH_GENERAL_BRANCHES,
        names.COUNTY_HEALTH_UNITS,
    )
    system_committee(
        "县国有企业党委",
        OrgCategory.STATE_ENTERPRISE,
        names.ENTERPRISE_GENERAL_BRANCHES,
        names.COUNTY_ENTERPRISES,
    )
    system_committee("县离退休干部党委", OrgCategory.RETIRED, (), names.RETIRED_UNITS)

    # -- Party groups in the largest village branches ----------------------
    for unit, n_groups in PARTY_GROUPS:
        parent = b.by_unit[unit]
        for i in range(1, n_groups + 1):
            b.create(
                parent,
                f"{parent.name.removesuffix('党支部')}第{'一二三四'[i - 1]}党小组",
                OrgKind.GROUP,
                parent.category,
            )

    # -- last year: a village branch merged into its neighbour --------------
    ayong = villages_by_township["阿用乡"]
    merged, successor = ayong[-1], ayong[0]
    merge_day = dt.date(year - 1, 9, 1)
    merge_doc = b.doc(DOC_COUNTY_OFFICE, year - 1)
    org_merge(
        actor=ctx.actor,
        org=merged,
        successor=successor,
        day=merge_day,
        reason="行政村撤并",
        document_no=merge_doc,
    )
    for home in b.homes:
        if home.org.pk == merged.pk:
            home.moves.append(Move(merge_day, successor, "MERGED", merge_doc))

    # -- this year: the institutional reform ---------------------------------
    old_unit, new_unit = names.REFORM_RENAME
    renamed = organ_branches[old_unit]
    org_rename(
        actor=ctx.actor,
        org=renamed,
        name=f"{new_unit}党支部",
        day=dt.date(year, 2, 26),
        reason="机构改革，县安全生产监督管理局更名为县应急管理局",
        document_no=b.doc(DOC_COUNTY_OFFICE, year),
    )
    b.units[renamed.pk] = new_unit

    reform_day = dt.date(year, 3, 15)
    reform_doc = b.doc(DOC_COUNTY_OFFICE, year)
    market = general_branch(
        organs,
        names.REFORM_GENERAL_BRANCH,
        OrgCategory.ORGAN,
        established_on=reform_day,
        document=reform_doc,
        reason="机构改革，组建县市场监督管理局",
    )
    new_market = [
        b.branch(
            market,
            unit,
            OrgCategory.ORGAN,
            established_on=reform_day,
            document=reform_doc,
            reason="机构改革，组建县市场监督管理局",
            home=False,
        )
        for unit in names.REFORM_NEW_BRANCHES
    ]
    closing_day = dt.date(year, 3, 31)
    for unit, target in zip(names.REFORM_DISSOLVED, new_market, strict=True):
        closing = organ_branches[unit]
        b.add_home(closing, [Move(closing_day, target, "MOVED", reform_doc)])
        org_dissolve(
            actor=ctx.actor,
            org=closing,
            day=closing_day,
            reason="机构改革，职能划入县市场监督管理局",
            document_no=reform_doc,
        )

    for (unit, source_unit), day in zip(
        names.REFORM_OTHER_NEW, (dt.date(year, 4, 20), dt.date(year, 5, 10), dt.date(year, 6, 8)), strict=True
    ):
        doc = b.doc(DOC_ORG_DEPT, year)
        new_branch = b.branch(
            organs,
            unit,
            OrgCategory.ORGAN,
            established_on=day,
            document=doc,
            reason="机构改革，新组建单位",
            home=False,
        )
        b.add_home(organ_branches[source_unit], [Move(day, new_branch, "MOVED", doc)])

    forestry = stations_by_township["新华镇"]["林业站"]
    org_move(
        actor=ctx.actor,
        org=forestry,
        new_parent=organ_general["县林业和草原局"],
        day=dt.date(year, 7, 1),
        reason="乡镇林业站上划县林业和草原局管理",
        document_no=b.doc(DOC_ORG_DEPT, year),
    )

    # -- what the later steps read -------------------------------------------
    active = Organization.objects.active()
    ctx.committees = list(active.filter(pk__in=[o.pk for o in ctx.committees]).order_by("path"))
    ctx.general_branches = list(active.filter(kind=OrgKind.GENERAL_BRANCH).order_by("path"))
    ctx.branches = list(active.filter(kind=OrgKind.BRANCH).order_by("path"))
    ctx.county.refresh_from_db()
    ctx.extra["member_homes"] = b.homes
    ctx.extra["units"] = b.units
    ctx.extra["townships"] = {name: villages_by_township[name] for name, _ in names.TOWNSHIPS}
    ctx.log(
        f"党组织：基层党委{len(ctx.committees)}个，党总支{len(ctx.general_branches)}个，"
        f"党支部{len(ctx.branches)}个（村党支部{sum(1 for o in ctx.branches if o.category == OrgCategory.VILLAGE)}个）"
    )
