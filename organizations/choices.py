"""Enumerations of the organizations app (labels are what users read)."""

from django.db import models


class OrgKind(models.TextChoices):
    COUNTY_COMMITTEE = "COUNTY_COMMITTEE", "县委"
    COMMITTEE = "COMMITTEE", "基层党委"
    WORKING_COMMITTEE = "WORKING_COMMITTEE", "党工委"
    GENERAL_BRANCH = "GENERAL_BRANCH", "党总支"
    BRANCH = "BRANCH", "党支部"
    GROUP = "GROUP", "党小组"


#: Kinds counted as base committees in reports (基层党委, incl. 党工委).
COMMITTEE_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
#: Kinds that may keep members directly (a member's 所在党组织).
MEMBER_HOLDING_KINDS = (
    OrgKind.BRANCH,
    OrgKind.GENERAL_BRANCH,
    OrgKind.COMMITTEE,
    OrgKind.WORKING_COMMITTEE,
)


class OrgCategory(models.TextChoices):
    TOWNSHIP = "TOWNSHIP", "乡镇"
    VILLAGE = "VILLAGE", "村"
    COMMUNITY = "COMMUNITY", "社区"
    ORGAN = "ORGAN", "机关"
    INSTITUTION = "INSTITUTION", "事业单位"
    STATE_ENTERPRISE = "STATE_ENTERPRISE", "国有企业"
    PRIVATE_ENTERPRISE = "PRIVATE_ENTERPRISE", "非公有制企业"
    SOCIAL_ORG = "SOCIAL_ORG", "社会组织"
    SCHOOL = "SCHOOL", "学校"
    RETIRED = "RETIRED", "离退休/老干"
    STATION = "STATION", "站所"
    OTHER = "OTHER", "其他"


class BranchForm(models.TextChoices):
    """How a 党支部 is set up (党支部工作条例 2018 第六条)."""

    REGULAR = "REGULAR", "单独组建"
    JOINT = "JOINT", "联合党支部"
    TEMPORARY = "TEMPORARY", "临时党支部"
    FUNCTIONAL = "FUNCTIONAL", "功能型党支部"


#: Branches set up for a task or an activity: their members' relationships stay in their own
#: branches, so they are not counted as 党支部 in the statistics and do not develop members.
NOT_COUNTED_FORMS = (BranchForm.TEMPORARY, BranchForm.FUNCTIONAL)


class OrgEventKind(models.TextChoices):
    ESTABLISH = "ESTABLISH", "成立"
    RENAME = "RENAME", "更名"
    MOVE = "MOVE", "调整隶属关系"
    MERGE = "MERGE", "合并"
    DISSOLVE = "DISSOLVE", "撤销"
    TERM = "TERM", "换届"


class PostTitle(models.TextChoices):
    SECRETARY = "SECRETARY", "书记"
    DEPUTY_SECRETARY = "DEPUTY_SECRETARY", "副书记"
    ORGANIZATION = "ORGANIZATION", "组织委员"
    PROPAGANDA = "PROPAGANDA", "宣传委员"
    DISCIPLINE = "DISCIPLINE", "纪检委员"
    YOUTH = "YOUTH", "青年委员"
    UNITED_FRONT = "UNITED_FRONT", "统战委员"
    SECRECY = "SECRECY", "保密委员"
    MEMBER = "MEMBER", "委员"


class Role(models.TextChoices):
    COUNTY_STAFF = "COUNTY_STAFF", "组织部干事"
    COMMITTEE_STAFF = "COMMITTEE_STAFF", "党委组织员"
    BRANCH_SECRETARY = "BRANCH_SECRETARY", "支部书记"
    AUDITOR = "AUDITOR", "只读审计"
    ADMIN = "ADMIN", "系统管理员"


class RegulationCategory(models.TextChoices):
    """The systems every Party organization keeps (制度建设): 13 of base-level work, 5 of member development."""

    # 基层组织13项制度
    RESPONSIBILITY = "RESPONSIBILITY", "党委（支部）工作责任制"
    DELIBERATION = "DELIBERATION", "议事、表决制度"
    MEETINGS = "MEETINGS", "“三会一课”制度"
    LEADERSHIP_LIFE = "LEADERSHIP_LIFE", "民主生活会制度"
    ORG_LIFE = "ORG_LIFE", "组织生活会制度"
    APPRAISAL = "APPRAISAL", "民主评议党员制度"
    TARGETS = "TARGETS", "党员目标管理制度"
    STUDY = "STUDY", "党员学习教育制度"
    DUES = "DUES", "党费收缴管理使用制度"
    OPENNESS = "OPENNESS", "党务公开制度"
    TALKS = "TALKS", "谈心谈话制度"
    CONTACT = "CONTACT", "党员联系群众制度"
    REPORTING = "REPORTING", "请示报告制度"
    # 发展党员5项制度
    DEV_PUBLICITY = "DEV_PUBLICITY", "发展党员公示制"
    DEV_PREVIEW = "DEV_PREVIEW", "发展党员预审制"
    DEV_VOTE = "DEV_VOTE", "发展党员票决制"
    DEV_ACCOUNTABILITY = "DEV_ACCOUNTABILITY", "发展党员责任追究制"
    DEV_WARNING = "DEV_WARNING", "长期不发展党员预警制"
    OTHER = "OTHER", "其他制度"


#: The checklist of 制度建设: the 13 base-level systems, then the 5 member-development systems.
BASIC_REGULATIONS = tuple(RegulationCategory.values[:13])
DEVELOPMENT_REGULATIONS = tuple(RegulationCategory.values[13:18])
