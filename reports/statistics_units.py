"""党内统计 by unit: democratic appraisal, training and dues, one row per organization directly below.

Each table breaks the subtree's figures down by the organizations directly
under it at period end (``organizations.lineage.children_on``; 党小组 hold no
members and stay in 本级). A record counts under the child its organization
stood under on the record's own date — the same placement as the indicator
functions (``within_then``) — and every row starts from the same records as
the indicator, so the rows add up to the summary's figure. Records of the
organization itself, and of organizations that left the tree during the
period (a branch dissolved in August), make the row “本级及其他”.

Each table is a fixed number of grouped queries (the record's child is a
correlated subquery on the dated tree), whatever the number of records or
of organizations below.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from assessments.choices import Disposal, GradeCategory
from assessments.models import MemberAppraisal
from core.money import round_yuan
from dues.choices import LedgerPurpose
from dues.models import RetainedFundEntry
from dues.selectors.figures import dues_breakdown
from organizations.choices import COMMITTEE_KINDS, OrgKind
from organizations.lineage import children_on
from organizations.models import Organization, OrgLineage
from training.choices import MeetingKind
from training.models import Attendance, LectureAttendance, OrgMeeting, PartyLecture
from training.selectors.av import coverage
from training.selectors.figures import SLICES as TRAINING_SLICES
from training.selectors.figures import sessions_of
from training.selectors.lectures import leading_cadre_q

from .indicators.base import rate
from .periods import Period
from .statistics import Table

OWN = None  # the 本级及其他 row's key
OWN_LABEL = "本级及其他"
ZERO = Decimal("0.00")


def parts_of(org: Organization, day: dt.date) -> list[Organization]:
    """The organizations directly under ``org`` on ``day`` that get a row (党小组 stay in 本级)."""
    return list(children_on(org, day).exclude(kind=OrgKind.GROUP).order_by("path"))


def child_of(parts: list[Organization], org_ref: str, date_ref: str) -> Subquery:
    """The part the outer row's organization (``org_ref``) stood under on its own ``date_ref``, else NULL."""
    day = OuterRef(date_ref)
    return Subquery(
        OrgLineage.objects.filter(
            Q(end_on__isnull=True) | Q(end_on__gt=day),
            ancestor_id__in=[p.pk for p in parts],
            descendant_id=OuterRef(org_ref),
            start_on__lte=day,
        )
        .order_by("depth")  # the nearest, should two parts both hold it that day (a branch moved up)
        .values("ancestor_id")[:1]
    )


def grouped(
    rows: QuerySet, parts: list[Organization], org_ref: str, date_ref: str, **aggregates: Any
) -> dict:
    """``aggregates`` of ``rows`` per part (``OWN`` for the rest): one query."""
    out: dict[int | None, dict[str, Any]] = {}
    for row in (
        rows.order_by()
        .annotate(part=child_of(parts, org_ref, date_ref))
        .values("part")
        .annotate(**aggregates)
        .order_by()
    ):
        out[row.pop("part")] = row
    return out


def _assemble(
    title: str,
    headers: list[str],
    parts: list[Organization],
    values: dict[int | None, list[Any]],
    width: int,
    total: list[Any],
    note: str = "",
) -> Table:
    """Rows for every part (zeros where nothing counted) and 本级及其他 when it holds anything."""
    rows = [[p.name, *values.get(p.pk, [0] * width)] for p in parts]
    own = values.get(OWN)
    if own is not None and any(own):
        rows.insert(0, [OWN_LABEL, *own])
    return Table(title, headers, rows, ["合计", *total], note)


def _sum_columns(values: dict[int | None, list[Any]], width: int) -> list[Any]:
    return [sum((v[i] for v in values.values()), start=0) for i in range(width)]


# --- 民主评议党员 ----------------------------------------------------------------------------------

DISPOSALS = (Disposal.CORRECTION, Disposal.PERSUADE, Disposal.REMOVE)


