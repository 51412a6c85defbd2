"""The one spreadsheet writer: every template and export opens ready to read and to print.

Each sheet gets, without its caller asking:

- column widths from the content (a CJK character counts two), an ID number
  column 22 wide, a date column 12, a date-time 17;
- the header row bold, frozen, and under an autofilter;
- dates as date cells (``yyyy-mm-dd``), aware date-times in local time, money
  with two decimals, ID numbers as text (``@``: Excel, WPS and LibreOffice
  never turn them into 4.4E+17 or drop the last digits), any other value as
  text; a text cell that would run as a formula is neutralised;
- print setup: A4, landscape when the columns are wider than a portrait page,
  the header row repeated on every page, fitted to the page width, the page
  number in the footer;
- a Chinese sheet name (the caller's, at most 31 characters);
- a dropdown (data validation) for every column with ``choices``, its list on
  a hidden sheet 选项, so a template refuses 党支布 and shows the allowed values.

Rows stream (openpyxl's write-only mode): only the first ``SAMPLE_ROWS`` are
held to measure the widths, so a 100,000-member export stays in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Column kinds.
AUTO = "auto"  # by the header (an ID number, a …日期) and the values (dates, date-times, money)
TEXT = "text"
ID = "id"  # a resident ID number: text, 22 wide
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
MONEY = "money"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"
FIXED_WIDTHS = {ID: 22, DATE: 12, DATETIME: 17}
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Rows read ahead to measure the columns; the rest stream straight to the file.
SAMPLE_ROWS = 500
#: Wider than this (in Excel's character units) prints landscape; A4 portrait holds about 90.
PORTRAIT_WIDTH = 95
#: The hidden sheet holding the dropdowns' lists.
CHOICES_SHEET = "选项"
#: Rows of a template (an empty sheet) that the dropdowns and column formats cover.
TEMPLATE_ROWS = 5000
ID_HEADER_WORDS = ("身份号码", "身份证")
DATE_HEADER_ENDINGS = ("日期",)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=False)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a sheet: its header, what kind of value it holds, an optional width and dropdown."""

    header: str
    kind: str = AUTO
    width: float | None = None  # None: measured from the header and the values
    choices: tuple[str, ...] = ()  # a dropdown of these values (templates, and exports that re-import)
    error: str = ""  # the dropdown's message for a value not in the list


@dataclass
class Sheet:
    """A sheet to write: a Chinese title, its columns, its rows (any iterable; streamed)."""

    title: str
    columns: Sequence[ColumnSpec | str]
    rows: Iterable[Sequence[Any]] = ()
    autofilter: bool = True
    hidden: bool = False
    #: printed at the top of every page (a statistics table's 表名 and 统计期); the sheet itself
    #: keeps its header in row 1 so it sorts, filters and re-imports like every other sheet
    print_header: str = ""

    @property
    def specs(self) -> list[ColumnSpec]:
        return [c if isinstance(c, ColumnSpec) else ColumnSpec(c) for c in self.columns]


def neutralise(value: Any) -> Any:
    """Make a text cell inert: a leading = + - @ would run as a formula in Excel/WPS."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: CJK and full-width ones take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _kind_of(spec: ColumnSpec, sample: list[Sequence[Any]], index: int) -> str:
    if spec.kind != AUTO:
        return spec.kind
    if any(word in spec.header for word in ID_HEADER_WORDS):
        return ID
    if spec.header.endswith(DATE_HEADER_ENDINGS):  # a date column, even while it is empty
        return DATE
    values = [row[index] for row in sample if index < len(row) and row[index] not in (None, "")]
    if values and all(isinstance(v, dt.datetime) for v in values):
        return DATETIME
    if values and all(isinstance(v, dt.date) for v in values):
        return DATE
    if values and all(isinstance(v, Decimal) for v in values):
        return MONEY
    return AUTO


def _shown(value: Any, kind: str) -> str:
    """The text a cell shows, to measure it."""
    if value is None:
        return ""
    if kind == MONEY or isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


def _width(spec: ColumnSpec, kind: str, sample: list[Sequence[Any]], index: int) -> float:
    if spec.width is not None:
        return spec.width
    if kind in FIXED_WIDTHS:
        return max(FIXED_WIDTHS[kind], display_width(spec.header) + 3)
    widest = display_width(spec.header) + 1  # bold, and the filter button beside it
    for value in (*spec.choices, *(row[index] for row in sample if index < len(row))):
        longest_line = max(_shown(value, kind).split("\n"), key=display_width, default="")
        widest = max(widest, display_width(longest_line))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))


def _cell_value(value: Any) -> Any:
    """A value openpyxl can write: local naive date-times, inert text, anything else as its text."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


