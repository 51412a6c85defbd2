"""What an import kind declares: its sheets and columns, how a row is read, what it changes, how it writes.

A kind is a subclass of :class:`ImportKind` registered from its app's
``AppConfig.ready()`` (:func:`register_kind`); the page, the task, the
preview, the error listing, ``errors.xlsx``, the template, the export and the
``import_records`` command are the framework's (:mod:`.engine`, :mod:`.jobs`,
:mod:`.views`).  Core imports no app: it knows a kind only through this class.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from core import sheets
from core.scopes import can_write
from core.xlsx import RowError


@dataclass(frozen=True)
class Column:
    """One column of an import sheet: its header, whether it must be filled, a dropdown, its help line."""

    header: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    example: str = ""
    kind: str = sheets.AUTO  # core.sheets kinds: ID, DATE, MONEY … (AUTO guesses from the header)
    width: float | None = None

    @property
    def spec(self) -> sheets.ColumnSpec:
        return sheets.ColumnSpec(self.header, kind=self.kind, width=self.width, choices=self.choices)


@dataclass(frozen=True)
class ImportSheet:
    """A sheet of the workbook: its Chinese title and columns.

    ``optional``: a file may leave the sheet out (a sign-in sheet of one
    session is just the attendance sheet).  A kind with one sheet reads the
    first sheet of the file whatever its title.
    """

    title: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


@dataclass(frozen=True)
class Row:
    """One data row as read: its sheet, its row number in the file, {header: cell value}."""

    sheet: str
    number: int
    values: dict[str, Any]

    def __getitem__(self, header: str) -> Any:
        return self.values.get(header)

    def __contains__(self, header: str) -> bool:
        # Without it ``"列" in row`` would fall back to __getitem__(0), (1), … and never end.
        return header in self.values


class RowProblem(Exception):
    """Raised by ``parse_row``: the row is refused, naming its column (or several problems at once)."""

    def __init__(self, column: str = "", message: str = "", *, problems: Sequence[tuple[str, str]] = ()):
        self.problems = list(problems) or [(column, message)]
        super().__init__("；".join(m for _, m in self.problems))


@dataclass
class Change:
    """A row that changes a record already there: who or what, and each field's old and new value."""

    row: int
    label: str  # e.g. 张三 110…（2026年3月）, as the preview shows it
    fields: list[tuple[str, str, str]]  # (column, old, new) as text
    item: Any = None  # the parsed row
    existing: Any = None  # the record it changes


@dataclass
class Diff:
    """The file against the records: rows that add, rows that change, rows already so."""

    new: list[Any] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: (row, message): what the page would warn of after saving (优秀 over one third); shown in the
    #: preview, so a file with a warning stops there until confirmed, but it is not an error
    warnings: list[tuple[int, str]] = field(default_factory=list)


