"""Writing an imported file, all or nothing: new members in bulk, changed ones through ``member_update``.

The import reads the file twice, streaming both times (openpyxl read-only):

1. *validate* — every row is checked with no transaction open and nothing
   held in memory but the ID numbers seen so far, so a 100,000-row file
   stays small and the progress bar can be written (and read by other
   requests) as it goes.  A file that changes registered members stops
   here with a preview, until the importer confirms it;
2. *write* — only when pass 1 found nothing wrong: one transaction re-reads
   and re-validates each chunk of rows (another user may have registered
   or edited one of these members meanwhile) and bulk-inserts the new
   members, their history and their audit rows; each changed member goes
   through ``member_update``, the same audited service as the edit page.
   Any error raises :class:`ImportRejected` inside the transaction, so
   nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_mask_function, is_primitive
from auditlog.models import LogEntry
from auditlog.registry import auditlog as auditlog_registry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str

from core.audit import service
from core.scopes import can_write
from core.xlsx import ImportRejected, ImportReport, RowError

from ...choices import PeriodReason
from ...models import ImportJobStatus, Member, MemberPeriod
from ..member import member_update, write_initial_periods
from .parse import CHANGED, NEW, ParsedRow, classify, estimate_rows, fingerprint, scan, sorted_errors
from .spec import FIELD_COLUMNS, Progress, Source

#: Files up to this many rows are validated once and written from memory
#: (about 2 KB a row); larger ones are read a second time for the write
#: pass, so memory stays bounded whatever the size of the file.
KEEP_ROWS_IN_MEMORY = 20_000
CHANGED_SINCE_PREVIEW = "预览之后系统中的党员信息已有变动，未写入任何数据，请重新导入以查看最新的变更预览"


@dataclass
class MemberImportReport(ImportReport):
    """An import's outcome; with changed members and no confirmation, the preview to confirm."""

    updated: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    preview: list[list[Any]] = field(default_factory=list)
    digest: str = ""
    needs_confirmation: bool = False


def current_remote_addr() -> str | None:
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def _create_changes(obj: models.Model) -> dict[str, list[Any]]:
    """auditlog's "create" diff of ``obj``: its concrete fields, from None, masked as registered.

    auditlog's ``model_instance_diff`` also walks reverse relations, which
    costs a query per object for a reverse one-to-one and adds nothing to a
    creation; values and masking here are auditlog's own (``get_field_value``,
    the registered ``mask_fields`` and mask callable).
    """
    meta = obj._meta
    registered = auditlog_registry.get_model_fields(meta.model)
    mask = get_mask_function(registered.get("mask_callable"))
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    changes: dict[str, list[Any]] = {}
    for model_field in meta.concrete_fields:
        if model_field.name in registered["exclude_fields"] or (
            registered["include_fields"] and model_field.name not in registered["include_fields"]
        ):
            continue
        value = get_field_value(obj, model_field, use_json)
        if value is None:
            continue
        if model_field.name in registered["mask_fields"]:
            changes[model_field.name] = [mask(smart_str(None)), mask(smart_str(value))]
        elif use_json:
            changes[model_field.name] = [None, value if is_primitive(value) else smart_str(value)]
        else:
            changes[model_field.name] = ["None", smart_str(value)]
    return changes


def audit_entries(objects: Sequence[models.Model], actor: Any, remote_addr: str | None) -> list[LogEntry]:
    """The "create" LogEntry auditlog writes on save(), for rows inserted with bulk_create.

    bulk_create sends no signals, so auditlog never sees these rows.
    """
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0])
    cid = get_cid()
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    return [
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=str(obj),
            action=LogEntry.Action.CREATE,
            changes=_create_changes(obj),
            actor=user,
            actor_email=getattr(user, "email", None) or None,
            remote_addr=remote_addr,
            cid=cid,
            timestamp=now,
        )
        for obj in objects
    ]


def _insert(members: list[Member], actor: Any, remote_addr: str | None) -> None:
    if not members:
        return
    Member.objects.bulk_create(members)  # primary keys come back (RETURNING on SQLite and PostgreSQL)
    periods = [p for m in members for p in write_initial_periods(m, PeriodReason.REGISTERED)]
    MemberPeriod.objects.bulk_create(periods)
    LogEntry.objects.bulk_create(
        audit_entries(members, actor, remote_addr) + audit_entries(periods, actor, remote_addr)
    )


