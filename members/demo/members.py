"""Demo step (members): the county's members, their dated history and the leadership teams.

``ctx.member_count`` members are spread over the homes the organizations
step registered, in proportion to each home's weight (village branches 15–45,
organ branches 5–30 … at the default size).  Profiles follow the county's
structure: about 78 % men, about 70 % minority (mostly 壮族, then 瑶族, 苗族,
彝族), rural-heavy occupations, ages 20–90, education skewed to 初中及以下 and
高中, about 3 % probationary; ID numbers are valid GB 11643 numbers that
agree with birth date and gender and are unique.

History: members of the branches merged or dissolved move to their
successors on the closing day; a few members move inside the county, come
in from outside, die or transfer out during the year.

Speed: members and periods are written with ``bulk_create`` (8,800 members
in a few seconds), so they carry no per-row audit entry — demo data is
generated, not a user's change.  The same holds for the leadership posts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from core.demo import DemoContext
from core.idcard import check_char
from members.choices import Gender, LeaveReason, MemberStatus, Occupation, PeriodReason
from members.models import Member, MemberPeriod
from members.services.member import write_initial_periods
from organizations.choices import OrgCategory, OrgKind, PostTitle
from organizations.demo import names
from organizations.demo.organizations import Home, Move
from organizations.models import LeadershipPost, Organization
from organizations.rules import TermYears

C = OrgCategory
J = Occupation


@dataclass(frozen=True)
class Profile:
    """How the members of one category of branch look."""

    female: float
    minority: float
    ages: tuple[int, int, int]  # low, high, mode (triangular)
    education: dict[str, float]
    occupation: dict[str, float]
    posts: tuple[str, ...]  # 工作单位及职务 after the unit
    probationary: float = 0.032


def _w(**weights: float) -> dict[str, float]:
    return weights


PROFILES: dict[str, Profile] = {
    C.VILLAGE: Profile(
        0.14,
        0.82,
        (20, 90, 52),
        _w(BACHELOR=0.01, COLLEGE=0.04, TECHNICAL=0.06, HIGH_SCHOOL=0.24, JUNIOR_OR_BELOW=0.65),
        _w(FARMER=0.88, WORKER=0.03, OTHER=0.06, MANAGER=0.02, STUDENT=0.01),
        ("村民", "村民", "村民", "村民小组长", "村委会委员", "种养大户"),
    ),
    C.COMMUNITY: Profile(
        0.38,
        0.65,
        (24, 86, 52),
        _w(BACHELOR=0.08, COLLEGE=0.15, TECHNICAL=0.12, HIGH_SCHOOL=0.30, JUNIOR_OR_BELOW=0.35),
        _w(OTHER=0.40, WORKER=0.25, MANAGER=0.12, FARMER=0.08, PROFESSIONAL=0.15),
        ("居民", "个体工商户", "社区工作者", "居民小组长"),
    ),
    C.ORGAN: Profile(
        0.30,
        0.58,
        (23, 59, 42),
        _w(
            POSTGRADUATE=0.03,
            BACHELOR=0.50,
            COLLEGE=0.30,
            TECHNICAL=0.07,
            HIGH_SCHOOL=0.07,
            JUNIOR_OR_BELOW=0.03,
        ),
        _w(CIVIL_SERVANT=0.92, PROFESSIONAL=0.05, OTHER=0.03),
        ("科员", "科员", "一级科员", "股长", "办公室主任", "副局长", "四级主任科员"),
    ),
    C.INSTITUTION: Profile(
        0.50,
        0.55,
        (23, 59, 40),
        _w(
            POSTGRADUATE=0.02,
            BACHELOR=0.40,
            COLLEGE=0.35,
            TECHNICAL=0.13,
            HIGH_SCHOOL=0.07,
            JUNIOR_OR_BELOW=0.03,
        ),
        _w(PROFESSIONAL=0.80, MANAGER=0.15, WORKER=0.05),
        ("医师", "主治医师", "护士", "护师", "科主任", "副院长"),
    ),
    C.SCHOOL: Profile(
        0.48,
        0.55,
        (23, 59, 38),
        _w(POSTGRADUATE=0.02, BACHELOR=0.55, COLLEGE=0.33, TECHNICAL=0.08, HIGH_SCHOOL=0.02),
        _w(PROFESSIONAL=0.88, MANAGER=0.10, WORKER=0.02),
        ("教师", "教师", "班主任", "教导主任", "副校长"),
    ),
    C.STATE_ENTERPRISE: Profile(
        0.22,
        0.50,
        (22, 59, 40),
        _w(BACHELOR=0.20, COLLEGE=0.30, TECHNICAL=0.20, HIGH_SCHOOL=0.20, JUNIOR_OR_BELOW=0.10),
        _w(WORKER=0.55, MANAGER=0.30, PROFESSIONAL=0.15),
        ("职工", "技术员", "班组长", "部门经理"),
    ),
    C.PRIVATE_ENTERPRISE: Profile(
        0.22,
        0.50,
        (22, 59, 40),
        _w(BACHELOR=0.20, COLLEGE=0.30, TECHNICAL=0.20, HIGH_SCHOOL=0.20, JUNIOR_OR_BELOW=0.10),
        _w(WORKER=0.55, MANAGER=0.30, PROFESSIONAL=0.15),
        ("职工", "技术员", "班组长", "部门经理"),
    ),
    C.SOCIAL_ORG: Profile(
        0.22,
        0.50,
        (22, 59, 40),
        _w(BACHELOR=0.20, COLLEGE=0.30, TECHNICAL=0.20, HIGH_SCHOOL=0.20, JUNIOR_OR_BELOW=0.10),
        _w(WORKER=0.55, MANAGER=0.30, PROFESSIONAL=0.15),
        ("职工", "技术员", "班组长", "部门经理"),
    ),
    C.RETIRED: Profile(
        0.18,
        0.55,
        (60, 92, 72),
        _w(BACHELOR=0.10, COLLEGE=0.20, TECHNICAL=0.25, HIGH_SCHOOL=0.25, JUNIOR_OR_BELOW=0.20),
        _w(RETIRED=1.0),
        ("退休干部", "离休干部", "退休职工"),
        probationary=0.0,
    ),
    C.STATION: Profile(
        0.22,
        0.62,
        (23, 59, 40),
        _w(
            POSTGRADUATE=0.01,
            BACHELOR=0.35,
            COLLEGE=0.35,
            TECHNICAL=0.15,
            HIGH_SCHOOL=0.10,
            JUNIOR_OR_BELOW=0.04,
        ),
        _w(PROFESSIONAL=0.45, CIVIL_SERVANT=0.45, WORKER=0.10),
        ("干部", "站长", "所长", "技术员"),
    ),
}

#: Minority members by ethnicity (壮族 is the county's largest group).
MINORITIES = {
    "壮族": 0.74,
    "瑶族": 0.12,
    "苗族": 0.09,
    "彝族": 0.03,
    "布依族": 0.01,
    "回族": 0.005,
    "傣族": 0.005,
}
PHONE_PREFIXES = ("138", "139", "150", "151", "152", "158", "159", "187", "188", "136", "177", "180", "189")

#: Events of the year, as shares of the members (at least one of each).
DEATH_RATE = 0.0012
TRANSFER_OUT_RATE = 0.0006
TRANSFER_IN_RATE = 0.0007
INTERNAL_MOVE_RATE = 0.0007


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def pick(rng: Any, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class Draft:
    """A member being generated, with the history that goes with it."""

    member: Member
    home: Home
    first_org: Organization
    moves: list[Move]
    entered_on: dt.date | None = None  # transferred in from outside the county on this day
    entry_document: str = ""
    left_on: dt.date | None = None
    leave_reason: str = ""


class MemberFactory:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.ids: set[str] = set()
        self.units: dict[int, str] = ctx.extra["units"]

    def id_number(self, birth: dt.date, male: bool) -> str:
        """A unique, valid resident ID number for the birth date and gender."""
        while True:
            region = names.HOME_REGION if self.rng.random() < 0.93 else self.rng.choice(names.OTHER_REGIONS)
            sequence = self.rng.randrange(1 if male else 0, 1000, 2)  # 17th digit odd for men
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + check_char(first17)

    def name(self, ethnicity: str, male: bool) -> str:
        pool = names.SURNAMES.get(ethnicity, names.SURNAMES["other"])
        given = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        n = 2 if self.rng.random() < 0.75 else 1
        return self.rng.choice(pool) + "".join(self.rng.choice(given) for _ in range(n))

    def draft(self, home: Home) -> Draft:
        rng, today = self.rng, self.today
        category = home.org.category
        profile = PROFILES.get(category, PROFILES[C.ORGAN])
        male = rng.random() >= profile.female
        ethnicity = pick(rng, MINORITIES) if rng.random() < profile.minority else "汉族"
        probationary = rng.random() < profile.probationary
        low, high, mode = profile.ages
        if probationary:
            low, high, mode = max(low, 20), min(high, 45), 28
        age = int(rng.triangular(low, high, mode))
        birth = dt.date(today.year - age - 1, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        eligible = add_years(birth, 18) + dt.timedelta(days=1)
        full_on = None
        if probationary:
            joined = max(today - dt.timedelta(days=rng.randint(5, 355)), eligible)
        else:
            latest = today - dt.timedelta(days=400)
            join_age = int(rng.triangular(18, max(19, min(age, 60)), 26))
            joined = add_years(birth, join_age) + dt.timedelta(days=rng.randint(0, 300))
            joined = min(max(joined, eligible), latest)
            if joined < eligible:  # too young to have finished a probation: admitted this year
                probationary = True
                joined = max(today - dt.timedelta(days=rng.randint(5, 200)), eligible)
            else:
                # Probation is one year; a few were extended by six months.
                full_on = add_years(joined, 1) + dt.timedelta(days=183 if rng.random() < 0.02 else 0)
                full_on = min(full_on, today)
        education = pick(rng, profile.education)
        occupation = pick(rng, profile.occupation)
        if category == C.COMMUNITY and age >= 60:
            occupation = J.RETIRED
        if occupation == J.STUDENT and age > 26:
            occupation = J.FARMER
        is_retired = occupation == J.RETIRED
        rural = category == C.VILLAGE
        frontline = occupation in (J.FARMER, J.WORKER) or (
            occupation == J.PROFESSIONAL
            and category in (C.SCHOOL, C.INSTITUTION, C.STATION)
            and rng.random() < 0.6
        )
        final = home.final_org
        unit = self.units.get(final.pk, final.name)
        work_unit = f"{unit} {rng.choice(profile.posts)}"
        member = Member(
            name=self.name(ethnicity, male),
            gender=Gender.MALE if male else Gender.FEMALE,
            ethnicity=ethnicity,
            birth_date=birth,
            id_number=self.id_number(birth, male),
            education=education,
            occupation=occupation,
            is_frontline=frontline,
            phone=(rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}") if rng.random() < 0.85 else "",
            work_unit=work_unit[:100],
            organization=final,
            status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            joined_on=joined,
            full_on=full_on,
            is_retired=is_retired,
            is_rural=rural,
            is_hardship=rng.random() < (0.06 if rural or is_retired else 0.01),
            is_mobile=rng.random() < (0.12 if rural and age < 45 else 0.01),
        )
        # A member who joined on or after a move's day was admitted where the move led.
        moves = [m for m in home.moves if m.day > joined]
        skipped = [m for m in home.moves if m.day <= joined]
        first_org = skipped[-1].to_org if skipped else home.org
        return Draft(member=member, home=home, first_org=first_org, moves=moves)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties by position)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def admission_reason(joined: dt.date, year: int) -> str:
    return PeriodReason.ADMITTED if joined.year >= year - 1 else PeriodReason.REGISTERED


def periods_for(draft: Draft, year: int) -> list[MemberPeriod]:
    """The member's dated history: first organization, 转正, moves, leaving."""
    member = draft.member
    first_org = draft.first_org
    if not draft.moves and draft.entered_on is None and draft.left_on is None:
        member.organization = first_org
        return write_initial_periods(member, admission_reason(member.joined_on, year))
    start = draft.entered_on or member.joined_on
    reason = PeriodReason.TRANSFER_IN if draft.entered_on else admission_reason(member.joined_on, year)
    events: list[tuple[dt.date, str, Organization | None, str]] = []
    if member.full_on and member.full_on > start:
        events.append((member.full_on, PeriodReason.CONFIRMED, None, ""))
    taken = {e[0] for e in events}
    for move in draft.moves:
        day = move.day
        while day in taken:  # never two changes on one day
            day += dt.timedelta(days=1)
        taken.add(day)
        events.append((day, move.reason, move.to_org, move.document_no))
    events.sort(key=lambda e: e[0])
    org = first_org
    status = MemberStatus.FULL if member.full_on and member.full_on <= start else MemberStatus.PROBATIONARY
    current = MemberPeriod(
        member=member,
        organization=org,
        status=status,
        start_on=start,
        start_reason=reason,
        document_no=draft.entry_document,
    )
    periods = [current]
    for day, why, to_org, document in events:
        current.end_on = day
        current.end_reason = why
        if why == PeriodReason.CONFIRMED:
            status = MemberStatus.FULL
        else:
            org = to_org or org
        current = MemberPeriod(
            member=member,
            organization=org,
            status=status,
            start_on=day,
            start_reason=why,
            document_no=document,
        )
        periods.append(current)
    if draft.left_on:
        current.end_on = max(draft.left_on, current.start_on)
        current.end_reason = (
            PeriodReason.TRANSFER_OUT
            if draft.leave_reason == LeaveReason.TRANSFERRED_OUT
            else PeriodReason.LEFT
        )
    member.organization = org
    return periods


