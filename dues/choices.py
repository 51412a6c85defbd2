"""Enumerations of the dues app (labels are what users read)."""

from __future__ import annotations

from django.db import models


class DuesCategory(models.TextChoices):
    """Which standard of 中组发〔2008〕3号 a member pays by."""

    IN_SERVICE = "IN_SERVICE", "在职党员（按工资收入比例）"
    RETIRED = "RETIRED", "离退休党员（按离退休费比例）"
    FARMER = "FARMER", "农民党员（定额）"
    STUDENT = "STUDENT", "学生党员（定额）"
    UNEMPLOYED = "UNEMPLOYED", "下岗失业党员（定额）"
    RELIEF = "RELIEF", "依靠抚恤、救济或低保生活的党员（定额）"
    EXEMPT = "EXEMPT", "经批准免交"


#: Categories whose dues are a percentage of an income base.
RATE_CATEGORIES = (DuesCategory.IN_SERVICE, DuesCategory.RETIRED)
#: Categories paying a fixed monthly amount (farmers choose within a range).
FIXED_CATEGORIES = (
    DuesCategory.FARMER,
    DuesCategory.STUDENT,
    DuesCategory.UNEMPLOYED,
    DuesCategory.RELIEF,
    DuesCategory.EXEMPT,
)

#: Short labels for tables and the grid.
CATEGORY_SHORT = {
    DuesCategory.IN_SERVICE: "在职",
    DuesCategory.RETIRED: "离退休",
    DuesCategory.FARMER: "农民",
    DuesCategory.STUDENT: "学生",
    DuesCategory.UNEMPLOYED: "下岗失业",
    DuesCategory.RELIEF: "低保救济",
    DuesCategory.EXEMPT: "免交",
}


class PaymentKind(models.TextChoices):
    REGULAR = "REGULAR", "按月交纳"
    BACK = "BACK", "补交"
    SPECIAL = "SPECIAL", "特殊党费（一次性1000元以上）"


#: Payments that settle a month's levy (the special payment settles none).
MONTHLY_KINDS = (PaymentKind.REGULAR, PaymentKind.BACK)


class LedgerPurpose(models.TextChoices):
    """What a retained-dues ledger entry is: an income or, with its purpose, an expenditure."""

    RETAINED_SHARE = "RETAINED_SHARE", "留存党费（按比例留存）"
    RETURNED = "RETURNED", "上级返还"
    OPENING = "OPENING", "上年结余"
    OTHER_INCOME = "OTHER_INCOME", "其他收入"
    AV_EQUIPMENT = "AV_EQUIPMENT", "电教设备"
    CARE = "CARE", "慰问困难党员"
    TRAINING = "TRAINING", "培训资料"
    RETURN_RETIRED = "RETURN_RETIRED", "返还老干支部"
    OTHER = "OTHER", "其他支出"


INCOME_PURPOSES = (
    LedgerPurpose.RETAINED_SHARE,
    LedgerPurpose.RETURNED,
    LedgerPurpose.OPENING,
    LedgerPurpose.OTHER_INCOME,
)
EXPENSE_PURPOSES = (
    LedgerPurpose.AV_EQUIPMENT,
    LedgerPurpose.CARE,
    LedgerPurpose.TRAINING,
    LedgerPurpose.RETURN_RETIRED,
    LedgerPurpose.OTHER,
)
#: What a person records by hand (the retained shares, returns and care visits post themselves).
MANUAL_INCOME = (LedgerPurpose.OPENING, LedgerPurpose.OTHER_INCOME)
MANUAL_EXPENSES = (
    LedgerPurpose.AV_EQUIPMENT,
    LedgerPurpose.CARE,
    LedgerPurpose.TRAINING,
    LedgerPurpose.OTHER,
)
