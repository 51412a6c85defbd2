"""Configurable rule values (DOMAIN.md marks them **configurable**).

Defaults live here; an admin overrides one by adding a ``RuleSetting`` row
with the same key.  Code reads them through :func:`get_rule` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuleDefault:
    value: str
    note: str
    kind: type = int


DEFAULTS: dict[str, RuleDefault] = {
    "publicity_working_days": RuleDefault("5", "公示期（工作日）"),
    "letter_validity_days": RuleDefault("30", "介绍信有效期（天）"),
    "letter_validity_max_days": RuleDefault("90", "介绍信最长有效期（天）"),
    "no_development_warning_years": RuleDefault("3", "长期不发展党员预警年限（年）"),
    "branch_min_full_members": RuleDefault("3", "党支部最少正式党员数"),
    "branch_committee_min_full_members": RuleDefault("7", "设立支部委员会的正式党员数"),
    "branch_max_members": RuleDefault("50", "党支部党员数上限（超过提示）"),
    "general_branch_min_members": RuleDefault("50", "设立党总支的党员数"),
    "committee_min_members": RuleDefault("100", "设立基层党委的党员数"),
    "lecture_interval_months": RuleDefault("3", "党课频次（每N个月一次）"),
    # 三会一课 and the 主题党日 (training.selectors.compliance): each kind once every N months.
    "meeting_interval_assembly_months": RuleDefault("3", "支部党员大会频次（每N个月一次）"),
    "meeting_interval_committee_months": RuleDefault("1", "支委会频次（每N个月一次）"),
    "meeting_interval_group_months": RuleDefault("1", "党小组会频次（每N个月一次）"),
    "activity_day_interval_months": RuleDefault("1", "主题党日频次（每N个月一次）"),
    "training_hours_member": RuleDefault("32", "党员年度培训学时"),
    "training_hours_secretary": RuleDefault("56", "支部书记年度培训学时"),
    "dues_arrears_warning_months": RuleDefault("6", "连续未交党费提示月数"),
    "approval_normal_months": RuleDefault("3", "上级党委审批期限（月）"),
    "approval_max_months": RuleDefault("6", "上级党委审批最长期限（月）"),
    "certificate_max_months": RuleDefault("6", "党员身份证明最长有效期（月）"),
    # Lost contact (党员教育管理工作条例 2019, 第24条): 失联满6个月仍无法取得联系 → 停止党籍;
    # 停止党籍满2年仍无法取得联系 → 除名.  (限期改正 is a disposal of 民主评议, not a stage of this.)
    "lost_contact_suspension_months": RuleDefault("6", "失联党员停止党籍（失去联系满N个月仍无法取得联系）"),
    "suspension_removal_months": RuleDefault("24", "停止党籍后除名（停止党籍满N个月仍无法取得联系）"),
    "care_old_member_age": RuleDefault("70", "走访慰问老党员年龄（岁）"),
    "probation_overdue_months": RuleDefault("18", "预备期满后仍为预备党员的最长月数（延长一年加审批六个月）"),
    # Terms of office (中办 2018): 党工委 are appointed and have no term.
    "term_years_committee": RuleDefault("5", "基层党委（含县委）任期（年）"),
    "term_years_branch": RuleDefault("3", "党总支、党支部任期（年）"),
    "term_years_village": RuleDefault("5", "村、社区党组织任期（年）"),
}


def get_rule(key: str) -> int | str:
    """The value in force for ``key``: the admin's override, else the default."""
    from .models import RuleSetting

    default = DEFAULTS[key]
    row = RuleSetting.objects.filter(key=key).values_list("value", flat=True).first()
    raw = row if row is not None else default.value
    try:
        return default.kind(raw)
    except (TypeError, ValueError):
        return default.kind(default.value)


def rules_in_force(*keys: str) -> dict[str, Any]:
    """Several rule values in one query (``get_rule`` reads one key a query)."""
    from .models import RuleSetting

    overrides = dict(RuleSetting.objects.filter(key__in=keys).values_list("key", "value"))
    values: dict[str, Any] = {}
    for key in keys:
        default = DEFAULTS[key]
        try:
            values[key] = default.kind(overrides.get(key, default.value))
        except (TypeError, ValueError):
            values[key] = default.kind(default.value)
    return values


@dataclass(frozen=True)
class TermYears:
    """How long a leadership team serves, by level (中办 2018; configurable)."""

    committee: int
    branch: int
    village: int

    KEYS = ("term_years_committee", "term_years_branch", "term_years_village")

    @classmethod
    def current(cls) -> TermYears:
        return cls.from_rules(rules_in_force(*cls.KEYS))

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> TermYears:
        return cls(
            committee=rules["term_years_committee"],
            branch=rules["term_years_branch"],
            village=rules["term_years_village"],
        )

    def for_kind(self, kind: str, category: str) -> int | None:
        """The term of an organization of ``kind`` and ``category``; None where there is no term."""
        from .choices import OrgCategory, OrgKind

        if kind in (OrgKind.WORKING_COMMITTEE, OrgKind.GROUP):
            return None  # 党工委 are appointed; a 党小组 elects a group leader, not a team
        if category in (OrgCategory.VILLAGE, OrgCategory.COMMUNITY):
            return self.village
        if kind in (OrgKind.COUNTY_COMMITTEE, OrgKind.COMMITTEE):
            return self.committee
        return self.branch
