"""The shared record-import framework: a kind declares its workbook and rules, the rest is here.

``kinds`` (the declaration an app subclasses and registers) → ``engine``
(read, parse, check, diff, preview or write, all or nothing) → ``jobs`` (the
task, the stored upload, the preview to confirm) → ``views`` (/imports/) and
the ``import_records`` command.  See docs/conventions.md, "An import kind".
"""

from .engine import RecordImportReport, bad_rows_of, errors_workbook, run_import
from .kinds import (
    Change,
    Column,
    Diff,
    ImportKind,
    ImportSheet,
    Row,
    RowProblem,
    all_kinds,
    get_kind,
    kinds_for,
    register_kind,
    unregister_kind,
)

__all__ = [
    "Change",
    "Column",
    "Diff",
    "ImportKind",
    "ImportSheet",
    "RecordImportReport",
    "Row",
    "RowProblem",
    "all_kinds",
    "bad_rows_of",
    "errors_workbook",
    "get_kind",
    "kinds_for",
    "register_kind",
    "run_import",
    "unregister_kind",
]
