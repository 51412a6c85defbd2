"""Shared spreadsheet helpers: unreadable and oversized files are refused before parsing."""

import io
import zipfile

from openpyxl import Workbook

from core import xlsx
from core.sheets import neutralise


def _workbook_bytes(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_rows_stream_with_their_row_numbers():
    data = _workbook_bytes([["姓名", "性别"], ["张三", "男"], [None, None], ["李四", "女"]])
    rows, errors = xlsx.open_rows(io.BytesIO(data), ["姓名", "性别"], ["姓名"])
    assert errors == []
    assert list(rows) == [(2, {"姓名": "张三", "性别": "男"}), (4, {"姓名": "李四", "性别": "女"})]


def test_a_file_that_is_not_a_spreadsheet_is_one_error():
    rows, errors = xlsx.open_rows(io.BytesIO(b"not a zip"), ["姓名"], ["姓名"])
    assert list(rows) == [] and "无法读取文件" in errors[0].message


def test_a_file_that_inflates_past_the_limit_is_refused_unopened(settings):
    settings.IMPORT_MAX_INFLATED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "a" * 5000)
    rows, errors = xlsx.open_rows(io.BytesIO(buffer.getvalue()), ["姓名"], ["姓名"])
    assert list(rows) == [] and "解压后超过" in errors[0].message


def test_formula_cells_are_neutralised():
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("+1") == "'+1" and neutralise("@x") == "'@x" and neutralise("-3") == "'-3"
    assert neutralise("正常") == "正常" and neutralise(5) == 5