class _Writer:
    """Writes one workbook; collects every dropdown list onto the hidden 选项 sheet at the end."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        # choices → (the first header using them, the range on 选项 holding them)
        self.lists: dict[tuple[str, ...], tuple[str, str]] = {}

    def choices_range(self, spec: ColumnSpec) -> str:
        if spec.choices not in self.lists:
            letter = get_column_letter(len(self.lists) + 1)
            cells = f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(spec.choices) + 1}"
            self.lists[spec.choices] = (spec.header, cells)
        return self.lists[spec.choices][1]

    def header_cell(self, ws: Worksheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill, cell.border, cell.alignment = (
            HEADER_FONT,
            HEADER_FILL,
            HEADER_BORDER,
            HEADER_ALIGNMENT,
        )
        return cell

    def add(self, sheet: Sheet) -> None:
        ws = self.workbook.create_sheet(title=sheet.title[:31])
        specs = sheet.specs
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        kinds = [_kind_of(spec, sample, i) for i, spec in enumerate(specs)]
        widths = [
            _width(spec, kind, sample, i) for i, (spec, kind) in enumerate(zip(specs, kinds, strict=True))
        ]
        last = get_column_letter(max(len(specs), 1))

        # Everything before the rows: column widths and formats, the frozen header, print setup.
        for index, (kind, width) in enumerate(zip(kinds, widths, strict=True), start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = width
            if kind == ID:
                dimension.number_format = TEXT_FORMAT
            elif kind == DATE:
                dimension.number_format = DATE_FORMAT
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        if sheet.print_header:
            ws.oddHeader.center.text = sheet.print_header
        if sheet.hidden:
            ws.sheet_state = "hidden"

        ws.append([self.header_cell(ws, spec.header) for spec in specs])
        count = 0
        for row in itertools.chain(sample, rows):
            ws.append(self._cells(ws, row, kinds))
            count += 1

        if sheet.autofilter and specs:
            ws.auto_filter.ref = f"A1:{last}{count + 1}"
        bottom = max(count + 1, TEMPLATE_ROWS)
        for index, spec in enumerate(specs, start=1):
            if spec.choices:
                letter = get_column_letter(index)
                validation = DataValidation(
                    type="list",
                    formula1=self.choices_range(spec),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="输入有误",
                    error=spec.error or f"请从下拉列表中选择{spec.header}",
                )
                validation.add(f"{letter}2:{letter}{bottom}")
                ws.data_validations.append(validation)

    def _cells(self, ws: Worksheet, row: Sequence[Any], kinds: list[str]) -> Iterator[Any]:
        # Per cell, so the common case (plain text) goes first and costs one type check.
        for value, kind in zip(row, itertools.chain(kinds, itertools.repeat(AUTO)), strict=False):
            if value.__class__ is not str or kind in (ID, TEXT):
                value = _cell_value(value)
            elif value.startswith(FORMULA_PREFIXES):
                value = "'" + value
            else:
                yield value
                continue
            if value is None:
                yield None
            elif kind == ID or (kind == TEXT and not isinstance(value, dt.date | int | float | Decimal)):
                yield self._styled(ws, str(value), TEXT_FORMAT)  # an ID number is text, whatever it came as
            elif isinstance(value, dt.datetime):
                yield self._styled(ws, value, DATETIME_FORMAT)
            elif isinstance(value, Decimal):
                yield self._styled(ws, value, MONEY_FORMAT)
            else:
                yield value  # dates get yyyy-mm-dd from openpyxl itself

    @staticmethod
    def _styled(ws: Worksheet, value: Any, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell

    def finish(self) -> bytes:
        if self.lists:
            ws = self.workbook.create_sheet(title=CHOICES_SHEET)
            ws.sheet_state = "hidden"
            ws.append([header for header, _cells in self.lists.values()])
            for values in itertools.zip_longest(*self.lists):
                ws.append(list(values))
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def write_workbook(*sheets: Sheet) -> bytes:
    """An .xlsx of ``sheets`` in order (plus the hidden 选项 sheet when a column has choices)."""
    writer = _Writer()
    for sheet in sheets:
        writer.add(sheet)
    return writer.finish()


def build_workbook(
    sheets: Iterable[tuple[str, Sequence[str | ColumnSpec], Iterable[Sequence[Any]]]],
) -> bytes:
    """The short form: one sheet per (title, headers, rows)."""
    return write_workbook(*(Sheet(title, headers, rows) for title, headers, rows in sheets))
