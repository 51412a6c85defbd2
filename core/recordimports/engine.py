"""The shared pipeline: read the workbook, parse every row, check, diff, preview or write — all or nothing.

Validation streams (openpyxl read-only) and keeps only the parsed items;
any bad row means nothing is written and every bad row is reported.  A file
that changes records already there stops at a preview (N new, M changed
with old → new, K unchanged) until its digest is confirmed; a file that only
adds writes at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied

from core.dblocks import patient
from core.importjobs import ImportJobStatus
from core.xlsx import ImportRejected, RowError, cell_text, inflated_size_error

from .kinds import Change, ImportKind, Row
from .reader import XlsxReader

#: Changes kept for the preview page (the counts are always complete).
PREVIEW_KEPT = 500
#: Bad rows kept, with their values, for errors.xlsx.
BAD_ROWS_KEPT = 10_000
CHANGED_SINCE_PREVIEW = (
    "预览之后数据已有变动（他人修改或新增了相关记录），未写入任何数据，请重新导入以查看最新的变更"
)

Progress = Callable[[str, int, int], None]
Source = str | IO[bytes]


@dataclass
class RecordImportReport:
    """An import's outcome: the errors, or the counts (and the preview when it awaits a confirmation)."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    created: int = 0
    updated: int = 0
    #: [[row, label, [[column, old, new], …]], …] — the first PREVIEW_KEPT changes
    preview: list[list[Any]] = field(default_factory=list)
    digest: str = ""
    needs_confirmation: bool = False
    #: {sheet: {"headers": [...], "rows": [[row number, [cell text …]], …]}} — the bad rows, for errors.xlsx
    bad_rows: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row, e.column))


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


class Workbook:
    """The declared sheets of an uploaded file, each streamed as ``Row``s (``reader.XlsxReader``)."""

    def __init__(self, kind: ImportKind, source: Source):
        self.kind = kind
        self.errors: list[RowError] = []
        self.total = 0
        self.found: dict[str, str] = {}  # the kind's sheet title → the file's sheet title
        self.book: XlsxReader | None = None
        refused = inflated_size_error(source)
        if refused:
            self.errors.append(refused)
            return
        try:
            self.book = XlsxReader(source)
        except Exception as exc:  # not a zip, not a workbook, a part missing or malformed
            self.errors.append(
                RowError(0, "", f"无法读取文件，请上传 .xlsx 格式的 Excel 文件（{type(exc).__name__}）")
            )
            return
        titles = self.book.sheetnames
        for sheet in kind.sheets:
            if sheet.title in titles:
                self.found[sheet.title] = sheet.title
            elif len(kind.sheets) == 1 and titles:
                self.found[sheet.title] = titles[0]
            elif not sheet.optional:
                self.errors.append(RowError(0, "", f"缺少工作表“{sheet.title}”（请使用导入模板）"))
        for title in self.found.values():
            self.total += max(self.book.dimension_rows(title) - 1, 0)

    def close(self) -> None:
        if self.book is not None:
            self.book.close()

    def column_name(self, sheet: str, header: str) -> str:
        """A column as errors name it: the sheet too when the kind has several."""
        return f"{sheet}·{header}" if len(self.kind.sheets) > 1 and header else header

    def _sheet_rows(self, title: str) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
        rows = self.book.rows(self.found[title])  # type: ignore[union-attr]
        first = next(rows, None)
        if first is None or first[0] != 1:
            return [], rows
        return [cell_text(h) for h in first[1]], rows

    def rows(self) -> Iterator[Row]:
        for sheet in self.kind.sheets:
            if sheet.title not in self.found:
                continue
            found, values = self._sheet_rows(sheet.title)
            missing = [h for h in sheet.required if h not in found]
            if missing:
                self.errors.extend(
                    RowError(1, self.column_name(sheet.title, h), "缺少该列（请使用导入模板）")
                    for h in missing
                )
                continue
            index = {h: found.index(h) for h in sheet.headers if h in found}
            for number, cells in values:
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                    continue
                width = len(cells)
                yield Row(
                    sheet.title, number, {h: (cells[i] if i < width else None) for h, i in index.items()}
                )

    def bad_rows(self, wanted: dict[str, set[int]]) -> dict[str, Any]:
        """The bad rows' cells as text, read again, per sheet (at most BAD_ROWS_KEPT)."""
        out: dict[str, Any] = {}
        kept = 0
        for sheet in self.kind.sheets:
            numbers = wanted.get(sheet.title)
            if not numbers or self.book is None or sheet.title not in self.found:
                continue
            headers, values = self._sheet_rows(sheet.title)
            rows: list[list[Any]] = []
            for number, cells in values:
                if number in numbers and kept < BAD_ROWS_KEPT:
                    rows.append([number, [_as_text(v) for v in cells]])
                    kept += 1
            out[sheet.title] = {"headers": headers, "rows": rows}
        return out


