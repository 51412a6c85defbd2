"""The member spreadsheet's format: its columns, their labels and the downloadable template.

The template, the import and the export share these columns, so an export
re-imports (and, for members already registered, updates them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.db import models

from core.sheets import DATE, ID, ColumnSpec, Sheet, write_workbook

from ...choices import ETHNICITY_CHOICES, Education, Gender, MemberStatus, Occupation

#: Template columns, in order; also the export's columns, so an export re-imports.
HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "学历",
    "人员类别",
    "是否生产一线",
    "手机号码",
    "工作单位及职务",
    "所在党组织",
    "所在党小组",
    "党员类型",
    "入党日期",
    "转正日期",
    "是否离退休",
    "是否农村党员",
    "是否困难党员",
    "是否流动党员",
)
#: Columns a file must have; the others may be left out (empty: derived or 否).
REQUIRED_HEADERS: tuple[str, ...] = (
    "姓名",
    "民族",
    "公民身份号码",
    "学历",
    "人员类别",
    "所在党组织",
    "党员类型",
    "入党日期",
)
#: Model field → column, to name the column of a validation error.
FIELD_COLUMNS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "id_number": "公民身份号码",
    "birth_date": "出生日期",
    "education": "学历",
    "occupation": "人员类别",
    "is_frontline": "是否生产一线",
    "phone": "手机号码",
    "work_unit": "工作单位及职务",
    "organization": "所在党组织",
    "party_group": "所在党小组",
    "status": "党员类型",
    "joined_on": "入党日期",
    "full_on": "转正日期",
    "is_retired": "是否离退休",
    "is_rural": "是否农村党员",
    "is_hardship": "是否困难党员",
    "is_mobile": "是否流动党员",
}
COLUMN_FIELDS = {column: field for field, column in FIELD_COLUMNS.items()}
TEXT_COLUMNS = ("姓名", "手机号码", "工作单位及职务")
DATE_COLUMNS = ("出生日期", "入党日期", "转正日期")
BOOL_COLUMNS = ("是否生产一线", "是否离退休", "是否农村党员", "是否困难党员", "是否流动党员")

ETHNICITY_LABELS = [value for value, _label in ETHNICITY_CHOICES]


def _labels(choices: type[models.TextChoices], **aliases: str) -> dict[str, str]:
    mapping = {str(label): str(value) for value, label in choices.choices}
    mapping.update(aliases)
    return mapping


#: Chinese label (and the usual short forms) → stored value.
CHOICE_COLUMNS: dict[str, dict[str, str]] = {
    "性别": _labels(Gender),
    "民族": {
        **{e: e for e in ETHNICITY_LABELS},
        # "壮" for 壮族: a common short form in older registers.
        **{e[:-1]: e for e in ETHNICITY_LABELS if e.endswith("族")},
    },
    "学历": {
        **_labels(Education),
        "高中": Education.HIGH_SCHOOL,
        "中技": Education.HIGH_SCHOOL,
        "初中": Education.JUNIOR_OR_BELOW,
        "小学": Education.JUNIOR_OR_BELOW,
        "本科": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
    },
    "人员类别": _labels(Occupation),
    "党员类型": _labels(MemberStatus, 正式=MemberStatus.FULL, 预备=MemberStatus.PROBATIONARY),
}
CHOICE_HINTS = {
    "性别": "男、女",
    "民族": "56个民族的全称（如“汉族”“壮族”）或“其他”",
    "学历": "、".join(Education.labels),
    "人员类别": "、".join(Occupation.labels),
    "党员类型": "、".join(MemberStatus.labels),
}
EXAMPLE_ROW = (
    "张桂芳",
    "女",
    "壮族",
    "11010519491231002X",
    dt.date(1949, 12, 31),
    "高中/中技",
    "农牧渔民",
    "否",
    "13800000000",
    "各甫村村民",
    "富宁县委/新华镇党委/各甫村党支部",
    "",
    "正式党员",
    dt.date(1975, 7, 1),
    dt.date(1976, 7, 1),
    "否",
    "是",
    "是",
    "否",
)
INSTRUCTIONS = {
    "姓名": ("必填", "不超过50字"),
    "性别": ("选填", "男/女；留空则按公民身份号码第17位推算"),
    "民族": ("必填", CHOICE_HINTS["民族"]),
    "公民身份号码": ("必填", "18位，末位可为X；本列已设为文本格式，请勿改为数字（会丢失末位）"),
    "出生日期": ("选填", "如 1980-01-31；留空则按公民身份号码推算，填写时须与号码一致"),
    "学历": ("必填", CHOICE_HINTS["学历"]),
    "人员类别": ("必填", CHOICE_HINTS["人员类别"]),
    "是否生产一线": ("选填", "是/否，留空为否"),
    "手机号码": ("选填", "不超过20位"),
    "工作单位及职务": ("选填", "不超过100字"),
    "所在党组织": (
        "必填",
        "党组织代码，或从县委起的完整名称路径，如 富宁县委/新华镇党委/各甫村党支部；须在您的管理范围内",
    ),
    "所在党小组": ("选填", "所在党组织下设的党小组名称（或党组织代码）；留空为未编入党小组"),
    "党员类型": ("必填", CHOICE_HINTS["党员类型"]),
    "入党日期": ("必填", "如 2005-07-01；入党时须年满18周岁，不得晚于今天"),
    "转正日期": ("正式党员必填", "不得早于入党日期、不得晚于今天；预备党员留空"),
    "是否离退休": ("选填", "是/否，留空为否"),
    "是否农村党员": ("选填", "是/否，留空为否"),
    "是否困难党员": ("选填", "是/否，留空为否"),
    "是否流动党员": ("选填", "是/否，留空为否"),
}

Source = str | Path | IO[bytes]
Progress = Callable[[str, int, int], None]

YES_NO = ("是", "否")
#: Column → its dropdown in the template (and in the export, which re-imports).
CHOICE_LISTS: dict[str, tuple[str, ...]] = {
    "性别": tuple(Gender.labels),
    "民族": tuple(ETHNICITY_LABELS),
    "学历": tuple(Education.labels),
    "人员类别": tuple(Occupation.labels),
    "党员类型": tuple(MemberStatus.labels),
    **dict.fromkeys(BOOL_COLUMNS, YES_NO),
}


def _column(header: str) -> ColumnSpec:
    if header == "公民身份号码":
        return ColumnSpec(header, kind=ID)
    if header in DATE_COLUMNS:
        return ColumnSpec(header, kind=DATE)
    if header == "所在党组织":
        return ColumnSpec(header, width=34)
    return ColumnSpec(header, choices=CHOICE_LISTS.get(header, ()))


#: The sheet's columns as the shared writer lays them out (core.sheets): text IDs, date cells, dropdowns.
COLUMNS: tuple[ColumnSpec, ...] = tuple(_column(h) for h in HEADERS)


def _guide_rows() -> list[list[object]]:
    rows: list[list[object]] = [[header, *INSTRUCTIONS[header]] for header in HEADERS]
    rows += [
        [],
        [
            "注意",
            "",
            "一行有错则整个文件都不导入，系统会列出每个错误的行号、列名和原因，改正后重新上传即可。",
        ],
        ["注意", "", "同一公民身份号码在文件中只能出现一次。"],
        [
            "注意",
            "",
            "公民身份号码已在您管理范围内登记的党员将按本表更新（先显示变更预览，确认后才写入）；"
            "所在党组织、党员类型不会通过导入变更，请分别办理组织关系转接、转正。",
        ],
        [],
        ["示例（请勿粘贴到“党员信息”表中）"],
        list(HEADERS),
        list(EXAMPLE_ROW),
    ]
    return rows


def build_template() -> bytes:
    """The import template: the data sheet first, then instructions with an example, then the lists (hidden)."""
    return write_workbook(
        Sheet("党员信息", COLUMNS),
        Sheet(
            "填写说明",
            (
                ColumnSpec("列名", width=16),
                ColumnSpec("是否必填", width=14),
                ColumnSpec("填写要求", width=90),
            ),
            _guide_rows(),
            autofilter=False,
        ),
    )
