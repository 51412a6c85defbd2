"""Demo step: 三会一课 and 主题党日 records of every branch, with some behind; the 党员活动日 pilot.

Every counted branch holds its 支部党员大会 each quarter, its 支委会 each month
where it has one (seven full members), its groups' 党小组会 each month, a
党课 each quarter (a leading cadre's lecture in the branch counts) and a
主题党日 each month — up to ``ctx.today``.  About one branch in twenty skips
a month or a quarter here and there, and a handful are well behind, so the
compliance table and the 工作台 have something to show.  “从5月份起，在新华镇
的各甫村支部和睦伦乡的睦伦村支部开展党员活动日试点”: those two branches keep a
fixed day and place from May (others fixed theirs earlier, without the pilot).
"""

from __future__ import annotations

import datetime as dt

from core.dates import add_months
from core.demo import DemoContext
from organizations.choices import OrgCategory

from ..choices import MeetingKind
from ..models import ActivityDay, OrgMeeting
from .common import Tree, existed

PILOTS = ("各甫村党支部", "睦伦村党支部")
TOPICS = {
    MeetingKind.ASSEMBLY: ("传达学习上级会议精神", "讨论接收预备党员", "民主评议党员", "讨论村级重大事项"),
    MeetingKind.COMMITTEE: ("研究本月工作安排", "研究发展党员工作", "研究党费收缴情况", "研究困难党员帮扶"),
    MeetingKind.GROUP: ("学习党的政策", "交流思想和工作", "布置党员责任区工作"),
    MeetingKind.LECTURE: ("学习党章", "党员的权利和义务", "发挥先锋模范作用"),
    MeetingKind.ACTIVITY_DAY: ("理论和科技培训", "参与村务决策", "义务劳动", "重温入党誓词"),
}
MINUTES = "会议由支部书记主持。\n一、学习有关文件；\n二、讨论有关事项；\n三、布置下一步工作。"


def _windows(year: int, months: int, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Windows of ``months`` from January that started before today (the current one included)."""
    result, start = [], dt.date(year, 1, 1)
    while start < today and start.year == year:
        result.append((start, add_months(start, months) - dt.timedelta(days=1)))
        start = add_months(start, months)
    return result


def build(ctx: DemoContext) -> None:
    """The year's meetings of every branch and group, the fixed activity days."""
    rng, year, today = ctx.rng, ctx.year, ctx.today
    shared = ctx.extra["training"]
    tree: Tree = shared["tree"]
    roster = shared["roster"]
    lecture_days = shared.get("lecture_days", set())
    groups: dict[int, list] = {}
    for group in tree.groups:
        groups.setdefault(group.parent_id, []).append(group)
    behind = set(rng.sample([b.pk for b in tree.branches], max(1, len(tree.branches) // 20)))
    far_behind = set(rng.sample(sorted(behind), max(1, len(behind) // 4)))
    fixed: dict[int, ActivityDay] = {}
    for branch in tree.branches:
        pilot = branch.name in PILOTS
        if pilot or (branch.category == OrgCategory.VILLAGE and rng.random() < 0.2):
            fixed[branch.pk] = ActivityDay(
                organization=branch,
                day_of_month=10 if pilot else rng.randint(5, 25),
                place="村党员活动室",
                content="党员理论和科技培训、参与村务决策、扶持党员示范户",
                is_pilot=pilot,
                start_on=dt.date(year, 5, 1) if pilot else dt.date(year, 1, 1),
                created_by=ctx.users.get("committee") if pilot else None,
            )
    ActivityDay.objects.bulk_create(fixed.values())

    meetings: list[OrgMeeting] = []

    def hold(org, kind: str, start: dt.date, end: dt.date, expected: int) -> None:
        last = min(end, today - dt.timedelta(days=1))
        if last < start or not existed(org, last):
            return
        setting = fixed.get(org.pk)
        if kind == MeetingKind.ACTIVITY_DAY and setting and setting.start_on <= start:
            day = start.replace(day=min(setting.day_of_month, 28))
            if day > last:
                return
        else:
            day = start + dt.timedelta(days=rng.randint(0, (last - start).days))
        if expected <= 0:
            return
        meetings.append(
            OrgMeeting(
                organization=org,
                kind=kind,
                held_on=day,
                topic=rng.choice(TOPICS[kind]),
                venue=setting.place if setting and kind == MeetingKind.ACTIVITY_DAY else "党员活动室",
                expected=expected,
                present=max(1, expected - rng.randint(0, min(3, expected // 3 + 1))),
                minutes=MINUTES,
            )
        )

    for branch in tree.branches:
        skip = 0.5 if branch.pk in far_behind else (0.12 if branch.pk in behind else 0.0)
        full = roster.full_on(branch.pk, today)
        for kind, months in (
            (MeetingKind.ASSEMBLY, 3),
            (MeetingKind.COMMITTEE, 1),
            (MeetingKind.LECTURE, 3),
            (MeetingKind.ACTIVITY_DAY, 1),
        ):
            if kind == MeetingKind.COMMITTEE and full < 7:
                continue
            for start, end in _windows(year, months, today):
                if rng.random() < skip:
                    continue
                if kind == MeetingKind.LECTURE and any(
                    org == branch.pk and start <= day <= end for org, day in lecture_days
                ):
                    continue  # a leading cadre's lecture was this quarter's 党课
                expected = (
                    rng.randint(3, 5) if kind == MeetingKind.COMMITTEE else len(roster.on(branch.pk, start))
                )
                hold(branch, kind, start, end, expected)
        for group in groups.get(branch.pk, ()):
            for start, end in _windows(year, 1, today):
                if rng.random() < skip:
                    continue
                hold(group, MeetingKind.GROUP, start, end, max(3, len(roster.on(branch.pk, start)) // 3))
    OrgMeeting.objects.bulk_create(meetings, batch_size=2000)
    ctx.log(
        f"三会一课：{len(meetings)}条记录，{len(behind)}个党支部有未按期开展的月份或季度；"
        f"党员活动日{len(fixed)}个（试点{sum(1 for a in fixed.values() if a.is_pilot)}个）"
    )
