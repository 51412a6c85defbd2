"""Audit plumbing shared by every app's services.

django-auditlog writes one ``LogEntry`` per saved/deleted row of a registered
model, with field diffs (ID numbers masked).  Services wrap their work in
:func:`service` so the rows they write carry the acting user (and, inside a
request, the client IP the middleware recorded).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from auditlog.context import _set_extra_data, auditlog_value
from auditlog.models import LogEntry
from django.db import models, transaction
from django.db.models.signals import pre_save

P = ParamSpec("P")
R = TypeVar("R")


_duids = itertools.count()


@contextlib.contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Attribute audit rows written inside the block to ``actor``.

    Written against auditlog's context rather than with its ``set_actor``,
    which (a) does not restore an outer context when it exits, so a service
    called inside a request would leave the request's later writes without
    actor and IP, and (b) keys its signal receiver on ``time.time()``, so two
    nested contexts under a frozen clock share one receiver and the inner
    exit disconnects the outer one.  Here the key is a counter and the outer
    context is restored with the ContextVar token.
    """
    outer = auditlog_value.get(None)
    duid = ("partyorg.acting_as", next(_duids))
    data = {
        "actor": actor,
        "remote_addr": outer.get("remote_addr") if outer else None,
        "remote_port": outer.get("remote_port") if outer else None,
        "signal_duid": duid,
    }
    token = auditlog_value.set(data)
    pre_save.connect(
        functools.partial(_set_extra_data, signal_duid=duid),
        sender=LogEntry,
        dispatch_uid=duid,
        weak=False,
    )
    try:
        yield
    finally:
        pre_save.disconnect(sender=LogEntry, dispatch_uid=duid)
        auditlog_value.reset(token)


def service(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a state-changing service atomically, audited as its ``actor`` keyword."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(), acting_as(kwargs.get("actor")):
            return fn(*args, **kwargs)

    return wrapper


def history_for(obj: models.Model) -> models.QuerySet[LogEntry]:
    """The change history (修改记录) of one record, newest first."""
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")


def register_audited(
    model: type[models.Model], *, exclude_fields: tuple[str, ...] | list[str] = (), **options: Any
) -> None:
    """Register ``model`` with auditlog, tracking its own concrete fields only.

    auditlog would otherwise also "track" reverse relations (``children``,
    ``members`` …) and show them as meaningless changes on every create.  An
    ID number's keyed hashes (``core.fieldcrypto.IdHashField``) are left out:
    they follow the (masked) number and would put a lookup key into the log.
    """
    from auditlog.registry import auditlog

    from .fieldcrypto import IdHashField

    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in exclude_fields and not f.primary_key and not isinstance(f, IdHashField)
    ]
    auditlog.register(model, include_fields=fields, **options)
