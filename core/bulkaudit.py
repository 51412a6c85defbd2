"""Audit rows for rows written in bulk, the same as django-auditlog writes for one save at a time.

``bulk_create``, ``bulk_update`` and queryset deletes send no model signals,
so auditlog never sees them.  A bulk writer (the member import) builds the
``LogEntry`` rows here and inserts them with ``LogEntry.objects.bulk_create``
in the same transaction.  The content is auditlog's own: the changes come from
``auditlog.diff.model_instance_diff`` (the registered fields, masks and the
JSON form), and actor, e-mail, address, port and correlation id are taken as
auditlog's ``acting_as``/middleware context sets them on a signal-written
row.  ``tests/core/test_bulkaudit.py`` compares both ways field by field.

Split in two so the expensive part runs before the write transaction:

- :func:`pending_creates` (no transaction, no query): one entry per unsaved
  object, its changes diffed already;
- :func:`finish` (inside the transaction, after ``bulk_create`` gave the
  objects their primary keys): the object's key, the timestamp, and the few
  fields the insert itself fills (``auto_now``/``auto_now_add`` dates, fields
  whose ``pre_save`` computes a value) diffed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_mask_function, is_primitive, model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog as auditlog_registry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str


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


@dataclass
class PendingEntry:
    """A ``LogEntry`` waiting for its object's primary key (``finish``)."""

    obj: models.Model
    entry: LogEntry


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


def pending_creates(objects: Iterable[models.Model], context: AuditContext) -> list[PendingEntry]:
    """The "create" entries of unsaved objects, before the transaction (no query)."""
    use_json = _use_json()
    return [
        PendingEntry(
            obj,
            _entry(
                obj,
                LogEntry.Action.CREATE,
                model_instance_diff(None, obj, use_json_for_changes=use_json),
                context,
            ),
        )
        for obj in objects
    ]


def finish(pending: Sequence[PendingEntry]) -> list[LogEntry]:
    """The entries of objects now inserted: their keys, one timestamp, the values the insert filled."""
    use_json = _use_json()
    now = timezone.now()
    refill: dict[type[models.Model], list[models.Field]] = {}
    serialize: dict[type[models.Model], bool] = {}
    entries = []
    for item in pending:
        obj, entry = item.obj, item.entry
        model = type(obj)
        if model not in refill:
            refill[model] = filled_on_insert(model)
            serialize[model] = auditlog_registry.contains(model) and bool(
                auditlog_registry.get_serialize_options(model)["serialize_data"]
            )
        if refill[model] and entry.action == LogEntry.Action.CREATE:
            # model_instance_diff for these few fields, without its per-call walk over every field.
            for field in refill[model]:
                value = _created_value(obj, field, use_json)
                if value is not None:
                    entry.changes = {**(entry.changes or {}), field.name: value}
        pk = obj.pk
        entry.object_pk = smart_str(pk)
        entry.object_id = pk if isinstance(pk, int) else None
        entry.timestamp = now
        if serialize[model]:
            entry.serialized_data = LogEntry.objects._get_serialized_data_or_none(obj)
        entries.append(entry)
    return entries


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


def _finished(obj: models.Model, entry: LogEntry) -> LogEntry:
    [done] = finish([PendingEntry(obj, entry)])
    return done
