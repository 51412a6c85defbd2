"""The filters of the training pages' lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.filters import (
    DateFromFilter,
    DateToFilter,
    FilterForm,
    FlagFilter,
    OrganizationFilter,
    ScopedFilterSet,
    handled_by_selector,
)
from members.filters import YearFilter
from members.models import Member
from organizations.choices import OrgKind
from organizations.models import Organization

from .choices import EquipmentStatus, Funding, Level, MeetingKind, TrainingForm, TrainingKind
from .models import (
    ActivityDay,
    Attendance,
    AVEquipment,
    AVFilm,
    FilmOrder,
    OrgMeeting,
    PartyLecture,
    Publication,
    Subscription,
    TrainingSession,
)
from .periods import PART_CHOICES, Period


def _orgs() -> QuerySet[Organization]:
    return Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path")


class YearValue(django_filters.NumberFilter):
    """A calendar year as a whole number (1949–2100)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "年度")
        super().__init__(min_value=1949, max_value=2100, **kwargs)


class YearRequiredForm(FilterForm):
    """A page about one year: an empty year means this year."""

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or timezone.localdate().year


class PeriodMixin:
    """A FilterSet whose page is about one period (a year, or a half or quarter of it); no year is this year."""

    values: dict[str, Any]
    form: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.form.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)

    @property
    def period(self) -> Period:
        values = self.values
        return Period(values.get("year") or timezone.localdate().year, values.get("part") or "")


class SessionFilterSet(ScopedFilterSet):
    """Filters of the session list (培训登记): period, kind, form, level, organizer's subtree, topic."""

    q = django_filters.CharFilter(label="培训名称或篇目", max_length=50, method="filter_q")
    start = DateFromFilter("start_on", label="起始日期")
    end = DateToFilter("start_on", label="截止日期")
    kind = django_filters.ChoiceFilter(label="培训类别", choices=TrainingKind.choices)
    form = django_filters.ChoiceFilter(label="培训形式", choices=TrainingForm.choices)
    level = django_filters.ChoiceFilter(label="层级", choices=Level.choices)
    org = OrganizationFilter(label="举办单位", queryset=_orgs(), to_field_name="code")
    unrecorded = FlagFilter(label="只看未登记参训党员的", method="filter_unrecorded")

    class Meta:
        model = TrainingSession
        fields: list[str] = []

    def filter_unrecorded(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(attendances__isnull=True) if value else queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(title__contains=term) | Q(topics__name__contains=term)).distinct()


class AttendanceFilterSet(ScopedFilterSet):
    """Filters of the attendance register (参训记录): period, kind, the attendee's organization, name."""

    q = django_filters.CharFilter(
        label="姓名", max_length=50, field_name="member__name", lookup_expr="contains"
    )
    start = DateFromFilter("session__start_on", label="起始日期")
    end = DateToFilter("session__start_on", label="截止日期")
    kind = django_filters.ChoiceFilter(
        label="培训类别", field_name="session__kind", choices=TrainingKind.choices
    )
    level = django_filters.ChoiceFilter(label="层级", field_name="session__level", choices=Level.choices)
    org = OrganizationFilter(label="参训党员所在组织", queryset=_orgs(), to_field_name="code")

    class Meta:
        model = Attendance
        fields: list[str] = []


class HoursFilterSet(PeriodMixin, ScopedFilterSet):
    """Filters of the training-hours list: the year, the branch, only those below the minimum."""

    MEASURES = (("progress", "按时间进度"),)

    year = YearValue(method=handled_by_selector)
    org = OrganizationFilter(queryset=_orgs(), to_field_name="code")
    q = django_filters.CharFilter(label="姓名", max_length=50, field_name="name", lookup_expr="contains")
    measure = django_filters.ChoiceFilter(
        label="衡量标准",
        choices=MEASURES,
        empty_label="全年标准",
        method=handled_by_selector,
        help_text="按时间进度：当年按已过月份折算应达学时",
    )
    below = FlagFilter(label="只看未达标", method=handled_by_selector)
    secretaries = FlagFilter(label="只看书记", method=handled_by_selector)

    class Meta:
        model = Member
        fields: list[str] = []
        form = YearRequiredForm


class HoursBranchFilterSet(PeriodMixin, ScopedFilterSet):
    """Filters of the per-branch summary of training hours."""

    year = YearValue(method=handled_by_selector)
    org = OrganizationFilter(queryset=_orgs(), to_field_name="code", method=handled_by_selector)
    measure = django_filters.ChoiceFilter(
        label="衡量标准", choices=HoursFilterSet.MEASURES, empty_label="全年标准", method=handled_by_selector
    )
    below = FlagFilter(label="只看有未达标党员的组织", method=handled_by_selector)

    class Meta:
        model = Organization
        fields: list[str] = []
        form = YearRequiredForm


