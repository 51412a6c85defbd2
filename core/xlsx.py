"""Spreadsheet plumbing shared by every import, and the download response of every export.

Imports read ``.xlsx`` with openpyxl in read-only mode (rows stream, memory
stays bounded), map Chinese headers to fields and collect *every* bad row
before anything is written.  Templates and exports are written by
:mod:`core.sheets` (layout, cell types, print setup, dropdowns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from zipfile import BadZipFile, ZipFile

from django.conf import settings
from django.http import HttpResponse
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# The prefixes the writer neutralises, for the import to take the neutralising quote off again.
from .sheets import FORMULA_PREFIXES as FORMULA_PREFIXES

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    """One problem in one row (row 0: the file or the header row)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        col = f"“{self.column}”列" if self.column else ""
        return f"{where}{col}：{self.message}"


@dataclass
class ImportReport:
    """The outcome of an all-or-nothing import."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Exception):
    """Raised inside the import transaction so nothing is written; carries every error."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} 处错误")
        self.errors = errors


#: An .xlsx is a zip; openpyxl inflates its shared strings into memory even in
#: read-only mode, so a small "zip bomb" could exhaust it.  100,000 members
#: take about 10 MB inflated; refuse anything past this before opening it
#: (settings.IMPORT_MAX_INFLATED_BYTES, env IMPORT_MAX_INFLATED_MB, overrides it).
MAX_INFLATED_BYTES = 400 * 1024 * 1024
#: A spreadsheet has a dozen entries; thousands are a bomb of many small ones.
MAX_ENTRIES = 1000
#: Real sheets deflate about 5–30:1; a bomb's filler deflates 1000:1.  Checked
#: only on entries big enough to matter, so a tiny repetitive part never trips it.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024


def max_inflated_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_INFLATED_BYTES", MAX_INFLATED_BYTES)


def inflated_size_error(source: str | IO[bytes]) -> RowError | None:
    """Refuse a zip that would inflate too far, judged from its central directory alone.

    Nothing is decompressed here.  The declared sizes can be trusted as a bound:
    Python's zipfile (which openpyxl reads through) never yields more than an
    entry's declared size and fails its CRC check if the data was longer.
    """
    limit = max_inflated_bytes()
    try:
        with ZipFile(source) as archive:
            entries = archive.infolist()
    except (BadZipFile, OSError, ValueError):
        return None  # not a zip: load_workbook reports it as unreadable
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    too_big = f"文件解压后超过{limit // 1024 // 1024} MB，请拆分后分批导入"
    if sum(info.file_size for info in entries) > limit:
        return RowError(0, "", too_big)
    if len(entries) > MAX_ENTRIES:
        return RowError(0, "", f"文件包含的部件超过{MAX_ENTRIES}个，不是正常的 Excel 文件，请重新保存后导入")
    for info in entries:
        if info.file_size >= RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return RowError(
                0, "", f"文件压缩比异常（超过{MAX_RATIO}:1），不是正常的 Excel 文件，请重新保存后导入"
            )
    return None


_inflated_size_error = inflated_size_error  # the name the first callers used


def load_checked_workbook(source: str | IO[bytes], **options: Any) -> Any:
    """openpyxl's load_workbook after the zip-directory check; raises ValueError with its message."""
    refused = inflated_size_error(source)
    if refused:
        raise ValueError(refused.message)
    return load_workbook(source, **options)


def open_rows(
    source: str | IO[bytes], headers: Sequence[str], required: Sequence[str] = ()
) -> tuple[Iterator[tuple[int, dict[str, Any]]], list[RowError]]:
    """Stream the first sheet as (row number, {header: value}) from the row after the header.

    Returns the row iterator and the header errors (missing required columns,
    an unreadable file).  Unknown columns are ignored; blank rows are skipped.
    """
    refused = inflated_size_error(source)
    if refused:
        return iter(()), [refused]
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        return iter(()), [
            RowError(0, "", f"无法读取文件，请上传 .xlsx 格式的 Excel 文件（{type(exc).__name__}）")
        ]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header_row = next(rows)
    except StopIteration:
        wb.close()
        return iter(()), [RowError(0, "", "文件为空，没有表头")]
    found = [str(h).strip() if h is not None else "" for h in header_row]
    missing = [h for h in required if h not in found]
    if missing:
        wb.close()
        return iter(()), [RowError(1, h, "缺少该列（请使用导入模板）") for h in missing]
    index = {h: found.index(h) for h in headers if h in found}

    def iterate() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, values in enumerate(rows, start=2):
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield number, {h: (values[i] if i < len(values) else None) for h, i in index.items()}
        finally:
            wb.close()

    return iterate(), []


def cell_text(value: Any) -> str:
    """A cell as trimmed text ('' for empty); whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_date(value: Any) -> dt.date | None:
    """A date cell (a real date, or text like 2020-07-01 / 2020/7/1 / 2020年7月1日).

    Raises ValueError with a Chinese message for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (
        str(value)
        .strip()
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        raise ValueError(f"日期格式不正确：{value}（应为 2020-07-01）") from None


def cell_bool(value: Any) -> bool:
    """是/否, Y/N, 1/0, TRUE/FALSE; empty is 否."""
    text = cell_text(value).upper()
    if text in ("", "否", "N", "NO", "0", "FALSE", "F"):
        return False
    if text in ("是", "Y", "YES", "1", "TRUE", "T"):
        return True
    raise ValueError(f"应填“是”或“否”，实际为：{value}")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment download whose Chinese file name survives every browser."""
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
