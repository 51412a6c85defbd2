"""The organization sheet as a kind of the shared record importer (core.recordimports).

The organization import keeps its reader and writer (``organizations.importers``:
new organizations only, parents in any order, all or nothing); this kind
hands a file to it and reports in the shared form, so ``import_records
organizations FILE`` and the /imports/ pages serve it too.  Its export lists
the organizations in the template's columns; organizations already there are
refused on import (the sheet creates, it does not update: renames, moves and
closings are dated events with their own pages).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.recordimports import Column, ImportKind, ImportSheet, RecordImportReport, bad_rows_of

from .choices import OrgKind
from .importers import REQUIRED, TEMPLATE_COLUMNS, import_orgs, template_workbook
from .models import Organization


class OrganizationsKind(ImportKind):
    """党组织: new organizations of the tree, under parents already there or in the same sheet."""

    key = "organizations"
    label = "党组织"
    group = "组织"
    sheets = (
        ImportSheet(
            "党组织信息",
            tuple(
                Column(c.header, required=c.header in REQUIRED, choices=c.choices, kind=c.kind, width=c.width)
                for c in TEMPLATE_COLUMNS
            ),
        ),
    )
    notes = ("每行一个新党组织；上级党组织为系统中已有的或本表中另一行的党组织，且须在您的管理范围内。",)

    def run(
        self, *, actor: Any, source: Any, progress: Any, confirmed_digest: str | None
    ) -> RecordImportReport:
        found = import_orgs(source, actor=actor, progress=progress)
        report = RecordImportReport(
            errors=found.errors, rows=found.rows, new=found.created, created=found.created
        )
        if report.errors:
            if hasattr(source, "seek"):
                source.seek(0)
            report.bad_rows = bad_rows_of(self, source, report.errors)
        return report

    def template(self) -> bytes:
        return template_workbook()

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        orgs = Organization.objects.visible_to(user).select_related("parent").order_by("path")
        rows = (
            [
                org.code,
                org.name,
                org.get_kind_display(),
                org.get_category_display(),
                org.parent.code if org.parent_id else "",
                org.established_on,
                org.get_form_display() if org.kind == OrgKind.BRANCH else "",
                org.covered_units,
            ]
            for org in orgs.iterator(chunk_size=2000)
        )
        return {"党组织信息": rows}