def appraisal_table(org: Organization, period: Period) -> Table:
    """参加评议的党员、各等次、不合格党员的处置 (by period end): three queries.

    The records are ``appraisal_figures``'s: appraisals of the period's year made by its end,
    each where the member was appraised.
    """
    start, end = period.start, period.end
    parts = parts_of(org, end)
    appraisals = MemberAppraisal.objects.filter(year=start.year, appraised_on__lte=end).within_then(
        org, "appraised_on"
    )
    unqualified = Q(category=GradeCategory.UNQUALIFIED)
    decided = Q(follow_up__decided_on__lte=end)
    found = grouped(
        appraisals,
        parts,
        "organization",
        "appraised_on",
        members=Count("member", distinct=True),
        **{c.lower(): Count("id", filter=Q(category=c)) for c in GradeCategory.values},
        **{
            d.lower(): Count("id", filter=unqualified & decided & Q(follow_up__disposal=d)) for d in DISPOSALS
        },
    )
    keys = ["members", *(c.lower() for c in GradeCategory.values), *(d.lower() for d in DISPOSALS)]
    values = {
        part: [*(row[k] for k in keys), row["unqualified"] - sum(row[d.lower()] for d in DISPOSALS)]
        for part, row in found.items()
    }
    width = len(keys) + 1
    total = _sum_columns(values, width)
    headers = [
        "单位",
        "参加评议党员",
        *(f"评为{c.label}" for c in GradeCategory),
        *(f"不合格：{d.label}" for d in DISPOSALS),
        "不合格：尚未处置",
    ]
    return _assemble(
        f"民主评议党员情况（{period.label}）",
        headers,
        parts,
        values,
        width,
        total,
        f"不合格党员的处置按{end:%Y年%m月%d日}前作出的决定统计。",
    )


# --- 党员教育培训 ----------------------------------------------------------------------------------

TRAINING_COLUMNS = (
    ("total", "培训"),
    ("county", "县委培训"),
    ("committee", "党委培训"),
    ("branch", "支部培训"),
    ("theory", "理论培训"),
    ("technical", "科技培训"),
    ("av", "电教培训"),
)
MEETING_KINDS = (MeetingKind.ASSEMBLY, MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.LECTURE)


