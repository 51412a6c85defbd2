"""Writing an imported file, all or nothing, in one short write transaction.

The import reads the file once, streaming (openpyxl read-only), and does all
the work it can before it takes the database's write lock:

1. *validate and prepare* — every row is checked with no transaction open,
   and while no row has failed, each chunk is turned into what the write
   needs: the unsaved members, their history (``MemberPeriod``), the changed
   members' new values, and the audit rows of all of it (``core.bulkaudit``:
   auditlog's own diff and masking), in their database form where they can
   be (``core.bulkinsert``).  Up to ``KEEP_ROWS_IN_MEMORY`` rows the prepared
   chunks stay in memory; past that they are pickled to an unlinked
   temporary file and read back one chunk at a time, so memory stays bounded
   by a chunk whatever the file's size.  The progress bar is written (and
   read by other requests) as it goes.  A file that changes registered
   members stops here with a preview, until the importer confirms it;
2. *write* — one transaction.  Per chunk, two queries check that the
   register is as it was validated (the new members' numbers still free;
   the registered members' version, branch, status and 党小组 unchanged,
   the changed ones locked); then the prepared rows go in: members with
   ``bulk_create``, history and audit rows and the changed members' columns
   with one ``executemany`` each.  A chunk that someone changed meanwhile is
   classified again and written from what is there now (``classify``,
   ``_update``); the result must still be the one validated (``digest``).
   Any error raises :class:`ImportRejected` inside the transaction, so
   nothing is written.

Why it matters: SQLite has one write lock for the whole database, and every
other user's save waits for it (or, after ``SQLITE_BUSY_TIMEOUT``, gets the
503 系统正忙 page, ``core.errors``).  docs/benchmarks.md has the write pass
of 100,000 rows before and after.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import django
from auditlog.context import auditlog_value, disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.utils import DJANGO_VERSION_PICKLE_KEY
from django.utils import timezone

from core.audit import service
from core.bulkaudit import AuditContext, PendingCreates, PendingUpdates, delete_entry, update_entry
from core.bulkinsert import PreparedRows, PreparedUpdates, reserve_keys
from core.dblocks import patient
from core.fieldcrypto import id_hashes_q
from core.scopes import can_write
from core.xlsx import ImportRejected, ImportReport, RowError

from ...choices import PeriodReason
from ...models import ImportJobStatus, Member, MemberPeriod
from ..member import validate_dates, validate_identity, write_initial_periods
from .parse import (
    CHANGED,
    NEW,
    UNCHANGED,
    ParsedRow,
    classify,
    estimate_rows,
    fingerprint,
    scan,
    sorted_errors,
)
from .spec import FIELD_COLUMNS, Progress, Source

#: Files up to this many rows keep their prepared chunks in memory (about
#: 8 KB a row with the history and audit rows: 77 MB at 10,000 rows); larger
#: ones spool them to a temporary file (12 MB at any size), which costs about
#: a tenth more time inside the write transaction to read them back.
KEEP_ROWS_IN_MEMORY = 10_000
CHANGED_SINCE_PREVIEW = "预览之后系统中的党员信息已有变动，未写入任何数据，请重新导入以查看最新的变更预览"
#: A corrected 入党/转正 date re-dates the registered history (as ``member_update`` does).
DATE_FIELDS = ("joined_on", "full_on")


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


# ---------------------------------------------------------------------------
# Before the transaction: every row's writes, prepared
# ---------------------------------------------------------------------------


@dataclass
class PreparedChunk:
    """One validated chunk and everything it writes, built with no lock held.

    History rows, audit rows and the changed members' columns are in their
    database form already (``core.bulkinsert``): inside the transaction only
    keys and timestamps are filled in.  What the write pass checks is kept
    as plain values (``new_numbers``, ``expected``); the parsed rows
    themselves (``rows``) are needed only if someone changed the chunk's
    members meanwhile, and a spooled chunk reads them back only then.
    """

    rows: list[ParsedRow] | None
    #: Each row's kind when it was validated; the write pass must find the same.
    kinds: list[str]
    #: Each row's contribution to the digest, as validated.
    fingerprints: list[bytes]
    #: ID numbers of the new members, which must still be free.
    new_numbers: list[str]
    #: Registered members' checked columns (``CHECKED``) as validated: changed ones, then unchanged.
    expected_changed: list[tuple]
    expected_unchanged: list[tuple]
    members: list[Member]
    periods: list[MemberPeriod]
    period_rows: PreparedRows
    audit: PendingCreates
    updates: PreparedUpdates
    update_audit: PendingUpdates
    #: Changed members whose 入党/转正 date changed (row number, member as it will be).
    redated: list[tuple[int, Member]]
    errors: list[RowError]
    #: Its place in the spool, if it was spooled (``PreparedWrites.rows_of``).
    spooled_at: int = -1


class _Lines:
    """Collects what ``fingerprint`` feeds a digest, to feed it again later."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def update(self, data: bytes) -> None:
        self.lines.append(data)


