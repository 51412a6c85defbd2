"""How the member pages' lists show their rows (core.lists.Table)."""

from __future__ import annotations

from typing import Any

from core.lists import Column, Table
from core.scopes import can_write


def shown_id(member: Any, user: Any) -> str:
    """The ID number as the viewer may read it: whole for those who may write, masked for auditors."""
    return member.id_number if can_write(user) else member.masked_id_number


MEMBER_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column("性别", key="gender", export="get_gender_display", phone=False),
        Column("民族", key="ethnicity", export="ethnicity", phone=False),
        Column("年龄", key="age", order_by=("-birth_date",), export="age_shown"),
        Column("公民身份号码", export=shown_id, phone=False, nowrap=True),
        Column("学历", key="education", export="get_education_display", phone=False),
        Column("人员类别", key="occupation", export="get_occupation_display", phone=False),
        Column("所在党组织", key="org", order_by=("organization_on_path",), export="organization_on_name"),
        Column("党员类型", key="status", order_by=("status_on",), export="status_label"),
        Column(
            "入党日期", key="joined", order_by=("joined_on",), export="joined_on", phone=False, nowrap=True
        ),
        Column("转正日期", key="full", order_by=("full_on",), export="full_on", phone=False, nowrap=True),
    ),
    row_template="members/_member_row.html",
    default_order=("organization_on_path", "name", "id"),
    export_name="党员名册",
    # The member export is the import template's layout, so a clerk can edit it and import it back.
    export_url_name="members:export",
    empty="没有符合条件的党员",
)


CARE_VISIT_TABLE = Table(
    columns=(
        Column("走访日期", key="day", order_by=("visited_on",), export="visited_on", nowrap=True),
        Column("慰问时机", key="occasion", export="get_occasion_display"),
        Column("组织单位", key="org", order_by=("organization__path",), export="organization.name"),
        Column("走访人员", export="visitors", phone=False),
        Column("经费来源", key="funding", export="get_funding_display", phone=False),
        Column("慰问人数", key="members", order_by=("recipient_count",), export="recipient_count"),
        Column("慰问金（元）", key="amount", order_by=("amount_total",), export="amount_total"),
    ),
    row_template="members/care/_visit_row.html",
    default_order=("-visited_on", "-id"),
    export_name="走访慰问记录",
    empty="暂无走访慰问记录",
)


APPLICANT_TABLE = Table(
    columns=(
        Column("姓名", key="name", export="name"),
        Column("性别", key="gender", export="get_gender_display", phone=False),
        Column("民族", key="ethnicity", export="ethnicity", phone=False),
        Column("公民身份号码", export=shown_id, phone=False, nowrap=True),
        Column("所在党支部", key="org", order_by=("organization__path",), export="organization.name"),
        Column("阶段", key="stage", order_by=("stage_code",), export="stage.label"),
        Column("申请日期", key="applied", order_by=("applied_on",), export="applied_on", nowrap=True),
        Column(
            "最近步骤",
            key="latest",
            order_by=("latest_day", "latest_step"),
            export="latest_step",
            phone=False,
        ),
    ),
    row_template="members/development/_applicant_row.html",
    default_order=("organization__path", "name", "id"),
    export_name="入党申请人",
    empty="没有符合条件的入党申请人",
)

PUBLICITY_TABLE = Table(
    columns=(
        Column("姓名", key="name", order_by=("applicant__name",), export="applicant.name"),
        Column(
            "所在党支部",
            key="org",
            order_by=("applicant__organization__path",),
            export="applicant.organization.name",
            phone=False,
        ),
        Column("公示事项", key="step", export="get_step_display"),
        Column("公示开始", key="start", order_by=("starts_on",), export="starts_on", nowrap=True),
        Column("公示截止", key="end", order_by=("ends_on",), export="ends_on", nowrap=True),
        Column("地点/范围", export="place", phone=False),
        Column("结果", key="result", export="get_result_display"),
    ),
    row_template="members/development/_publicity_row.html",
    default_order=("-starts_on", "-id"),
    export_name="公示记录",
    empty="暂无公示记录",
)
