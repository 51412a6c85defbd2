"""The member spreadsheet as a kind of the shared record importer (core.recordimports).

The member import keeps its own reader and writer (``members.services.imports``:
streaming, prepared writes, the 100,000-row figures); this kind hands a file
to it and reports in the shared form, so ``import_records members FILE``, the
/imports/ pages, their preview and errors.xlsx serve it too.  The member
pages (批量导入 under 党员) stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.recordimports import Column, ImportKind, ImportSheet, RecordImportReport, bad_rows_of

from .selectors.member import filter_members
from .services.imports import REQUIRED_HEADERS, build_template, export_members, import_members
from .services.imports.export import export_rows
from .services.imports.spec import COLUMNS


class MembersKind(ImportKind):
    """党员信息: the member roster's template; new members registered, registered ones updated."""

    key = "members"
    label = "党员信息"
    group = "党员"
    sheets = (
        ImportSheet(
            "党员信息",
            tuple(
                Column(
                    c.header,
                    required=c.header in REQUIRED_HEADERS,
                    choices=c.choices,
                    kind=c.kind,
                    width=c.width,
                )
                for c in COLUMNS
            ),
        ),
    )
    notes = (
        "每行一名党员；“所在党组织”填党组织代码或从县委起的完整名称路径，且须在您的管理范围内。",
        "公民身份号码已在您管理范围内登记的党员按表中内容更新，确认后才写入。",
    )

    def run(
        self, *, actor: Any, source: Any, progress: Any, confirmed_digest: str | None
    ) -> RecordImportReport:
        found = import_members(
            actor=actor, source=source, progress=progress, confirmed_digest=confirmed_digest
        )
        report = RecordImportReport(
            errors=found.errors,
            rows=found.rows,
            new=found.new,
            changed=found.changed,
            unchanged=found.unchanged,
            created=found.created,
            updated=found.updated,
            preview=[
                [row, f"{name} {id_number}", changes] for row, name, id_number, changes in found.preview
            ],
            digest=found.digest,
            needs_confirmation=found.needs_confirmation,
        )
        if report.errors and not isinstance(source, str | bytes) and hasattr(source, "seek"):
            source.seek(0)
        if report.errors:
            report.bad_rows = bad_rows_of(self, source, report.errors)
        return report

    def template(self) -> bytes:
        return build_template()

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        _form, members = filter_members(user, filters)
        return {"党员信息": export_rows(user, members)}

    def export(self, user: Any, filters: dict[str, Any] | None = None) -> bytes:
        _form, members = filter_members(user, filters or {})
        return export_members(user, members)
