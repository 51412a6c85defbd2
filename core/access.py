"""Who took personal data out of the pages: exports, downloads and full-ID reveals.

``record_access`` is the one writer of :class:`core.models.AccessRecord`; the
list idiom's export (``core.lists.list_page``), the member export and the
reveal endpoint call it, so no list view records anything itself.  The page
that reads the records (``core.access_views``) is for superusers and the
county's own accounts (those bound to a top-level organization: county staff
and the county's auditors), each seeing the records of their subtree.

The records are not kept through django-auditlog: they log reads, not
changes, and nobody edits or deletes them (there is no admin for them).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .axes_app import client_ip
from .idcard import mask_if_id_number
from .models import AccessRecord
from .scopes import scope_root, sees_everything

#: The permission that lets an account read full ID numbers (see ``members.permissions.may_reveal_id``).
REVEAL_ID_PERMISSION = "core.reveal_id_number"

#: What an invalid filter form is recorded as (the export then holds no rows).
INVALID_FILTERS = "筛选条件有误，未导出数据"


def _shown(field: forms.Field, value: Any) -> str:
    """One filter value as the page showed it: a choice's label, a day as 2026-05-01, a tick as 是."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple | QuerySet):
        return "、".join(_shown(field, v) for v in value)
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(k): str(v) for k, v in choices if not isinstance(v, list | tuple)}
        return labels.get(str(value), str(value))
    return mask_if_id_number(str(value))  # a search by a whole ID number: the record keeps its mask


def describe_filters(form: forms.Form | None) -> str:
    """A filter form's given values in Chinese (``性别：女；党组织：各甫村党支部``); "" when none is given."""
    if form is None:
        return ""
    if not form.is_valid():
        return INVALID_FILTERS
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()) or value is False:
            continue
        if isinstance(value, QuerySet) and not value.exists():
            continue
        parts.append(f"{field.label or name}：{_shown(field, value)}")
    return "；".join(parts)


def _ip(request: HttpRequest) -> str | None:
    value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:  # a proxy header with something else in it: keep the record, not the garbage
        return None


def _masked_query(query: str) -> str:
    """The query string with a whole ID number searched for masked: the records are no unencrypted copy."""
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(k, mask_if_id_number(v)) for k, v in pairs]
    return urlencode(masked, safe="*") if masked != pairs else query


def record_access(
    *,
    request: HttpRequest,
    kind: str,
    what: str,
    form: forms.Form | None = None,
    rows: int | None = None,
) -> AccessRecord:
    """Record that ``request.user`` exported, downloaded or revealed ``what`` (append-only)."""
    user = request.user
    org = getattr(user, "organization", None)
    query = _masked_query(request.META.get("QUERY_STRING", ""))
    return AccessRecord.objects.create(
        kind=kind,
        at=timezone.now(),
        user=user,
        username=user.get_username(),
        user_name=getattr(user, "full_name", "") or "",
        organization_path=org.path if org is not None else "",
        organization_name=org.name if org is not None else "",
        what=what[:200],
        page=request.path[:500],
        filters=describe_filters(form),
        query=query,
        rows=rows,
        ip=_ip(request),
    )


def may_view_access_records(user: Any) -> bool:
    """Superusers, and accounts bound to a top-level organization (the county's staff and auditors)."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return root is not None and root.path.count("/") == 1
