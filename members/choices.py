"""Enumerations of the members app, with the reporting bands of 党内统计."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 "
    "景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 "
    "阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 "
    "塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
assert len(ETHNIC_GROUPS) == 56
HAN = "汉族"
#: 少数民族 in the statistics: the 55 recognized minority groups — not 未识别民族, 入籍 or 其他.
MINORITY_GROUPS = tuple(e for e in ETHNIC_GROUPS if e != HAN)
UNRECOGNIZED = "未识别民族"
NATURALIZED = "入籍"  # 外国血统中国籍人士 (GB 3304)
ETHNICITY_CHOICES = (
    [(e, e) for e in ETHNIC_GROUPS]
    + [(UNRECOGNIZED, UNRECOGNIZED), (NATURALIZED, "入籍（外国血统中国籍人士）")]
    + [("其他", "其他")]
)


class Education(models.TextChoices):
    POSTGRADUATE = "POSTGRADUATE", "研究生"
    BACHELOR = "BACHELOR", "大学本科"
    COLLEGE = "COLLEGE", "大学专科"
    TECHNICAL = "TECHNICAL", "中专"
    HIGH_SCHOOL = "HIGH_SCHOOL", "高中/中技"
    JUNIOR_OR_BELOW = "JUNIOR_OR_BELOW", "初中及以下"


#: 高中以上 (high school or above) for the new-member structure figures.
HIGH_SCHOOL_PLUS = (
    Education.POSTGRADUATE,
    Education.BACHELOR,
    Education.COLLEGE,
    Education.TECHNICAL,
    Education.HIGH_SCHOOL,
)


class Occupation(models.TextChoices):
    WORKER = "WORKER", "工人"
    FARMER = "FARMER", "农牧渔民"
    PROFESSIONAL = "PROFESSIONAL", "专业技术人员"
    MANAGER = "MANAGER", "企事业单位管理人员"
    CIVIL_SERVANT = "CIVIL_SERVANT", "党政机关工作人员"
    STUDENT = "STUDENT", "学生"
    RETIRED = "RETIRED", "离退休人员"
    OTHER = "OTHER", "其他职业人员"


class MemberStatus(models.TextChoices):
    PROBATIONARY = "PROBATIONARY", "预备党员"
    FULL = "FULL", "正式党员"


class LeaveReason(models.TextChoices):
    DEATH = "DEATH", "死亡"
    WITHDRAWAL = "WITHDRAWAL", "退党"
    PERSUADED = "PERSUADED", "劝退"
    REMOVED = "REMOVED", "除名"
    EXPELLED = "EXPELLED", "开除党籍"
    SUSPENDED = "SUSPENDED", "停止党籍"
    PROBATION_CANCELLED = "PROBATION_CANCELLED", "取消预备资格"
    TRANSFERRED_OUT = "TRANSFERRED_OUT", "组织关系转出县外"
    #: The upper committee refused the admission (step 17): the provisional membership is reversed.
    NOT_APPROVED = "NOT_APPROVED", "接收预备党员未获批准"


#: Reasons counted as 出党 in the member change table.
EXIT_REASONS = (
    LeaveReason.WITHDRAWAL,
    LeaveReason.PERSUADED,
    LeaveReason.REMOVED,
    LeaveReason.EXPELLED,
    LeaveReason.PROBATION_CANCELLED,
)


class PeriodReason(models.TextChoices):
    """Why a membership period starts or ends (the member change table reads these)."""

    ADMITTED = "ADMITTED", "新发展"
    RESTORED = "RESTORED", "恢复党籍"
    TRANSFER_IN = "TRANSFER_IN", "从县外转入"
    TRANSFER_OUT = "TRANSFER_OUT", "转出县外"
    MOVED = "MOVED", "县内组织关系调整"
    MERGED = "MERGED", "党组织合并"
    CONFIRMED = "CONFIRMED", "转正"
    REGISTERED = "REGISTERED", "建档录入"
    LEFT = "LEFT", "出党/死亡/停止党籍"
    CORRECTED = "CORRECTED", "信息更正"
    NOT_APPROVED = "NOT_APPROVED", "上级党委不予批准接收"


AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("30岁及以下", None, 30),
    ("31-35岁", 31, 35),
    ("36-40岁", 36, 40),
    ("41-45岁", 41, 45),
    ("46-50岁", 46, 50),
    ("51-55岁", 51, 55),
    ("56-60岁", 56, 60),
    ("61岁及以上", 61, None),
)
