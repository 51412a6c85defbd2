"""The filters of the organization pages' lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

import django_filters

from core.filters import OrganizationFilter, ScopedFilterSet, handled_by_selector

from .choices import OrgKind
from .models import Organization
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
