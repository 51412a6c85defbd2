"""The filters of the organization pages' lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from core.filters import (
    DateFromFilter,
    DateToFilter,
    FlagFilter,
    OrganizationFilter,
    ScopedFilterSet,
    handled_by_selector,
)

from .choices import OrgKind, RegulationCategory
from .models import Organization, Regulation
from .selectors import WARNING_KINDS


class VacancyFilterSet(ScopedFilterSet):
    """Filters of the vacancy list: the kind of organization and a subtree (the selector applies them)."""

    kind = django_filters.ChoiceFilter(label="组织类型", choices=OrgKind.choices, method=handled_by_selector)
    org = OrganizationFilter(
        label="范围",
        queryset=Organization.objects.order_by("path"),
        to_field_name="code",
        method=handled_by_selector,
    )

    class Meta:
        model = Organization
        fields: list[str] = []


class WarningFilterSet(ScopedFilterSet):
    """Filters of the warning list: the kind of warning and a subtree (the selector applies them)."""

    code = django_filters.ChoiceFilter(
        label="预警类型", choices=list(WARNING_KINDS.items()), method=handled_by_selector
    )
    org = OrganizationFilter(
        label="范围",
        queryset=Organization.objects.order_by("path"),
        to_field_name="code",
        method=handled_by_selector,
    )

    class Meta:
        model = Organization
        fields: list[str] = []


class RegulationFilterSet(ScopedFilterSet):
    """Filters of the regulation list: subtree, kind of system, adopted or revised in a period, on the wall, in force."""

    org = OrganizationFilter(
        label="党组织", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )
    category = django_filters.ChoiceFilter(label="制度类别", choices=RegulationCategory.choices)
    start = DateFromFilter("adopted_on", label="制定/修订起始", method="filter_start")
    end = DateToFilter("adopted_on", label="制定/修订截止", method="filter_end")
    posted = FlagFilter(field_name="posted_on_wall", label="仅看已上墙")
    repealed = FlagFilter(label="含已废止", method=handled_by_selector)

    class Meta:
        model = Regulation
        fields: list[str] = []

    def filter_start(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(adopted_on__gte=value) | Q(revised_on__gte=value)) if value else queryset

    def filter_end(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(adopted_on__lte=value) | Q(revised_on__lte=value)) if value else queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return queryset if self.values.get("repealed") else queryset.filter(repealed_on__isnull=True)
