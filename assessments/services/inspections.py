"""Writes for 督促检查: an inspection, what it found at each organization, and the rectification of problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import add_months
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ..choices import FindingKind, InspectionKind
from ..models import Inspection, InspectionFinding
from .common import actor_or_none, check_year, in_year, not_in_future

INSPECTION_FIELDS = (
    "kind",
    "title",
    "started_on",
    "ended_on",
    "inspectors",
    "summary",
    "notice_no",
    "notice_issued_on",
)
FINDING_FIELDS = ("kind", "content", "requirement", "deadline")
#: A rectification deadline no further than this from the inspection.
MAX_DEADLINE_MONTHS = 12


def _validate_inspection(inspection: Inspection) -> None:
    if inspection.kind not in InspectionKind.values:
        raise ValidationError({"kind": "请选择检查类别"})
    check_year(inspection.year)
    inspection.title = (inspection.title or "").strip()
    if not inspection.title:
        raise ValidationError({"title": "请填写检查名称"})
    inspection.inspectors = (inspection.inspectors or "").strip()
    if not inspection.inspectors:
        raise ValidationError({"inspectors": "请填写检查组成员"})
    not_in_future(inspection.started_on, "started_on", "检查日期")
    not_in_future(inspection.ended_on, "ended_on", "结束日期")
    not_in_future(inspection.notice_issued_on, "notice_issued_on", "通报日期")
    in_year(inspection.started_on, inspection.year, "started_on", "检查日期")
    if inspection.ended_on and inspection.ended_on < inspection.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于检查日期"})
    if inspection.notice_issued_on and inspection.notice_issued_on < inspection.started_on:
        raise ValidationError({"notice_issued_on": "通报日期不能早于检查日期"})
    inspection.full_clean()


def _check_targets(organization: Organization, targets: Sequence[Organization]) -> None:
    for target in targets:
        if target.pk == organization.pk or not target.path.startswith(organization.path):
            raise ValidationError({"targets": f"{target.name}不是{organization.name}的下级党组织"})


@service
def inspection_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    title: str,
    started_on: dt.date,
    inspectors: str,
    targets: Sequence[Organization] = (),
    ended_on: dt.date | None = None,
    summary: str = "",
    notice_no: str = "",
    notice_issued_on: dt.date | None = None,
) -> Inspection:
    """Record an inspection ``organization`` made of organizations below it."""
    check_can_edit(actor, organization)
    inspection = Inspection(
        organization=organization,
        year=started_on.year if started_on else 0,
        kind=kind,
        title=title,
        started_on=started_on,
        ended_on=ended_on,
        inspectors=inspectors,
        summary=(summary or "").strip(),
        notice_no=(notice_no or "").strip(),
        notice_issued_on=notice_issued_on,
        created_by=actor_or_none(actor),
    )
    _validate_inspection(inspection)
    _check_targets(organization, targets)
    inspection.save()
    inspection.targets.set(targets)
    return inspection


@service
def inspection_update(
    *,
    actor: Any,
    inspection: Inspection,
    expected_version: int | None = None,
    targets: Sequence[Organization] | None = None,
    **changes: Any,
) -> Inspection:
    """Correct an inspection, or add its notice's number and date once it is issued."""
    unknown = set(changes) - set(INSPECTION_FIELDS)
    if unknown:
        raise ValueError(f"inspection_update cannot change {sorted(unknown)}")
    lock_for_update(Inspection, inspection, expected_version=expected_version)
    check_can_edit(actor, inspection.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(inspection, f)]
    for f in changed:
        setattr(inspection, f, changes[f])
    if "started_on" in changed:
        inspection.year = inspection.started_on.year
        changed.append("year")
    _validate_inspection(inspection)
    if targets is not None:
        _check_targets(inspection.organization, targets)
        if {t.pk for t in targets} != set(inspection.targets.values_list("pk", flat=True)):
            inspection.targets.set(targets)
            changed.append("targets")
    if changed:
        save_changed(inspection, [f for f in changed if f != "targets"])
    return inspection


