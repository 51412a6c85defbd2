"""制度建设: the regulations each organization adopts — writes, the list, the checklist and the figures.

Small and self-contained: the model is ``organizations.models.Regulation``,
the pages ``organizations/regulation_views.py``.  The checklist is the 13
base-level systems and the 5 member-development systems
(``choices.BASIC_REGULATIONS``, ``DEVELOPMENT_REGULATIONS``); the figures are
the ``regulations.*`` indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Q, QuerySet, When

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed

from .choices import BASIC_REGULATIONS, COMMITTEE_KINDS, DEVELOPMENT_REGULATIONS, OrgKind, RegulationCategory
from .models import Organization, Regulation

#: Fields ``regulation_update`` may change.
REGULATION_FIELDS = (
    "title",
    "category",
    "adopted_on",
    "revised_on",
    "document_no",
    "posted_on_wall",
    "repealed_on",
    "note",
)
#: Kinds that keep a registry of regulations (a 党小组 follows its branch's).
REGULATION_KINDS = (
    OrgKind.COUNTY_COMMITTEE,
    OrgKind.COMMITTEE,
    OrgKind.WORKING_COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
)


# --- writes ----------------------------------------------------------------------------------------


def _validate(regulation: Regulation) -> None:
    regulation.title = (regulation.title or "").strip()
    if not regulation.title:
        raise ValidationError({"title": "请填写制度名称"})
    if regulation.category not in RegulationCategory.values:
        raise ValidationError({"category": "请选择制度类别"})
    today = dt.date.today()
    for field, label in (("adopted_on", "制定日期"), ("revised_on", "修订日期"), ("repealed_on", "废止日期")):
        day = getattr(regulation, field)
        if day and day > today:
            raise ValidationError({field: f"{label}不能晚于今天"})
    if regulation.organization.kind not in REGULATION_KINDS:
        raise ValidationError({"organization": "党小组执行所在党支部的制度，请在党支部登记"})
    if regulation.adopted_on and regulation.adopted_on < regulation.organization.established_on:
        raise ValidationError({"adopted_on": "制定日期不能早于该党组织成立日期"})
    regulation.full_clean()


@service
def regulation_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    category: str,
    adopted_on: dt.date,
    revised_on: dt.date | None = None,
    document_no: str = "",
    posted_on_wall: bool = False,
    note: str = "",
) -> Regulation:
    """Register a regulation ``organization`` adopted."""
    check_can_edit(actor, organization)
    regulation = Regulation(
        organization=organization,
        title=title,
        category=category,
        adopted_on=adopted_on,
        revised_on=revised_on,
        document_no=(document_no or "").strip(),
        posted_on_wall=posted_on_wall,
        note=(note or "").strip(),
    )
    _validate(regulation)
    regulation.save()
    return regulation


@service
def regulation_update(
    *, actor: Any, regulation: Regulation, expected_version: int | None = None, **changes: Any
) -> Regulation:
    """Correct, revise (修订日期), post or repeal (废止日期) a regulation; only the changed fields are written."""
    unknown = set(changes) - set(REGULATION_FIELDS)
    if unknown:
        raise ValueError(f"regulation_update cannot change {sorted(unknown)}")
    lock_for_update(Regulation, regulation, expected_version=expected_version)
    check_can_edit(actor, regulation.organization)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(regulation, f)]
    if not changed:
        return regulation
    for field in changed:
        setattr(regulation, field, changes[field])
    _validate(regulation)
    save_changed(regulation, changed)
    return regulation


# --- reads -----------------------------------------------------------------------------------------


def regulation_list(*, user: Any, filters: Any) -> QuerySet[Regulation]:
    """Regulations of the user's scope, narrowed by ``filters`` (organizations.filters.RegulationFilterSet)."""
    return filters.filter_queryset(Regulation.objects.visible_to(user)).select_related("organization")


@dataclass(frozen=True)
class ChecklistRow:
    """One standard system and the organization's regulations of that kind in force."""

    category: str
    label: str
    regulations: list[Regulation]

    @property
    def in_place(self) -> bool:
        return bool(self.regulations)

    @property
    def posted(self) -> bool:
        return any(r.posted_on_wall for r in self.regulations)


@dataclass(frozen=True)
class Checklist:
    basic: list[ChecklistRow]
    development: list[ChecklistRow]
    other: list[Regulation]

    @property
    def basic_done(self) -> int:
        return sum(row.in_place for row in self.basic)

    @property
    def development_done(self) -> int:
        return sum(row.in_place for row in self.development)


def regulation_checklist(org: Organization) -> Checklist:
    """The 13 + 5 standard systems of ``org`` with its regulations in force (one query)."""
    in_force = list(
        org.regulations.filter(repealed_on__isnull=True).order_by("category", "-adopted_on", "id")
    )
    by_category: dict[str, list[Regulation]] = {}
    for regulation in in_force:
        by_category.setdefault(regulation.category, []).append(regulation)
    labels = dict(RegulationCategory.choices)

    def rows(categories: tuple[str, ...]) -> list[ChecklistRow]:
        return [ChecklistRow(c, labels[c], by_category.get(c, [])) for c in categories]

    return Checklist(
        basic=rows(BASIC_REGULATIONS),
        development=rows(DEVELOPMENT_REGULATIONS),
        other=by_category.get(RegulationCategory.OTHER, []),
    )


@dataclass(frozen=True)
class RegulationFigures:
    """regulations.* for one organization's subtree and period."""

    committees_improved: int  # base committees (incl. 党工委) that adopted or revised a regulation
    items: int  # regulations those committees adopted or revised
    subordinate_items: int  # regulations adopted or revised by the organizations below the committees


def regulation_figures(org: Organization, start: dt.date, end: dt.date) -> RegulationFigures:
    """Committees that improved their systems, their items, their subordinates' items (one query).

    A regulation counts in the period when it was adopted or revised in it
    (once, on the first of those days in the period), where its organization
    stood in the tree on that day.  The county committee's own regulations are
    neither (they are not a base committee's, nor below one).
    """
    acted = Case(
        When(adopted_on__gte=start, adopted_on__lte=end, then=F("adopted_on")),
        default=F("revised_on"),
    )
    rows = (
        Regulation.objects.annotate(acted_on=acted)
        .filter(Q(adopted_on__gte=start, adopted_on__lte=end) | Q(revised_on__gte=start, revised_on__lte=end))
        .within_then(org, "acted_on")
    )
    committee = Q(organization__kind__in=COMMITTEE_KINDS)
    below = Q(organization__kind__in=(OrgKind.GENERAL_BRANCH, OrgKind.BRANCH))
    totals = rows.aggregate(
        committees=Count("organization", distinct=True, filter=committee),
        items=Count("id", filter=committee),
        subordinate=Count("id", filter=below),
    )
    return RegulationFigures(
        committees_improved=totals["committees"],
        items=totals["items"],
        subordinate_items=totals["subordinate"],
    )
