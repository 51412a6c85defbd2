"""Dashboards: a county's or any organization's figures as charts, each with its table, drilling down the tree.

Every chart is a :class:`Chart` — labels, one or more series, and for each
label the dashboard of the organization it stands for (a click drills down
county → committee → branch).  The page writes the charts with ``json_script``
and ``static/js/dashboard.js`` draws them with ECharts from our static files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from members.models import MemberPeriod
from members.selectors.development.figures import plan_completion
from organizations.lineage import children_on
from organizations.models import Organization

from .indicators import INDICATORS, compute
from .models import Submission, SubmissionStatus
from .periods import Period
from .statistics import profile_table
from .submissions import submitters

#: Year-over-year rows: this period against the same period a year earlier.
COMPARED = (
    "members.total",
    "members.probationary",
    "development.new_members",
    "transfers.total",
    "care.members_visited",
    "dues.paid",
)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar | pie
    labels: list[str]
    series: list[dict[str, Any]]
    links: list[str | None] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "labels": self.labels, "series": self.series, "links": self.links}

    @property
    def dom_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def table_rows(self) -> list[dict[str, Any]]:
        """The chart's figures as rows (label, its drill-down link, one value per series)."""
        return [
            {
                "label": label,
                "link": self.links[i] if i < len(self.links) else None,
                "values": [s["values"][i] for s in self.series],
            }
            for i, label in enumerate(self.labels)
        ]


def _dashboard_url(org: Organization, period: Period) -> str:
    return reverse("reports:dashboard", args=[org.code, period.key])


def members_by_child(org: Organization, period: Period) -> Chart:
    """Members at period end under each organization directly below (one grouped query)."""
    end = period.end
    children = list(children_on(org, end).order_by("sort_order", "code"))
    counts = dict(
        # one filter() call, so the three conditions are on the same join of the lineage
        MemberPeriod.objects.on(end)
        .filter(
            Q(organization__lineage__end_on__isnull=True) | Q(organization__lineage__end_on__gt=end),
            organization__lineage__ancestor__in=children,
            organization__lineage__start_on__lte=end,
        )
        .values_list("organization__lineage__ancestor")
        .annotate(n=Count("id"))
    )
    kept = [c for c in children if counts.get(c.pk)]
    return Chart(
        "children",
        "下级党组织党员数（期末）",
        "bar",
        [c.name for c in kept],
        [{"name": "党员数", "values": [counts[c.pk] for c in kept]}],
        [_dashboard_url(c, period) for c in kept],
    )


def development_by_committee(org: Organization, period: Period) -> Chart:
    completion = plan_completion(org, period.start, period.end)
    rows = [r for r in completion.rows if r.plan or r.new_members]
    return Chart(
        "development",
        f"发展党员与{period.year}年计划（按党委）",
        "bar",
        [r.committee.name for r in rows],
        [
            {"name": "计划", "values": [r.plan or 0 for r in rows]},
            {"name": "发展", "values": [r.new_members for r in rows]},
        ],
        [_dashboard_url(r.committee, period) for r in rows],
    )


def age_structure(org: Organization, period: Period) -> Chart:
    table = profile_table(org, period)
    rows = [r for r in table.rows if r[0] == "年龄"]
    return Chart(
        "ages",
        "党员年龄结构（期末）",
        "pie",
        [r[1] for r in rows],
        [{"name": "人数", "values": [r[2] for r in rows]}],
    )


def submission_status(org: Organization, period: Period) -> Chart:
    below = list(submitters(org, period))
    status = dict(
        Submission.objects.filter(organization__in=below, period=period.key).values_list(
            "organization", "status"
        )
    )
    done = sum(1 for o in below if status.get(o.pk) == SubmissionStatus.SUBMITTED)
    returned = sum(1 for o in below if status.get(o.pk) == SubmissionStatus.RETURNED)
    return Chart(
        "submissions",
        "数据报送情况",
        "pie",
        ["已报送", "已退回", "未报送"],
        [{"name": "党组织", "values": [done, returned, len(below) - done - returned]}],
    )


def dashboard(org: Organization, period: Period) -> dict[str, Any]:
    values = compute(org, period)
    last = Period(period.year - 1, period.half)
    previous = compute(org, last)
    comparison = [
        {
            "indicator": INDICATORS[key],
            "now": values[key],
            "before": previous[key],
        }
        for key in COMPARED
        if key in values
    ]
    charts = [
        members_by_child(org, period),
        development_by_committee(org, period),
        age_structure(org, period),
        submission_status(org, period),
    ]
    return {"values": values, "charts": charts, "comparison": comparison, "last": last}
