"""Demo step: a year of training sessions at the three levels, with their attendance member by member.

“县委培训1期495人次，党委培训39期2222人次”: one county session at the Party
school (three days, 24 学时) for about 495 members — the branch secretaries
first —, 39 committee sessions of about 57 members each drawn from anywhere
in the committee's subtree (theory and practical technique: 专题培训,
实地调查研讨, 成人技校, 电化教育 with a film), and monthly branch sessions
(以会代训, some 电化教育) where most members come and a few branches lag,
so the hours list has members below the minimum.  As of ``ctx.today`` a
committee session of 新华镇党委 has half its branches recorded and a branch
session of 各甫村党支部 none yet, for the demo users to take the roll.
Attendance sizes scale with ``--members``; the session counts do not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.demo import DemoContext
from organizations.choices import OrgCategory, OrgKind, PostTitle
from organizations.models import LeadershipPost, Organization

from ..choices import Level, TrainingForm, TrainingKind, level_of
from ..models import Attendance, AVFilm, TrainingSession, TrainingTopic
from .common import Roster, Tree, day_in_month, existed

THEORY_TOPICS = (
    "《党章》",
    "“三个代表”重要思想",
    "《正确理解和坚持党的阶级性》",
    "《领会“七一”讲话精神，清醒认识解决当前党建问题的迫切性》",
    "《科级以上讲党课好》",
    "党的基本路线",
    "农村政策法规",
    "村务公开和民主管理",
)
TECHNICAL_TOPICS = (
    "养兔",
    "养猪",
    "养鸡",
    "热果栽培",
    "甘蔗栽培",
    "西瓜栽培",
    "八角种植",
    "沼气池建设",
    "桔子栽培",
    "养牛",
)
FILMS = (
    ("《正确理解和坚持党的阶级性》", TrainingKind.THEORY, 45),
    ("《领会“七一”讲话精神》", TrainingKind.THEORY, 50),
    ("《科级以上讲党课好》", TrainingKind.THEORY, 40),
    ("《党章》辅导", TrainingKind.THEORY, 60),
    ("科学养兔", TrainingKind.TECHNICAL, 35),
    ("生猪养殖实用技术", TrainingKind.TECHNICAL, 40),
    ("林下养鸡", TrainingKind.TECHNICAL, 30),
    ("热带水果栽培", TrainingKind.TECHNICAL, 45),
    ("甘蔗高产栽培技术", TrainingKind.TECHNICAL, 40),
    ("西瓜栽培技术", TrainingKind.TECHNICAL, 35),
    ("八角丰产栽培", TrainingKind.TECHNICAL, 30),
    ("农村沼气池建设", TrainingKind.TECHNICAL, 25),
)

COUNTY_ATTENDANCES = 495
COMMITTEE_SESSIONS = 38  # and the one of 新华镇党委 still being recorded: 39 in all
COMMITTEE_ATTENDANCES = 2222
#: Months of the monthly branch sessions (no session in February, the Spring Festival month).
BRANCH_MONTHS = (1, 3, 4, 5, 6, 7, 8, 9, 10, 11)
BRANCH_HOURS = Decimal("3.5")


def _topics(ctx: DemoContext) -> dict[str, TrainingTopic]:
    rows = [TrainingTopic(name=name, kind=TrainingKind.THEORY) for name in THEORY_TOPICS]
    rows += [TrainingTopic(name=name, kind=TrainingKind.TECHNICAL) for name in TECHNICAL_TOPICS]
    TrainingTopic.objects.bulk_create(rows)
    return {t.name: t for t in rows}


def _films() -> list[AVFilm]:
    films = [AVFilm(title=title, kind=kind, minutes=minutes, year=2001) for title, kind, minutes in FILMS]
    AVFilm.objects.bulk_create(films)
    return films


def secretaries(tree: Tree, year_end: dt.date) -> dict[int, set[str]]:
    """Branch → the names of its 书记 in the year (from the posts)."""
    found: dict[int, set[str]] = {}
    for org_id, name in (
        LeadershipPost.objects.filter(title=PostTitle.SECRETARY, start_on__lte=year_end)
        .filter(organization__kind__in=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH))
        .order_by("organization_id", "holder_name")
        .values_list("organization_id", "holder_name")
    ):
        found.setdefault(org_id, set()).add(name)
    return found


class Builder:
    """Collects the sessions, their topics and their attendance, then writes them in bulk."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.sessions: list[TrainingSession] = []
        self.topics: list[list[TrainingTopic]] = []
        self.present: list[list[tuple[int, int]]] = []

    def add(
        self,
        org: Organization,
        day: dt.date,
        *,
        title: str,
        kind: str,
        form: str,
        hours: Decimal,
        topics: list[TrainingTopic],
        present: list[tuple[int, int]],
        days: int = 1,
        venue: str = "",
        film: AVFilm | None = None,
        non_members: int = 0,
        user: Any = None,
    ) -> TrainingSession:
        session = TrainingSession(
            organization=org,
            level=level_of(org.kind),
            title=title,
            kind=kind,
            form=form,
            start_on=day,
            end_on=day + dt.timedelta(days=days - 1),
            venue=venue,
            hours=hours,
            non_member_count=non_members,
            film=film,
            created_by=user,
        )
        self.sessions.append(session)
        self.topics.append(topics)
        self.present.append(present)
        return session

    def write(self) -> int:
        TrainingSession.objects.bulk_create(self.sessions, batch_size=500)
        links = [
            TrainingSession.topics.through(trainingsession_id=s.pk, trainingtopic_id=t.pk)
            for s, topics in zip(self.sessions, self.topics, strict=True)
            for t in topics
        ]
        TrainingSession.topics.through.objects.bulk_create(links, batch_size=2000)
        rows = [
            Attendance(session_id=s.pk, member_id=member, organization_id=org)
            for s, present in zip(self.sessions, self.present, strict=True)
            for member, org in present
        ]
        Attendance.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