def day_in_year(rng: Any, after: dt.date, today: dt.date) -> dt.date:
    """A day of this year after ``after`` and before ``today``."""
    first = max(dt.date(today.year, 1, 2), after + dt.timedelta(days=1))
    last = today - dt.timedelta(days=1)
    if first > last:
        return last
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def add_year_events(ctx: DemoContext, drafts: list[Draft]) -> dict[str, int]:
    """Deaths, transfers out, transfers in and moves inside the county during the year."""
    rng, today, year = ctx.rng, ctx.today, ctx.year
    n = len(drafts)
    counts = {
        "death": max(1, round(n * DEATH_RATE)),
        "out": max(1, round(n * TRANSFER_OUT_RATE)),
        "in": max(1, round(n * TRANSFER_IN_RATE)),
        "move": max(1, round(n * INTERNAL_MOVE_RATE)),
    }
    used: set[int] = set()

    def last_change(d: Draft) -> dt.date:
        days = [d.member.joined_on, *(m.day for m in d.moves)]
        if d.member.full_on:
            days.append(d.member.full_on)
        return max(days)

    def candidates(test: Any) -> list[int]:
        return [i for i, d in enumerate(drafts) if i not in used and test(d) and last_change(d) < today]

    def choose(pool: list[int], k: int) -> list[int]:
        chosen = rng.sample(pool, min(k, len(pool)))
        used.update(chosen)
        return sorted(chosen)

    old = candidates(lambda d: d.member.birth_date.year <= year - 72)
    for i in choose(old, counts["death"]):
        d = drafts[i]
        d.left_on = day_in_year(rng, last_change(d), today)
        d.leave_reason = LeaveReason.DEATH
    working = candidates(
        lambda d: d.member.occupation in (J.CIVIL_SERVANT, J.PROFESSIONAL, J.WORKER)
        and d.member.status == "FULL"
    )
    for i in choose(working, counts["out"]):
        d = drafts[i]
        d.left_on = day_in_year(rng, last_change(d), today)
        d.leave_reason = LeaveReason.TRANSFERRED_OUT
    arrivals = candidates(
        lambda d: d.member.status == MemberStatus.FULL and not d.moves and d.member.full_on.year < year
    )
    for i in choose(arrivals, counts["in"]):
        d = drafts[i]
        d.entered_on = day_in_year(rng, last_change(d), today - dt.timedelta(days=30))
        d.entry_document = f"介绍信 云组〔{year}〕{rng.randint(100, 999)}号"
    branches = [b for b in ctx.branches if b.category in (C.VILLAGE, C.COMMUNITY, C.ORGAN)]
    movers = candidates(
        lambda d: not d.home.moves
        and d.member.status == MemberStatus.FULL
        and d.home.org.is_active
        and d.home.org.category in (C.VILLAGE, C.COMMUNITY, C.ORGAN)
    )
    for i in choose(movers, counts["move"]):
        d = drafts[i]
        target = rng.choice(
            [b for b in branches if b.category == d.home.org.category and b.pk != d.home.org.pk]
        )
        day = day_in_year(rng, last_change(d), today - dt.timedelta(days=10))
        d.moves.append(
            Move(day, target, PeriodReason.MOVED, f"{names.DOC_ORG_DEPT}〔{year}〕转{rng.randint(1, 99)}号")
        )
        d.member.work_unit = (
            f"{ctx.extra['units'].get(target.pk, target.name)} {d.member.work_unit.split(' ')[-1]}"
        )
    return counts