#: What the write pass compares with the validated rows: a service that changes a member moves
#: its version (``core.versioning.save_changed``); branch, status, leaving and 党小组 are
#: compared too, so no change of scope can slip past.
CHECKED = ("pk", "version", "organization_id", "status", "left_on", "party_group_id")


def prepare_chunk(parsed: list[ParsedRow], context: AuditContext) -> PreparedChunk:
    """The writes of one validated chunk: new members, their history, changed members, all their audit rows."""
    members = [row.member for row in parsed if row.kind == NEW and row.member is not None]
    periods = [p for m in members for p in write_initial_periods(m, PeriodReason.REGISTERED)]
    period_rows = PreparedRows(MemberPeriod, keyed=True)
    for period in periods:
        period_rows.add(period, late=("member_id",))
    lines = _Lines()
    for row in parsed:
        fingerprint(lines, row)

    def expected(kind: str) -> list[tuple]:
        return [tuple(getattr(r.existing, name) for name in CHECKED) for r in parsed if r.kind == kind]

    chunk = PreparedChunk(
        rows=parsed,
        kinds=[row.kind for row in parsed],
        fingerprints=lines.lines,
        new_numbers=[row.id_number for row in parsed if row.kind == NEW and row.id_number],
        expected_changed=expected(CHANGED),
        expected_unchanged=expected(UNCHANGED),
        members=members,  # type: ignore[arg-type]
        periods=periods,
        period_rows=period_rows,
        audit=PendingCreates([*members, *periods], context),
        updates=PreparedUpdates(Member),
        update_audit=PendingUpdates(context),
        redated=[],
        errors=[],
    )
    for row in parsed:
        if row.kind == CHANGED:
            _prepare_update(chunk, row)
    return chunk


def _prepare_update(chunk: PreparedChunk, row: ParsedRow) -> None:
    """One changed member as ``member_update`` would change it: its new columns and its audit row.

    Like ``member_update``: the scope and "still a member" rules were checked
    by ``classify``; the changed values passed the model's field validation
    when the row was parsed, so here only the rules that combine them with
    the registered fields run (``validate_identity``, ``validate_dates``);
    only the changed columns, the version (+1) and ``updated_at`` are
    written.  The ID number never changes (rows are matched by it), so its
    hash columns stay right.
    """
    before = row.existing
    assert before is not None and "id_number" not in row.changes
    after = copy.copy(before)
    for name, value in row.changes.items():
        setattr(after, name, value)
    try:
        validate_identity(after)
        validate_dates(after)
    except ValidationError as exc:
        chunk.errors.extend(_row_errors(row.number, exc))
        return
    after.version += 1
    fields = (*row.changes, "version", "updated_at")
    # Diffed before updated_at moves, as auditlog diffs a save: on pre_save, before auto_now fills it.
    chunk.update_audit.add(before, after, fields)
    chunk.updates.add(after, fields, late=("updated_at",))
    if any(name in row.changes for name in DATE_FIELDS):
        chunk.redated.append((row.number, after))


