"""Reads of member records: scoped querysets and counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from organizations.hooks import DirectCounts

from ..choices import MemberStatus
from ..filters import ID_TERM, MemberFilterSet
from ..models import Member, MemberPeriod


def direct_member_counts(org_ids: Iterable[int]) -> dict[int, DirectCounts]:
    """Current members held directly by each organization, and placed in each 党小组, in one grouped query.

    A member placed in a 党小组 stays on the branch's roll: the group's counts
    are marked ``in_parent`` so the tree adds them up once, at the branch.
    """
    rows = (
        Member.objects.current()
        # a queryset stays a subquery (once per side of the OR)
        .filter(Q(organization_id__in=org_ids) | Q(party_group_id__in=org_ids))
        .values("organization_id", "party_group_id")
        .annotate(
            members=Count("id"),
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
        )
    )
    held: dict[int, list[int]] = {}
    placed: dict[int, list[int]] = {}
    ids = None if isinstance(org_ids, QuerySet) else set(org_ids)
    for r in rows:
        for key, sums in ((r["organization_id"], held), (r["party_group_id"], placed)):
            if key is not None and (ids is None or key in ids):
                total = sums.setdefault(key, [0, 0])
                total[0] += r["members"]
                total[1] += r["full"]
    counts = {pk: DirectCounts(n, full, n - full) for pk, (n, full) in held.items()}
    # a group holds no members itself, so its key never clashes with a branch's
    counts.update({pk: DirectCounts(n, full, n - full, in_parent=True) for pk, (n, full) in placed.items()})
    return counts


def member_list(*, user: Any, filters: MemberFilterSet) -> QuerySet[Member]:
    """The member roster of ``user``'s scope narrowed by ``filters`` (valid), for the list and its export.

    Each row carries ``status_on``, ``organization_on_name``,
    ``organization_on_code`` and ``organization_on_path``: today's values, or,
    with the ``on`` filter, the member's status and organization on that day
    read from ``MemberPeriod`` history.

    Each row also carries ``visible_now`` (the member's record is in the
    user's scope today, so the detail page opens) and ``history_only``: on a
    past day, a member who has since left the user's scope or the Party.  Of
    those the list and the export show only what that day's record says
    (name, status and organization that day, join date), never today's ID
    number, phone, work unit, education or occupation.
    """
    data = filters.values
    day: dt.date | None = data.get("on")
    if day is None:
        members = Member.objects.visible_to(user)
        if not data.get("include_left"):
            members = members.current()
        if data.get("org"):
            members = members.within(data["org"])
        if data.get("status"):
            members = members.filter(status=data["status"])
        members = members.annotate(
            status_on=F("status"),
            organization_on_name=F("organization__name"),
            organization_on_code=F("organization__code"),
            organization_on_path=F("organization__path"),
            party_group_shown=F("party_group__name"),
            visible_now=Value(True),
            history_only=Value(False),
        )
    else:
        # On a past day the organization and the tree of that day decide the
        # scope and the subtree, not today's: a member who moved away since,
        # or whose branch was moved since, still counts where it was.  Periods never overlap, so the join
        # below gives at most one row per member; every condition on the
        # period sits in this one subquery so the join is not repeated.
        periods = MemberPeriod.objects.visible_on(user, day).on(day)
        if data.get("org"):
            periods = periods.within_on(data["org"], day)
        if data.get("status"):
            periods = periods.filter(status=data["status"])
        visible_now = Exists(Member.objects.visible_to(user).filter(pk=OuterRef("pk")))
        members = Member.objects.filter(periods__in=periods).annotate(
            status_on=F("periods__status"),
            organization_on_name=F("periods__organization__name"),
            organization_on_code=F("periods__organization__code"),
            organization_on_path=F("periods__organization__path"),
            visible_now=visible_now,
            history_only=Case(
                When(visible_now & Q(left_on__isnull=True), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        # The 党小组 has no dated history: today's group, shown where the member is in the same branch as then.
        members = members.annotate(
            party_group_shown=Case(
                When(
                    Q(history_only=False, organization_id=F("periods__organization_id")),
                    then=F("party_group__name"),
                ),
                default=Value(None),
                output_field=CharField(),
            )
        )
    members = _with_sort_keys(filters.filter_queryset(members))
    if day is not None and _filters_on_todays_data(data):
        # Matching a filter on today's private data would tell it of a member
        # the user no longer sees: such a filter matches members still in scope only.
        members = members.filter(history_only=False)
    return members.select_related("organization").order_by("organization_on_path", "name", "id")


def _with_sort_keys(members: QuerySet[Member]) -> QuerySet[Member]:
    """Sort keys of the columns of today's data, empty on ``history_only`` rows.

    Sorting by a value the row hides would still tell it (who is older, who is
    a graduate): those rows sort together, by their order of registration.
    """
    hidden = Q(history_only=True)

    def shown(field: str, output: Field) -> Case:
        return Case(When(hidden, then=Value(None)), default=F(field), output_field=output)

    return members.annotate(
        gender_shown=shown("gender", CharField()),
        ethnicity_shown=shown("ethnicity", CharField()),
        birth_date_shown=shown("birth_date", DateField()),
        education_shown=shown("education", CharField()),
        occupation_shown=shown("occupation", CharField()),
        full_on_shown=Case(
            When(hidden & ~Q(status_on=MemberStatus.FULL), then=Value(None)),
            default=F("full_on"),
            output_field=DateField(),
        ),
    )


#: Member filters that read today's personal data (hidden on a past day's ``history_only`` rows).
TODAYS_DATA_FILTERS = (
    "party_group",
    "gender",
    "ethnicity",
    "education",
    "age_band",
    "occupation",
    "retired",
    "rural",
    "hardship",
    "mobile",
    "frontline",
)


def _filters_on_todays_data(data: dict[str, Any]) -> bool:
    """A filter on today's personal data is set (a search by ID number counts; one by name does not)."""
    term = (data.get("q") or "").strip()
    return bool(ID_TERM.fullmatch(term)) or any(data.get(name) for name in TODAYS_DATA_FILTERS)


def filter_members(user: Any, params: Any) -> tuple[Any, QuerySet[Member]]:
    """The filter form built from GET ``params`` and the rows it gives (none while a filter is invalid)."""
    filters = MemberFilterSet(params or None, user=user)
    if not filters.valid:
        return filters.form, Member.objects.none()
    return filters.form, member_list(user=user, filters=filters)
