"""修改记录: auditlog's rows turned into lines a clerk can read.

Every record page shows its history through ``includes/history.html``, which
calls :func:`history_rows` on the entries the view passes (``history_for(obj)``).
Labels are the fields' Chinese ``verbose_name``; values read as people write
them: 是/否, choice labels, 2026-07-01 and 2026-07-01 14:05, （空）.  Related
records are already stored by name (``AUDITLOG_USE_FK_STRING_REPRESENTATION``)
and ID numbers already masked when written, so nothing here touches the
database: showing N entries costs the one query that fetched them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import models
from django.utils import timezone

from .idcard import mask_id_number

EMPTY = "（空）"
SYSTEM = "系统"
ACTIONS = {
    LogEntry.Action.CREATE: "新建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看",
}
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class FieldChange:
    """One field of one entry: ``old`` is None on a creation, ``new`` is None on a deletion."""

    label: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryRow:
    """One entry of a record's 修改记录, ready for a template."""

    timestamp: dt.datetime
    action: str
    actor: str
    remote_addr: str
    changes: tuple[FieldChange, ...]


def history_rows(entries: Iterable[LogEntry]) -> list[HistoryRow]:
    """Display rows for ``entries`` (fetch them with ``core.audit.history_for``; no further query).

    A change that touched only bookkeeping (a version counter, a timestamp) is left out.
    """
    rows = (_row(entry) for entry in entries)
    return [row for row in rows if row.changes or row.action != ACTIONS[LogEntry.Action.UPDATE]]


def actor_name(actor: Any) -> str:
    """The person's name as the rest of the site shows it; 系统 for changes made by no one."""
    if actor is None:
        return SYSTEM
    name = getattr(actor, "display_name", None)
    if name:
        return str(name)
    return actor.get_full_name() or actor.get_username()


def _row(entry: LogEntry) -> HistoryRow:
    model = entry.content_type.model_class()
    return HistoryRow(
        timestamp=timezone.localtime(entry.timestamp),
        action=ACTIONS.get(entry.action, ""),
        actor=actor_name(entry.actor),
        remote_addr=entry.remote_addr or "",
        changes=_changes(model, entry.action, entry.changes_dict),
    )


def _changes(model: type[models.Model] | None, action: int, diff: dict[str, Any]) -> tuple[FieldChange, ...]:
    fields = _fields_by_name(model)
    masked, labels = _registration(model)
    order = {name: i for i, name in enumerate(fields)}
    changes = []
    for name in sorted(diff, key=lambda n: order.get(n, len(order))):
        field = fields.get(name)
        if field is not None and _hidden(field):
            continue
        old, new = (list(diff[name]) + [None, None])[:2]
        old_text = display_value(field, old, masked=name in masked)
        new_text = display_value(field, new, masked=name in masked)
        label = labels.get(name) or (str(field.verbose_name) if field is not None else name)
        if action == LogEntry.Action.CREATE:
            # A new record shows what was filled in, not a wall of （空）.
            if _meaningful(field, new_text):
                changes.append(FieldChange(label, None, new_text))
        elif action == LogEntry.Action.DELETE:
            if _meaningful(field, old_text):
                changes.append(FieldChange(label, old_text, None))
        elif old_text != new_text:
            changes.append(FieldChange(label, old_text, new_text))
        elif name in masked:
            # Only hidden digits changed: the masked values read the same, the change is real.
            changes.append(FieldChange(label, old_text, f"{new_text}（隐藏部分已更改）"))
    return tuple(changes)


def _fields_by_name(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:  # the model was removed since: show the stored names and values as they are
        return {}
    return {f.name: f for f in model._meta.concrete_fields}


def _registration(model: type[models.Model] | None) -> tuple[set[str], dict[str, str]]:
    """The fields auditlog masks and any display names given when registering ``model``."""
    from auditlog.registry import auditlog

    if model is None or not auditlog.contains(model):
        return set(), {}
    registered = auditlog.get_model_fields(model)
    return set(registered["mask_fields"]), dict(registered["mapping_fields"])


def _hidden(field: models.Field) -> bool:
    """Bookkeeping the clerk never typed: the id, derived paths, timestamps, version counters."""
    return field.primary_key or not field.editable


def _meaningful(field: models.Field | None, text: str) -> bool:
    """Worth a line on a new record: filled in, not an unticked box, not an untouched default (排序 0)."""
    if text == EMPTY:
        return False
    if isinstance(field, models.BooleanField) and text == "否":
        return False
    if field is not None and not field.choices and field.has_default() and not callable(field.default):
        return display_value(field, field.default) != text
    return True


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", "None", "null") or value == [] or value == {}


def display_value(field: models.Field | None, value: Any, *, masked: bool = False) -> str:
    """``value`` as stored by auditlog (JSON primitive or string), as a person would write it."""
    if _is_empty(value):
        return EMPTY
    if masked:
        text = str(value)
        # auditlog masks "None" too: a value of stars only was no value at all.
        # Masked again: entries written under the older mask (5326**********9072)
        # kept the last four, which with the birth date give the number away.
        return EMPTY if set(text) <= {"*"} else mask_id_number(text)
    if field is None:
        return _plain(value)
    if isinstance(value, list) and getattr(getattr(field, "base_field", None), "choices", None):
        return "、".join(_choice(field.base_field, v) for v in value) or EMPTY
    if field.choices:
        return _choice(field, value)
    if isinstance(field, models.BooleanField):
        return _yes_no(value)
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    if isinstance(field, models.TimeField):
        return str(value)[:5]
    return _plain(value)


def _choice(field: models.Field, value: Any) -> str:
    labels = {str(code): str(label) for code, label in field.flatchoices}
    return labels.get(str(value), str(value))


def _yes_no(value: Any) -> str:
    if isinstance(value, str):
        value = value.strip().lower() in ("true", "1", "是")
    return "是" if value else "否"


def _date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime(DATE_FORMAT)
    except ValueError:
        return str(value)


def _datetime(value: Any) -> str:
    """auditlog stores datetimes naive in UTC; shown in local time (Asia/Shanghai) to the minute."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).strftime(DATETIME_FORMAT)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
