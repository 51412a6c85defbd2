"""Spreadsheets for the member import tests (helpers only; no tests here).

``import_row()`` is a valid row for 各甫村党支部 (branch A of the cast);
``workbook()`` writes rows as an in-memory .xlsx the way Excel would, with
the ID column as text.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from core.idcard import check_char
from members.services.imports import HEADERS


def make_id(birth: dt.date, seq: int = 1, *, male: bool = True, region: str = "452628") -> str:
    """A valid ID number (GB 11643) for ``birth``; ``seq`` keeps numbers of one day apart."""
    order = f"{seq % 500 * 2 + (1 if male else 0):03d}"
    first17 = f"{region}{birth:%Y%m%d}{order}"
    return first17 + check_char(first17)


def import_row(seq: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid full member of 各甫村党支部 (born 1940–1981, one ID per ``seq``); ``overrides`` by header."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=seq % 15000)
    row: dict[str, Any] = {
        "姓名": f"黄文{seq}",
        "性别": "男",
        "民族": "壮族",
        "公民身份号码": make_id(birth, seq // 15000),
        "出生日期": birth,
        "学历": "大学本科",
        "人员类别": "农牧渔民",
        "是否生产一线": "是",
        "手机号码": f"138{seq:08d}",
        "工作单位及职务": "各甫村村委会 主任",
        "所在党组织": "C01T01B01",
        "党员类型": "正式党员",
        "入党日期": dt.date(2005, 7, 1),
        "转正日期": dt.date(2006, 7, 1),
        "是否离退休": "否",
        "是否困难党员": "否",
        "是否流动党员": "否",
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict[str, Any]], headers: tuple[str, ...] | list[str] = HEADERS) -> BytesIO:
    """An .xlsx with ``headers`` in row 1 and one row per dict (missing keys stay empty)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党员信息"
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "党员.xlsx"
    return buffer
