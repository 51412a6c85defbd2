"""How the assessment lists show their rows (core.lists.Table) and what their exports write."""

from __future__ import annotations

from typing import Any

from core.lists import Column, Table

from .choices import AgreementStatus, Exemption
from .selectors.agreements import roster_status


def _score(attr: str) -> Any:
    def value(row: Any, user: Any) -> Any:
        score = getattr(row, "score", None)
        if score is None:
            return ""
        found = getattr(score, attr)
        return found() if callable(found) else found

    return value


def _roster_status(row: Any, user: Any) -> str:
    return AgreementStatus(roster_status(row)).label


def _roster_exemption(row: Any, user: Any) -> str:
    if not row.agreement_exemption:
        return ""
    label = Exemption(row.agreement_exemption).label
    return f"{label}（{row.agreement_exemption_note}）" if row.agreement_exemption_note else label


TEMPLATE_TABLE = Table(
    columns=(
        Column("年度", key="year", export="year"),
        Column("责任书名称", key="title", export="title"),
        Column("签订对象", key="level", export="get_level_display"),
        Column(
            "制定单位", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("目标项数", export="item_count", phone=False),
        Column(
            "已生成责任书",
            key="agreements",
            order_by=("agreement_count",),
            export="agreement_count",
            phone=False,
        ),
    ),
    row_template="assessments/agreements/_template_row.html",
    default_order=("-year", "organization__path", "level", "id"),
    export_name="责任书模板",
    empty="还没有责任书模板",
)

AGREEMENT_TABLE = Table(
    columns=(
        Column("年度", key="year", export="year", phone=False),
        Column("乙方党组织", key="subject", order_by=("subject__path",), export="subject.name"),
        Column(
            "甲方", key="issuer", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("签订日期", key="signed", order_by=("signed_on",), export="signed_on", nowrap=True),
        Column("总分", key="total", order_by=("score__total",), export=_score("total")),
        Column("考核等次", key="grade", order_by=("score__grade",), export=_score("grade")),
        Column("奖惩", export=_score("get_reward_kind_display"), phone=False),
        Column("奖惩内容", export=_score("reward_note"), phone=False),
    ),
    row_template="assessments/agreements/_agreement_row.html",
    default_order=("-year", "subject__path", "id"),
    export_name="目标责任考核评分表",
    empty="没有符合条件的党组织责任书",
)

ROSTER_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column("所在党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column(
            "签订情况",
            key="status",
            order_by=("agreement_signed_on", "agreement_exemption"),
            export=_roster_status,
        ),
        Column(
            "签订日期",
            key="signed",
            order_by=("agreement_signed_on",),
            export="agreement_signed_on",
            nowrap=True,
        ),
        Column("免签原因", export=_roster_exemption, phone=False),
    ),
    row_template="assessments/agreements/_roster_row.html",
    default_order=("organization__path", "name", "id"),
    export_name="党员目标管理责任书签订名册",
    empty="没有符合条件的党员",
)

INSPECTION_TABLE = Table(
    columns=(
        Column("检查日期", key="day", order_by=("started_on",), export="started_on", nowrap=True),
        Column("检查名称", key="title", export="title"),
        Column("类别", key="kind", export="get_kind_display", phone=False),
        Column(
            "检查单位", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("检查对象", key="targets", order_by=("target_count",), export="target_count", phone=False),
        Column("存在问题", key="problems", order_by=("problem_count",), export="problem_count"),
        Column("未完成整改", key="open", order_by=("open_count",), export="open_count"),
        Column("通报文号", export="notice_no", phone=False),
    ),
    row_template="assessments/inspections/_inspection_row.html",
    default_order=("-started_on", "-id"),
    export_name="督促检查",
    empty="没有符合条件的检查",
)

RECTIFICATION_TABLE = Table(
    columns=(
        Column("整改期限", key="deadline", order_by=("deadline",), export="deadline", nowrap=True),
        Column("被检查党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("存在问题", export="content"),
        Column("整改要求", export="requirement", phone=False),
        Column(
            "检查",
            key="inspection",
            order_by=("inspection__started_on",),
            export="inspection.title",
            phone=False,
        ),
        Column("整改完成", key="done", order_by=("rectified_on",), export="rectified_on", nowrap=True),
    ),
    row_template="assessments/inspections/_rectification_row.html",
    default_order=("rectified_on", "deadline", "organization__path", "id"),
    export_name="整改事项",
    empty="没有符合条件的整改事项",
)

LIFE_MEETING_TABLE = Table(
    columns=(
        Column("党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column(
            "类型",
            key="kind",
            order_by=("organization__kind",),
            export="organization.get_kind_display",
            phone=False,
        ),
        Column("召开日期", key="day", order_by=("held_on",), export="held_on", nowrap=True),
        Column("依据文件", export="document_no", phone=False),
        Column("应到", key="expected", order_by=("leaders_expected",), export="leaders_expected"),
        Column("实到", key="attended", order_by=("leaders_attended",), export="leaders_attended"),
        Column("缺席人员及原因", export="absentees", phone=False),
        Column("会议主题", export="topics", phone=False),
    ),
    row_template="assessments/meetings/_meeting_row.html",
    default_order=("-year", "organization__path", "id"),
    export_name="民主生活会召开情况",
    empty="没有符合条件的民主生活会",
)

APPRAISAL_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("所在党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("年度", key="year", export="year", phone=False),
        Column("评议等次", key="grade", order_by=("category", "grade"), export="grade"),
        Column(
            "评议日期", key="day", order_by=("appraised_on",), export="appraised_on", phone=False, nowrap=True
        ),
        Column("备注", export="note", phone=False),
    ),
    row_template="assessments/appraisals/_appraisal_row.html",
    default_order=("-year", "organization__path", "member__name", "id"),
    export_name="民主评议党员结果",
    empty="没有符合条件的评议结果",
)


def _follow_up(attr: str) -> Any:
    def value(row: Any, user: Any) -> Any:
        follow_up = getattr(row, "follow_up", None)
        if follow_up is None:
            return "未作处置" if attr == "get_disposal_display" else ""
        found = getattr(follow_up, attr)
        return found() if callable(found) else found

    return value


FOLLOW_UP_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("所在党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("评议", key="year", order_by=("year",), export="round.title", phone=False),
        Column(
            "处置方式",
            key="disposal",
            order_by=("follow_up__disposal",),
            export=_follow_up("get_disposal_display"),
        ),
        Column(
            "改正期限",
            key="deadline",
            order_by=("follow_up__deadline",),
            export=_follow_up("deadline"),
            nowrap=True,
        ),
        Column("处置结果", export=_follow_up("get_result_display")),
        Column("办结日期", export=_follow_up("closed_on"), phone=False, nowrap=True),
    ),
    row_template="assessments/appraisals/_follow_up_row.html",
    default_order=("follow_up__closed_on", "follow_up__deadline", "organization__path", "id"),
    export_name="不合格党员处置",
    empty="没有评为不合格的党员",
)

RATING_TABLE = Table(
    columns=(
        Column("年度", key="year", export="year", phone=False),
        Column("党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("创建标准", key="standard", export="short_standard", phone=False),
        Column("达到标准", export=lambda r, u: f"{r.met_count}/{r.total_criteria}"),
        Column("评定结果", key="result", export="get_result_display"),
        Column("评定日期", key="day", order_by=("rated_on",), export="rated_on", phone=False, nowrap=True),
    ),
    row_template="assessments/ratings/_rating_row.html",
    default_order=("-year", "organization__path", "id"),
    export_name="三级联创评定",
    empty="没有符合条件的评定",
)
