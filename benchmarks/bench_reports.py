"""Reports: the indicators against hand-written SQL, and the summary, Word file and statistics workbook end to end.

(a) ``reports.indicators.compute`` for the county and for one committee —
time and SQL statements; (b) the same counts of the member and organization
families written by hand as one SQL statement each over the same tables (the
dated tree included), so the ratio shows what the ORM and the families'
structure cost; (c) the summary page, its .docx and the statistics workbook
as a user downloads them.  The demo year is the period.
"""

from __future__ import annotations

import time

from benchmarks import BenchContext, median

REPEAT = 3

# The subtree on a day: the dated closure table (OrgLineage) — as ``within_on`` reads it.
ON_DAY = "l.ancestor_id = %(org)s AND l.start_on <= %(end)s AND (l.end_on IS NULL OR l.end_on > %(end)s)"

MEMBERS_SQL = f"""
SELECT COUNT(*),
       SUM(CASE WHEN p.status = 'FULL' THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.status = 'PROBATIONARY' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.gender = 'F' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.ethnicity IN %(minority)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.birth_date > %(born_36)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.birth_date <= %(born_60)s THEN 1 ELSE 0 END)
FROM members_memberperiod p
JOIN members_member m ON m.id = p.member_id
JOIN organizations_orglineage l ON l.descendant_id = p.organization_id
WHERE p.start_on <= %(end)s AND (p.end_on IS NULL OR p.end_on > %(end)s) AND {ON_DAY}
"""

BRANCH = "o.kind = 'BRANCH' AND o.form NOT IN ('TEMPORARY', 'FUNCTIONAL')"
COMMITTEE = "o.kind IN ('COMMITTEE', 'WORKING_COMMITTEE')"

ORGS_SQL = f"""
SELECT SUM(CASE WHEN {COMMITTEE} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {COMMITTEE} AND o.category = 'TOWNSHIP' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.kind = 'GENERAL_BRANCH' THEN 1 ELSE 0 END),
       SUM(CASE WHEN {BRANCH} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {BRANCH} AND o.category = 'VILLAGE' THEN 1 ELSE 0 END)
FROM organizations_organization o
JOIN organizations_orglineage l ON l.descendant_id = o.id
WHERE o.established_on <= %(end)s AND (o.dissolved_on IS NULL OR o.dissolved_on > %(end)s) AND {ON_DAY}
"""

# Events count where their organization stood on the event's own day (``within_then``).
ESTABLISHED_SQL = f"""
SELECT SUM(CASE WHEN {BRANCH} THEN 1 ELSE 0 END), SUM(CASE WHEN o.kind = 'GENERAL_BRANCH' THEN 1 ELSE 0 END)
FROM organizations_organization o
JOIN organizations_orglineage l ON l.descendant_id = o.id AND l.ancestor_id = %(org)s
  AND l.start_on <= o.established_on AND (l.end_on IS NULL OR l.end_on > o.established_on)
WHERE o.established_on >= %(start)s AND o.established_on <= %(end)s
"""

CLOSED_SQL = f"""
SELECT SUM(CASE WHEN {BRANCH} AND o.successor_id IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN {BRANCH} AND o.successor_id IS NOT NULL THEN 1 ELSE 0 END)
FROM organizations_organization o
JOIN organizations_orglineage l ON l.descendant_id = o.id AND l.ancestor_id = %(org)s
  AND l.start_on < o.dissolved_on AND (l.end_on IS NULL OR l.end_on >= o.dissolved_on)
WHERE o.dissolved_on >= %(start)s AND o.dissolved_on <= %(end)s
"""

SESSION_SLICES = (
    ("theory", "s.kind = 'THEORY'"),
    ("technical", "s.kind = 'TECHNICAL'"),
    ("county", "s.level = 'COUNTY'"),
    ("committee", "s.level = 'COMMITTEE'"),
    ("branch", "s.level = 'BRANCH'"),
    ("av", "s.form = 'AV'"),
    ("av_theory", "s.form = 'AV' AND s.kind = 'THEORY'"),
    ("av_technical", "s.form = 'AV' AND s.kind = 'TECHNICAL'"),
)
SESSIONS_OF = """
FROM training_trainingsession s
JOIN organizations_orglineage l ON l.descendant_id = s.organization_id AND l.ancestor_id = %(org)s
  AND l.start_on <= s.start_on AND (l.end_on IS NULL OR l.end_on > s.start_on)
WHERE s.start_on >= %(start)s AND s.start_on <= %(end)s
"""
SESSIONS_SQL = (
    "SELECT "
    + ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for _, cond in SESSION_SLICES)
    + SESSIONS_OF
)
PERSON_TIMES_SQL = (
    "SELECT "
    + ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for _, cond in SESSION_SLICES)
    + " FROM training_attendance a JOIN training_trainingsession s ON s.id = a.session_id"
    + " WHERE a.session_id IN (SELECT s.id "
    + SESSIONS_OF
    + ")"
)

