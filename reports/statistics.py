"""党内统计: the standard tables for a subtree and period, as data (HTML) and as a workbook (Excel).

- 党员变动情况: last period end's total, the increases (新发展, 恢复党籍, 转入) and
  decreases (出党, 停止党籍, 死亡, 转出) in the period, this period end's total —
  reconciled: start + increases − decreases = end;
- 党员队伍结构: members at period end by gender, ethnicity, age band, education,
  occupation and join period; new members of the period by the same;
- 党组织情况: organizations existing at period end by kind and category;
- 民主评议党员, 党员教育培训, 党费收缴使用: by the organizations directly below
  (``reports.statistics_units``).

Everything is read from the dated history over the tree as it stood (a member
moving between two organizations of the subtree is no change of the subtree).
The first four tables are one grouped query each.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef

from core.sheets import Sheet, write_workbook
from members.choices import (
    AGE_BANDS,
    MINORITY_GROUPS,
    Education,
    Gender,
    LeaveReason,
    Occupation,
    PeriodReason,
)
from members.models import Member, MemberPeriod, age_on
from organizations.choices import OrgCategory, OrgKind
from organizations.lineage import in_subtree_then
from organizations.models import Organization

from .periods import Period

#: 入党时间 bands of the statistics (the Party's own periods).
JOIN_PERIODS: tuple[tuple[str, dt.date | None, dt.date | None], ...] = (
    ("1949年9月及以前", None, dt.date(1949, 9, 30)),
    ("1949年10月至1966年4月", dt.date(1949, 10, 1), dt.date(1966, 4, 30)),
    ("1966年5月至1976年10月", dt.date(1966, 5, 1), dt.date(1976, 10, 31)),
    ("1976年11月至1978年12月", dt.date(1976, 11, 1), dt.date(1978, 12, 31)),
    ("1979年1月至2002年10月", dt.date(1979, 1, 1), dt.date(2002, 10, 31)),
    ("2002年11月至2012年10月", dt.date(2002, 11, 1), dt.date(2012, 10, 31)),
    ("2012年11月及以后", dt.date(2012, 11, 1), None),
)

ADMISSIONS = (PeriodReason.ADMITTED, PeriodReason.REGISTERED)
ARRIVALS = (PeriodReason.MOVED, PeriodReason.MERGED)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str = ""  # how the table counts, printed under it


def _ethnicity(value: str) -> str:
    if value == "汉族":
        return "汉族"
    return "少数民族" if value in MINORITY_GROUPS else "其他（未识别民族、入籍等）"


def _band(age: int) -> str:
    for label, low, high in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return label
    return AGE_BANDS[-1][0]


def _join_period(day: dt.date) -> str:
    for label, low, high in JOIN_PERIODS:
        if (low is None or day >= low) and (high is None or day <= high):
            return label
    return JOIN_PERIODS[-1][0]


def change_table(org: Organization, period: Period) -> Table:
    """党员变动情况 for the period: starts and ends of history periods that cross the subtree's border."""
    start, end = period.start, period.end
    before = start - dt.timedelta(days=1)
    total_before = MemberPeriod.objects.on(before).within_on(org, before).count()
    total_after = MemberPeriod.objects.on(end).within_on(org, end).count()

    # A period that starts in the subtree: an increase unless the member's previous period
    # (ending that day) was in the subtree too — a move or a 转正 inside it is no change.
    previous_inside = MemberPeriod.objects.filter(
        member=OuterRef("member"), end_on=OuterRef("start_on")
    ).filter(in_subtree_then(org, "organization", "end_on", day_before=True))
    starts = (
        MemberPeriod.objects.within_then(org, "start_on")
        .filter(start_on__gte=start, start_on__lte=end)
        .annotate(inside=Exists(previous_inside))
        .filter(inside=False)
        .values_list("start_reason", "start_on", "member__joined_on")
    )
    increases: Counter[str] = Counter()
    for reason, day, joined in starts:
        if reason in ADMISSIONS and day == joined:
            increases["新发展"] += 1
        elif reason == PeriodReason.RESTORED:
            increases["恢复党籍"] += 1
        elif reason == PeriodReason.TRANSFER_IN:
            increases["从县外转入"] += 1
        elif reason in ARRIVALS:
            increases["从县内其他党组织转入"] += 1
        else:
            increases["其他"] += 1

    # A period that ends in the subtree: a decrease unless the next one starts in it that day.
    next_inside = MemberPeriod.objects.filter(member=OuterRef("member"), start_on=OuterRef("end_on")).filter(
        in_subtree_then(org, "organization", "start_on")
    )
    ends = (
        MemberPeriod.objects.within_then(org, "end_on", day_before=True)
        .filter(end_on__gte=start, end_on__lte=end)
        .annotate(inside=Exists(next_inside), left=F("member__left_on"), why=F("member__leave_reason"))
        .filter(inside=False)
        .values_list("end_reason", "end_on", "left", "why")
    )
    decreases: Counter[str] = Counter()
    exits = {LeaveReason.WITHDRAWAL, LeaveReason.PERSUADED, LeaveReason.REMOVED, LeaveReason.EXPELLED}
    for reason, day, left_on, why in ends:
        if reason == PeriodReason.TRANSFER_OUT:
            decreases["转出县外"] += 1
        elif reason in ARRIVALS:
            decreases["转往县内其他党组织"] += 1
        elif left_on == day and why == LeaveReason.DEATH:
            decreases["死亡"] += 1
        elif left_on == day and why in exits:
            decreases["出党"] += 1
        elif left_on == day and why == LeaveReason.SUSPENDED:
            decreases["停止党籍"] += 1
        elif left_on == day and why in (LeaveReason.PROBATION_CANCELLED, LeaveReason.NOT_APPROVED):
            decreases["取消预备资格或不予批准"] += 1
        else:
            decreases["其他"] += 1
    up = ["新发展", "恢复党籍", "从县外转入", "从县内其他党组织转入", "其他"]
    down = ["死亡", "出党", "停止党籍", "取消预备资格或不予批准", "转出县外", "转往县内其他党组织", "其他"]
    rows = [[f"{before:%Y年%m月%d日}党员数", total_before]]
    rows += [[f"增加：{label}", increases[label]] for label in up if label != "其他" or increases[label]]
    rows.append(["增加合计", sum(increases.values())])
    rows += [[f"减少：{label}", decreases[label]] for label in down if label != "其他" or decreases[label]]
    rows.append(["减少合计", sum(decreases.values())])
    rows.append([f"{end:%Y年%m月%d日}党员数", total_after])
    return Table("党员变动情况", ["项目", "人数"], rows)


