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

MEMBERS_SQL = """
SELECT COUNT(*),
       SUM(CASE WHEN p.status = 'FULL' THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.status = 'PROBATIONARY' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.gender = 'F' THEN 1 ELSE 0 END)
FROM members_memberperiod p
JOIN members_member m ON m.id = p.member_id
JOIN organizations_orglineage l ON l.descendant_id = p.organization_id
WHERE p.start_on <= %s AND (p.end_on IS NULL OR p.end_on > %s)
  AND l.ancestor_id = %s AND l.start_on <= %s AND (l.end_on IS NULL OR l.end_on > %s)
"""

ORGS_SQL = """
SELECT SUM(CASE WHEN o.kind IN ('COMMITTEE', 'WORKING_COMMITTEE') THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.kind = 'GENERAL_BRANCH' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.kind = 'BRANCH' AND o.form NOT IN ('TEMPORARY', 'FUNCTIONAL') THEN 1 ELSE 0 END)
FROM organizations_organization o
JOIN organizations_orglineage l ON l.descendant_id = o.id
WHERE o.established_on <= %s AND (o.dissolved_on IS NULL OR o.dissolved_on > %s)
  AND l.ancestor_id = %s AND l.start_on <= %s AND (l.end_on IS NULL OR l.end_on > %s)
"""


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

    from organizations.choices import COMMITTEE_KINDS
    from organizations.models import Organization
    from reports.indicators import compute
    from reports.periods import Period

    period = Period(ctx.demo.year)
    county = ctx.demo.county
    committee = Organization.objects.filter(kind__in=COMMITTEE_KINDS).order_by("path").first()
    end = period.end

    def by_hand(org) -> None:
        with connection.cursor() as cursor:
            cursor.execute(MEMBERS_SQL, [end, end, org.pk, end, end])
            cursor.fetchall()
            cursor.execute(ORGS_SQL, [end, end, org.pk, end, end])
            cursor.fetchall()

    for label, org in (("全县", county), ("一个党委", committee)):
        ms, queries = _timed(lambda org=org: compute(org, period))
        ctx.record(f"全部指标（{label}）", round(ms, 1), "毫秒", f"{queries}条SQL")
        orm, _ = _timed(lambda org=org: compute(org, period, ["members", "orgs"]))
        sql, _ = _timed(lambda org=org: by_hand(org))
        ctx.record(f"党员与党组织指标（{label}）", round(orm, 1), "毫秒", "ORM，4条SQL")
        ctx.record(f"同口径手写SQL（{label}）", round(sql, 1), "毫秒", "2条SQL")
        ctx.record(f"ORM/手写SQL（{label}）", round(orm / sql, 2) if sql else "—", "倍", "目标≤2")

    client = Client()
    client.force_login(ctx.demo.users["county"])
    for label, url in (
        ("工作总结页面（全县）", reverse("reports:summary", args=[county.code, period.key])),
        ("工作总结Word（全县）", reverse("reports:summary_docx", args=[county.code, period.key])),
        ("党内统计Excel（全县）", reverse("reports:statistics_xlsx", args=[county.code, period.key])),
        ("数据看板（全县）", reverse("reports:dashboard", args=[county.code, period.key])),
    ):
        ms, queries = _timed(lambda url=url: client.get(url), repeat=2)
        ctx.record(label, round(ms, 1), "毫秒", f"{queries}条SQL")
