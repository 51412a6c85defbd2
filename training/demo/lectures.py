"""Demo step: party lectures by leading cadres of county-level units (县级部门科级以上领导干部讲党课).

The reference leaves the figures blank (“已有 个县级单位的领导班子 名领导干部…
为 个党支部讲党课 期，培训党员 人次”): here 12 county units send 26 leaders
(a few lecture twice) to about 40 branches, 45 lectures, each heard by most
members of the host branch; township committee secretaries also give 党课 in
their villages (counted in 三会一课, not among the county units' lectures).
"""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext
from organizations.choices import OrgCategory, OrgKind
from organizations.demo import names

from ..choices import LecturerRank
from ..models import LectureAttendance, LecturerUnit, PartyLecture
from .common import Tree, day_in_month, existed

UNITS = (
    ("县委组织部", "部长", LecturerRank.COUNTY_DEPUTY),
    ("县委宣传部", "副部长", LecturerRank.SECTION_CHIEF),
    ("县财政局", "局长", LecturerRank.SECTION_CHIEF),
    ("县农业农村局", "局长", LecturerRank.SECTION_CHIEF),
    ("县教育体育局", "副局长", LecturerRank.SECTION_DEPUTY),
    ("县民政局", "局长", LecturerRank.SECTION_CHIEF),
    ("县水务局", "局长", LecturerRank.SECTION_CHIEF),
    ("县林业和草原局", "副局长", LecturerRank.SECTION_DEPUTY),
    ("县人力资源和社会保障局", "局长", LecturerRank.SECTION_CHIEF),
    ("县交通运输局", "副局长", LecturerRank.SECTION_DEPUTY),
    ("县自然资源局", "局长", LecturerRank.SECTION_CHIEF),
    ("县司法局", "副局长", LecturerRank.SECTION_DEPUTY),
)
LEADERS = 26
LECTURES = 45
TOPICS = (
    "学习党章，做合格党员",
    "坚持党的阶级性，保持党的先进性",
    "领会“七一”讲话精神",
    "党员要带头致富、带领群众共同致富",
    "发挥农村党员先锋模范作用",
    "加强党性修养，密切联系群众",
    "学习贯彻“三个代表”重要思想",
)


def _name(ctx: DemoContext, male: bool = True) -> str:
    rng = ctx.rng
    surname = rng.choice(names.SURNAMES["壮族" if rng.random() < 0.6 else "汉族"])
    pool = names.GIVEN_MALE if male else names.GIVEN_FEMALE
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2))))


def build(ctx: DemoContext) -> None:
    """45 lectures by 26 leaders of 12 county units at about 40 branches; township secretaries' 党课 too."""
    rng, year, today = ctx.rng, ctx.year, ctx.today
    shared = ctx.extra["training"]
    tree: Tree = shared["tree"]
    roster = shared["roster"]
    units = [LecturerUnit(name=name) for name, _, _ in UNITS]
    LecturerUnit.objects.bulk_create(units)
    leaders = []
    for i in range(LEADERS):
        unit_index = i % len(UNITS)
        _, post, rank = UNITS[unit_index]
        deputy = i >= len(UNITS)  # the second leader of a unit is its deputy
        leaders.append(
            (
                _name(ctx, rng.random() < 0.8),
                units[unit_index],
                f"副{post.removeprefix('副')}" if deputy else post,
                LecturerRank.SECTION_DEPUTY if deputy else rank,
            )
        )
    # Hosts that existed the whole year (the year's new and closed branches are left out).
    villages = [
        o
        for o in tree.branches
        if o.category == OrgCategory.VILLAGE and existed(o, dt.date(year, 1, 1)) and o.dissolved_on is None
    ]
    hosts = rng.sample(villages, min(len(villages), 40))
    lectures: list[PartyLecture] = []
    audiences: list[list[tuple[int, int]]] = []
    for i in range(LECTURES):
        name, unit, post, rank = leaders[i % LEADERS]
        host = hosts[i % len(hosts)]
        day = day_in_month(ctx, year, rng.choice((3, 4, 5, 6, 7, 9, 10)))
        if day >= today or not existed(host, day):
            continue
        lectures.append(
            PartyLecture(
                organization=host,
                given_on=day,
                topic=rng.choice(TOPICS),
                lecturer_name=name,
                lecturer_unit=unit,
                lecturer_post=f"{unit.name}{post}",
                lecturer_rank=rank,
                venue="村党员活动室",
                hours=2,
            )
        )
        audiences.append([(m, host.pk) for m in roster.on(host.pk, day) if rng.random() < 0.85])
    # Township committee secretaries' 党课 in their villages (a township unit: not among the county units).
    townships = [c for c in tree.committees if c.category == OrgCategory.TOWNSHIP]
    for committee in townships:
        unit = LecturerUnit(name=committee.name, county_level=False)
        unit.save()
        its_villages = [
            o for o in tree.below(committee, kinds=(OrgKind.BRANCH,)) if o.category == OrgCategory.VILLAGE
        ]
        if not its_villages:
            continue
        host = rng.choice(its_villages)
        day = day_in_month(ctx, year, 6)
        lectures.append(
            PartyLecture(
                organization=host,
                given_on=day,
                topic="党委书记讲党课：加强基层组织建设",
                lecturer_name=_name(ctx),
                lecturer_unit=unit,
                lecturer_post=f"{committee.name}书记",
                lecturer_rank=LecturerRank.SECTION_CHIEF,
                venue="村党员活动室",
                hours=2,
            )
        )
        audiences.append([(m, host.pk) for m in roster.on(host.pk, day) if rng.random() < 0.85])
    PartyLecture.objects.bulk_create(lectures)
    rows = [
        LectureAttendance(lecture_id=lecture.pk, member_id=member, organization_id=org)
        for lecture, audience in zip(lectures, audiences, strict=True)
        for member, org in audience
    ]
    LectureAttendance.objects.bulk_create(rows, batch_size=2000)
    county_units = [lec for lec in lectures if lec.lecturer_unit.county_level]
    ctx.log(
        f"讲党课：{len({lec.lecturer_unit_id for lec in county_units})}个县级单位"
        f"{len({lec.lecturer_name for lec in county_units})}名领导干部为"
        f"{len({lec.organization_id for lec in county_units})}个党支部讲党课{len(county_units)}期；"
        f"听课{len(rows)}人次（含乡镇党委书记讲党课）"
    )
    shared["lecture_days"] = {(lec.organization_id, lec.given_on) for lec in lectures}