#: The indicators the hand-written SQL computes, in its columns' order.
HAND_KEYS = (
    [f"members.{k}" for k in ("total", "full", "probationary", "female", "minority", "under_35", "over_60")]
    + [
        f"orgs.{k}"
        for k in (
            "committees",
            "township_committees",
            "general_branches",
            "branches",
            "village_branches",
            "branches_established",
            "general_branches_established",
            "branches_dissolved",
            "branches_merged",
        )
    ]
    + [f"training.{name}_sessions" for name, _ in SESSION_SLICES]
    + [f"training.{name}_person_times" for name, _ in SESSION_SLICES]
)
HAND_FAMILIES = ["members", "orgs"]  # and training's sessions and person-times (not lectures, AV)
HAND_STATEMENTS = 6


def _timed(call, repeat: int = REPEAT) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
    return median(timings), len(queries.captured_queries)


def run(ctx: BenchContext) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from core.dates import years_before
    from members.choices import MINORITY_GROUPS
    from members.models import Member
    from organizations.choices import COMMITTEE_KINDS
    from organizations.models import Organization
    from reports.indicators import FAMILIES, compute
    from reports.periods import Period
    from training.selectors.figures import training_figures

    period = Period(ctx.demo.year)
    county = ctx.demo.county
    # the committee with the most members (the first by path may be a small one)
    committee = max(
        Organization.objects.filter(kind__in=COMMITTEE_KINDS, dissolved_on__isnull=True).order_by("path"),
        key=lambda c: Member.objects.current().within(c).count(),
    )
    start, end = period.start, period.end

    minority = "(" + ", ".join(f"%(m{i})s" for i in range(len(MINORITY_GROUPS))) + ")"

    def by_hand(org) -> list:
        params = {
            "org": org.pk,
            "start": start,
            "end": end,
            **{f"m{i}": name for i, name in enumerate(MINORITY_GROUPS)},
            "born_36": years_before(end, 36),
            "born_60": years_before(end, 60),
        }
        values: list = []
        with connection.cursor() as cursor:
            for sql in (MEMBERS_SQL, ORGS_SQL, ESTABLISHED_SQL, CLOSED_SQL, SESSIONS_SQL, PERSON_TIMES_SQL):
                cursor.execute(sql.replace("%(minority)s", minority), params)
                values += [v or 0 for v in cursor.fetchone()]
        return values

    def by_orm(org) -> list:
        found = compute(org, period, HAND_FAMILIES)
        training = training_figures(org, start, end).as_indicators()  # the training family's two queries
        return [found.get(k, training.get(k)) for k in HAND_KEYS]

    for label, org in (("全县", county), (f"一个党委（{committee.name}）", committee)):
        ms, queries = _timed(lambda org=org: compute(org, period))
        ctx.record(f"全部指标（{label}）", round(ms, 1), "毫秒", f"{queries}条SQL")
        same = by_orm(org) == by_hand(org)
        orm, orm_queries = _timed(lambda org=org: by_orm(org))
        sql, _ = _timed(lambda org=org: by_hand(org))
        ctx.record(
            f"党员、党组织、培训指标（{label}）",
            round(orm, 1),
            "毫秒",
            f"ORM，{orm_queries}条SQL，{len(HAND_KEYS)}个指标",
        )
        ctx.record(
            f"同口径手写SQL（{label}）",
            round(sql, 1),
            "毫秒",
            f"{HAND_STATEMENTS}条SQL，结果{'相同' if same else '不同！'}",
        )
        ctx.record(f"ORM/手写SQL（{label}）", round(orm / sql, 2) if sql else "—", "倍", "目标≤2")
        for name in FAMILIES:
            ms, queries = _timed(lambda org=org, name=name: compute(org, period, [name]))
            ctx.record(f"指标族 {name}（{label}）", round(ms, 1), "毫秒", f"{queries}条SQL")

    # development is the slow family: each of its selectors alone, for the county
    from members.selectors.development.figures import (
        branches_without_new,
        new_member_structure,
        pipeline_counts,
        plan_completion,
    )

    for name, call in (
        ("new_member_structure", lambda: new_member_structure(county, start, end)),
        ("plan_completion", lambda: plan_completion(county, start, end)),
        ("pipeline_counts", lambda: pipeline_counts(county, end)),
        ("branches_without_new", lambda: branches_without_new(county, end)),
    ):
        ms, queries = _timed(call)
        ctx.record(f"development: {name}（全县）", round(ms, 1), "毫秒", f"{queries}条SQL")

    client = Client()
    client.force_login(ctx.demo.users["county"])
    for label, url in (
        ("工作总结页面（全县）", reverse("reports:summary", args=[county.code, period.key])),
        ("工作总结Word（全县）", reverse("reports:summary_docx", args=[county.code, period.key])),
        ("党内统计页面（全县）", reverse("reports:statistics", args=[county.code, period.key])),
        ("党内统计Excel（全县）", reverse("reports:statistics_xlsx", args=[county.code, period.key])),
        ("数据看板（全县）", reverse("reports:dashboard", args=[county.code, period.key])),
    ):
        ms, queries = _timed(lambda url=url: client.get(url), repeat=2)
        ctx.record(label, round(ms, 1), "毫秒", f"{queries}条SQL")
