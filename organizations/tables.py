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
