"""How the organization pages' lists show their rows (core.lists.Table)."""

from __future__ import annotations

from typing import Any

from core.lists import Column, Table


def missing_labels(row: Any, user: Any) -> str:
    return "、".join(label for _, label in row.missing_items)


VACANCY_TABLE = Table(
    columns=(
        Column("党组织", key="name", order_by=("org__path",), export="org.name"),
        Column("类型", key="kind", order_by=("org__kind",), export="org.get_kind_display", phone=False),
        Column("上级党组织", key="parent", order_by=("parent_name",), export="parent_name", phone=False),
        Column("正式党员", key="full", order_by=("full_members",), export="full_members"),
        Column("缺配职务", export=missing_labels),
    ),
    row_template="organizations/_vacancy_row.html",
    default_order=("org__path",),
    export_name="班子缺配",
    empty="没有缺配职务的党组织",
)

WARNING_TABLE = Table(
    columns=(
        Column("党组织", key="name", order_by=("org__path",), export="org.name"),
        Column("类型", key="kind", order_by=("org__kind",), export="org.get_kind_display", phone=False),
        Column("预警", key="code", order_by=("title",), export="title"),
        Column("说明", export="message", phone=False),
    ),
    row_template="organizations/_warning_row.html",
    default_order=("org__path",),
    export_name="组织预警",
    empty="没有预警",
)


REGULATION_TABLE = Table(
    columns=(
        Column("制度名称", key="title", export="title"),
        Column("类别", key="category", export="get_category_display", phone=False),
        Column("党组织", key="org", order_by=("organization__path",), export="organization.name"),
        Column("制定日期", key="adopted", order_by=("adopted_on",), export="adopted_on", nowrap=True),
        Column(
            "修订日期", key="revised", order_by=("revised_on",), export="revised_on", phone=False, nowrap=True
        ),
        Column("文号", export="document_no", phone=False),
        Column(
            "上墙",
            key="posted",
            order_by=("posted_on_wall",),
            export=lambda r, u: "是" if r.posted_on_wall else "否",
        ),
        Column("废止日期", export="repealed_on", phone=False, nowrap=True),
    ),
    row_template="organizations/regulations/_regulation_row.html",
    default_order=("organization__path", "category", "-adopted_on", "id"),
    export_name="制度建设",
    empty="没有符合条件的制度",
)
