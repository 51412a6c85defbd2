"""How the training pages' lists show their rows (core.lists.Table)."""

from __future__ import annotations

from typing import Any

from core.lists import Column, Table


def topics_of(session: Any, user: Any) -> str:
    return "、".join(t.name for t in session.topics.all())


def _req(kind: str) -> Any:
    def value(row: Any, user: Any) -> str:
        return getattr(row, kind).text

    return value


SESSION_TABLE = Table(
    columns=(
        Column("开始日期", key="day", order_by=("start_on",), export="start_on", nowrap=True),
        Column("培训名称", key="title", export="title"),
        Column(
            "举办单位", key="org", order_by=("organization__path",), export="organization.name", phone=False
        ),
        Column("层级", key="level", export="get_level_display", phone=False),
        Column("类别", key="kind", export="get_kind_display", phone=False),
        Column("形式", key="form", export="get_form_display", phone=False),
        Column("篇目/课程", export=topics_of, phone=False),
        Column("结束日期", export="end_on", phone=False),
        Column("地点", export="venue", phone=False),
        Column("学时", key="hours", export="hours", phone=False),
        Column("参训党员（人次）", key="people", order_by=("person_times",), export="person_times"),
        Column("群众", export="non_member_count", phone=False),
    ),
    row_template="training/sessions/_session_row.html",
    default_order=("-start_on", "-id"),
    export_name="培训登记",
    empty="暂无培训记录",
)

ATTENDANCE_TABLE = Table(
    columns=(
        Column(
            "培训日期", key="day", order_by=("session__start_on",), export="session.start_on", nowrap=True
        ),
        Column("姓名", key="name", order_by=("member__name",), export="member.name"),
        Column("所在党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("培训名称", export="session.title", phone=False),
        Column("举办单位", export="session.organization.name", phone=False),
        Column("类别", export="session.get_kind_display", phone=False),
        Column("形式", export="session.get_form_display", phone=False),
        Column("学时", export="session.hours", phone=False),
    ),
    row_template="training/sessions/_attendance_row.html",
    default_order=("-session__start_on", "session_id", "organization__path", "member__name", "id"),
    export_name="参训记录",
    empty="暂无参训记录",
)


def _target(row: Any, user: Any) -> Any:
    return row.target


def _shortfall(row: Any, user: Any) -> Any:
    return max(row.target - row.hours, 0)


HOURS_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column("所在党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("书记", export=lambda row, user: "是" if row.is_secretary else "", phone=False),
        Column("入党日期", export="joined_on", phone=False),
        Column("已完成学时", key="hours", export="hours"),
        Column("应达学时", key="target", export=_target, phone=False),
        Column("差额", export=_shortfall),
    ),
    row_template="training/hours/_member_row.html",
    default_order=("organization__path", "name", "id"),
    export_name="党员培训学时",
    empty="没有符合条件的党员",
)

HOURS_BRANCH_TABLE = Table(
    columns=(
        Column("党组织", key="org", order_by=("org__path",), export="org.name"),
        Column("上级党组织", export="parent_name", phone=False),
        Column("党员数", key="members", export="members"),
        Column("未达标人数", key="below", export="below"),
        Column("其中书记", export="secretaries_below", phone=False),
        Column("人均学时", key="average", export="average", phone=False),
        Column("达标率（%）", key="rate", export="rate"),
    ),
    row_template="training/hours/_branch_row.html",
    default_order=("org__path",),
    export_name="各党组织培训学时",
    empty="没有符合条件的党组织",
)