def _validate_finding(finding: InspectionFinding) -> None:
    inspection = finding.inspection
    org = finding.organization
    if org.pk == inspection.organization_id or not org.path.startswith(inspection.organization.path):
        raise ValidationError({"organization": f"{org.name}不是{inspection.organization.name}的下级党组织"})
    if finding.kind not in FindingKind.values:
        raise ValidationError({"kind": "请选择类别"})
    finding.content = (finding.content or "").strip()
    if not finding.content:
        raise ValidationError({"content": "请填写检查发现的情况"})
    finding.requirement = (finding.requirement or "").strip()
    if finding.kind == FindingKind.STRENGTH:
        finding.requirement, finding.deadline = "", None
    if finding.deadline:
        if finding.deadline < inspection.started_on:
            raise ValidationError({"deadline": "整改期限不能早于检查日期"})
        if finding.deadline > add_months(inspection.started_on, MAX_DEADLINE_MONTHS):
            raise ValidationError({"deadline": f"整改期限不超过检查后{MAX_DEADLINE_MONTHS}个月"})
        if not finding.requirement:
            raise ValidationError({"requirement": "限期整改须写明整改要求"})
    if finding.rectified_on and not finding.deadline:
        raise ValidationError({"deadline": "已登记整改完成的问题须保留整改期限"})
    finding.full_clean()


@service
def finding_add(
    *,
    actor: Any,
    inspection: Inspection,
    organization: Organization,
    kind: str,
    content: str,
    requirement: str = "",
    deadline: dt.date | None = None,
) -> InspectionFinding:
    """Record what ``inspection`` found at ``organization``; a problem with a deadline is a rectification item."""
    lock_for_update(Inspection, inspection)
    check_can_edit(actor, inspection.organization)
    finding = InspectionFinding(
        inspection=inspection,
        organization=organization,
        kind=kind,
        content=content,
        requirement=requirement,
        deadline=deadline,
    )
    _validate_finding(finding)
    finding.save()
    if not inspection.targets.filter(pk=organization.pk).exists():
        inspection.targets.add(organization)  # found there, so inspected there
    return finding


@service
def finding_update(
    *, actor: Any, finding: InspectionFinding, expected_version: int | None = None, **changes: Any
) -> InspectionFinding:
    """Correct a finding, its requirement or its deadline (the inspecting organization)."""
    unknown = set(changes) - set(FINDING_FIELDS)
    if unknown:
        raise ValueError(f"finding_update cannot change {sorted(unknown)}")
    lock_for_update(InspectionFinding, finding, expected_version=expected_version)
    check_can_edit(actor, finding.inspection.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(finding, f)]
    if not changed:
        return finding
    for f in changed:
        setattr(finding, f, changes[f])
    _validate_finding(finding)
    save_changed(
        finding, [*changed, "requirement", "deadline"] if finding.kind == FindingKind.STRENGTH else changed
    )
    return finding


@service
def finding_rectify(
    *,
    actor: Any,
    finding: InspectionFinding,
    rectified_on: dt.date | None,
    rectification: str,
    expected_version: int | None = None,
) -> InspectionFinding:
    """Report (or withdraw) the rectification of a problem: the day it was done and what was done.

    The organization inspected reports it (its secretary), as can anyone above it.
    """
    lock_for_update(InspectionFinding, finding, expected_version=expected_version)
    check_can_edit(actor, finding.organization)
    if not finding.is_rectification:
        raise ValidationError("该项不是限期整改的问题")
    rectification = (rectification or "").strip()
    not_in_future(rectified_on, "rectified_on", "整改完成日期")
    if rectified_on and rectified_on < finding.inspection.started_on:
        raise ValidationError({"rectified_on": "整改完成日期不能早于检查日期"})
    if rectified_on and not rectification:
        raise ValidationError({"rectification": "请填写整改情况"})
    changed = [
        f
        for f, value in (("rectified_on", rectified_on), ("rectification", rectification))
        if value != getattr(finding, f)
    ]
    if not changed:
        return finding
    finding.rectified_on, finding.rectification = rectified_on, rectification
    finding.full_clean()
    save_changed(finding, changed)
    return finding
