"""agreements.*, regulations.*, life_meetings.*, appraisal.*, inspections.count: the annual assessment cycle."""

from __future__ import annotations

from typing import Any

from assessments.selectors.agreements import agreement_figures
from assessments.selectors.appraisals import appraisal_figures
from assessments.selectors.inspections import inspection_figures
from assessments.selectors.meetings import life_meeting_figures
from organizations.regulations import regulation_figures

from ..periods import Period
from .base import count, family, rate, rate_of


@family(
    "assessments",
    count("agreements.members_signed", "签订责任书的党员", "名", "签订本年度目标管理责任书的党员"),
    rate_of(
        "agreements.members_rate",
        "党员签订责任书比例",
        "签订责任书的党员占期末党员总数的比例",
        ("agreements.members_signed", "members.total"),
    ),
    count(
        "agreements.committees_signed", "签订责任书的党委", "个", "与县委签订本年度目标管理责任书的基层党委"
    ),
    count("agreements.branches_signed", "签订责任书的党支部", "个", "与上级签订本年度目标管理责任书的党支部"),
    count("regulations.committees_improved", "完善制度的党委", "个", "统计期内制定或修订了制度的基层党委"),
    count("regulations.items", "党委完善制度", "条", "统计期内基层党委制定或修订的制度"),
    count(
        "regulations.subordinate_items",
        "下属组织建立制度",
        "条",
        "统计期内基层党委所属党组织制定或修订的制度",
    ),
    count("life_meetings.committees", "召开民主生活会的党委", "个", "统计期内召开民主生活会的基层党委"),
    count("life_meetings.general_branches", "召开民主生活会的党总支", "个", "统计期内召开民主生活会的党总支"),
    count("life_meetings.branches", "召开民主生活会的党支部", "个", "统计期内召开民主生活会的党支部"),
    count("life_meetings.expected", "应召开民主生活会的党组织", "个", "期末应召开民主生活会的党组织"),
    rate_of(
        "life_meetings.rate",
        "民主生活会召开率",
        "召开民主生活会的党组织占应召开的比例",
        ("life_meetings.held", "life_meetings.expected"),
    ),
    count("life_meetings.held", "召开民主生活会的党组织", "个", "统计期内召开民主生活会的党组织"),
    count("life_meetings.leaders_attended", "参加民主生活会的领导干部", "人", "参加民主生活会的党员领导干部"),
    count(
        "life_meetings.leaders_expected", "应参加民主生活会的领导干部", "人", "应参加民主生活会的党员领导干部"
    ),
    rate_of(
        "life_meetings.attendance_rate",
        "领导干部参会率",
        "参加民主生活会的领导干部占应参加的比例",
        ("life_meetings.leaders_attended", "life_meetings.leaders_expected"),
    ),
    count("appraisal.members", "参加民主评议的党员", "名", "统计期内参加民主评议的党员"),
    count("appraisal.excellent", "评为优秀的党员", "名", "民主评议评为优秀的党员"),
    count("appraisal.qualified", "评为合格的党员", "名", "民主评议评为合格（称职）的党员"),
    count("appraisal.basically_qualified", "评为基本合格的党员", "名", "民主评议评为基本合格的党员"),
    count("appraisal.unqualified", "评为不合格的党员", "名", "民主评议评为不合格（不称职）的党员"),
    count("inspections.count", "督促检查", "次", "统计期内开展的督促检查"),
)
def assessment_family(org: Any, period: Period) -> dict[str, Any]:
    start, end = period.start, period.end
    agreements = agreement_figures(org, start, end)
    regulations = regulation_figures(org, start, end)
    meetings = life_meeting_figures(org, start, end)
    appraisal = appraisal_figures(org, start, end)
    return {
        "agreements.members_signed": agreements.members_signed,
        "agreements.members_rate": rate(agreements.members_signed, agreements.members_total),
        "agreements.committees_signed": agreements.committees_signed,
        "agreements.branches_signed": agreements.branches_signed,
        "regulations.committees_improved": regulations.committees_improved,
        "regulations.items": regulations.items,
        "regulations.subordinate_items": regulations.subordinate_items,
        "life_meetings.committees": meetings.committees,
        "life_meetings.general_branches": meetings.general_branches,
        "life_meetings.branches": meetings.branches,
        "life_meetings.held": meetings.held,
        "life_meetings.expected": meetings.expected,
        "life_meetings.rate": meetings.rate,
        "life_meetings.leaders_attended": meetings.leaders_attended,
        "life_meetings.leaders_expected": meetings.leaders_expected,
        "life_meetings.attendance_rate": meetings.attendance_rate,
        "appraisal.members": appraisal.members,
        "appraisal.excellent": appraisal.excellent,
        "appraisal.qualified": appraisal.qualified,
        "appraisal.basically_qualified": appraisal.basically_qualified,
        "appraisal.unqualified": appraisal.unqualified,
        "inspections.count": inspection_figures(org, start, end),
    }
