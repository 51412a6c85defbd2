"""members.*, development.*, transfers.*, certificates.* and care.*: the member records' figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from core.dates import years_before
from members.choices import MINORITY_GROUPS, Gender, MemberStatus
from members.models import MemberPeriod
from members.selectors.care import care_figures
from members.selectors.development.figures import (
    branches_without_new,
    new_member_structure,
    pipeline_counts,
    plan_completion,
)
from members.selectors.transfers import transfer_figures

from ..periods import Period
from .base import amount, count, family, rate, rate_of


@family(
    "members",
    count("members.total", "党员总数", "名", "期末在册的党员（正式党员和预备党员）"),
    count("members.full", "正式党员", "名", "期末在册的正式党员"),
    count("members.probationary", "预备党员", "名", "期末在册的预备党员"),
    count("members.female", "女党员", "名", "期末在册的女党员"),
    count(
        "members.minority",
        "少数民族党员",
        "名",
        "期末在册的少数民族党员（55个少数民族，不含未识别民族和入籍）",
    ),
    count("members.under_35", "35岁及以下党员", "名", "期末年龄35岁及以下的党员"),
    count("members.over_60", "60岁及以上党员", "名", "期末年龄60岁及以上的党员"),
)
def member_figures(org: Any, period: Period) -> dict[str, Any]:
    """One query over the history: each member's period in force at period end, in the tree of that day."""
    end = period.end
    row = (
        MemberPeriod.objects.on(end)
        .within_on(org, end)
        .aggregate(
            total=Count("id"),
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
            probationary=Count("id", filter=Q(status=MemberStatus.PROBATIONARY)),
            female=Count("id", filter=Q(member__gender=Gender.FEMALE)),
            minority=Count("id", filter=Q(member__ethnicity__in=MINORITY_GROUPS)),
            # age ≤ 35 on the day: not yet 36; age ≥ 60: born on or before the day 60 years back
            under_35=Count("id", filter=Q(member__birth_date__gt=years_before(end, 36))),
            over_60=Count("id", filter=Q(member__birth_date__lte=years_before(end, 60))),
        )
    )
    return {f"members.{key}": value for key, value in row.items()}


STRUCTURE = (
    ("high_school_plus", "高中以上学历"),
    ("female", "女性"),
    ("minority", "少数民族"),
    ("under_35", "35岁及以下"),
    ("frontline", "生产一线"),
)


@family(
    "development",
    count("development.new_members", "发展新党员", "名", "入党日期（支部大会讨论接收之日）在统计期内的党员"),
    count("development.committees_with_new", "有发展党员的党委", "个", "统计期内发展了党员的基层党委"),
    count("development.plan", "发展党员计划", "名", "统计期所在年度各基层党委发展党员计划之和"),
    rate_of(
        "development.plan_rate",
        "完成计划比例",
        "发展新党员数占年度计划的比例",
        ("development.new_members", "development.plan"),
    ),
    *(
        indicator
        for key, label in STRUCTURE
        for indicator in (
            count(f"development.new_{key}", f"新党员中{label}", "名", f"统计期内发展的{label}新党员"),
            rate_of(
                f"development.new_{key}_rate",
                f"新党员中{label}比例",
                f"{label}新党员占新党员的比例",
                (f"development.new_{key}", "development.new_members"),
            ),
        )
    ),
    count("development.activists", "入党积极分子", "名", "期末处于入党积极分子阶段的人数"),
    count("development.candidates", "发展对象", "名", "期末处于发展对象阶段的人数"),
    count(
        "development.branches_without_new", "长期未发展党员的党支部", "个", "期末连续多年未发展党员的党支部"
    ),
)
def development_figures(org: Any, period: Period) -> dict[str, Any]:
    """New members and their structure (1 query), the plans (3), the pipeline (1), the 长期不发展 branches (1)."""
    start, end = period.start, period.end
    structure = new_member_structure(org, start, end)
    completion = plan_completion(org, start, end)
    pipeline = pipeline_counts(org, end)
    values: dict[str, Any] = {
        "development.new_members": structure.total,
        "development.committees_with_new": completion.committees_with_new,
        "development.plan": completion.plan,
        "development.plan_rate": rate(structure.total, completion.plan),
        "development.activists": pipeline.activists,
        "development.candidates": pipeline.candidates,
        "development.branches_without_new": len(branches_without_new(org, end)),
    }
    for key, _label in STRUCTURE:
        part = getattr(structure, key)
        values[f"development.new_{key}"] = part
        values[f"development.new_{key}_rate"] = rate(part, structure.total)
    return values


@family(
    "transfers",
    count("transfers.in", "组织关系转入", "名", "统计期内办结的组织关系转入（含县内从其他党组织转入）"),
    count("transfers.out", "组织关系转出", "名", "统计期内办结的组织关系转出（含县内转往其他党组织）"),
    count("transfers.total", "组织关系转入转出", "名", "转入与转出之和"),
    count("certificates.issued", "开具党员证明", "份", "统计期内开具的证明信、党员身份证明"),
    count("care.members_visited", "走访慰问党员", "名", "统计期内走访慰问的困难党员、老党员"),
    count("care.committees", "开展走访慰问的党委", "个", "统计期内有党员受到走访慰问的基层党委"),
    count("care.branches", "开展走访慰问的党支部", "个", "统计期内有党员受到走访慰问的党支部"),
    amount("care.amount", "慰问金额", "统计期内走访慰问发放的金额"),
)
def transfer_and_care_figures(org: Any, period: Period) -> dict[str, Any]:
    """Transfers and certificates (2 queries), care visits (4)."""
    transfers = transfer_figures(org, period.start, period.end)
    care = care_figures(org, period.start, period.end)
    return {
        "transfers.in": transfers.transfers_in,
        "transfers.out": transfers.transfers_out,
        "transfers.total": transfers.total,
        "certificates.issued": transfers.certificates_issued,
        "care.members_visited": care.members_visited,
        "care.committees": care.committees,
        "care.branches": care.branches,
        "care.amount": care.amount,
    }