class _Pickler(pickle.Pickler):
    """Model instances by class reference and state: Django's own reduce looks the model up per object."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, models.Model):
            state = obj.__getstate__()
            state[DJANGO_VERSION_PICKLE_KEY] = django.__version__  # as Model.__reduce__ does
            return _new_instance, (type(obj),), state
        return NotImplemented


def _new_instance(cls: type[models.Model]) -> models.Model:
    return cls.__new__(cls)


class PreparedWrites:
    """The prepared chunks of one import, in order: in memory for a small file, else in a temporary file.

    A spooled chunk is two pickles: what the write needs, read back in the
    transaction, and the parsed rows, read only for a chunk someone changed
    meanwhile.  The temporary file is unlinked when created (only this
    process can read it) and closed with the import; it holds our own
    pickles only.
    """

    def __init__(self, keep_in_memory: int) -> None:
        self.keep_in_memory = keep_in_memory
        self.chunks: list[PreparedChunk] = []
        self.rows = 0
        #: Per spooled chunk: where its write part and its parsed rows start.
        self.offsets: list[tuple[int, int]] = []
        self.spool: IO[bytes] | None = None
        #: Rows whose changes break a rule together with the registered fields (found while preparing).
        self.errors: list[RowError] = []

    def add(self, chunk: PreparedChunk) -> None:
        self.errors.extend(chunk.errors)
        self.rows += len(chunk.kinds)
        if self.spool is None and self.rows <= self.keep_in_memory:
            self.chunks.append(chunk)
            return
        if self.spool is None:
            self.spool = tempfile.TemporaryFile(prefix="partyorg-import-")
            for kept in self.chunks:
                self._dump(kept)
            self.chunks = []
        self._dump(chunk)

    def _dump(self, chunk: PreparedChunk) -> None:
        assert self.spool is not None
        rows, chunk.rows = chunk.rows, None
        start = self.spool.tell()
        _Pickler(self.spool, protocol=pickle.HIGHEST_PROTOCOL).dump(chunk)
        rows_at = self.spool.tell()
        _Pickler(self.spool, protocol=pickle.HIGHEST_PROTOCOL).dump(rows)
        self.offsets.append((start, rows_at))

    def __iter__(self) -> Iterator[PreparedChunk]:
        if self.spool is None:
            yield from self.chunks
            return
        for i, (start, _) in enumerate(self.offsets):
            self.spool.seek(start)
            chunk = pickle.load(self.spool)  # noqa: S301  (written by this process, above)
            chunk.spooled_at = i
            yield chunk

    def rows_of(self, chunk: PreparedChunk) -> list[ParsedRow]:
        """The chunk's parsed rows (read back from the spool if it was spooled)."""
        if chunk.rows is None:
            assert self.spool is not None
            self.spool.seek(self.offsets[chunk.spooled_at][1])
            chunk.rows = pickle.load(self.spool)  # noqa: S301
        return chunk.rows  # type: ignore[return-value]

    def close(self) -> None:
        self.chunks = []
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def __enter__(self) -> PreparedWrites:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------
# Inside the transaction
# ---------------------------------------------------------------------------


def _insert(chunk: PreparedChunk) -> int:
    """The chunk's new members (bulk_create), their history and the audit rows of both (prepared rows)."""
    members = chunk.members
    if not members:
        return 0
    Member.objects.bulk_create(members)  # type: ignore[arg-type]  # keys come back (RETURNING)
    keys = reserve_keys(MemberPeriod, len(chunk.periods))
    for period, row, key in zip(chunk.periods, chunk.period_rows.rows, keys, strict=True):
        period.pk = key
        period.member_id = period.member.pk
        chunk.period_rows.set(row, "id", key)
        chunk.period_rows.set(row, "member_id", period.member_id)
    chunk.period_rows.insert()
    chunk.audit.insert()
    return len(members)


def _row_errors(number: int, exc: ValidationError) -> list[RowError]:
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    return [RowError(number, FIELD_COLUMNS.get(name, ""), m) for name, messages in items for m in messages]


