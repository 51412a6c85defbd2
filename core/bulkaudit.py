"""Audit rows for rows written in bulk, the same as django-auditlog writes for one save at a time.

``bulk_create``, ``bulk_update``, queryset deletes and ``core.bulkinsert``
send no model signals, so auditlog never sees them.  A bulk writer (the
member import) builds the ``LogEntry`` rows here and inserts them in the same
transaction.  The content is auditlog's own: the changes come from
``auditlog.diff.model_instance_diff`` (the registered fields, masks and the
JSON form), and actor, e-mail, address, port and correlation id are taken as
auditlog's context sets them on a signal-written row
(``tests/members/test_imports_bulk.py`` compares both ways column by column).

Creations are split in two so the expensive part runs before the write
transaction: :class:`PendingCreates` diffs each unsaved object and prepares
its row (``core.bulkinsert``) with no query; :meth:`PendingCreates.insert`,
inside the transaction once the objects have their keys, fills in the key,
the timestamp and the few values the insert itself set (``auto_now`` dates,
fields whose ``pre_save`` computes a value), and inserts every row at once.
Updates and deletions are diffed inside the transaction, against the row as
it is then (:func:`update_entry`, :func:`delete_entry`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_mask_function, is_primitive, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog as auditlog_registry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str

from .bulkinsert import PreparedRows


@dataclass(frozen=True)
class AuditContext:
    """Who and where, as auditlog's context would stamp a signal-written row."""

    actor: Any
    actor_email: str | None
    remote_addr: str | None
    remote_port: int | None
    cid: str | None

    @classmethod
    def current(cls, actor: Any = None, *, remote_addr: str | None = None) -> AuditContext:
        """This thread's context now (the request's address and port), acting as ``actor``.

        ``remote_addr`` stands in for the request's address in work done
        outside the request (the import's task passes the uploader's).
        """
        values = auditlog_value.get(None) or {}
        actor = actor if actor is not None else values.get("actor")
        # auditlog's _set_actor sets the actor (and its e-mail, as is) only for a user instance.
        user = actor if isinstance(actor, get_user_model()) else None
        return cls(
            actor=user,
            actor_email=getattr(user, "email", None) if user is not None else None,
            remote_addr=remote_addr if remote_addr is not None else values.get("remote_addr"),
            remote_port=values.get("remote_port"),
            cid=get_cid(),
        )


def _use_json() -> bool:
    return bool(settings.AUDITLOG_STORE_JSON_CHANGES)


def filled_on_insert(model: type[models.Model]) -> list[models.Field]:
    """Audited fields whose value the insert itself sets: auto dates and fields with their own ``pre_save``."""
    registered = auditlog_registry.get_model_fields(model)
    fields = []
    for field in model._meta.concrete_fields:
        if field.name in registered["exclude_fields"] or (
            registered["include_fields"] and field.name not in registered["include_fields"]
        ):
            continue
        if isinstance(field, models.DateField):
            if field.auto_now or field.auto_now_add:  # type: ignore[attr-defined]
                fields.append(field)
        elif type(field).pre_save is not models.Field.pre_save:
            fields.append(field)
    return fields


def _created_value(obj: models.Model, field: models.Field, use_json: bool) -> tuple[Any, Any] | None:
    """One field of ``model_instance_diff(None, obj)``: (old, new), or None when it records nothing."""
    old = None if use_json else smart_str(None)  # what get_field_value gives for no object
    new = get_field_value(obj, field, use_json)
    if new == old:
        return None
    registered = auditlog_registry.get_model_fields(type(obj))
    if field.name in registered["mask_fields"]:
        mask = get_mask_function(registered.get("mask_callable"))
        return mask(smart_str(old)), mask(smart_str(new))
    if not use_json:
        return smart_str(old), smart_str(new)
    return old, new if is_primitive(new) else smart_str(new)


#: model → (fields auditlog diffs on a create, in its order; whether masked) — see :func:`created_diff`.
_CREATE_PLANS: dict[type[models.Model], list[tuple[models.Field, bool]]] = {}