def _update(rows: list[ParsedRow], actor: Any) -> list[RowError]:
    """Each changed member through ``member_update`` (its rules, its lock-free save, its audit row)."""
    errors: list[RowError] = []
    for row in rows:
        assert row.existing is not None
        changes = dict(row.changes)
        if "party_group" in changes:
            # Not a profile field of the edit form; the resolver checked that
            # the 党小组 sits under the member's organization.  The save in
            # member_update writes it, and its audit row shows it.
            row.existing.party_group = changes.pop("party_group")
        try:
            member_update(actor=actor, member=row.existing, **changes)
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            for name, messages in items:
                errors.extend(RowError(row.number, FIELD_COLUMNS.get(name, ""), m) for m in messages)
    return errors


@dataclass
class _Written:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def _write_chunk(parsed: list[ParsedRow], actor: Any, remote_addr: str | None, written: _Written) -> None:
    _insert([r.member for r in parsed if r.kind == NEW and r.member is not None], actor, remote_addr)
    written.created += sum(1 for r in parsed if r.kind == NEW)
    changed = [r for r in parsed if r.kind == CHANGED]
    written.errors.extend(_update(changed, actor))
    written.updated += len(changed)


@service
def _import_write(
    *,
    actor: Any,
    source: Source,
    remote_addr: str | None,
    kept: list[list[ParsedRow]] | None,
    digest: str,
) -> _Written:
    """Pass 2, in one transaction: write every chunk; any error (raised) undoes it all.

    Rows kept from pass 1 are classified again now that the write lock is
    held; a larger file is read and validated again chunk by chunk.  Either
    way the result must be what pass 1 found (``digest``), or nothing is
    written: another user changed the register in between.
    """
    written = _Written()
    token = auditlog_value.set({**(auditlog_value.get(None) or {}), "remote_addr": remote_addr})
    try:
        if kept is None:
            result = scan(
                source, actor, on_chunk=lambda rows: _write_chunk(rows, actor, remote_addr, written)
            )
            errors, again = result.errors, result.digest
        else:
            errors = []
            rescan = hashlib.sha256()
            for parsed in kept:
                classify(parsed, actor)
                errors.extend(e for row in parsed for e in row.errors)
                if not errors:
                    for row in parsed:
                        fingerprint(rescan, row)
                    _write_chunk(parsed, actor, remote_addr, written)
            again = rescan.hexdigest()
    finally:
        auditlog_value.reset(token)
    errors = errors or written.errors
    if not errors and again != digest:
        errors = [RowError(0, "", CHANGED_SINCE_PREVIEW)]
    if errors:
        raise ImportRejected(sorted_errors(errors))
    return written


def import_members(
    *,
    actor: Any,
    source: Source,
    remote_addr: str | None = None,
    progress: Progress | None = None,
    confirmed_digest: str | None = None,
) -> MemberImportReport:
    """Import a member spreadsheet, all or nothing: new members registered, registered ones updated.

    A file that changes registered members is only validated, and returns a
    preview (``needs_confirmation``) unless ``confirmed_digest`` is that
    preview's digest ("*" applies whatever the file changes: the shell
    command's ``--update``).
    """
    if not can_write(actor):
        raise PermissionDenied("当前账号为只读权限，不能导入党员")
    if remote_addr is None:
        remote_addr = current_remote_addr()
    total = estimate_rows(source)
    if progress is not None:
        progress(ImportJobStatus.VALIDATING, 0, total)
    found = scan(source, actor, progress=progress, total=total, keep_up_to=KEEP_ROWS_IN_MEMORY)
    report = MemberImportReport(
        errors=found.errors,
        rows=found.rows,
        new=found.new,
        changed=found.changed,
        unchanged=found.unchanged,
        preview=found.preview,
        digest=found.digest,
    )
    if report.errors:
        return report
    if found.changed and confirmed_digest not in ("*", found.digest):
        report.needs_confirmation = True
        if confirmed_digest:  # a confirmation of another preview
            report.errors = [RowError(0, "", CHANGED_SINCE_PREVIEW)]
        return report
    if progress is not None:
        progress(ImportJobStatus.WRITING, found.rows, found.rows)
    try:
        written = _import_write(
            actor=actor, source=source, remote_addr=remote_addr, kept=found.kept, digest=found.digest
        )
    except ImportRejected as exc:
        # Someone registered or changed one of these members between the two passes.
        report.errors = exc.errors
        return report
    report.created, report.updated = written.created, written.updated
    return report
