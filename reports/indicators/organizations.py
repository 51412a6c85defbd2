"""orgs.*: the organizations of the subtree at period end, and those established or closed in the period."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgCategory, OrgKind
from organizations.models import Organization

from ..periods import Period
from .base import count, family

BRANCH = Q(kind=OrgKind.BRANCH) & ~Q(form__in=NOT_COUNTED_FORMS)  # as the statistics count 党支部
GENERAL_BRANCH = Q(kind=OrgKind.GENERAL_BRANCH)


@family(
    "orgs",
    count("orgs.committees", "基层党委", "个", "期末存在的基层党委（含党工委）"),
    count("orgs.township_committees", "乡镇党委", "个", "期末存在的乡镇类基层党委"),
    count("orgs.general_branches", "党总支", "个", "期末存在的党总支"),
    count("orgs.branches", "党支部", "个", "期末存在的党支部（不含临时党支部、功能型党支部）"),
    count("orgs.village_branches", "村党支部", "个", "期末存在的村党支部"),
    count("orgs.branches_established", "新成立党支部", "个", "统计期内成立的党支部"),
    count("orgs.general_branches_established", "新成立党总支", "个", "统计期内成立的党总支"),
    count("orgs.branches_dissolved", "撤销党支部", "个", "统计期内撤销的党支部（不含合并）"),
    count("orgs.branches_merged", "合并党支部", "个", "统计期内并入其他党组织的党支部"),
)
def organization_figures(org: Any, period: Period) -> dict[str, Any]:
    """Three queries: the organizations existing at period end, those established, those closed."""
    start, end = period.start, period.end
    committee = Q(kind__in=COMMITTEE_KINDS)
    existing = (
        Organization.objects.within_on(org, end)
        .existing_on(end)
        .aggregate(
            committees=Count("id", filter=committee),
            township=Count("id", filter=committee & Q(category=OrgCategory.TOWNSHIP)),
            general_branches=Count("id", filter=GENERAL_BRANCH),
            branches=Count("id", filter=BRANCH),
            village_branches=Count("id", filter=BRANCH & Q(category=OrgCategory.VILLAGE)),
        )
    )
    established = (
        Organization.objects.within_then(org, "established_on")
        .filter(established_on__gte=start, established_on__lte=end)
        .aggregate(branches=Count("id", filter=BRANCH), general_branches=Count("id", filter=GENERAL_BRANCH))
    )
    # A closed organization left the tree on its closing day: place it on the day before.
    closed = (
        Organization.objects.within_then(org, "dissolved_on", day_before=True)
        .filter(dissolved_on__gte=start, dissolved_on__lte=end)
        .aggregate(
            dissolved=Count("id", filter=BRANCH & Q(successor__isnull=True)),
            merged=Count("id", filter=BRANCH & Q(successor__isnull=False)),
        )
    )
    return {
        "orgs.committees": existing["committees"],
        "orgs.township_committees": existing["township"],
        "orgs.general_branches": existing["general_branches"],
        "orgs.branches": existing["branches"],
        "orgs.village_branches": existing["village_branches"],
        "orgs.branches_established": established["branches"],
        "orgs.general_branches_established": established["general_branches"],
        "orgs.branches_dissolved": closed["dissolved"],
        "orgs.branches_merged": closed["merged"],
    }