def _profile(members: list[dict[str, Any]], title: str, age_day: Any) -> Table:
    """One table: each dimension's groups with their counts and share of the total.

    ``age_day(member)`` is the day the age is taken on (period end, or the admission day).
    """
    total = len(members)
    rows: list[list[Any]] = []
    dimensions = (
        ("性别", lambda m: Gender(m["gender"]).label, list(Gender.labels)),
        ("民族", lambda m: _ethnicity(m["ethnicity"]), ["汉族", "少数民族", "其他（未识别民族、入籍等）"]),
        ("年龄", lambda m: _band(age_on(m["birth_date"], age_day(m))), [b[0] for b in AGE_BANDS]),
        ("学历", lambda m: Education(m["education"]).label, list(Education.labels)),
        ("人员类别", lambda m: Occupation(m["occupation"]).label, list(Occupation.labels)),
        ("入党时间", lambda m: _join_period(m["joined_on"]), [p[0] for p in JOIN_PERIODS]),
    )
    for name, key, order in dimensions:
        counts = Counter(key(m) for m in members)
        for label in order:
            n = counts.get(label, 0)
            rows.append([name, label, n, f"{n * 100 / total:.2f}" if total else "—"])
    return Table(
        title, ["项目", "类别", "人数", "占比（%）"], rows, ["合计", "", total, "100.00" if total else "—"]
    )


PROFILE_FIELDS = ("gender", "ethnicity", "birth_date", "education", "occupation", "joined_on")


def profile_table(org: Organization, period: Period) -> Table:
    """党员队伍结构 at period end (the members of that day, in the tree of that day)."""
    end = period.end
    members = list(
        Member.objects.filter(periods__in=MemberPeriod.objects.on(end).within_on(org, end)).values(
            *PROFILE_FIELDS
        )
    )
    return _profile(members, f"党员队伍结构（{end:%Y年%m月%d日}）", lambda _m: end)


def new_member_table(org: Organization, period: Period) -> Table:
    """新发展党员结构: members admitted in the period, their age on the admission day."""
    admitted = (
        MemberPeriod.objects.within_then(org, "start_on")
        .filter(start_reason__in=ADMISSIONS, start_on=F("member__joined_on"))
        .filter(start_on__gte=period.start, start_on__lte=period.end)
        .values("member")
    )
    members = list(Member.objects.filter(pk__in=admitted).values(*PROFILE_FIELDS))
    return _profile(members, f"新发展党员结构（{period.label}）", lambda m: m["joined_on"])


def organization_table(org: Organization, period: Period) -> Table:
    """党组织情况 at period end: each kind by category (temporary and functional branches apart)."""
    end = period.end
    rows = (
        Organization.objects.within_on(org, end)
        .existing_on(end)
        .exclude(kind=OrgKind.COUNTY_COMMITTEE)
        .values("kind", "category", "form")
        .annotate(n=Count("id"))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        kind = OrgKind(row["kind"]).label
        if row["kind"] == OrgKind.BRANCH and row["form"] in ("TEMPORARY", "FUNCTIONAL"):
            kind = "临时、功能型党支部"
        counts[(kind, row["category"])] += row["n"]
    categories = list(OrgCategory)
    kinds = ["基层党委", "党工委", "党总支", "党支部", "临时、功能型党支部", "党小组"]
    table_rows = []
    for kind in kinds:
        per = [counts.get((kind, c.value), 0) for c in categories]
        table_rows.append([kind, *per, sum(per)])
    total = ["合计", *[sum(r[i + 1] for r in table_rows) for i in range(len(categories))], 0]
    total[-1] = sum(total[1:-1])
    return Table(
        f"党组织情况（{end:%Y年%m月%d日}）",
        ["组织类型", *[c.label for c in categories], "合计"],
        table_rows,
        total,
    )


def statistics_tables(org: Organization, period: Period) -> list[Table]:
    from .statistics_units import unit_tables  # it builds on Table

    return [
        change_table(org, period),
        profile_table(org, period),
        new_member_table(org, period),
        organization_table(org, period),
        *unit_tables(org, period),
    ]


def statistics_workbook(org: Organization, period: Period) -> bytes:
    """The tables as an .xlsx through the one writer: a sheet each, header in row 1, the total last.

    The table's name and 统计期 print at the top of every page (a merged title row above the
    header would break sorting, filtering and the frozen header the other downloads share).
    """
    return write_workbook(
        *(
            Sheet(
                title=table.title.split("（")[0][:31],
                columns=table.headers,
                rows=[*table.rows, *([table.total] if table.total else [])],
                print_header=f"{org.name}{table.title}　统计期：{period.label}",
            )
            for table in statistics_tables(org, period)
        )
    )
