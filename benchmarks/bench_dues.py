"""Dues: the monthly grid of a 60-member branch (render and save), the county's year aggregated, the dues pages.

The grid's query count must not depend on the branch's size, and the county's
year of dues (some 120,000 payment rows in the demo) must aggregate for the
reports in under a second on SQLite.
"""

from __future__ import annotations

import datetime as dt
import time

from benchmarks import BenchContext, median

REPEAT = 5
GRID_MEMBERS = 60
PAGES = (
    ("党费概况", "dues:index", ""),
    ("欠缴党员", "dues:arrears", ""),
    ("上缴对账（第三季度）", "dues:reconciliation", "?quarter=3"),
    ("自检自查（第三季度）", "dues:inspection", "?quarter=3"),
    ("留存台账", "dues:ledger", ""),
    ("交纳记录", "dues:payments", ""),
)


def _timed(call, repeat: int = REPEAT) -> tuple[float, int]:
    """Median milliseconds of ``call()`` and the queries of its last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
    return round(median(timings), 1), len(queries.captured_queries)


def _branch_of_sixty(ctx: BenchContext):
    """The demo's largest village branch, topped up to 60 members (registered and assessed as a clerk would)."""
    from core.idcard import check_char
    from dues.services.assessments import dues_assessment_create
    from members.models import Member
    from members.services.member import member_register
    from organizations.choices import OrgKind

    branches = [b for b in ctx.demo.branches if b.kind == OrgKind.BRANCH and b.develops_members]
    branch = max(branches, key=lambda b: (Member.objects.filter(organization=b).current().count(), -b.pk))
    have = Member.objects.filter(organization=branch).current().count()
    actor = ctx.demo.actor or ctx.demo.users["admin"]
    for i in range(max(0, GRID_MEMBERS - have)):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=37 * i)
        first17 = f"452628{birth:%Y%m%d}{(900 + i) % 1000:03d}"
        member = member_register(
            actor=actor,
            organization=branch,
            name=f"基准党员{i:02d}",
            gender="M" if int(first17[-1]) % 2 else "F",
            ethnicity="壮族",
            birth_date=birth,
            id_number=first17 + check_char(first17),
            education="HIGH_SCHOOL",
            occupation="FARMER",
            status="FULL",
            joined_on=dt.date(1990, 7, 1),
            full_on=dt.date(1991, 7, 1),
            is_rural=True,
        )
        dues_assessment_create(
            actor=actor, member=member, effective_from=dt.date(ctx.demo.year, 1, 1), category="FARMER"
        )
    return branch


def run(ctx: BenchContext) -> None:
    from django.test import Client
    from django.urls import reverse

    from dues.models import DuesPayment
    from dues.selectors.figures import dues_breakdown, dues_figures
    from dues.selectors.grid import dues_grid
    from organizations.models import User

    year = ctx.demo.year
    branch = _branch_of_sixty(ctx)
    secretary = User.objects.filter(username="bench_dues_secretary").first() or User.objects.create_user(
        username="bench_dues_secretary", password="x-bench-2026", role="BRANCH_SECRETARY", organization=branch
    )
    client = Client()
    client.force_login(secretary)
    url = reverse("dues:grid", args=[branch.code])
    client.get(url)
    ms, queries = _timed(lambda: client.get(url))
    grid = dues_grid(branch, dt.date.today().year)
    ctx.record(f"收缴登记页（{len(grid.rows)}名党员×12个月）", ms, "毫秒", f"{queries}条SQL")

    # One save of a whole month: every member pays next month ahead (each cell at its amount due).
    ahead = min(grid.collecting[-1].month + 1, 12)
    data = {"paid_on": dt.date.today().isoformat(), "note": ""}
    data.update(
        {c.name: str(c.due) for row in grid.rows for c in row.cells if c.editable and c.month.month == ahead}
    )
    filled = len(data) - 2
    if filled:
        ms, queries = _timed(lambda: client.post(url, data), repeat=1)
        saved = DuesPayment.objects.filter(organization=branch, paid_on=dt.date.today()).count()
        ctx.record(
            f"收缴登记一次保存（{filled}名党员的{ahead}月）", ms, "毫秒", f"{queries}条SQL，写入{saved}笔"
        )

    county = ctx.demo.county
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = DuesPayment.objects.filter(month__gte=dt.date(year - 1, 10, 1)).count()
    ms, queries = _timed(lambda: dues_figures(county, start, end))
    figures = dues_figures(county, start, end)
    ctx.record(
        "全县一年党费汇总 dues_figures",
        ms,
        "毫秒",
        f"{queries}条SQL；交纳记录{rows}笔；应交{figures.levied}元，收缴率{figures.collection_rate}%",
    )
    ms, queries = _timed(lambda: dues_breakdown(county, start, end))
    ctx.record("全县一年党费按党委分列 dues_breakdown", ms, "毫秒", f"{queries}条SQL")

    staff = ctx.demo.users["county"]
    client = Client()
    client.force_login(staff)
    for label, url_name, query in PAGES:
        page = reverse(url_name) + query
        first = client.get(page)
        if first.status_code != 200:
            ctx.record(f"{label}（县委组织部干事）", first.status_code, "HTTP", "页面未返回200")
            continue
        ms, queries = _timed(lambda page=page: client.get(page))
        ctx.record(
            f"{label}（县委组织部干事）", ms, "毫秒", f"{queries}条SQL，{len(first.content) // 1024}KB"
        )