LECTURE_TABLE = Table(
    columns=(
        Column("讲课日期", key="day", order_by=("given_on",), export="given_on", nowrap=True),
        Column("讲课人", key="lecturer", order_by=("lecturer_name",), export="lecturer_name"),
        Column(
            "单位", key="unit", order_by=("lecturer_unit__name",), export="lecturer_unit.name", phone=False
        ),
        Column("职务", export="lecturer_post", phone=False),
        Column(
            "职级", key="rank", order_by=("lecturer_rank",), export="get_lecturer_rank_display", phone=False
        ),
        Column("党课题目", export="topic", phone=False),
        Column("承办党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("听课党员（人次）", key="people", order_by=("person_times",), export="person_times"),
    ),
    row_template="training/lectures/_lecture_row.html",
    default_order=("-given_on", "-id"),
    export_name="领导干部讲党课",
    empty="暂无讲党课记录",
)

EQUIPMENT_TABLE = Table(
    columns=(
        Column("配发日期", key="day", order_by=("delivered_on",), export="delivered_on", nowrap=True),
        Column("配备党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("套数", key="sets", export="sets"),
        Column("设备内容", export="items", phone=False),
        Column("金额（元）", key="amount", export="amount", phone=False),
        Column("经费来源", key="funding", export="get_funding_display", phone=False),
        Column("使用状态", key="status", export="get_status_display"),
    ),
    row_template="training/av/_equipment_row.html",
    default_order=("-delivered_on", "-id"),
    export_name="电教设备",
    empty="暂无电教设备记录",
)

COVERAGE_TABLE = Table(
    columns=(
        Column("党组织", key="org", order_by=("org__path",), export="org.name"),
        Column("类型", export="which"),
        Column("上级党组织", export="parent_name", phone=False),
        Column("在用设备（套）", key="sets", export="sets"),
        Column("是否覆盖", key="covered", export=lambda row, user: "已覆盖" if row.covered else "未覆盖"),
    ),
    row_template="training/av/_coverage_row.html",
    default_order=("org__path",),
    export_name="电教网络覆盖",
    empty="没有符合条件的乡镇党委或村党支部",
)

FILM_TABLE = Table(
    columns=(
        Column("片名", key="title", export="title"),
        Column("类别", key="kind", export="get_kind_display"),
        Column("片源", export="source", phone=False),
        Column("片长（分钟）", export="minutes", phone=False),
        Column("出品年份", key="year", export="year", phone=False),
        Column("订购份数", key="ordered", export="ordered"),
        Column("播放期数", key="shown", export="shown", phone=False),
    ),
    row_template="training/av/_film_row.html",
    default_order=("kind", "title"),
    export_name="电教片目录",
    empty="电教片目录为空",
)

FILM_ORDER_TABLE = Table(
    columns=(
        Column("订购日期", key="day", order_by=("ordered_on",), export="ordered_on", nowrap=True),
        Column("订购党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("电教片", key="film", order_by=("film__title",), export="film.title"),
        Column("份数", key="copies", export="copies"),
        Column("金额（元）", export="amount", phone=False),
        Column("发放日期", key="distributed", order_by=("distributed_on",), export="distributed_on"),
    ),
    row_template="training/av/_order_row.html",
    default_order=("-ordered_on", "-id"),
    export_name="电教片订购发放",
    empty="暂无订购记录",
)

MEETING_TABLE = Table(
    columns=(
        Column("日期", key="day", order_by=("held_on",), export="held_on", nowrap=True),
        Column("会议类型", key="kind", export="get_kind_display"),
        Column("党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("主题/议题", export="topic", phone=False),
        Column("应到", export="expected", phone=False),
        Column("实到", key="present", export="present", phone=False),
        Column("照片", export=lambda row, user: "有" if row.photo else "", phone=False),
    ),
    row_template="training/meetings/_meeting_row.html",
    default_order=("-held_on", "-id"),
    export_name="三会一课记录",
    empty="暂无三会一课记录",
)

COMPLIANCE_TABLE = Table(
    columns=(
        Column("党支部", key="org", order_by=("org__path",), export="org.name"),
        Column("上级党组织", export="parent_name", phone=False),
        Column("支部党员大会", export=_req("assembly"), phone=False),
        Column("支委会", export=_req("committee"), phone=False),
        Column("党小组会", export=_req("group"), phone=False),
        Column("党课", export=_req("lecture"), phone=False),
        Column("主题党日", export=_req("activity_day"), phone=False),
        Column(
            "未按期项目",
            key="behind",
            order_by=("-behind_count", "org__path"),
            export=lambda r, u: "、".join(r.behind_kinds),
        ),
    ),
    row_template="training/meetings/_compliance_row.html",
    default_order=("org__path",),
    export_name="三会一课开展情况",
    empty="没有符合条件的党支部",
)

ACTIVITY_DAY_TABLE = Table(
    columns=(
        Column("党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("每月固定日", key="day", order_by=("day_of_month",), export="day_of_month"),
        Column("固定地点", export="place"),
        Column("主要内容", export="content", phone=False),
        Column("试点", export=lambda row, user: "是" if row.is_pilot else "", phone=False),
        Column("开始日期", key="start", order_by=("start_on",), export="start_on", phone=False),
        Column("停止日期", export="end_on", phone=False),
    ),
    row_template="training/meetings/_activity_day_row.html",
    default_order=("organization__path",),
    export_name="党员活动日",
    empty="尚未设置党员活动日",
)

SUBSCRIPTION_TABLE = Table(
    columns=(
        Column("年度", key="year", export="year"),
        Column("征订党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("刊物", key="publication", order_by=("publication__name",), export="publication.name"),
        Column("份数", key="copies", export="copies"),
        Column("金额（元）", key="amount", export="amount"),
        Column("备注", export="note", phone=False),
    ),
    row_template="training/publications/_subscription_row.html",
    default_order=("-year", "organization__path", "publication__name"),
    export_name="党刊征订",
    empty="暂无征订记录",
)