def _as_text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value)[:10]
    return cell_text(value)


# ---------------------------------------------------------------------------
# The digest of what a file changes
# ---------------------------------------------------------------------------


def preview_of(change: Change) -> list[Any]:
    return [change.row, change.label, [list(f) for f in change.fields]]


def digest_of(new: int, unchanged: int, changes: list[Change]) -> str:
    """What the file would do, as a fingerprint: confirming a preview writes only if it is still so."""
    h = hashlib.sha256(f"{new}|{unchanged}|{len(changes)}".encode())
    for change in changes:
        h.update(json.dumps(preview_of(change), ensure_ascii=False, default=str).encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------


def run_import(
    kind: ImportKind,
    *,
    actor: Any,
    source: Source,
    progress: Progress | None = None,
    confirmed_digest: str | None = None,
) -> RecordImportReport:
    """Import ``source`` as ``kind`` for ``actor``: every error, or a preview, or everything written.

    ``confirmed_digest`` is the preview's digest the importer confirmed ("*"
    writes whatever the file changes: the command's ``--confirm``).
    """
    own = kind.run(actor=actor, source=source, progress=progress, confirmed_digest=confirmed_digest)
    if own is not None:  # a kind with its own importer (members, organizations)
        return own
    if not kind.may_import(actor):
        raise PermissionDenied(f"当前账号不能导入{kind.label}")
    report = RecordImportReport()
    book = Workbook(kind, source)
    try:
        if book.errors:
            report.errors = book.errors
            return report
        if progress is not None:
            progress(ImportJobStatus.VALIDATING, 0, book.total)
        context = kind.begin(actor)
        items, errors, sheet_of = _parse(kind, book, context, progress)
        report.rows = len(items) + len({(sheet_of.get(e.row, ""), e.row) for e in errors})
        errors = book.errors + errors
        if not errors and not items:
            errors = [RowError(0, "", "文件中没有数据行")]
        if items and not book.errors:
            # The rules across rows run on every row that parsed, so one upload lists every bad row.
            errors += kind.check(items, context)
        if errors:
            report.errors = sorted_errors([_named(book, e, sheet_of) for e in errors])
            report.bad_rows = book.bad_rows(_bad_numbers(kind, book, report.errors))
            return report
    finally:
        book.close()
    diff = kind.diff(items, context)
    del items
    report.new, report.changed, report.unchanged = len(diff.new), len(diff.changed), diff.unchanged
    report.preview = [[row, f"提示：{message}", []] for row, message in diff.warnings]
    report.preview += [preview_of(c) for c in diff.changed[:PREVIEW_KEPT]]
    report.digest = digest_of(report.new, report.unchanged, diff.changed)
    if (diff.changed or diff.warnings) and confirmed_digest not in ("*", report.digest):
        report.needs_confirmation = True
        if confirmed_digest:  # the confirmation of a preview that no longer holds
            report.errors = [RowError(0, "", CHANGED_SINCE_PREVIEW)]
        return report
    if progress is not None:
        progress(ImportJobStatus.WRITING, report.rows, report.rows)
    try:
        with patient():  # a worker waits for the write lock as long as it takes
            report.created, report.updated = kind.write(diff, actor=actor, context=context)
    except ImportRejected as exc:
        report.errors = sorted_errors(exc.errors)
    return report


def _parse(
    kind: ImportKind, book: Workbook, context: Any, progress: Progress | None
) -> tuple[list[Any], list[RowError], dict[int, str]]:
    """Items and errors; the sheet of each erring row number (several sheets may reuse a number)."""
    current: list[Row] = []
    count = 0

    def rows() -> Iterator[Row]:
        nonlocal count
        for row in book.rows():
            current[:] = [row]
            count += 1
            if progress is not None and count % kind.tick_every == 0:
                progress(ImportJobStatus.VALIDATING, count, max(book.total, count))
            yield row

    items: list[Any] = []
    errors: list[RowError] = []
    sheet_of: dict[int, str] = {}
    for out in kind.parse(rows(), context):
        if isinstance(out, RowError):
            sheet = current[0].sheet if current and current[0].number == out.row else kind.sheets[0].title
            sheet_of.setdefault(out.row, sheet)
            errors.append(RowError(out.row, book.column_name(sheet, out.column), out.message))
        else:
            items.append(out)
    if progress is not None:
        progress(ImportJobStatus.VALIDATING, count, count)
    return items, errors, sheet_of


def _named(book: Workbook, error: RowError, sheet_of: dict[int, str]) -> RowError:
    """An error from ``check`` names its column without the sheet: add it (parse errors have it)."""
    if len(book.kind.sheets) < 2 or "·" in error.column or not error.column:
        return error
    # The column tells the sheet when only one sheet has it; a header both sheets share (the
    # session key) falls back to the sheet the row number erred on while parsing, then the first.
    having = [sheet.title for sheet in book.kind.sheets if error.column in sheet.headers]
    sheet = having[0] if len(having) == 1 else sheet_of.get(error.row, book.kind.sheets[0].title)
    return RowError(error.row, book.column_name(sheet, error.column), error.message)


def _bad_numbers(kind: ImportKind, book: Workbook, errors: list[RowError]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for error in errors:
        if error.row < 2:
            continue
        sheet = kind.sheets[0].title
        if "·" in error.column:
            sheet = error.column.split("·", 1)[0]
        wanted.setdefault(sheet, set()).add(error.row)
    return wanted


def errors_workbook(kind: ImportKind | None, errors: list[list[Any]], bad_rows: dict[str, Any]) -> bytes:
    """errors.xlsx: per sheet the bad rows as uploaded plus 错误说明; then every error, one per line."""
    from core.sheets import ColumnSpec, Sheet, write_workbook

    messages: dict[tuple[str, int], list[str]] = {}
    first = kind.sheets[0].title if kind and kind.sheets else ""
    for row, column, message in errors:
        sheet, _, col = (column or "").rpartition("·")
        sheet = sheet or first
        messages.setdefault((sheet, row or 0), []).append(f"“{col}”列：{message}" if col else message)
    sheets: list[Sheet] = []
    for title, data in (bad_rows or {}).items():
        headers = [h or f"第{i + 1}列" for i, h in enumerate(data.get("headers") or [])]
        width = len(headers)
        rows = (
            [
                *cells[:width],
                *[""] * (width - len(cells)),
                "；".join(messages.get((title, number), [])),
                number,
            ]
            for number, cells in data.get("rows") or []
        )
        # The sheet keeps its title and columns, so the corrected rows re-import as they are.
        sheets.append(Sheet(title, [*headers, ColumnSpec("错误说明", width=60), "原行号"], rows))
    listing = ([row or "", column or "（整个文件）", message] for row, column, message in errors)
    sheets.append(Sheet("错误明细", ["行号", "列", ColumnSpec("错误说明", width=70)], listing))
    return write_workbook(*sheets)


def bad_rows_of(kind: ImportKind, source: Source, errors: list[RowError]) -> dict[str, Any]:
    """The bad rows of a file another importer checked (members, organizations), for errors.xlsx."""
    book = Workbook(kind, source)
    try:
        return {} if book.errors else book.bad_rows(_bad_numbers(kind, book, errors))
    finally:
        book.close()
