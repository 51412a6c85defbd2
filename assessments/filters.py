"""The filters of the assessment lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import F, QuerySet

from core.filters import (
    DateFromFilter,
    DateToFilter,
    FlagFilter,
    OrganizationFilter,
    ScopedFilterSet,
    handled_by_selector,
)
from members.models import Member
from organizations.choices import OrgKind
from organizations.models import Organization

from .choices import (
    AgreementLevel,
    AgreementStatus,
    GradeCategory,
    InspectionKind,
    RatingResult,
    RatingStandard,
)
from .models import (
    AgreementTemplate,
    Inspection,
    InspectionFinding,
    LifeMeeting,
    MemberAppraisal,
    StarRating,
    TargetAgreement,
)
from .selectors.common import year_choices


def _orgs() -> QuerySet[Organization]:
    return Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path")


def _year_options() -> list[tuple[str, str]]:
    return [(str(y), label) for y, label in year_choices()]


class YearFilter(django_filters.ChoiceFilter):
    """A year from the list (this year and the few around it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "年度")
        kwargs.setdefault("field_name", "year")
        kwargs.setdefault("choices", _year_options)
        kwargs.setdefault("empty_label", "全部年度")
        super().__init__(*args, **kwargs)


class TemplateFilterSet(ScopedFilterSet):
    """Filters of the template list: year and who signs."""

    year = YearFilter()
    level = django_filters.ChoiceFilter(label="签订对象", choices=AgreementLevel.choices)

    class Meta:
        model = AgreementTemplate
        fields: list[str] = []


class AgreementFilterSet(ScopedFilterSet):
    """Filters of the organizations' agreements (the scoring table): year, subtree, signed, scored, grade."""

    year = YearFilter()
    org = OrganizationFilter(
        label="乙方党组织", queryset=_orgs(), to_field_name="code", subtree_path="subject__path"
    )
    status = django_filters.ChoiceFilter(
        label="签订情况",
        choices=[(AgreementStatus.SIGNED, "已签订"), (AgreementStatus.PENDING, "待签订")],
        method="filter_status",
    )
    scored = django_filters.ChoiceFilter(
        label="考核评分", choices=[("yes", "已评分"), ("no", "未评分")], method="filter_scored"
    )
    grade = django_filters.CharFilter(label="考核等次", field_name="score__grade", max_length=20)

    class Meta:
        model = TargetAgreement
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == AgreementStatus.SIGNED:
            return queryset.filter(signed_on__isnull=False)
        return queryset.filter(signed_on__isnull=True) if value else queryset

    def filter_scored(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(score__isnull=value == "no")


class RosterFilterSet(ScopedFilterSet):
    """Filters of the member roster: the year (its agreements), subtree, status, a name."""

    year = YearFilter(method=handled_by_selector, empty_label=None)
    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")
    status = django_filters.ChoiceFilter(
        label="签订情况", choices=AgreementStatus.choices, method="filter_status"
    )
    q = django_filters.CharFilter(label="姓名", max_length=50, field_name="name", lookup_expr="contains")

    class Meta:
        model = Member
        fields: list[str] = []

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("year"):
            data = data.copy()
            data["year"] = str(dt.date.today().year)
        super().__init__(data, **kwargs)

    @property
    def active(self) -> bool:
        """The year is always set (this year by default): only the other filters open the card on a phone."""
        return any(self.data.get(name) for name in self.filters if name != "year")

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == AgreementStatus.NONE:
            return queryset.filter(agreement_pk__isnull=True)
        if value == AgreementStatus.EXEMPT:
            return queryset.filter(agreement_pk__isnull=False).exclude(agreement_exemption="")
        if value == AgreementStatus.SIGNED:
            return queryset.filter(agreement_signed_on__isnull=False)
        if value == AgreementStatus.PENDING:
            return queryset.filter(
                agreement_pk__isnull=False, agreement_signed_on__isnull=True, agreement_exemption=""
            )
        return queryset


class InspectionFilterSet(ScopedFilterSet):
    year = YearFilter()
    kind = django_filters.ChoiceFilter(label="检查类别", choices=InspectionKind.choices)
    org = OrganizationFilter(label="检查单位", queryset=_orgs(), to_field_name="code")
    start = DateFromFilter("started_on", label="起始日期")
    end = DateToFilter("started_on", label="截止日期")

    class Meta:
        model = Inspection
        fields: list[str] = []


class RectificationFilterSet(ScopedFilterSet):
    """Rectification items: the organization inspected, open or done, past their deadline."""

    org = OrganizationFilter(label="被检查党组织", queryset=_orgs(), to_field_name="code")
    state = django_filters.ChoiceFilter(
        label="整改情况", choices=[("open", "未完成"), ("done", "已完成")], method="filter_state"
    )
    overdue = FlagFilter(label="只看逾期未整改", method="filter_overdue")
    start = DateFromFilter("deadline", label="期限起")
    end = DateToFilter("deadline", label="期限止")

    class Meta:
        model = InspectionFinding
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(rectified_on__isnull=value == "open")

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(rectified_on__isnull=True, deadline__lt=dt.date.today())


class LifeMeetingFilterSet(ScopedFilterSet):
    year = YearFilter()
    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")
    kind = django_filters.ChoiceFilter(
        label="组织类型",
        choices=[(k, label) for k, label in OrgKind.choices if k != OrgKind.GROUP],
        field_name="organization__kind",
    )
    absent = FlagFilter(label="只看有缺席", method="filter_absent")

    class Meta:
        model = LifeMeeting
        fields: list[str] = []

    def filter_absent(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(leaders_attended__lt=F("leaders_expected")) if value else queryset


class AppraisalFilterSet(ScopedFilterSet):
    """Appraisal results: year, subtree, category, the grade's word, a name."""

    year = YearFilter()
    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")
    category = django_filters.ChoiceFilter(label="统计类别", choices=GradeCategory.choices)
    grade = django_filters.CharFilter(label="评议等次", max_length=10)
    q = django_filters.CharFilter(
        label="姓名", max_length=50, field_name="member__name", lookup_expr="contains"
    )

    class Meta:
        model = MemberAppraisal
        fields: list[str] = []


class FollowUpFilterSet(ScopedFilterSet):
    """不合格 members: year, subtree, where their follow-up stands."""

    year = YearFilter()
    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")
    state = django_filters.ChoiceFilter(
        label="处置情况",
        choices=[("undecided", "未作处置"), ("correcting", "限期改正中"), ("closed", "已办结")],
        method="filter_state",
    )

    class Meta:
        model = MemberAppraisal
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "undecided":
            return queryset.filter(follow_up__isnull=True)
        if value == "correcting":
            return queryset.filter(follow_up__isnull=False, follow_up__closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(follow_up__closed_on__isnull=False)
        return queryset


class RatingFilterSet(ScopedFilterSet):
    year = YearFilter()
    standard = django_filters.ChoiceFilter(label="创建标准", choices=RatingStandard.choices)
    result = django_filters.ChoiceFilter(label="评定结果", choices=RatingResult.choices)
    org = OrganizationFilter(label="党组织", queryset=_orgs(), to_field_name="code")

    class Meta:
        model = StarRating
        fields: list[str] = []
