"""Enumerations of the annual assessment cycle (labels are what users read)."""

from django.db import models


class AgreementLevel(models.TextChoices):
    """Who signs the lower side of a 目标管理责任书: an organization (县委↔党委, 党委↔党支部 …) or a member."""

    ORGANIZATION = "ORGANIZATION", "党组织"
    MEMBER = "MEMBER", "党员"


class AgreementStatus(models.TextChoices):
    """A member's or organization's standing for the year's agreement (derived, never stored)."""

    SIGNED = "SIGNED", "已签订"
    PENDING = "PENDING", "待签订"
    EXEMPT = "EXEMPT", "免签"
    NONE = "NONE", "未生成"


class Exemption(models.TextChoices):
    """Why a member signs no agreement this year (recorded, never silently skipped)."""

    RURAL_ELDERLY = "RURAL_ELDERLY", "高龄农村党员"
    RETIRED = "RETIRED", "离退休党员"
    ILLNESS = "ILLNESS", "年老体弱、长期患病"
    AWAY = "AWAY", "长期外出、联系不上"
    OTHER = "OTHER", "其他"


class RewardKind(models.TextChoices):
    """What the year-end scoring brought (兑现奖惩)."""

    REWARD = "REWARD", "奖励"
    NONE = "NONE", "不奖不罚"
    PENALTY = "PENALTY", "处罚"


class InspectionKind(models.TextChoices):
    MID_YEAR = "MID_YEAR", "年中检查"
    YEAR_END = "YEAR_END", "年终检查"
    AD_HOC = "AD_HOC", "不定期检查"


class FindingKind(models.TextChoices):
    STRENGTH = "STRENGTH", "主要成效"
    PROBLEM = "PROBLEM", "存在问题"


class GradeCategory(models.TextChoices):
    """What a grade of democratic appraisal means in the statistics, whatever the year's words for it."""

    EXCELLENT = "EXCELLENT", "优秀"
    QUALIFIED = "QUALIFIED", "合格"
    BASIC = "BASIC", "基本合格"
    UNQUALIFIED = "UNQUALIFIED", "不合格"


class Disposal(models.TextChoices):
    """The follow-up of a member appraised 不合格 (中组部《关于做好民主评议党员工作的意见》)."""

    CORRECTION = "CORRECTION", "限期改正"
    PERSUADE = "PERSUADE", "劝其退党"
    REMOVE = "REMOVE", "除名"


class FollowUpResult(models.TextChoices):
    """How a follow-up ended."""

    CORRECTED = "CORRECTED", "已改正"
    PERSUADED = "PERSUADED", "劝退"
    REMOVED = "REMOVED", "除名"
    LEFT = "LEFT", "已离开党组织"


class RatingStandard(models.TextChoices):
    """三级联创: 乡镇党委 are rated against “六个好”, 村党支部 against “五个好”."""

    SIX_GOOD = "SIX_GOOD", "六个好（乡镇党委）"
    FIVE_GOOD = "FIVE_GOOD", "五个好（村党支部）"


class RatingResult(models.TextChoices):
    ACHIEVED = "ACHIEVED", "达标"
    BASIC = "BASIC", "基本达标"
    NOT_ACHIEVED = "NOT_ACHIEVED", "未达标"


#: The checklist of each standard (key, label), in the order the documents list them.
RATING_CRITERIA: dict[str, tuple[tuple[str, str], ...]] = {
    RatingStandard.SIX_GOOD: (
        ("team", "领导班子好"),
        ("cadres", "干部队伍好"),
        ("base", "基层组织建设好"),
        ("mechanism", "工作机制好"),
        ("results", "发展业绩好"),
        ("opinion", "群众反映好"),
    ),
    RatingStandard.FIVE_GOOD: (
        ("team", "领导班子好"),
        ("members", "党员干部队伍好"),
        ("mechanism", "工作机制好"),
        ("results", "小康建设业绩好"),
        ("opinion", "农民群众反映好"),
    ),
}
