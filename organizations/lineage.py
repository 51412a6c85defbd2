"""The tree as it stood on any day: the dated closure table ``OrgLineage``.

``Organization.path`` is today's tree.  Figures of a past day or period must
not change when a branch is moved today, so they ask this table instead
(through ``ScopedQuerySet.within_on`` / ``within_then``, which every scoped
model has):

- :func:`subtree_on` — the organizations in X's subtree on a day (one
  indexed subquery: ``ancestor = X`` and the day inside the span);
- :func:`in_subtree_then` — "this row's organization was in X's subtree on
  the row's own date", an ``EXISTS`` on (descendant, ancestor, start_on);
- :func:`children_on` / :func:`parent_on` for per-committee breakdowns.

The table is derived data: :func:`compute_lineage` rebuilds it from each
organization's current parent, its ``MOVE`` events (``previous_parent`` →
``related`` on ``date``) and its closing date; an organization's first
placement reaches back before its establishment (see ``BEGINNING``).
:func:`extend_lineage` adds a new organization (no moves yet: its rows are its
parent's); every move, merge or closing calls :func:`rebuild_lineage`, which
writes only the rows that differ.
A few hundred organizations rebuild in tens of milliseconds; restructuring is
rare, and a whole rebuild cannot drift the way patched spans could.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Organization, OrgEvent, OrgLineage

FOREVER = dt.date.max
#: An organization's first placement reaches back before its establishment date: imported member
#: history often starts earlier (a member who joined in 1975 kept in a branch re-established in
#: 2010), and those periods must still count where the branch was first placed, as ``path`` did.
BEGINNING = dt.date.min
MOVE = "MOVE"

#: (ancestor id, descendant id, depth, start_on, end_on or None)
Row = tuple[int, int, int, dt.date, dt.date | None]


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    dissolved_on: dt.date | None


@dataclass(frozen=True)
class Move:
    org_id: int
    day: dt.date
    previous_parent_id: int | None
    new_parent_id: int | None


def parent_spans(node: Node, moves: list[Move]) -> list[tuple[dt.date, dt.date, int | None]]:
    """(start, end, parent) for each span of ``node``'s life; ``moves`` sorted by day."""
    end = node.dissolved_on or FOREVER
    spans = []
    start = BEGINNING
    parent = moves[0].previous_parent_id if moves else node.parent_id
    for move in moves:
        if move.day > start:
            spans.append((start, min(move.day, end), parent))
            start = move.day
        parent = move.new_parent_id
    # The last span takes today's parent, so the table always agrees with ``path`` today.
    spans.append((start, end, node.parent_id))
    return [span for span in spans if span[0] < span[1]]


def compute_lineage(nodes: Mapping[int, Node], moves: Iterable[Move]) -> set[Row]:
    """Every (ancestor, descendant, depth, span) of the dated tree."""
    moves_of: dict[int, list[Move]] = defaultdict(list)
    for move in sorted(moves, key=lambda m: m.day):
        moves_of[move.org_id].append(move)
    memo: dict[int, list[tuple[int, int, dt.date, dt.date]]] = {}
    busy: set[int] = set()

    def spans_of(org_id: int) -> list[tuple[int, int, dt.date, dt.date]]:
        if org_id in memo:
            return memo[org_id]
        if org_id in busy:  # a loop in contradictory back-dated history: cut it there
            return []
        busy.add(org_id)
        node = nodes[org_id]
        end = node.dissolved_on or FOREVER
        rows = [(org_id, 0, BEGINNING, end)]
        for start, stop, parent in parent_spans(node, moves_of[org_id]):
            if parent is None or parent not in nodes:
                continue
            for ancestor, depth, a_start, a_end in spans_of(parent):
                lo, hi = max(start, a_start), min(stop, a_end)
                if lo < hi:
                    rows.append((ancestor, depth + 1, lo, hi))
        busy.discard(org_id)
        memo[org_id] = _merged(rows)
        return memo[org_id]

    result: set[Row] = set()
    for org_id in nodes:
        for ancestor, depth, start, end in spans_of(org_id):
            result.add((ancestor, org_id, depth, start, None if end == FOREVER else end))
    return result