def _update(rows: list[ParsedRow], context: AuditContext) -> list[RowError]:
    """A chunk someone changed meanwhile: its changed members from what is there now (as ``_prepare_update``).

    ``row.existing`` is the member as read (and locked) in this transaction;
    ``bulk_update`` writes the changed columns, the version and
    ``updated_at``, grouped by the set of changed columns; a corrected
    入党/转正 date re-dates the registered history.
    """
    errors: list[RowError] = []
    now = timezone.now()
    groups: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    entries: list[LogEntry] = []
    redated: dict[int, tuple[int, Member]] = {}
    for row in rows:
        member = row.existing
        assert member is not None and "id_number" not in row.changes
        before = copy.copy(member)
        for name, value in row.changes.items():
            setattr(member, name, value)
        try:
            validate_identity(member)
            validate_dates(member)
        except ValidationError as exc:
            errors.extend(_row_errors(row.number, exc))
            continue
        member.version += 1
        fields = (*row.changes, "version", "updated_at")
        # Diffed before updated_at moves, as auditlog diffs a save: on pre_save, before auto_now fills it.
        entry = update_entry(before, member, fields, context)
        if entry is not None:
            entries.append(entry)
        member.updated_at = now
        groups[fields].append(member)
        if any(name in row.changes for name in DATE_FIELDS):
            redated[member.pk] = (row.number, member)
    if errors:
        return errors
    for fields, members in groups.items():
        Member.objects.bulk_update(members, fields)
    if redated:
        errors.extend(_redate_histories(redated, context, entries))
    LogEntry.objects.bulk_create(entries)
    return errors


def _redate_histories(
    redated: dict[int, tuple[int, Member]], context: AuditContext, entries: list[LogEntry]
) -> list[RowError]:
    """``member_update``'s re-dating of a registered history, for many members: one read, one delete, one insert."""
    periods_of: dict[int, list[MemberPeriod]] = defaultdict(list)
    for period in MemberPeriod.objects.filter(member__in=list(redated)).select_related("organization"):
        period.member = redated[period.member_id][
            1
        ]  # the member as changed, as its related manager would give
        periods_of[period.member_id].append(period)
    errors: list[RowError] = []
    old: list[MemberPeriod] = []
    new: list[MemberPeriod] = []
    for pk, (number, member) in redated.items():
        periods = sorted(periods_of[pk], key=lambda p: p.start_on)
        if any(p.organization_id != member.organization_id for p in periods) or any(
            p.start_reason not in (PeriodReason.REGISTERED, PeriodReason.ADMITTED, PeriodReason.CONFIRMED)
            for p in periods
        ):
            errors.append(RowError(number, "", "该党员已有组织关系变动记录，入党/转正日期请通过更正记录办理"))
            continue
        old.extend(periods)
        new.extend(
            write_initial_periods(member, periods[0].start_reason if periods else PeriodReason.REGISTERED)
        )
    if errors:
        return errors
    entries.extend(e for e in (delete_entry(p, context) for p in old) if e is not None)
    with disable_auditlog():  # the delete entries are written above, with the rest
        MemberPeriod.objects.filter(pk__in=[p.pk for p in old]).delete()
    MemberPeriod.objects.bulk_create(new)
    audit = PendingCreates(new, context)
    audit.insert()
    return errors


def _lock_changed(chunk: PreparedChunk) -> None:
    """Lock the members this chunk changes (``SELECT … FOR UPDATE``; SQLite's write lock covers them)."""
    pks = [values[0] for values in chunk.expected_changed]
    if pks:
        list(Member.objects.select_for_update().filter(pk__in=pks).values_list("pk", flat=True))


def _as_validated(chunk: PreparedChunk) -> bool:
    """Is the register as this chunk was validated?  At most three queries; the changed members locked."""
    if chunk.new_numbers and Member.objects.filter(id_hashes_q("id_number", chunk.new_numbers)).exists():
        return False  # registered meanwhile
    for expected, locked in ((chunk.expected_changed, True), (chunk.expected_unchanged, False)):
        if not expected:
            continue
        rows = Member.objects.filter(pk__in=[values[0] for values in expected])
        if locked:
            rows = rows.select_for_update()
        if set(rows.values_list(*CHECKED)) != set(expected):
            return False
    return True


