"""The 工作台's to-dos: a small registry every app plugs into, and the organization tree's own to-dos.

How an app adds its to-dos (dues' "unpaid dues", training's "missing
meetings" …) without touching the home page:

1. write a read-only provider ``provider(user, today) -> Iterable[TodoGroup]``
   next to the app's selectors (``members/selectors/todos.py`` is the model
   to copy).  It reads through the app's scoped selectors, so a user only
   ever counts what their scope holds, and it costs a fixed number of
   queries whatever the size of the scope (say how many in its docstring);
2. register it from the app's ``AppConfig.ready()``::

       from organizations.todos import register_todos
       from .selectors.todos import dues_todos

       register_todos(dues_todos)

The home page (``partyorg.views.home``) calls :func:`collect_todos` and
renders every group; groups are sorted by ``order`` (organizations 10,
members 20–40, leave gaps for the next apps), so registration order does not
matter.  A :class:`Todo` with a zero count is shown calmly, a non-zero one
prominently.  ``actions`` are links to *write* pages ("登记党员"): a provider
builds them only for users who may write (``core.scopes.can_write``), so the
read-only auditor sees the counts and no buttons.

This module lives in ``organizations`` because every app above it may import
it; ``organizations`` itself never imports those apps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from .models import Organization
from .rules import TermYears, rules_in_force
from .selectors import (
    WARNING_KINDS,
    WarningThresholds,
    filled_posts,
    subtree_counts,
    vacancies_for,
    warnings_for,
)

#: How far ahead a leadership team's term counts as "ending soon".
TERM_NOTICE_DAYS = 90
#: Named rows a to-do lists under its count (the rest are behind its link).
MAX_ITEMS = 5


@dataclass(frozen=True)
class TodoItem:
    """One named row under a to-do (e.g. an organization whose term ends soon)."""

    label: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Todo:
    """One count of things waiting for the user, and the page where they are dealt with.

    ``level``: "danger" (overdue), "warning" (due soon) or "info" (waiting);
    it colours a non-zero count.  ``url`` is a reading page (a worklist, a
    queue), so it is shown to the auditor too.
    """

    key: str
    label: str
    count: int
    url: str = ""
    level: str = "info"
    hint: str = ""
    items: tuple[TodoItem, ...] = ()

    @property
    def more(self) -> int:
        """How many rows are not listed under the count."""
        return max(self.count - len(self.items), 0) if self.items else 0


@dataclass(frozen=True)
class Action:
    """A link to a page that writes (登记党员, 开具介绍信): only ever built for users who may write."""

    label: str
    url: str
    icon: str = "bi-plus-lg"


@dataclass(frozen=True)
class TodoGroup:
    """One card of the 工作台: an area's to-dos and its quick actions."""

    key: str
    title: str
    order: int
    todos: list[Todo]
    actions: list[Action] = field(default_factory=list)
    icon: str = "bi-list-check"
    url: str = ""  # the area's page

    @property
    def total(self) -> int:
        return sum(t.count for t in self.todos)

    @property
    def quiet(self) -> list[Todo]:
        """The to-dos with nothing waiting (shown calmly, folded away)."""
        return [t for t in self.todos if not t.count]


TodoProvider = Callable[[Any, dt.date], Iterable[TodoGroup]]
_providers: list[TodoProvider] = []


def register_todos(provider: TodoProvider) -> None:
    """Add an app's provider (idempotent, so ``ready()`` may run twice)."""
    if provider not in _providers:
        _providers.append(provider)


def collect_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Every registered provider's groups for ``user`` on ``today``, in display order."""
    groups = [group for provider in (organization_todos, *_providers) for group in provider(user, today)]
    return sorted(groups, key=lambda g: (g.order, g.key))


# ---------------------------------------------------------------------------
# The organization tree's to-dos


def _term_ending(
    orgs: Iterable[Organization], terms: TermYears, today: dt.date
) -> list[tuple[Organization, dt.date]]:
    """Organizations whose leadership term ends within TERM_NOTICE_DAYS (already expired ones are warnings)."""
    last = today + dt.timedelta(days=TERM_NOTICE_DAYS)
    ending = [
        (org, ends_on) for org in orgs if (ends_on := org.term_end_in(terms)) and today <= ends_on <= last
    ]
    return sorted(ending, key=lambda pair: (pair[1], pair[0].path))


def organization_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Warnings, vacancies and terms ending soon in the user's scope: four queries.

    The rules (one query for all of them), the organizations existing today, their
    member counts, the posts held today.  The warnings and vacancies pages
    compute the same rows from the same building blocks.
    """
    rules = rules_in_force(*WarningThresholds.KEYS, "branch_committee_min_full_members")
    limits = WarningThresholds.from_rules(rules)
    queryset = Organization.objects.visible_to(user).existing_on(today)
    orgs = list(queryset)
    if not orgs:
        return []
    counts = subtree_counts(orgs, queryset.values_list("id", flat=True))
    warnings = [w for org in orgs for w in warnings_for(org, counts[org.pk], limits, today)]
    vacant = vacancies_for(
        orgs, counts, filled_posts(queryset, today), rules["branch_committee_min_full_members"]
    )
    ending = _term_ending(orgs, limits.terms, today)

    by_code = Counter(w.code for w in warnings)
    warning_hint = "，".join(f"{WARNING_KINDS[code]} {n}" for code, n in by_code.most_common())
    todos = [
        Todo(
            key="organizations.warnings",
            label="组织预警",
            count=len(warnings),
            url=reverse("organizations:warnings"),
            level="warning",
            hint=warning_hint,
        ),
        Todo(
            key="organizations.vacancies",
            label="班子职务缺配",
            count=len(vacant),
            url=reverse("organizations:vacancies"),
            hint="书记、委员等必设职务未配齐的党组织" if vacant else "",
        ),
        Todo(
            key="organizations.terms",
            label=f"{TERM_NOTICE_DAYS}天内任期届满",
            count=len(ending),
            level="warning",
            hint="应提前做好换届准备" if ending else "",
            items=tuple(
                TodoItem(org.name, org.get_absolute_url(), f"{ends_on:%Y-%m-%d}届满")
                for org, ends_on in ending[:MAX_ITEMS]
            ),
        ),
    ]
    return [
        TodoGroup(
            key="organizations",
            title="党组织",
            order=10,
            todos=todos,
            icon="bi-diagram-3",
            url=reverse("organizations:tree"),
        )
    ]
