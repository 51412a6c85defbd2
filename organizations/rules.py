"""Configurable rule values (DOMAIN.md marks them **configurable**).

Defaults live here; an admin overrides one by adding a ``RuleSetting`` row
with the same key.  Code reads them through :func:`get_rule` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

#: Separators people type between the items of a list rule: commas and the enumeration comma.
_LIST_SEPARATORS = re.compile(r"[,，、;；]")


class GradeBands(tuple):
    """年终考核等次 by score, highest first: ``"优秀:90,良好:80,合格:60,不合格:0"`` (a grade from its minimum score up)."""

    def __new__(cls, text: str) -> GradeBands:
        bands = []
        for part in (p.strip() for p in _LIST_SEPARATORS.split(str(text)) if p.strip()):
            name, sep, low = part.replace("：", ":").partition(":")
            try:
                minimum = Decimal(low.strip())
            except InvalidOperation:
                minimum = None
            if not sep or not name.strip() or minimum is None or minimum < 0:
                raise ValueError("格式应为“等次:最低分”，用逗号分隔，如 优秀:90,良好:80,合格:60,不合格:0")
            bands.append((name.strip(), minimum))
        bands.sort(key=lambda band: -band[1])
        if not bands or len({name for name, _ in bands}) != len(bands):
            raise ValueError("至少设置一个等次，等次名称不能重复")
        if bands[-1][1] != 0:
            raise ValueError("最低一个等次的最低分应为0，使每个得分都有等次")
        return super().__new__(cls, bands)

    def grade_for(self, score: Decimal) -> str:
        """The grade of ``score``: the first band whose minimum it reaches."""
        return next(name for name, minimum in self if score >= minimum)

    def __str__(self) -> str:
        return ",".join(f"{name}:{minimum}" for name, minimum in self)


class GradeSet(tuple):
    """民主评议党员的等次, highest first: ``"优秀,合格,基本合格,不合格"`` or ``"优秀,称职,不称职"``."""

    def __new__(cls, text: str) -> GradeSet:
        names = [p.strip() for p in _LIST_SEPARATORS.split(str(text)) if p.strip()]
        if not 3 <= len(names) <= 4 or len(set(names)) != len(names):
            raise ValueError("等次应为3至4个不重复的名称，从高到低，用逗号分隔，如 优秀,合格,基本合格,不合格")
        if any(len(name) > 10 for name in names):
            raise ValueError("每个等次名称不超过10个字")
        return super().__new__(cls, names)

    def __str__(self) -> str:
        return "、".join(self)


def share(text: str) -> Fraction:
    """A share such as ``1/3`` or ``0.3`` (between 0 and 1)."""
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError("比例应写成 1/3 或 0.33 这样的形式") from None
    if not 0 < value <= 1:
        raise ValueError("比例应在0和1之间")
    return value


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
    # 年度考核 (assessments): who may be exempt from the member agreement, the year-end grades, appraisal
    "agreement_exempt_rural_age": RuleDefault("60", "目标管理责任书免签：农村党员年满N岁"),
    "agreement_exempt_retired": RuleDefault("1", "目标管理责任书免签：离退休党员（1是，0否）"),
    "assessment_grade_bands": RuleDefault(
        "优秀:90,良好:80,合格:60,不合格:0", "年终考核等次（等次:最低分，从高到低）", GradeBands
    ),
    "appraisal_grade_set": RuleDefault(
        "优秀,合格,基本合格,不合格", "民主评议党员等次（从高到低，3至4个，如 优秀,称职,不称职）", GradeSet
    ),
    "appraisal_excellent_share": RuleDefault("1/3", "民主评议优秀党员比例上限", share),
    "unqualified_correction_months": RuleDefault("6", "不合格党员限期改正期限（月）"),
    "unqualified_correction_max_months": RuleDefault("12", "不合格党员限期改正最长期限（月）"),
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