def _write_prepared(chunk: PreparedChunk, context: AuditContext) -> list[RowError]:
    """The chunk's prepared rows, as validated: a few inserts and updates, no diffing."""
    _insert(chunk)
    chunk.updates.execute(updated_at=timezone.now())
    chunk.update_audit.insert()
    if not chunk.redated:
        return []
    entries: list[LogEntry] = []
    errors = _redate_histories({m.pk: (n, m) for n, m in chunk.redated}, context, entries)
    LogEntry.objects.bulk_create(entries)
    return errors


@dataclass
class _Written:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


@service
def _import_write(*, actor: Any, prepared: PreparedWrites, context: AuditContext, digest: str) -> _Written:
    """Pass 2, in one transaction: write every prepared chunk; any error (raised) undoes it all.

    A chunk whose members are as validated is written as prepared; one that
    someone changed is classified again (the changed members locked first).
    Either way the result must be what the first pass found (``digest``), or
    nothing is written: another user changed the register in between.
    """
    written = _Written()
    errors: list[RowError] = []
    rescan = hashlib.sha256()
    for chunk in prepared:
        if not errors and not written.errors and _as_validated(chunk):
            for line in chunk.fingerprints:
                rescan.update(line)
            written.errors.extend(_write_prepared(chunk, context))
            written.created += chunk.kinds.count(NEW)
            written.updated += chunk.kinds.count(CHANGED)
            continue
        # Someone changed this chunk's members meanwhile: classify it again, as it is now.
        rows = prepared.rows_of(chunk)
        _lock_changed(chunk)
        classify(rows, actor)
        errors.extend(e for row in rows for e in row.errors)
        if errors or written.errors:
            continue  # keep classifying, to report every row that no longer holds
        for row in rows:
            fingerprint(rescan, row)
        if [row.kind for row in rows] != chunk.kinds:
            # A member registered or changed meanwhile: the digest differs, nothing is written.
            continue
        written.created += _insert(chunk)
        changed = [row for row in rows if row.kind == CHANGED]
        written.errors.extend(_update(changed, context))
        written.updated += len(changed)
    errors = errors or written.errors
    if not errors and rescan.hexdigest() != digest:
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
    context = AuditContext.current(actor, remote_addr=remote_addr)
    total = estimate_rows(source)
    if progress is not None:
        progress(ImportJobStatus.VALIDATING, 0, total)
    with PreparedWrites(KEEP_ROWS_IN_MEMORY) as prepared:
        found = scan(
            source,
            actor,
            progress=progress,
            total=total,
            on_chunk=lambda rows: prepared.add(prepare_chunk(rows, context)),
        )
        report = MemberImportReport(
            errors=found.errors,
            rows=found.rows,
            new=found.new,
            changed=found.changed,
            unchanged=found.unchanged,
            preview=found.preview,
            digest=found.digest,
        )
        if not report.errors and prepared.errors:
            report.errors = sorted_errors(prepared.errors)
        if report.errors:
            return report
        if found.changed and confirmed_digest not in ("*", found.digest):
            report.needs_confirmation = True
            if confirmed_digest:  # a confirmation of another preview
                report.errors = [RowError(0, "", CHANGED_SINCE_PREVIEW)]
            return report
        if progress is not None:
            progress(ImportJobStatus.WRITING, found.rows, found.rows)
        token = auditlog_value.set({**(auditlog_value.get(None) or {}), "remote_addr": remote_addr})
        try:
            # The worker waits as long as it takes for the write lock (a web save, another
            # import); web requests wait SQLITE_BUSY_TIMEOUT / DB_LOCK_TIMEOUT for it.
            with patient():
                written = _import_write(actor=actor, prepared=prepared, context=context, digest=found.digest)
        except ImportRejected as exc:
            # Someone registered or changed one of these members between the two passes.
            report.errors = exc.errors
            return report
        finally:
            auditlog_value.reset(token)
    report.created, report.updated = written.created, written.updated
    return report
