"""Enumerations of the training app (labels are what users read)."""

from __future__ import annotations

from django.db import models

from organizations.choices import COMMITTEE_KINDS, OrgKind


class Level(models.TextChoices):
    """Who organized a session, by the organizer's kind (training.county_* / committee_* / branch_*)."""

    COUNTY = "COUNTY", "县委"
    COMMITTEE = "COMMITTEE", "党委"
    BRANCH = "BRANCH", "支部"


def level_of(kind: str) -> str:
    """The level a session organized by an organization of ``kind`` counts under.

    县委 (or any higher committee) → 县委; 基层党委 and 党工委 → 党委; 党总支,
    党支部 and 党小组 → 支部 (the reference's 支部培训 covers general branches).
    """
    if kind == OrgKind.COUNTY_COMMITTEE:
        return Level.COUNTY
    if kind in COMMITTEE_KINDS:
        return Level.COMMITTEE
    return Level.BRANCH


class TrainingKind(models.TextChoices):
    THEORY = "THEORY", "理论培训"
    TECHNICAL = "TECHNICAL", "科技培训（农村实用技术）"


class TrainingForm(models.TextChoices):
    MEETING = "MEETING", "以会代训"
    SPECIAL = "SPECIAL", "专题培训"
    FIELD = "FIELD", "实地调查研讨"
    AV = "AV", "电化教育"
    PARTY_SCHOOL = "PARTY_SCHOOL", "党校"
    ADULT_SCHOOL = "ADULT_SCHOOL", "成人技校"
    OTHER = "OTHER", "其他"


class LecturerRank(models.TextChoices):
    COUNTY_CHIEF = "COUNTY_CHIEF", "县处级正职"
    COUNTY_DEPUTY = "COUNTY_DEPUTY", "县处级副职"
    SECTION_CHIEF = "SECTION_CHIEF", "正科级"
    SECTION_DEPUTY = "SECTION_DEPUTY", "副科级"
    BELOW = "BELOW", "科级以下"


#: 科级以上 (副科级 included: 以上 includes the rank itself).
SECTION_OR_ABOVE = (
    LecturerRank.COUNTY_CHIEF,
    LecturerRank.COUNTY_DEPUTY,
    LecturerRank.SECTION_CHIEF,
    LecturerRank.SECTION_DEPUTY,
)


class Funding(models.TextChoices):
    # A retained-dues purchase is booked in the dues ledger through training.hooks once the dues app exists.
    RETAINED_DUES = "RETAINED_DUES", "留存党费"
    FISCAL = "FISCAL", "财政"
    SUPERIOR = "SUPERIOR", "上级配发"
    OTHER = "OTHER", "其他"


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "IN_SERVICE", "正常使用"
    BROKEN = "BROKEN", "故障停用"
    SCRAPPED = "SCRAPPED", "报废"


class EquipmentEventKind(models.TextChoices):
    BROKEN = "BROKEN", "故障停用"
    REPAIRED = "REPAIRED", "修复启用"
    SCRAPPED = "SCRAPPED", "报废"


#: The equipment's status after each kind of event.
STATUS_AFTER = {
    EquipmentEventKind.BROKEN: EquipmentStatus.BROKEN,
    EquipmentEventKind.REPAIRED: EquipmentStatus.IN_SERVICE,
    EquipmentEventKind.SCRAPPED: EquipmentStatus.SCRAPPED,
}


class MeetingKind(models.TextChoices):
    """三会一课 and the 主题党日 (党员活动日)."""

    ASSEMBLY = "ASSEMBLY", "支部党员大会"
    COMMITTEE = "COMMITTEE", "支委会"
    GROUP = "GROUP", "党小组会"
    LECTURE = "LECTURE", "党课"
    ACTIVITY_DAY = "ACTIVITY_DAY", "主题党日"


#: The rule (organizations.rules) giving each kind's frequency: once every N months.
INTERVAL_RULES = {
    MeetingKind.ASSEMBLY: "meeting_interval_assembly_months",
    MeetingKind.COMMITTEE: "meeting_interval_committee_months",
    MeetingKind.GROUP: "meeting_interval_group_months",
    MeetingKind.LECTURE: "lecture_interval_months",
    MeetingKind.ACTIVITY_DAY: "activity_day_interval_months",
}
