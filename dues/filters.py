"""The filters of the dues lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from core.filters import FlagFilter, OrganizationFilter, ScopedFilterSet, handled_by_selector
from members.models import Member
from organizations.choices import OrgKind
from organizations.models import Organization

from .choices import DuesCategory, LedgerPurpose, PaymentKind
from .models import DuesPayment, Remittance, RetainedFundEntry


def _orgs() -> QuerySet[Organization]:
    return Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path")


def _years() -> list[tuple[str, str]]:
    this = dt.date.today().year
    return [(str(y), f"{y}年") for y in range(this + 1, this - 10, -1)]


class MonthFilter(django_filters.CharFilter):
    """A month typed or picked as 2026-07 (``<input type="month">``), compared with the first day of months."""

    def __init__(self, field_name: str, *, lookup_expr: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(field_name=field_name, lookup_expr=lookup_expr, **kwargs)
        self.field_class = MonthField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class MonthField(forms.CharField):
    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        from .months import parse_month

        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError("请填写年月，如 2026-07")
        return month


class PaymentFilterSet(ScopedFilterSet):
    """Filters of the payment list: organization, months, kind, member, receipt."""

    org = OrganizationFilter(label="收缴党组织", queryset=_orgs(), to_field_name="code")
    start = MonthFilter("month", lookup_expr="gte", label="起始月份")
    end = MonthFilter("month", lookup_expr="lte", label="截止月份")
    kind = django_filters.ChoiceFilter(label="类型", choices=PaymentKind.choices)
    q = django_filters.CharFilter(label="姓名或收据编号", max_length=50, method="filter_q")
    voided = FlagFilter(label="只看已作废", field_name="voided", method="filter_voided")

    class Meta:
        model = DuesPayment
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return queryset.filter(Q(member__name__contains=term) | Q(receipt_no=term)) if term else queryset

    def filter_voided(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(voided_on__isnull=not value)


class AssessmentFilterSet(ScopedFilterSet):
    """Filters of the members' standards (党费核定): organization, category, name, the not yet assessed."""

    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")
    category = django_filters.ChoiceFilter(
        label="党员类别", choices=DuesCategory.choices, method=handled_by_selector
    )
    q = django_filters.CharFilter(label="姓名", max_length=50, field_name="name", lookup_expr="contains")
    unassessed = FlagFilter(label="只看未核定", method=handled_by_selector)

    class Meta:
        model = Member
        fields: list[str] = []


class ArrearsFilterSet(ScopedFilterSet):
    """Filters of the arrears list: organization, at least N months, only the flagged."""

    org = OrganizationFilter(
        label="党组织", queryset=_orgs(), to_field_name="code", method=handled_by_selector
    )
    months = django_filters.NumberFilter(
        label="欠缴月数不少于", method=handled_by_selector, min_value=1, max_value=120
    )
    flagged = FlagFilter(label="只看连续6个月及以上未交", method=handled_by_selector)

    class Meta:
        model = Member
        fields: list[str] = []


class RemittanceFilterSet(ScopedFilterSet):
    """Filters of the remittance list: organization (who remitted), year, quarter."""

    org = OrganizationFilter(
        label="上缴党组织", queryset=_orgs(), to_field_name="code", subtree_path="from_org__path"
    )
    year = django_filters.TypedChoiceFilter(label="年度", choices=_years, coerce=int)
    quarter = django_filters.TypedChoiceFilter(
        label="季度", choices=[(str(q), f"第{q}季度") for q in (1, 2, 3, 4)], coerce=int
    )
    voided = FlagFilter(label="含已作废", method="filter_voided")

    class Meta:
        model = Remittance
        fields: list[str] = []

    def filter_voided(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset if value else queryset.filter(voided_on__isnull=True)


class LedgerFilterSet(ScopedFilterSet):
    """Filters of a retained-dues ledger: whose ledger (one organization), period, item."""

    org = OrganizationFilter(
        label="党组织",
        queryset=_orgs(),
        to_field_name="code",
        method=handled_by_selector,
        empty_label="本组织",
    )
    start = django_filters.DateFilter(field_name="entry_on", lookup_expr="gte", label="起始日期")
    end = django_filters.DateFilter(field_name="entry_on", lookup_expr="lte", label="截止日期")
    purpose = django_filters.ChoiceFilter(label="项目", choices=LedgerPurpose.choices)

    class Meta:
        model = RetainedFundEntry
        fields: list[str] = []