def _create_plan(model: type[models.Model]) -> list[tuple[models.Field, bool]]:
    """The fields ``model_instance_diff(None, obj)`` walks, in its order (the same set, built alike)."""
    if model not in _CREATE_PLANS:
        fields: Any = {f for f in model._meta.get_fields() if track_field(f)}
        registered = auditlog_registry.get_model_fields(model)
        if registered["include_fields"] or registered["exclude_fields"]:
            if registered["include_fields"]:
                fields = [f for f in fields if f.name in registered["include_fields"]]
            if registered["exclude_fields"]:
                fields = [f for f in fields if f.name not in registered["exclude_fields"]]
        _CREATE_PLANS[model] = [(f, f.name in registered["mask_fields"]) for f in fields]
    return _CREATE_PLANS[model]


def created_diff(obj: models.Model, use_json: bool) -> dict[str, Any] | None:
    """``model_instance_diff(None, obj)``, the same dict, at half the cost: 100,000 creates diff in seconds.

    For a created object auditlog compares each field with what
    ``get_field_value`` gives for no object ("None"); the fields and their
    order are worked out once per model here instead of per object.
    """
    diff: dict[str, Any] = {}
    registered = None
    old = None if use_json else smart_str(None)  # what get_field_value gives for no object
    for field, masked in _create_plan(type(obj)):
        new = get_field_value(obj, field, use_json)
        if old == new:
            continue
        if masked:
            registered = registered or auditlog_registry.get_model_fields(type(obj))
            mask = get_mask_function(registered.get("mask_callable"))
            diff[field.name] = (mask(smart_str(old)), mask(smart_str(new)))
        elif not use_json:
            diff[field.name] = (smart_str(old), smart_str(new))
        else:
            diff[field.name] = (
                old if is_primitive(old) else smart_str(old),
                new if is_primitive(new) else smart_str(new),
            )
    return diff or None


def _entry(obj: models.Model, action: int, changes: dict[str, Any] | None, context: AuditContext) -> LogEntry:
    """The row ``LogEntry.objects.log_create`` builds for ``obj``, minus its key and timestamp."""
    get_additional_data = getattr(obj, "get_additional_data", None)
    return LogEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_repr=smart_str(obj),
        action=action,
        changes=changes,
        actor=context.actor,
        actor_email=context.actor_email,
        remote_addr=context.remote_addr,
        remote_port=context.remote_port,
        cid=context.cid,
        additional_data=get_additional_data() if callable(get_additional_data) else None,
    )


def _changes_json(changes: dict[str, Any] | None) -> str | None:
    """The ``changes`` column as Django writes a JSONField (json.dumps with the field's encoder).

    Passed as text: SQLite stores it as is, PostgreSQL casts it to jsonb.
    """
    if changes is None:
        return None
    return json.dumps(changes, cls=LogEntry._meta.get_field("changes").encoder)


#: Columns of a pending "create" row known only inside the transaction.
_LATE = ("object_pk", "object_id", "timestamp", "changes", "serialized_data")


class PendingCreates:
    """The "create" audit rows of objects not yet inserted: diffed and prepared with no query, inserted later."""

    def __init__(self, objects: Iterable[models.Model], context: AuditContext) -> None:
        use_json = _use_json()
        self.rows = PreparedRows(LogEntry, keyed=False)
        self.objects: list[models.Model] = []
        #: Per row: the changes still to complete after the insert (objects with insert-filled fields), else None.
        self.open_changes: list[dict[str, Any] | None] = []
        refill: dict[type[models.Model], bool] = {}
        for obj in objects:
            model = type(obj)
            if model not in refill:
                refill[model] = bool(filled_on_insert(model)) or _serialized(model)
            changes = created_diff(obj, use_json)
            if changes is None and not refill[model]:
                continue  # auditlog writes no entry for a save that changes nothing it tracks
            row = self.rows.add(_entry(obj, LogEntry.Action.CREATE, None, context), late=_LATE)
            if refill[model]:
                self.open_changes.append(changes or {})
            else:
                self.rows.set(row, "changes", _changes_json(changes))
                self.open_changes.append(None)
            self.objects.append(obj)

    def __len__(self) -> int:
        return len(self.objects)

    def insert(self) -> None:
        """Inside the transaction, the objects inserted: keys, one timestamp, insert-filled values; one insert."""
        if not self.objects:
            return
        use_json = _use_json()
        timestamp = LogEntry._meta.get_field("timestamp")
        now = timestamp.get_db_prep_save(timezone.now(), self.rows.connection)
        filled: dict[type[models.Model], list[models.Field]] = {}
        for obj, row, changes in zip(self.objects, self.rows.rows, self.open_changes, strict=True):
            pk = obj.pk
            self.rows.set(row, "object_pk", smart_str(pk))
            self.rows.set(row, "object_id", pk if isinstance(pk, int) else None)
            self.rows.set(row, "timestamp", now)
            if changes is not None:
                model = type(obj)
                if model not in filled:
                    filled[model] = filled_on_insert(model)
                # model_instance_diff for these few fields, without its per-call walk over every field.
                for field in filled[model]:
                    value = _created_value(obj, field, use_json)
                    if value is not None:
                        changes[field.name] = value
                self.rows.set(row, "changes", _changes_json(changes))
                if _serialized(model):
                    self.rows.set(
                        row,
                        "serialized_data",
                        _changes_json(LogEntry.objects._get_serialized_data_or_none(obj)),
                    )
        self.rows.insert()


