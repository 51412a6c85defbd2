"""What the assessment services share: the superior's scope check, the year, audit rows of bulk writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from core.bulkaudit import AuditContext, PendingCreates, update_entry
from core.periodlock import check_period_open
from core.scopes import check_can_edit, scope_root, sees_everything
from core.versioning import VERSION
from organizations.models import Organization

#: The years an assessment may be recorded for.
FIRST_YEAR = 2000


def check_superior(actor: Any, org: Organization, what: str) -> None:
    """Writes that the level above ``org`` makes (its agreement, its score, its rating).

    Out of the actor's scope: 404, as everywhere; the organization's own
    users (whose scope is ``org`` itself) are refused with a reason.
    """
    check_can_edit(actor, org)
    if sees_everything(actor):
        return
    root = scope_root(actor)
    if root is not None and root.pk == org.pk:
        raise PermissionDenied(f"{what}由上级党组织登记，{org.name}不能自行修改")


def check_year(year: int, field: str = "year") -> None:
    today = dt.date.today()
    if not FIRST_YEAR <= year <= today.year + 1:
        raise ValidationError({field: f"年度应在{FIRST_YEAR}年至{today.year + 1}年之间"})


def check_year_open(org: Organization, year: int, field: str | None = None) -> None:
    """A year's assessment record (an agreement, a grade, a rating) is closed once ``org`` submitted that year."""
    check_period_open(org, dt.date(year, 12, 31), field)


def not_in_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > dt.date.today():
        raise ValidationError({field: f"{label}不能晚于今天"})


def in_year(day: dt.date | None, year: int, field: str, label: str) -> None:
    if day and day.year != year:
        raise ValidationError({field: f"{label}应在{year}年内"})


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- bulk writes with their audit rows ------------------------------------------------------------
#
# The bulk screens (agreements for a whole branch, grades for a whole branch) write many rows in
# one service call; bulk_create/bulk_update send no signals, so the audit rows auditlog would
# write for each save are built by core.bulkaudit and inserted with them: a fixed number of
# queries whatever the number of members.


def bulk_create_audited(model: type[models.Model], objects: Sequence[models.Model], actor: Any) -> None:
    """Insert ``objects`` and their "create" audit rows (two or three queries)."""
    if not objects:
        return
    model.objects.bulk_create(objects)  # type: ignore[attr-defined]
    audit = PendingCreates(objects, AuditContext.current(actor_or_none(actor)))
    audit.insert()


def bulk_update_audited(
    model: type[models.Model],
    changes: Iterable[tuple[models.Model, models.Model, list[str]]],
    actor: Any,
) -> int:
    """Write (before, after, fields) changes grouped by their fields, with their "update" audit rows.

    ``after`` carries the new values (and, for a ``Versioned`` row, the version
    one up); ``before`` the stored ones, for the audit diff.
    """
    context = AuditContext.current(actor_or_none(actor))
    entries: list[LogEntry] = []
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    now = timezone.now()
    for before, after, fields in changes:
        names = [*fields, *((VERSION,) if hasattr(after, VERSION) else ())]
        # The version is in the diff, as save_changed's signal-written entry has it (StaleRecord reads it).
        entry = update_entry(before, after, names, context)
        if entry is not None:
            entries.append(entry)
        if stamped:
            after.updated_at = now  # type: ignore[attr-defined]
            names.append("updated_at")
        groups.setdefault(tuple(names), []).append(after)
    for names, rows in groups.items():
        model.objects.bulk_update(rows, list(names))  # type: ignore[attr-defined]
    LogEntry.objects.bulk_create(entries)
    return sum(len(rows) for rows in groups.values())