# -- leadership posts -----------------------------------------------------------

BRANCH_TEAM = (PostTitle.SECRETARY, PostTitle.ORGANIZATION, PostTitle.PROPAGANDA)
COMMITTEE_TEAM = (
    PostTitle.SECRETARY,
    PostTitle.DEPUTY_SECRETARY,
    PostTitle.DEPUTY_SECRETARY,
    PostTitle.ORGANIZATION,
    PostTitle.PROPAGANDA,
    PostTitle.DISCIPLINE,
)
CADRE_OCCUPATIONS = (J.CIVIL_SERVANT, J.MANAGER, J.PROFESSIONAL)
GENERAL_BRANCH_TEAM = (
    PostTitle.SECRETARY,
    PostTitle.DEPUTY_SECRETARY,
    PostTitle.ORGANIZATION,
    PostTitle.PROPAGANDA,
    PostTitle.DISCIPLINE,
)


def build_posts(ctx: DemoContext, current: list[Member]) -> list[LeadershipPost]:
    """Leadership teams for every organization, with a few vacancies and predecessors."""
    rng, today = ctx.rng, ctx.today
    by_org: dict[int, list[Member]] = defaultdict(list)
    for m in current:
        if m.status == MemberStatus.FULL:
            by_org[m.organization_id].append(m)
    orgs = list(Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path"))
    by_path = {o.path: o for o in orgs}
    subtree: dict[int, list[Member]] = defaultdict(list)
    for o in orgs:
        for anc in o.ancestor_paths() + [o.path]:
            if anc in by_path and by_path[anc].kind != OrgKind.BRANCH:
                subtree[by_path[anc].pk].extend(by_org.get(o.pk, []))
    factory = MemberFactory(ctx)
    terms = TermYears.current()
    posts: list[LeadershipPost] = []
    for org in orgs:
        if org.kind == OrgKind.BRANCH:
            pool = by_org.get(org.pk, [])
            team = BRANCH_TEAM if len(pool) >= 7 else BRANCH_TEAM[:1]
        elif org.kind == OrgKind.GENERAL_BRANCH:
            pool, team = subtree.get(org.pk, []), GENERAL_BRANCH_TEAM
        else:
            pool, team = subtree.get(org.pk, []), COMMITTEE_TEAM
        if org.kind != OrgKind.BRANCH:
            # Committee and general-branch teams are cadres in service, not village members.
            cadres = [m for m in pool if m.occupation in CADRE_OCCUPATIONS]
            pool = cadres if len(cadres) > len(team) else pool
        start = org.term_started_on or org.established_on
        holders = rng.sample(pool, min(len(team) + 1, len(pool)))
        vacant_secretary = org.kind == OrgKind.BRANCH and org.is_active and rng.random() < 0.06
        for i, title in enumerate(team):
            if i == 2 and title == PostTitle.DEPUTY_SECRETARY and rng.random() < 0.15:
                continue  # the second deputy post is left vacant
            holder = holders[i] if i < len(holders) else None
            name = holder.name if holder else factory.name("汉族" if rng.random() < 0.3 else "壮族", True)
            post = LeadershipPost(
                organization=org,
                title=title,
                holder_name=name,
                holder_id_number=holder.id_number if holder else "",
                start_on=start,
                document_no=(
                    names.document_no("富组复", start.year, rng.randint(1, 60))
                    if org.kind != OrgKind.BRANCH
                    else ""
                ),
            )
            if not org.is_active:
                post.end_on = max(org.dissolved_on, start)
            elif title == PostTitle.SECRETARY and vacant_secretary:
                # The secretary left this year and nobody has been elected yet.
                post.end_on = max(start, day_in_year(rng, start, today))
                post.note = "调离"
            posts.append(post)
        years = org.term_years_in(terms)
        if (
            years
            and org.is_active
            and rng.random() < 0.2
            and start > org.established_on + dt.timedelta(days=400)
        ):
            previous_start = max(org.established_on, add_years(start, -years))
            name = holders[-1].name if len(holders) > len(team) else factory.name("壮族", True)
            posts.append(
                LeadershipPost(
                    organization=org,
                    title=PostTitle.SECRETARY,
                    holder_name=name,
                    start_on=previous_start,
                    end_on=start,
                    note="换届离任",
                )
            )
    return posts


def place_in_groups(members: list[Member]) -> None:
    """编入党小组: the current members of a branch that has 党小组 are shared out among its groups, in turn."""
    groups: dict[int, list[Organization]] = defaultdict(list)
    for group in Organization.objects.filter(kind=OrgKind.GROUP, dissolved_on__isnull=True).order_by("code"):
        groups[group.parent_id].append(group)
    placed: dict[int, int] = defaultdict(int)
    for member in members:
        own = groups.get(member.organization_id)
        if own and member.left_on is None:
            member.party_group = own[placed[member.organization_id] % len(own)]
            placed[member.organization_id] += 1


def build(ctx: DemoContext) -> None:
    """Create ``ctx.member_count`` members with their history (placed in their branch's 党小组), then the teams."""
    homes: list[Home] = ctx.extra["member_homes"]
    factory = MemberFactory(ctx)
    sizes = allocate(ctx.member_count, [h.weight for h in homes])
    drafts = [factory.draft(home) for home, size in zip(homes, sizes, strict=True) for _ in range(size)]
    events = add_year_events(ctx, drafts)
    periods: list[MemberPeriod] = []
    for d in drafts:
        periods.extend(periods_for(d, ctx.year))
        if d.left_on:
            d.member.left_on = max(d.left_on, d.member.joined_on)
            d.member.leave_reason = d.leave_reason
            if d.leave_reason == LeaveReason.DEATH:
                d.member.leave_note = "病故"
    members = [d.member for d in drafts]
    place_in_groups(members)
    Member.objects.bulk_create(members, batch_size=1000)
    for p in periods:
        p.member_id = p.member.pk
    MemberPeriod.objects.bulk_create(periods, batch_size=2000)
    ctx.members = members
    current = [m for m in members if m.left_on is None]
    LeadershipPost.objects.bulk_create(build_posts(ctx, current), batch_size=1000)
    ctx.log(
        f"党员：{len(members)}名（现有{len(current)}名，预备党员"
        f"{sum(1 for m in current if m.status == MemberStatus.PROBATIONARY)}名；本年死亡{events['death']}名、"
        f"转出县外{events['out']}名、从县外转入{events['in']}名、县内调整{events['move']}名）"
    )
