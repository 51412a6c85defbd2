"""Dashboards (issue 12 item 8): charts with their tables, drill-down links, year-over-year, scope."""

from __future__ import annotations

import datetime as dt
import json
import re

import time_machine
from django.urls import reverse

from reports.dashboard import members_by_child
from reports.periods import Period

TODAY = dt.date(2026, 6, 15)
Y2025 = Period.parse("2025")


@time_machine.travel(TODAY, tick=False)
def test_members_by_child_counts_each_committees_subtree_and_links_down(county):
    chart = members_by_child(county.county, Y2025)
    assert dict(zip(chart.labels, chart.series[0]["values"], strict=True)) == {"新华镇党委": 4}
    assert chart.links == [reverse("reports:dashboard", args=["C01T01", "2025"])]
    mid_year = members_by_child(county.county, Period.parse("2025H1"))
    assert dict(zip(mid_year.labels, mid_year.series[0]["values"], strict=True)) == {
        "新华镇党委": 3,
        "睦伦乡党委": 1,
    }


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_page_carries_each_chart_as_json_with_its_table(client, county_staff, county):
    client.force_login(county_staff)
    page = client.get(reverse("reports:dashboard", args=["C01", "2025"])).content.decode()
    data = json.loads(
        re.search(r'<script id="chart-data-children" type="application/json">(.*?)</script>', page).group(1)
    )
    assert data["labels"] == ["新华镇党委"] and data["series"][0]["values"] == [4]
    assert 'data-chart="chart-data-children"' in page and "与2024年比较" in page
    assert 'href="/reports/C01T01/2025/dashboard/">新华镇党委</a>' in page
    assert "vendor/echarts/echarts.min.js" in page


def test_a_committee_opens_its_own_dashboard_only(client, committee_staff, tree):
    client.force_login(committee_staff)
    assert client.get(reverse("reports:dashboard", args=["C01T01", "2025"])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=["C01", "2025"])).status_code == 404
