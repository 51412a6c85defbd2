"""The scope layer: the one place that decides what a user may see and change.

It reads a user only through ``is_superuser``, ``is_active``, ``organization``
(an object with a materialized ``path``) and ``is_auditor``, so it imports no app.

Every scoped model's manager is built on :class:`ScopedQuerySet`; views,
exports, JSON endpoints and the admin call ``visible_to(user)`` or
``editable_by(user)`` and never filter by organization themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Lookup
from django.http import Http404


class PathField(models.CharField):
    """Materialized path of an organization: one zero-padded segment per level.

    A subtree is every row whose path starts with the root's path.  The
    ``subtree`` lookup makes that one indexed query on both databases:
    SQLite's ``LIKE`` is case-insensitive and skips the index, ``GLOB`` is
    case-sensitive and uses it; PostgreSQL's ``LIKE 'p%'`` uses the
    ``varchar_pattern_ops`` index Django creates beside a CharField index.
    Paths hold only digits and '/', so no wildcard needs escaping.
    """


@PathField.register_lookup
class SubtreeLookup(Lookup):
    lookup_name = "subtree"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "GLOB" if connection.vendor == "sqlite" else "LIKE"
        wildcard = "*" if connection.vendor == "sqlite" else "%"
        params = [*lhs_params, *(f"{p}{wildcard}" for p in rhs_params)]
        return f"{lhs} {operator} {rhs}", params


def scope_root(user: Any) -> Any:
    """The organization whose subtree the user works in (None: no access)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return user.organization


def sees_everything(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_write(user: Any) -> bool:
    """Auditors read only; everyone else bound to an organization may write in scope."""
    if sees_everything(user):
        return True
    return bool(scope_root(user)) and not user.is_auditor


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which organization owns each row.

    ``scope_path`` is the lookup from this model to the owning
    organization's ``path``.
    """

    scope_path = "organization__path"

    def visible_to(self, user: Any) -> ScopedQuerySet:
        if sees_everything(user):
            return self
        root = scope_root(user)
        if root is None:
            return self.none()
        return self.filter(**{f"{self.scope_path}__subtree": root.path})

    def editable_by(self, user: Any) -> ScopedQuerySet:
        if not can_write(user):
            return self.none()
        return self.visible_to(user)

    def within(self, org: Any) -> ScopedQuerySet:
        """Rows owned by ``org`` or anything below it."""
        return self.filter(**{f"{self.scope_path}__subtree": org.path})


def in_scope(user: Any, org: Any) -> bool:
    """True when ``org`` lies in the user's subtree."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return root is not None and org.path.startswith(root.path)


def check_can_edit(actor: Any, org: Any) -> None:
    """Services call this before any write that touches ``org``.

    Out of scope looks like "not found" (no hint that the record exists);
    a read-only role in scope is "forbidden".
    """
    if not in_scope(actor, org):
        raise Http404("未找到该党组织")
    if not can_write(actor):
        raise PermissionDenied("当前账号为只读权限，不能修改数据")