class PendingUpdates:
    """The "update" audit rows of changes not yet written: diffed and prepared with no query, inserted later.

    For a writer that checks, inside its transaction, that the rows are still
    as they were when it diffed them (the member import compares versions);
    otherwise diff inside the transaction with :func:`update_entry`.
    """

    def __init__(self, context: AuditContext) -> None:
        self.context = context
        self.rows = PreparedRows(LogEntry, keyed=False)

    def __len__(self) -> int:
        return len(self.rows.rows)

    def add(self, old: models.Model, new: models.Model, fields: Iterable[str]) -> None:
        """The entry ``save(update_fields=fields)`` of ``new`` over ``old`` writes (as :func:`update_entry`)."""
        changes = model_instance_diff(
            old, new, fields_to_check=list(fields), use_json_for_changes=_use_json()
        )
        if not changes:
            return
        entry = _entry(new, LogEntry.Action.UPDATE, None, self.context)
        row = self.rows.add(entry, late=_LATE)
        pk = new.pk
        self.rows.set(row, "object_pk", smart_str(pk))
        self.rows.set(row, "object_id", pk if isinstance(pk, int) else None)
        self.rows.set(row, "changes", _changes_json(changes))
        if _serialized(type(new)):
            self.rows.set(
                row, "serialized_data", _changes_json(LogEntry.objects._get_serialized_data_or_none(new))
            )

    def insert(self) -> None:
        """Inside the transaction, the changes written: one timestamp, one insert."""
        if not self.rows.rows:
            return
        now = LogEntry._meta.get_field("timestamp").get_db_prep_save(timezone.now(), self.rows.connection)
        for row in self.rows.rows:
            self.rows.set(row, "timestamp", now)
        self.rows.insert()


def _serialized(model: type[models.Model]) -> bool:
    return auditlog_registry.contains(model) and bool(
        auditlog_registry.get_serialize_options(model)["serialize_data"]
    )


def _finished(obj: models.Model, entry: LogEntry) -> LogEntry:
    """An entry for an object that has its key now (an update, a deletion): key and timestamp set."""
    pk = obj.pk
    entry.object_pk = smart_str(pk)
    entry.object_id = pk if isinstance(pk, int) else None
    entry.timestamp = timezone.now()
    if _serialized(type(obj)):
        entry.serialized_data = LogEntry.objects._get_serialized_data_or_none(obj)
    return entry


def update_entry(
    old: models.Model, new: models.Model, fields: Iterable[str], context: AuditContext
) -> LogEntry | None:
    """The "update" entry ``save(update_fields=fields)`` writes (None when nothing it audits changed).

    Call it before setting what the save itself would fill (``auto_now``):
    auditlog diffs on ``pre_save``, before the fields fill themselves, so a
    signal-written entry never shows them.
    """
    changes = model_instance_diff(old, new, fields_to_check=list(fields), use_json_for_changes=_use_json())
    if not changes:
        return None
    return _finished(new, _entry(new, LogEntry.Action.UPDATE, changes, context))


def delete_entry(obj: models.Model, context: AuditContext) -> LogEntry | None:
    """The "delete" entry ``obj.delete()`` writes."""
    changes = model_instance_diff(obj, None, use_json_for_changes=_use_json())
    if not changes:
        return None
    return _finished(obj, _entry(obj, LogEntry.Action.DELETE, changes, context))