def build(ctx: DemoContext) -> None:
    """The year's sessions: 1 county, 39 committee, monthly branch sessions; their attendance."""
    rng, year, today = ctx.rng, ctx.year, ctx.today
    scale = ctx.member_count / 8800
    tree, roster = Tree(ctx), Roster()
    topics = _topics(ctx)
    films = _films()
    theory = [topics[n] for n in THEORY_TOPICS]
    technical = [topics[n] for n in TECHNICAL_TOPICS]
    names = dict(
        __import__("members.models", fromlist=["Member"])
        .Member.objects.order_by("id")
        .values_list("id", "name")
    )
    heads = secretaries(tree, dt.date(year, 12, 31))
    b = Builder(ctx)

    # The county's session at the Party school: the branch secretaries, then members drawn county-wide.
    day = dt.date(year, 3, 16)
    pool = roster.across([o.pk for o in tree.branches if existed(o, day)], day)
    first = [(m, org) for m, org in pool if names[m] in heads.get(org, ())]
    rest = [pair for pair in pool if pair not in set(first)]
    want = max(10, round(COUNTY_ATTENDANCES * scale))
    chosen = first[:want]
    chosen += rng.sample(rest, min(len(rest), want - len(chosen)))
    b.add(
        tree.county,
        day,
        title=f"{year}年全县党支部书记和农村党员骨干培训班",
        kind=TrainingKind.THEORY,
        form=TrainingForm.PARTY_SCHOOL,
        hours=Decimal("24"),
        days=3,
        venue="县委党校",
        topics=[theory[0], theory[1], theory[3]],
        present=sorted(chosen),
        user=ctx.users.get("county"),
    )

    # 39 committee sessions, spread over the committees (the townships more), about 57 each.
    hosts = sorted((tree.committees * 2)[:COMMITTEE_SESSIONS], key=lambda o: o.path)
    # about 2,222 in all with the session still being recorded in November
    per_session = max(5, round(COMMITTEE_ATTENDANCES * 0.9 / COMMITTEE_SESSIONS * scale))
    forms = (
        TrainingForm.SPECIAL,
        TrainingForm.FIELD,
        TrainingForm.ADULT_SCHOOL,
        TrainingForm.AV,
        TrainingForm.MEETING,
    )
    for i, committee in enumerate(hosts):
        month = (3, 4, 5, 6, 9, 10)[i % 6]
        day = day_in_month(ctx, year, month)
        is_technical = committee.category == OrgCategory.TOWNSHIP and i % 5 != 0
        kind = TrainingKind.TECHNICAL if is_technical else TrainingKind.THEORY
        form = (
            forms[i % len(forms)]
            if is_technical
            else rng.choice((TrainingForm.SPECIAL, TrainingForm.MEETING, TrainingForm.AV))
        )
        subject = rng.sample(technical if is_technical else theory, 2)
        below = [
            o.pk
            for o in tree.below(committee, kinds=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH))
            if existed(o, day)
        ]
        pool = roster.across(below, day)
        size = rng.randint(per_session - per_session // 6, per_session + per_session // 6)
        present = sorted(rng.sample(pool, min(len(pool), size)))
        film = None
        if form == TrainingForm.AV:
            film = next((f for f in films if f.kind == kind and subject[0].name[:2] in f.title), None)
            film = film or rng.choice([f for f in films if f.kind == kind])
        b.add(
            committee,
            day,
            title=f"{committee.name}{'农村实用技术' if is_technical else '党员理论'}培训班（{subject[0].name}）",
            kind=kind,
            form=form,
            hours=Decimal(rng.choice(("4", "6", "8"))),
            days=1 if form != TrainingForm.ADULT_SCHOOL else 2,
            venue=f"{committee.name.removesuffix('党委').removesuffix('党工委')}{'成人技校' if form == TrainingForm.ADULT_SCHOOL else '会议室'}",
            topics=subject,
            present=present,
            film=film,
            non_members=rng.randint(0, 40) if is_technical else 0,
            user=ctx.users.get("committee") if committee.name == "新华镇党委" else None,
        )

    # Monthly branch sessions: most members come; a few branches lag behind.  The secretary's branch
    # has this month's session still to record (below).
    gefu = ctx.users.get("secretary")
    gefu_branch = gefu.organization_id if gefu is not None else None
    lagging = set(rng.sample([o.pk for o in tree.branches], max(1, len(tree.branches) // 12)))
    for branch in tree.branches:
        rate = 0.7 if branch.pk in lagging else 0.93
        village = branch.category == OrgCategory.VILLAGE
        for month in BRANCH_MONTHS:
            day = day_in_month(ctx, year, month)
            if (
                day >= today
                or not existed(branch, day)
                or (branch.pk == gefu_branch and month == today.month)
            ):
                continue
            members = roster.on(branch.pk, day)
            if not members:
                continue
            av_month = village and month == 8
            technical_month = village and (month in (4, 7, 10) or (av_month and rng.random() < 0.5))
            kind = TrainingKind.TECHNICAL if technical_month else TrainingKind.THEORY
            present = [(m, branch.pk) for m in members if rng.random() < rate]
            b.add(
                branch,
                day,
                title=f"{month}月{'农村实用技术' if technical_month else '党员学习'}{'（电教）' if av_month else ''}",
                kind=kind,
                form=TrainingForm.AV if av_month else TrainingForm.MEETING,
                hours=BRANCH_HOURS,
                venue="党员活动室",
                topics=[rng.choice(technical if technical_month else theory)],
                present=present,
                film=rng.choice([f for f in films if f.kind == kind]) if av_month else None,
                non_members=rng.randint(2, 15) if technical_month else 0,
            )

    # As of today: a committee session half recorded, a branch session not yet recorded.
    xinhua = next((c for c in tree.committees if c.name == "新华镇党委"), None)
    if xinhua is not None:
        day = today - dt.timedelta(days=2)
        units = [o for o in tree.below(xinhua, kinds=(OrgKind.BRANCH,)) if existed(o, day)]
        recorded = units[: len(units) // 2]
        b.add(
            xinhua,
            day,
            title="新华镇冬季农村党员实用技术培训",
            kind=TrainingKind.TECHNICAL,
            form=TrainingForm.SPECIAL,
            hours=Decimal("6"),
            venue="新华镇文化站",
            topics=[topics["甘蔗栽培"], topics["养猪"]],
            present=[pair for pair in roster.across([o.pk for o in recorded], day) if rng.random() < 0.9],
            user=ctx.users.get("committee"),
        )
    if gefu is not None and gefu.organization_id:
        b.add(
            gefu.organization,
            today - dt.timedelta(days=1),
            title="11月党员学习（学习党章）",
            kind=TrainingKind.THEORY,
            form=TrainingForm.MEETING,
            hours=BRANCH_HOURS,
            venue="各甫村党员活动室",
            topics=[topics["《党章》"]],
            present=[],
            user=gefu,
        )
    people = b.write()
    by_level = {level: sum(1 for s in b.sessions if s.level == level) for level in Level.values}
    ctx.log(
        f"教育培训：{len(b.sessions)}期（县委{by_level['COUNTY']}期、党委{by_level['COMMITTEE']}期、"
        f"支部{by_level['BRANCH']}期），参训{people}人次"
    )
    ctx.extra["training"] = {"films": films, "topics": topics, "tree": tree, "roster": roster}
