"""Reads of member records: scoped querysets and counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from core.dates import years_before
from core.scopes import can_write
from organizations.hooks import DirectCounts

from ..choices import HAN, MemberStatus
from ..forms.member import ID_TERM, MINORITY, MemberFilterForm
from ..models import Member, MemberPeriod


def direct_member_counts(org_ids: Iterable[int]) -> dict[int, DirectCounts]:
    """Current members held directly by each organization, in one grouped query."""
    rows = (
        Member.objects.current()
        .filter(organization_id__in=org_ids)  # a queryset stays a subquery
        .values("organization_id")
        .annotate(
            members=Count("id"),
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
        )
    )
    return {
        r["organization_id"]: DirectCounts(r["members"], r["full"], r["members"] - r["full"]) for r in rows
    }


def age_between_q(low: int | None, high: int | None, day: dt.date) -> Q:
    """Members aged ``low``..``high`` (inclusive) on ``day``, as a birth-date range the database can index.

    Someone is at least N on ``day`` exactly when born on or before the same
    day N years earlier (``members.models.age_on`` agrees, 29 February included).
    """
    q = Q()
    if low is not None:
        q &= Q(birth_date__lte=years_before(day, low))
    if high is not None:
        q &= Q(birth_date__gt=years_before(day, high + 1))
    return q


def search_q(term: str, *, full_ids_visible: bool = True) -> Q:
    """A term of ID characters is a full ID number or its last characters; anything else a name.

    Users who see ID numbers masked (auditors) may only search a whole number:
    searching by ever longer endings would let them read the hidden digits.
    """
    if ID_TERM.fullmatch(term):
        number = term.upper()
        if len(number) == 18:
            return Q(id_number=number)
        if not full_ids_visible and len(number) > 4:
            return Q(pk__in=[])
        return Q(id_number__endswith=number)
    return Q(name__icontains=term)


def filter_members(user: Any, params: Any) -> tuple[MemberFilterForm, QuerySet[Member]]:
    """The member list of ``user``'s scope filtered by the GET ``params`` of the list page.

    Shared by the list page and its exports.  Each row carries ``status_on``,
    ``organization_on_name`` and ``organization_on_code``: today's values, or,
    with ``on``, the member's status and organization on that day read from
    ``MemberPeriod`` history.  Invalid parameters give no rows (the form says why).
    """
    form = MemberFilterForm(params or None, user=user)
    if form.is_bound and not form.is_valid():
        return form, Member.objects.none()
    data = form.cleaned_data if form.is_bound else {}
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
        )
    else:
        # On a past day the organization of that day decides the scope and
        # the subtree, not today's: a member who moved away since still
        # counts for the old branch.  Periods never overlap, so the join
        # below gives at most one row per member; every condition on the
        # period sits in this one subquery so the join is not repeated.
        periods = MemberPeriod.objects.visible_to(user).on(day)
        if data.get("org"):
            periods = periods.within(data["org"])
        if data.get("status"):
            periods = periods.filter(status=data["status"])
        members = Member.objects.filter(periods__in=periods).annotate(
            status_on=F("periods__status"),
            organization_on_name=F("periods__organization__name"),
            organization_on_code=F("periods__organization__code"),
            organization_on_path=F("periods__organization__path"),
        )

    if data.get("q"):
        members = members.filter(search_q(data["q"], full_ids_visible=can_write(user)))
    for name in ("gender", "education", "occupation"):
        if data.get(name):
            members = members.filter(**{name: data[name]})
    if data.get("ethnicity") == MINORITY:
        members = members.exclude(ethnicity=HAN)
    elif data.get("ethnicity"):
        members = members.filter(ethnicity=data["ethnicity"])
    if data.get("age_band"):
        _, low, high = data["age_band"]
        members = members.filter(age_between_q(low, high, day or dt.date.today()))
    for flag, field in MemberFilterForm.FLAGS.items():
        if data.get(flag):
            members = members.filter(**{field: True})
    return form, members.select_related("organization").order_by("organization_on_path", "name", "id")
