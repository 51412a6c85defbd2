"""The scope layer: the one place that decides what a user may see and change.

It reads a user only through ``is_superuser``, ``is_active``, ``organization``
(an object with a materialized ``path``) and ``is_auditor``, so it imports no app.

Every scoped model's manager is built on :class:`ScopedQuerySet`; views,
exports, JSON endpoints and the admin call ``visible_to(user)`` or
``editable_by(user)`` and never filter by organization themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

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
        """Rows owned by ``org`` or anything below it, in today's tree."""
        return self.filter(**{f"{self.scope_path}__subtree": org.path})

    @property
    def _owner(self) -> str:
        """The lookup to the owning organization itself (``pk`` for organizations)."""
        return self.scope_path.removesuffix("path").removesuffix("__") or "pk"

    def visible_on(self, user: Any, day: dt.date) -> ScopedQuerySet:
        """What the user's subtree held on ``day``: a branch moved out of it since still shows there."""
        if sees_everything(user):
            return self
        root = scope_root(user)
        if root is None:
            return self.none()
        return self.within_on(root, day)

    def within_on(self, org: Any, day: dt.date) -> ScopedQuerySet:
        """Rows owned by something in ``org``'s subtree as the tree stood on ``day``.

        For stocks on a past day ("members of X on 2025-12-31"): a branch moved
        since still counts where it was.  One subquery on the dated tree.
        """
        return self.filter(**{f"{self._owner}__in": _dated_tree().subtree_on(org, day)})

    def within_then(self, org: Any, date_field: str, *, day_before: bool = False) -> ScopedQuerySet:
        """Rows whose owner was in ``org``'s subtree on the row's own ``date_field``.

        For events of a period ("new members of X in 2025"): each counts where
        it happened, whatever was moved since.  ``org`` may be an ``OuterRef``.
        ``day_before`` places the row on the day before its date — for a closing,
        whose organization has left the tree on the closing day itself.
        """
        return self.filter(_dated_tree().in_subtree_then(org, self._owner, date_field, day_before=day_before))


class DatedTree(Protocol):
    """What the organizations app provides for dated subtrees (``organizations.lineage``, registered from its ``ready()``)."""

    def subtree_on(self, org: Any, day: dt.date) -> Any: ...

    def in_subtree_then(self, org: Any, org_ref: str, date_ref: str, *, day_before: bool = False) -> Any: ...


_registered: list[DatedTree] = []


def register_dated_tree(tree: DatedTree) -> None:
    _registered[:] = [tree]


def _dated_tree() -> DatedTree:
    if not _registered:  # pragma: no cover - the organizations app registers it at start-up
        raise RuntimeError("organizations.lineage is not registered")
    return _registered[0]


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
