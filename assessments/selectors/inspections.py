"""Reads for 督促检查: the lists, the rectification items, the notice's sections, the inspections.* figure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from organizations.models import Organization

from ..choices import FindingKind
from ..models import Inspection, InspectionFinding


def inspection_list(*, user: Any, filters: Any) -> QuerySet[Inspection]:
    """Inspections made in the user's scope, with how many organizations and open problems each has."""
    return filters.filter_queryset(
        Inspection.objects.visible_to(user)
        .select_related("organization")
        .annotate(
            target_count=Count("targets", distinct=True),
            problem_count=Count("findings", filter=Q(findings__kind=FindingKind.PROBLEM), distinct=True),
            open_count=Count(
                "findings",
                filter=Q(
                    findings__kind=FindingKind.PROBLEM,
                    findings__deadline__isnull=False,
                    findings__rectified_on__isnull=True,
                ),
                distinct=True,
            ),
        )
    )


def rectification_list(*, user: Any, filters: Any) -> QuerySet[InspectionFinding]:
    """Problems to be rectified by a deadline, of the organizations in the user's scope."""
    return filters.filter_queryset(
        InspectionFinding.objects.visible_to(user)
        .filter(kind=FindingKind.PROBLEM, deadline__isnull=False)
        .select_related("organization", "inspection", "inspection__organization")
    )


def findings_of(inspection: Inspection) -> QuerySet[InspectionFinding]:
    return inspection.findings.select_related("organization").order_by("kind", "organization__path", "id")


@dataclass(frozen=True)
class NoticeSection:
    org: Organization
    findings: list[InspectionFinding]


@dataclass(frozen=True)
class Notice:
    """The 通报 of an inspection: its facts, then what went well and what is wrong, by organization."""

    inspection: Inspection
    targets: list[Organization]
    strengths: list[NoticeSection]
    problems: list[NoticeSection]
    rectifications: list[InspectionFinding]

    @property
    def target_summary(self) -> str:
        kinds: dict[str, int] = defaultdict(int)
        for org in self.targets:
            kinds[org.get_kind_display()] += 1
        return "、".join(f"{n}个{kind}" for kind, n in kinds.items())


def notice(inspection: Inspection) -> Notice:
    """The notice's content from the inspection's findings (two queries)."""
    targets = list(inspection.targets.order_by("path"))
    findings = list(findings_of(inspection))

    def grouped(kind: str) -> list[NoticeSection]:
        sections: dict[int, NoticeSection] = {}
        for f in findings:
            if f.kind == kind:
                sections.setdefault(f.organization_id, NoticeSection(f.organization, []))
                sections[f.organization_id].findings.append(f)
        return sorted(sections.values(), key=lambda s: s.org.path)

    return Notice(
        inspection,
        targets,
        grouped(FindingKind.STRENGTH),
        grouped(FindingKind.PROBLEM),
        [f for f in findings if f.is_rectification],
    )


def inspection_figures(org: Organization, start: dt.date, end: dt.date) -> int:
    """inspections.count: inspections organizations of the subtree carried out in the period (one query)."""
    return (
        Inspection.objects.filter(started_on__gte=start, started_on__lte=end)
        .within_then(org, "started_on")
        .count()
    )
