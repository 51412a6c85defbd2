"""No silent lost updates: editable records carry a version; a stale save is refused, never merged.

Three pieces, used together (copy ``members`` → ``Member`` / ``MemberEditForm`` /
``member_update``):

- :class:`Versioned`, a model mixin: ``version`` starts at 1 and every save a
  service makes through :func:`save_changed` adds one.
- :class:`VersionedForm`, a form mixin: a hidden ``version`` (the one the user
  loaded) and, beside every field, the value it had then (Django's
  ``show_hidden_initial``), so :meth:`VersionedForm.changed_fields` is what
  *this user* changed, not what differs from a record someone else changed since.
- :func:`lock_for_update` in the service: ``SELECT … FOR UPDATE`` on the row,
  then the version check.  A stale version raises :class:`StaleRecord`, whose
  message names who changed what since (from the audit log, one query); the
  form page shows it with the user's input kept, the fields they did not touch
  brought up to date, and the current version, so submitting again re-applies
  their changes on top of the other person's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from auditlog.models import LogEntry
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from .fieldcrypto import with_derived_fields
from .history import DATETIME_FORMAT, history_rows

M = TypeVar("M", bound=models.Model)

VERSION = "version"
#: How many of the newest audit entries the refusal reads to say what changed (one query).
RECENT_ENTRIES = 20


class Versioned(models.Model):
    """A record edited through forms: its version counts the saves, so a stale form is recognised."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class StaleRecord(ValidationError):
    """The record changed since the user loaded it; ``current`` is the record as it is now (locked)."""

    def __init__(self, message: str, *, current: models.Model, changed: set[str]) -> None:
        super().__init__(message, code="stale")
        self.current = current
        self.changed = changed


def lock_for_update(model: type[M], pk_or_obj: Any, *, expected_version: int | None = None) -> M:
    """Lock the row (``SELECT … FOR UPDATE``) until the transaction ends and return it as stored now.

    Given an instance, that instance is refreshed in place (the caller's object
    stays the one it works on).  With ``expected_version``, a row saved since
    that version raises :class:`StaleRecord` and nothing is written.
    """
    locked = model._base_manager.select_for_update()
    if isinstance(pk_or_obj, model):
        obj = pk_or_obj
        obj.refresh_from_db(from_queryset=locked)
    else:
        obj = locked.get(pk=pk_or_obj)
    if expected_version is not None and obj.version != expected_version:  # type: ignore[attr-defined]
        raise stale_record(obj, expected_version)
    return obj


def stale_record(obj: models.Model, expected_version: int) -> StaleRecord:
    """The refusal for a save based on ``expected_version``: who changed what since, newest first."""
    newest = (
        LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")
    )
    since: list[LogEntry] = []
    for entry in newest[:RECENT_ENTRIES]:
        after = _version_after(entry)
        if (after is not None and after <= expected_version) or (
            entry.action == LogEntry.Action.CREATE and expected_version
        ):
            break  # this entry and older ones the user had already seen
        since.append(entry)
        if entry.action == LogEntry.Action.CREATE:
            break  # created since the user's page showed there was none (expected version 0)
    changed = {name for entry in since for name in entry.changes_dict}
    parts = []
    for row in history_rows(since):
        what = "；".join(
            f"{c.label}：{c.new}" if c.old is None else f"{c.label}：{c.old} → {c.new}" for c in row.changes
        )
        parts.append(
            f"{row.actor}于 {row.timestamp.strftime(DATETIME_FORMAT)} {row.action}"
            + (f"（{what}）" if what else "")
        )
    who = "，".join(parts) if parts else "他人修改"
    message = f"该记录已被{who}，您的修改未保存。请核对后重新提交。"
    return StaleRecord(message, current=obj, changed=changed - {VERSION})


def _version_after(entry: LogEntry) -> int | None:
    change = entry.changes_dict.get(VERSION)
    if not change or len(change) < 2:
        return None
    try:
        return int(change[1])
    except (TypeError, ValueError):
        return None


def save_changed(obj: Versioned, fields: Iterable[str]) -> None:
    """Save only ``fields`` (plus the version, one up, ``updated_at`` where there is one, and an ID's hashes)."""
    obj.version += 1
    names = [*with_derived_fields(type(obj), dict.fromkeys(fields)), VERSION]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.append("updated_at")
    obj.save(update_fields=names)


class VersionedForm:
    """Form mixin: carries the loaded version and the loaded values; call :meth:`init_version` in ``__init__``."""

    fields: dict[str, forms.Field]
    data: Any
    changed_data: list[str]
    cleaned_data: dict[str, Any]

    def init_version(self, record: Versioned) -> None:
        """Add the hidden version (the record's now; on a POST, the one the user loaded comes back)."""
        self.versioned_record = (type(record), record.pk)
        for field in self.fields.values():
            field.show_hidden_initial = True
        self.fields[VERSION] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=1, initial=record.version
        )
        self.fields[VERSION].show_hidden_initial = False

    @property
    def loaded_version(self) -> int:
        return self.cleaned_data[VERSION]

    def changed_fields(self) -> list[str]:
        """The fields this user changed, compared with what their page showed when they loaded it."""
        return [name for name in self.changed_data if name != VERSION]

    def full_clean(self) -> None:
        """Validate; a refused form loaded before someone else's change says so first.

        The form's own rules read the record as stored now, so a stale page can
        fail them on a field this user never touched (a 转正 recorded since: the
        empty 转正日期 they loaded).  Then the refusal names the change, the
        errors on untouched fields go (the current values replace them) and the
        page is brought up to date like a refused save.  A valid form costs no
        query here: the service's locked check is the one that counts.
        """
        super().full_clean()  # type: ignore[misc]
        model, pk = getattr(self, "versioned_record", (None, None))
        if not self._errors or model is None or not isinstance(self.cleaned_data.get(VERSION), int):  # type: ignore[attr-defined]
            return
        if self.has_error(NON_FIELD_ERRORS, "stale"):  # type: ignore[attr-defined]
            return  # already refused as stale (the admin's form checks in clean())
        current = model._base_manager.filter(pk=pk).first()
        if current is None or current.version == self.cleaned_data[VERSION]:
            return
        mine = set(self.changed_fields())
        for name in [n for n in self._errors if n not in mine and n in self.fields]:  # type: ignore[attr-defined]
            del self._errors[name]  # type: ignore[attr-defined]
        self.add_error(None, stale_record(current, self.cleaned_data[VERSION]))  # type: ignore[attr-defined]
        self.show_current(current)

    def show_current(self, current: models.Model) -> None:
        """After a refusal: keep the user's edits, show the rest as stored now, and the current version."""
        data = self.data.copy()
        mine = set(self.changed_fields())
        for name in self.fields:
            if name == VERSION:
                continue
            value = _form_value(current, name)
            data[self.add_initial_prefix(name)] = value  # type: ignore[attr-defined]
            if name not in mine:
                data[self.add_prefix(name)] = value  # type: ignore[attr-defined]
        data[self.add_prefix(VERSION)] = current.version  # type: ignore[attr-defined]
        self.data = data


def _form_value(record: models.Model, name: str) -> Any:
    value = getattr(record, name, None)
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return ""
    return value
