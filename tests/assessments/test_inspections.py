"""督促检查: findings, rectification and its deadline, the notice generated from the findings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from assessments.models import InspectionFinding
from assessments.selectors.inspections import inspection_figures, notice
from assessments.services.inspections import finding_rectify
from tests.factories import make_finding, make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(tree, committee_staff):
    return make_inspection(tree.committee, actor=committee_staff)


def test_a_problem_with_a_deadline_is_a_rectification_the_branch_closes(
    tree, inspection, committee_staff, secretary_a
):
    finding = make_finding(inspection, tree.branch_a, actor=committee_staff)
    assert InspectionFinding.objects.overdue_on(dt.date(2026, 11, 25)).get() == finding
    finding_rectify(
        actor=secretary_a,
        finding=finding,
        rectified_on=dt.date(2026, 8, 20),
        rectification="已补齐",
        expected_version=1,
    )
    assert not InspectionFinding.objects.overdue_on(dt.date(2026, 11, 25)).exists()


def test_another_branch_cannot_report_the_rectification(tree, inspection, committee_staff, secretary_b):
    finding = make_finding(inspection, tree.branch_a, actor=committee_staff)
    with pytest.raises(Http404):
        finding_rectify(
            actor=secretary_b, finding=finding, rectified_on=dt.date(2026, 8, 20), rectification="x"
        )


def test_a_rectification_needs_its_requirement_and_a_deadline_within_a_year(
    tree, inspection, committee_staff
):
    with pytest.raises(ValidationError, match="限期整改须写明整改要求"):
        make_finding(inspection, tree.branch_a, actor=committee_staff, requirement="")
    with pytest.raises(ValidationError, match="整改期限不超过检查后12个月"):
        make_finding(inspection, tree.branch_a, actor=committee_staff, deadline=dt.date(2027, 7, 1))


def test_findings_are_made_below_the_inspecting_organization(tree, inspection, committee_staff):
    with pytest.raises(ValidationError, match="睦伦村党支部不是新华镇党委的下级党组织"):
        make_finding(inspection, tree.branch_c, actor=committee_staff)


def test_the_notice_groups_the_findings_and_lists_the_rectifications(
    tree, inspection, committee_staff, client
):
    make_finding(
        inspection,
        tree.branch_a,
        actor=committee_staff,
        kind="STRENGTH",
        content="党员活动日坚持得好",
        requirement="",
        deadline=None,
    )
    make_finding(
        inspection, tree.branch_b, actor=committee_staff, content="党费未按月收缴", requirement="按月收缴"
    )
    n = notice(inspection)
    assert [s.org.name for s in n.strengths] == ["各甫村党支部"]
    assert [s.org.name for s in n.problems] == ["新华社区党支部"]
    assert n.target_summary == "2个党支部"  # found there, so inspected there
    client.force_login(committee_staff)
    page = client.get(reverse("assessments:inspection_notice", args=[inspection.pk])).content.decode()
    assert "关于2026年年中党建目标责任制落实情况督查情况的通报" in page
    assert "（一）新华社区党支部。" in page and "按月收缴，于2026年8月31日前整改到位" in page


def test_inspections_count_in_the_period_where_the_inspector_stood(tree, inspection, county_staff):
    make_inspection(
        tree.county, actor=county_staff, kind="AD_HOC", title="不定期检查", started_on=dt.date(2026, 3, 1)
    )
    assert inspection_figures(tree.county, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 2
    assert inspection_figures(tree.committee, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1
    assert inspection_figures(tree.county, dt.date(2026, 1, 1), dt.date(2026, 6, 1)) == 1
