"""List pages: SQL queries and wall-clock time per request, for the county user and a branch secretary.

Each page is requested once to warm caches, then ``REPEAT`` times; the
figure is the median.  Query counts come from Django's query capture and
must not grow with the county's size (pagination happens in the database).
"""

from __future__ import annotations

import time

from benchmarks import BenchContext, median

REPEAT = 7
PAGES = (
    ("党员列表", "members:list", ""),
    ("党员列表第100页", "members:list", "?page=100"),
    ("党员列表按年龄排序", "members:list", "?sort=-age"),
    ("党员列表历史日期", "members:list", "?on=2026-01-01"),
    ("党组织树", "organizations:tree", ""),
    ("入党申请人", "members:applicant_list", ""),
    ("发展党员工作台", "members:development_index", ""),
    ("介绍信", "members:transfer_list", ""),
    ("走访慰问", "members:care_list", ""),
    ("班子缺配", "organizations:vacancies", ""),
    ("组织预警", "organizations:warnings", ""),
    ("工作台", "home", ""),
)
EXPORTS = (("党员名册导出", "members:export", ""), ("介绍信导出", "members:transfer_list", "?format=xlsx"))
#: (ctx.demo.users key, label, pages): a branch secretary has one page of members.
USERS = (
    ("county", "县委组织部干事", PAGES + EXPORTS),
    ("secretary", "支部书记", tuple(p for p in PAGES if "第100页" not in p[0])),
)


def run(ctx: BenchContext) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    for key, label, pages in USERS:
        user = ctx.demo.users[key]
        client = Client()
        client.force_login(user)
        for page, url_name, query in pages:
            url = reverse(url_name) + query
            first = client.get(url)
            if first.status_code != 200:
                ctx.record(f"{page}（{label}）", first.status_code, "HTTP", "页面未返回200")
                continue
            timings = []
            for _ in range(REPEAT):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
            ctx.record(
                f"{page}（{label}）",
                round(median(timings), 1),
                "毫秒",
                f"{len(queries.captured_queries)}条SQL，{len(response.content) // 1024}KB",
            )