def _merged(rows: list[tuple[int, int, dt.date, dt.date]]) -> list[tuple[int, int, dt.date, dt.date]]:
    """Join spans of one ancestor at one depth that touch (a move away and back)."""
    out: list[tuple[int, int, dt.date, dt.date]] = []
    for row in sorted(rows):
        if out and out[-1][:2] == row[:2] and out[-1][3] >= row[2]:
            out[-1] = (*row[:2], out[-1][2], max(out[-1][3], row[3]))
        else:
            out.append(row)
    return out


def _models(apps: Any = None) -> tuple[Any, Any, Any]:
    if apps is None:
        return Organization, OrgEvent, OrgLineage
    # A migration passes its historical app registry.
    return (
        apps.get_model("organizations", "Organization"),
        apps.get_model("organizations", "OrgEvent"),
        apps.get_model("organizations", "OrgLineage"),
    )


def rebuild_lineage(apps: Any = None) -> tuple[int, int]:
    """Bring the table in line with the organizations and their moves; returns (added, removed)."""
    organization, event, lineage = _models(apps)
    nodes = {
        row[0]: Node(*row) for row in organization.objects.values_list("id", "parent_id", "dissolved_on")
    }
    moves = [
        Move(*row)
        for row in event.objects.filter(kind=MOVE)
        .order_by("date", "id")
        .values_list("organization_id", "date", "previous_parent_id", "related_id")
    ]
    wanted = compute_lineage(nodes, moves)
    stored = {
        row[1:]: row[0]
        for row in lineage.objects.values_list(
            "id", "ancestor_id", "descendant_id", "depth", "start_on", "end_on"
        )
    }
    stale = [pk for row, pk in stored.items() if row not in wanted]
    missing = [row for row in wanted if row not in stored]
    if stale:
        lineage.objects.filter(pk__in=stale).delete()
    lineage.objects.bulk_create(
        lineage(ancestor_id=a, descendant_id=d, depth=depth, start_on=s, end_on=e)
        for a, d, depth, s, e in sorted(missing)
    )
    return len(missing), len(stale)


def extend_lineage(org: Any) -> None:
    """Rows for a newly placed organization: itself, and its parent's line (it has no moves yet)."""
    rows = [OrgLineage(ancestor=org, descendant=org, depth=0, start_on=BEGINNING)]
    if org.parent_id:
        rows += [
            OrgLineage(
                ancestor_id=row.ancestor_id,
                descendant=org,
                depth=row.depth + 1,
                start_on=row.start_on,
                end_on=row.end_on,
            )
            for row in OrgLineage.objects.filter(descendant_id=org.parent_id)
        ]
    OrgLineage.objects.bulk_create(rows)


def _covering(day: Any) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def subtree_on(org: Any, day: dt.date) -> QuerySet:
    """Ids of the organizations in ``org``'s subtree on ``day`` (``org`` itself included), as a subquery."""
    return OrgLineage.objects.filter(_covering(day), ancestor=org).values("descendant_id")


def in_subtree_then(org: Any, org_ref: str, date_ref: str, *, day_before: bool = False) -> Exists:
    """True when the outer row's organization (``org_ref``) was under ``org`` on its own ``date_ref``.

    ``day_before``: on the day before ``date_ref`` (a span [s, e) holds it when s < date and e ≥ date).
    """
    day = OuterRef(date_ref)
    covering = (
        Q(start_on__lt=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day)) if day_before else _covering(day)
    )
    return Exists(OrgLineage.objects.filter(covering, ancestor=org, descendant=OuterRef(org_ref)))


def children_on(org: Any, day: dt.date) -> QuerySet:
    """The organizations directly under ``org`` on ``day``."""
    below = OrgLineage.objects.filter(_covering(day), ancestor=org, depth=1).values("descendant_id")
    return Organization.objects.filter(pk__in=below)


def parent_on(org: Any, day: dt.date) -> Any:
    """The organization directly above ``org`` on ``day`` (None for a root, or before it existed)."""
    above = OrgLineage.objects.filter(_covering(day), descendant=org, depth=1).values("ancestor_id")
    return Organization.objects.filter(pk__in=above).first()


def covers(start_on: dt.date, end_on: dt.date | None, day: dt.date) -> bool:
    """The span [start_on, end_on) holds ``day`` (an open end holds every later day)."""
    return start_on <= day and (end_on is None or day < end_on)