class LectureFilterSet(ScopedFilterSet):
    """Filters of the lecture list: period, host's subtree, lecturer or unit, leading cadres only."""

    q = django_filters.CharFilter(label="讲课人、单位或题目", max_length=50, method="filter_q")
    start = DateFromFilter("given_on", label="起始日期")
    end = DateToFilter("given_on", label="截止日期")
    org = OrganizationFilter(label="承办党组织", queryset=_orgs(), to_field_name="code")
    leaders = FlagFilter(label="只看县级单位科级以上领导干部", method="filter_leaders")

    class Meta:
        model = PartyLecture
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(lecturer_name__contains=term) | Q(lecturer_unit__name__contains=term) | Q(topic__contains=term)
        )

    def filter_leaders(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        from .selectors.lectures import leading_cadre_q

        return queryset.filter(leading_cadre_q()) if value else queryset


class EquipmentFilterSet(ScopedFilterSet):
    """Filters of the AV equipment list: delivery period, status, funding, organization."""

    start = DateFromFilter("delivered_on", label="配发起始日期")
    end = DateToFilter("delivered_on", label="配发截止日期")
    status = django_filters.ChoiceFilter(label="使用状态", choices=EquipmentStatus.choices)
    funding = django_filters.ChoiceFilter(label="经费来源", choices=Funding.choices)
    org = OrganizationFilter(label="配备党组织", queryset=_orgs(), to_field_name="code")

    class Meta:
        model = AVEquipment
        fields: list[str] = []


class CoverageFilterSet(ScopedFilterSet):
    """Filters of the AV coverage list: the day, the subtree, township committees or village branches, gaps only."""

    WHICH = (("township", "乡镇党委"), ("village", "村党支部"))

    on = django_filters.DateFilter(label="截至日期", method=handled_by_selector)
    org = OrganizationFilter(queryset=_orgs(), to_field_name="code", method=handled_by_selector)
    which = django_filters.ChoiceFilter(label="组织类型", choices=WHICH, method=handled_by_selector)
    uncovered = FlagFilter(label="只看未覆盖的", method=handled_by_selector)

    class Meta:
        model = Organization
        fields: list[str] = []


class FilmFilterSet(ScopedFilterSet):
    """Filters of the film catalogue."""

    q = django_filters.CharFilter(label="片名", max_length=50, field_name="title", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label="类别", choices=TrainingKind.choices)

    class Meta:
        model = AVFilm
        fields: list[str] = []


class FilmOrderFilterSet(ScopedFilterSet):
    """Filters of film orders: year ordered, the ordering organization, distributed or not."""

    STATES = (("waiting", "待发放"), ("distributed", "已发放"))

    year = YearFilter("ordered_on", label="订购年度")
    org = OrganizationFilter(label="订购党组织", queryset=_orgs(), to_field_name="code")
    film = django_filters.ModelChoiceFilter(label="电教片", queryset=AVFilm.objects.order_by("title"))
    state = django_filters.ChoiceFilter(label="发放情况", choices=STATES, method="filter_state")

    class Meta:
        model = FilmOrder
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(distributed_on__isnull=value == "waiting")


class MeetingFilterSet(ScopedFilterSet):
    """Filters of the 三会一课 records: period, kind, organization's subtree, topic."""

    q = django_filters.CharFilter(
        label="主题/议题", max_length=50, field_name="topic", lookup_expr="contains"
    )
    start = DateFromFilter("held_on", label="起始日期")
    end = DateToFilter("held_on", label="截止日期")
    kind = django_filters.ChoiceFilter(label="会议类型", choices=MeetingKind.choices)
    org = OrganizationFilter(queryset=Organization.objects.order_by("path"), to_field_name="code")
    photo = FlagFilter(label="只看有照片的", method="filter_photo")

    class Meta:
        model = OrgMeeting
        fields: list[str] = []

    def filter_photo(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.exclude(photo="") if value else queryset


class ComplianceFilterSet(PeriodMixin, ScopedFilterSet):
    """Filters of the 三会一课 compliance table: period, subtree, which requirement, branches behind only."""

    year = YearValue(method=handled_by_selector)
    part = django_filters.ChoiceFilter(
        label="期间", choices=PART_CHOICES, empty_label="全年", method=handled_by_selector
    )
    org = OrganizationFilter(queryset=_orgs(), to_field_name="code", method=handled_by_selector)
    kind = django_filters.ChoiceFilter(
        label="会议类型", choices=MeetingKind.choices, method=handled_by_selector
    )
    behind = FlagFilter(label="只看未按期开展的", method=handled_by_selector)

    class Meta:
        model = Organization
        fields: list[str] = []
        form = YearRequiredForm


class ActivityDayFilterSet(ScopedFilterSet):
    """Filters of the branches' fixed activity days."""

    org = OrganizationFilter(queryset=_orgs(), to_field_name="code")
    pilot = FlagFilter(label="只看试点", field_name="is_pilot")

    class Meta:
        model = ActivityDay
        fields: list[str] = []


class SubscriptionFilterSet(ScopedFilterSet):
    """Filters of the publication subscriptions: year, publication, organization."""

    year = YearValue(label="征订年度", field_name="year")
    publication = django_filters.ModelChoiceFilter(
        label="刊物", queryset=Publication.objects.order_by("name")
    )
    org = OrganizationFilter(label="征订党组织", queryset=_orgs(), to_field_name="code")

    class Meta:
        model = Subscription
        fields: list[str] = []