class ImportKind:
    """A record kind that comes in from (and goes out to) a workbook.  Subclass, fill in, register.

    Required: ``key``, ``label``, ``sheets``, ``parse_row``, ``diff``, ``write``,
    ``export_rows``.  The rest has defaults.  Items (what ``parse_row``
    returns) are the kind's own objects; they need a ``row`` attribute (the
    file's row number), used for errors found after parsing.
    """

    #: URL and command key: ``/imports/<key>/``, ``import_records <key> FILE``
    key: ClassVar[str] = ""
    #: Chinese name: 党费交纳记录
    label: ClassVar[str] = ""
    sheets: ClassVar[tuple[ImportSheet, ...]] = ()
    #: Lines at the top of the 说明 sheet (what a row is, what updates, what is refused)
    notes: ClassVar[tuple[str, ...]] = ()
    #: Where the kind belongs in the 数据导入 list (the app's name: 党费, 培训 …)
    group: ClassVar[str] = ""
    #: Rows parsed between two progress ticks
    tick_every: ClassVar[int] = 2000

    # --- who ----------------------------------------------------------------------------------

    def may_import(self, user: Any) -> bool:
        """Whether ``user`` may import this kind at all (the rows are checked against their scope)."""
        return can_write(user)

    def may_export(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    # --- reading ------------------------------------------------------------------------------

    def begin(self, user: Any) -> Any:
        """The lookups every row needs, loaded once (the user's scope, choices …); passed to every step."""
        return None

    def parse_row(self, row: Row, context: Any) -> Any:
        """One row → an item; raise ``RowProblem`` (or ``ValidationError``) to refuse it.  None skips it."""
        raise NotImplementedError

    def parse(self, rows: Iterable[Row], context: Any) -> Iterator[Any]:
        """Every row → an item or ``RowError``s.  Override for a kind whose rows depend on each other."""
        for row in rows:
            try:
                item = self.parse_row(row, context)
            except RowProblem as exc:
                for column, message in exc.problems:
                    yield RowError(row.number, column, message)
                continue
            except ValidationError as exc:
                for message in exc.messages:
                    yield RowError(row.number, "", message)
                continue
            if item is not None:
                yield item

    def check(self, items: list[Any], context: Any) -> list[RowError]:
        """Rules across rows and against the database that parse_row did not check (duplicates …)."""
        return []

    def diff(self, items: list[Any], context: Any) -> Diff:
        """Sort the items into new / changed (with the changed fields) / unchanged."""
        raise NotImplementedError

    # --- writing ------------------------------------------------------------------------------

    def write(self, diff: Diff, *, actor: Any, context: Any) -> tuple[int, int]:
        """Write the new and changed rows, all or nothing, with audit rows; returns (created, updated).

        Prepare outside any transaction, then insert/update inside one
        (``transaction.atomic``); raise ``core.xlsx.ImportRejected`` to refuse
        (a concurrent change found under the lock) — nothing is written.
        """
        raise NotImplementedError

    def run(self, *, actor: Any, source: Any, progress: Any, confirmed_digest: str | None) -> Any:
        """None: the shared pipeline.  A kind with an importer of its own returns its RecordImportReport."""
        return None

    # --- files --------------------------------------------------------------------------------

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        """{sheet title: rows in the sheet's column order} of what ``user`` may see, for ``export``."""
        raise NotImplementedError

    def help_rows(self) -> list[list[str]]:
        """The 说明 sheet: the notes, then one line per column (sheet, 列名, 是否必填, 填写要求, 示例)."""
        rows: list[list[str]] = [["", "", "", note, ""] for note in self.notes]
        for sheet in self.sheets:
            for column in sheet.columns:
                rows.append(
                    [
                        sheet.title,
                        column.header,
                        "必填" if column.required else "选填",
                        column.help,
                        column.example,
                    ]
                )
        return rows

    def template(self) -> bytes:
        """The empty workbook: the data sheets with dropdowns, then 说明."""
        return self.workbook({})

    def export(self, user: Any, filters: dict[str, Any] | None = None) -> bytes:
        """The records ``user`` may see in the template's layout, so the file re-imports."""
        return self.workbook(self.export_rows(user, filters or {}))

    def workbook(self, rows: dict[str, Iterable[Sequence[Any]]]) -> bytes:
        return sheets.write_workbook(
            *(sheets.Sheet(s.title, [c.spec for c in s.columns], rows.get(s.title, ())) for s in self.sheets),
            sheets.Sheet(
                HELP_SHEET,
                (
                    sheets.ColumnSpec("工作表", width=14),
                    sheets.ColumnSpec("列名", width=16),
                    sheets.ColumnSpec("是否必填", width=10),
                    sheets.ColumnSpec("填写要求", width=80),
                    sheets.ColumnSpec("示例", width=24, kind=sheets.TEXT),
                ),
                self.help_rows(),
                autofilter=False,
            ),
        )

    @property
    def file_stem(self) -> str:
        return self.label

    def key_of(self, item: Any) -> Hashable:  # pragma: no cover - a helper kinds may use
        return getattr(item, "key", None)


HELP_SHEET = "说明"

# ---------------------------------------------------------------------------
# The registry the apps fill from their AppConfig.ready()
# ---------------------------------------------------------------------------

_KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind | type[ImportKind]) -> ImportKind:
    """Register a kind (an instance or the class); registering the same key again replaces it."""
    instance = kind() if isinstance(kind, type) else kind
    if not instance.key or not instance.label or not instance.sheets:
        raise ValueError(f"{type(instance).__name__}: an import kind needs key, label and sheets")
    _KINDS[instance.key] = instance
    return instance


def unregister_kind(key: str) -> None:
    _KINDS.pop(key, None)


def get_kind(key: str) -> ImportKind | None:
    return _KINDS.get(key)


def all_kinds() -> list[ImportKind]:
    return list(_KINDS.values())


def kinds_for(user: Any) -> list[ImportKind]:
    """The kinds ``user`` may import, in registration order."""
    return [kind for kind in _KINDS.values() if kind.may_import(user)]