def _on_session(q: Q) -> Q:
    """A slice of ``training.selectors.figures.SLICES`` read through an attendance's session."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [(f"session__{key}", value) for key, value in q.children]  # type: ignore[misc]
    return clone


def training_table(org: Organization, period: Period) -> Table:
    """培训期数和人次 by level and kind, 电教, 领导干部讲党课, 电教覆盖 and 三会一课: ten queries.

    Sessions and person-times are ``training_figures``'s (sessions organized in the subtree that
    started in the period, 人次 their attendance rows), lectures ``lecture_figures``'s (leading
    cadres' lectures hosted in the period), coverage ``av_figures``'s (township committees and
    village branches with equipment in service at period end); 三会一课 counts the meetings of
    the four kinds held in the period.
    """
    start, end = period.start, period.end
    parts = parts_of(org, end)
    slices = {name: TRAINING_SLICES[name] for name, _ in TRAINING_COLUMNS}
    sessions = sessions_of(org, start, end)
    held = grouped(
        sessions, parts, "organization", "start_on", **{n: Count("id", filter=q) for n, q in slices.items()}
    )
    people = grouped(
        Attendance.objects.filter(session__in=sessions.values("pk")),
        parts,
        "session__organization",
        "session__start_on",
        **{n: Count("id", filter=_on_session(q)) for n, q in slices.items()},
    )
    lectures = (
        PartyLecture.objects.within_then(org, "given_on")
        .filter(given_on__gte=start, given_on__lte=end)
        .filter(leading_cadre_q())
    )
    lecture_counts = grouped(lectures, parts, "organization", "given_on", n=Count("id"))
    lecture_people = grouped(
        LectureAttendance.objects.filter(lecture__in=lectures.values("pk")),
        parts,
        "lecture__organization",
        "lecture__given_on",
        n=Count("id"),
    )
    meetings = grouped(
        OrgMeeting.objects.within_then(org, "held_on").filter(
            held_on__gte=start, held_on__lte=end, kind__in=MEETING_KINDS
        ),
        parts,
        "organization",
        "held_on",
        n=Count("id"),
    )
    covered = _coverage_by_part(org, parts, end)
    keys = set(held) | set(people) | set(lecture_counts) | set(lecture_people) | set(meetings) | set(covered)
    values: dict[int | None, list[Any]] = {}
    for key in keys:
        row: list[Any] = []
        for name, _ in TRAINING_COLUMNS:
            row += [held.get(key, {}).get(name, 0), people.get(key, {}).get(name, 0)]
        row += [lecture_counts.get(key, {}).get("n", 0), lecture_people.get(key, {}).get("n", 0)]
        row += list(covered.get(key, (0, 0)))
        row.append(meetings.get(key, {}).get("n", 0))
        values[key] = row
    width = 2 * len(TRAINING_COLUMNS) + 5
    headers = ["单位"]
    for _, label in TRAINING_COLUMNS:
        headers += [f"{label}期数", f"{label}人次"]
    headers += ["领导干部讲党课期数", "听党课人次", "电教覆盖乡镇党委", "电教覆盖村党支部", "三会一课次数"]
    return _assemble(
        f"党员教育培训情况（{period.label}）",
        headers,
        parts,
        values,
        width,
        _sum_columns(values, width),
        "培训期数按举办单位统计，人次按签到记录计；电教培训同时计入理论或科技培训；"
        f"电教覆盖为{end:%Y年%m月%d日}有在用电教设备的乡镇党委、村党支部；"
        "三会一课次数为支部党员大会、支委会、党小组会、党课的记录数。",
    )


def _coverage_by_part(org: Organization, parts: list[Organization], end: dt.date) -> dict[int | None, tuple]:
    """(乡镇党委, 村党支部) covered at period end per part, from ``coverage``: four queries."""
    rows = coverage(Organization.objects.within_on(org, end), end)
    under = dict(
        OrgLineage.objects.filter(
            Q(end_on__isnull=True) | Q(end_on__gt=end),
            ancestor_id__in=[p.pk for p in parts],
            descendant_id__in=[r.org.pk for r in rows if r.covered],
            start_on__lte=end,
        )
        .order_by("-depth")  # the nearest part wins (later rows overwrite)
        .values_list("descendant_id", "ancestor_id")
    )
    out: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r.covered:
            out[under.get(r.org.pk, OWN)][0 if r.org.kind in COMMITTEE_KINDS else 1] += 1
    return {k: tuple(v) for k, v in out.items()}


# --- 党费收缴使用 ----------------------------------------------------------------------------------

INCOME = (LedgerPurpose.RETAINED_SHARE, LedgerPurpose.RETURNED, LedgerPurpose.OTHER_INCOME)


def dues_table(org: Organization, period: Period) -> Table:
    """应交, 实交, 收缴率, 欠缴, 上缴, 留存, 支出, 余额 per part: ``dues_breakdown`` and one query for 留存.

    ``dues_breakdown`` is the dues app's one pass (the summary's ``dues_figures`` with the parts as
    buckets). 上缴 is what each unit remitted to its superior: a part's to this organization, the
    本级 row's (and the total's) this organization's own, as the summary prints it — the parts'
    remittances are inside this organization, so the total does not add them again.
    """
    start, end = period.start, period.end
    total, breakdown = dues_breakdown(org, start, end)
    parts = [r.organization for r in breakdown if not r.own]
    income = grouped(
        RetainedFundEntry.objects.within_then(org, "entry_on").filter(
            entry_on__gte=start, entry_on__lte=end, purpose__in=INCOME
        ),
        parts,
        "organization",
        "entry_on",
        amount=Sum("amount"),
    )
    kept = {part: round_yuan(row["amount"] or ZERO) for part, row in income.items()}
    fields = ("levied", "paid", "members_in_arrears", "retained_spent", "retained_balance")
    figures = {r.organization.pk: r.figures for r in breakdown if not r.own}
    own = {f: getattr(total, f) - sum((getattr(x, f) for x in figures.values()), start=0) for f in fields}

    def row(values: dict[str, Any], remitted: Decimal, retained: Decimal) -> list[Any]:
        return [
            values["levied"],
            values["paid"],
            _rate(values["paid"], values["levied"]),
            values["members_in_arrears"],
            remitted,
            retained,
            values["retained_spent"],
            values["retained_balance"],
        ]

    table_rows = [
        [
            p.name,
            *row(
                {f: getattr(figures[p.pk], f) for f in fields}, figures[p.pk].remitted, kept.get(p.pk, ZERO)
            ),
        ]
        for p in parts
    ]
    own_retained = round_yuan(
        sum(kept.values(), start=ZERO) - sum((kept.get(p.pk, ZERO) for p in parts), start=ZERO)
    )
    own_row = row(own, total.remitted, own_retained)
    if any(v for i, v in enumerate(own_row) if i != 2):
        table_rows.insert(0, [OWN_LABEL, *own_row])
    totals = {f: getattr(total, f) for f in fields}
    return Table(
        f"党费收缴使用情况（{period.label}）",
        [
            "单位",
            "应交（元）",
            "实交（元）",
            "收缴率（%）",
            "欠缴党员（名）",
            "上缴（元）",
            "留存（元）",
            "支出（元）",
            "余额（元）",
        ],
        table_rows,
        ["合计", *row(totals, total.remitted, round_yuan(sum(kept.values(), start=ZERO)))],
        "收缴率由实交和应交计算；上缴为各单位向其上级上缴的党费，合计为本级向上级上缴"
        "（下级向本级上缴的已在本级之内，不重复计算）；留存为统计期内留存党费收入（按比例留存、上级返还、其他收入），"
        f"支出为留存党费支出，余额为{end:%Y年%m月%d日}留存党费余额。",
    )


def _rate(part: Decimal, whole: Decimal) -> Decimal | str:
    found = rate(part, whole)
    return "—" if found is None else found


def unit_tables(org: Organization, period: Period) -> list[Table]:
    return [appraisal_table(org, period), training_table(org, period), dues_table(org, period)]
