"""The filters of the member pages' lists (django-filter FilterSets on core.filters.ScopedFilterSet)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from core.dates import years_before
from core.fieldcrypto import id_hash_q, id_tail_q
from core.filters import (
    DateFromFilter,
    DateToFilter,
    FilterForm,
    FlagFilter,
    OrganizationFilter,
    ScopedFilterSet,
    handled_by_selector,
)
from core.idcard import normalize_id_number, parse_id_number
from core.importjobs import ImportJobStatus
from core.scopes import can_write
from organizations.choices import OrgKind
from organizations.models import Organization

from .choices import (
    AGE_BANDS,
    ETHNICITY_CHOICES,
    MINORITY_GROUPS,
    Education,
    Gender,
    LeaveReason,
    MemberStatus,
    Occupation,
)
from .models import (
    Applicant,
    CareFunding,
    CareOccasion,
    CareVisit,
    Certificate,
    Departure,
    ImportJob,
    LostContact,
    Member,
    MobileRegistration,
    Publicity,
    Transfer,
    TransferKind,
    TransferStatus,
)
from .models.development import PUBLICITY_STEPS, Stage

MINORITY = "少数民族"  # the ethnicity filter's "any of the 55 recognized minority groups"

#: A search term made only of ID characters is an ID number (full) or its tail.
ID_TERM = re.compile(r"[0-9Xx]+")
ID_SUFFIX_MIN = 4


def age_band_key(low: int | None, high: int | None) -> str:
    """URL value of an age band: ``-30``, ``31-35`` … ``61-``."""
    return f"{'' if low is None else low}-{'' if high is None else high}"


#: key -> (label, lowest age, highest age); None is open-ended.
AGE_BANDS_BY_KEY: dict[str, tuple[str, int | None, int | None]] = {
    age_band_key(low, high): (label, low, high) for label, low, high in AGE_BANDS
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

    The term is normalised first (core.idcard: full-width digits, spaces and
    dashes, x); a whole number (a 15-digit one converted) is found by its keyed
    hash, an ending by the hash of its last four characters (core.fieldcrypto).
    Users who see ID numbers masked (auditors) may only search a whole number:
    the mask shows none of the ending (core.idcard.mask_id_number), and
    searching by endings would let them read the hidden characters.
    """
    number = normalize_id_number(term)
    if ID_TERM.fullmatch(number):
        if len(number) in (15, 18):
            try:
                return id_hash_q("id_number", parse_id_number(number).number)
            except ValidationError:
                if len(number) == 18:
                    return Q(pk__in=[])
        if not full_ids_visible:
            return Q(pk__in=[])
        return id_tail_q(Member.objects.all(), "id_number", number)
    return Q(name__icontains=term)


#: The party-group filter's value for members placed in no 党小组.
NO_GROUP = "none"


class PartyGroupFilter(django_filters.ModelChoiceFilter):
    """Members placed in the chosen 党小组 (choices: the user's scope, each named with its branch)."""

    @property
    def field(self) -> forms.Field:
        field = super().field
        field.label_from_instance = lambda group: (
            f"{group.parent.name} · {group.name}" if group.parent_id else group.name
        )
        return field


class MemberFilterForm(FilterForm):
    """Checks of the member filters that look at more than one value's type."""

    def clean_q(self) -> str:
        term = (self.cleaned_data.get("q") or "").strip()
        number = normalize_id_number(term)
        if not ID_TERM.fullmatch(number):
            return term
        if len(number) < ID_SUFFIX_MIN:
            raise forms.ValidationError(f"按公民身份号码查询请至少输入后{ID_SUFFIX_MIN}位")
        if len(number) > 18:
            raise forms.ValidationError("公民身份号码不超过18位")
        if len(number) == 18:
            parse_id_number(number)  # a whole number that cannot exist says why (校验位错误 …)
        return number

    def clean_on(self) -> dt.date | None:
        day = self.cleaned_data.get("on")
        if day and day > dt.date.today():
            raise forms.ValidationError("历史日期不能晚于今天")
        return day


class MemberFilterSet(ScopedFilterSet):
    """The member roster's filters (also the export's): every one optional.

    ``org``, ``status``, ``include_left`` and ``on`` choose the base rows (today's
    roll, or the roll on a past day from the history), so the selector
    ``member_list`` applies them; the rest narrow those rows here.
    """

    q = django_filters.CharFilter(
        label="姓名或公民身份号码",
        max_length=50,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": "姓名，或身份证号码（全号或后4位以上）"}),
    )
    org = OrganizationFilter(
        # a 党小组 keeps no members of its own: the group has a filter of its own
        queryset=Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path"),
        to_field_name="code",
        method=handled_by_selector,
    )
    party_group = PartyGroupFilter(
        label="党小组",
        queryset=Organization.objects.filter(kind=OrgKind.GROUP, dissolved_on__isnull=True)
        .select_related("parent")
        .order_by("path"),
        to_field_name="code",
        empty_label="全部",
        null_label="未编入党小组",
        null_value=NO_GROUP,
    )
    status = django_filters.ChoiceFilter(
        label="党员类型", choices=MemberStatus.choices, method=handled_by_selector
    )
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices)
    ethnicity = django_filters.ChoiceFilter(
        label="民族", choices=[(MINORITY, MINORITY), *ETHNICITY_CHOICES], method="filter_ethnicity"
    )
    education = django_filters.ChoiceFilter(label="学历", choices=Education.choices)
    age_band = django_filters.ChoiceFilter(
        label="年龄段",
        choices=[(key, label) for key, (label, _, _) in AGE_BANDS_BY_KEY.items()],
        method="filter_age_band",
    )
    occupation = django_filters.ChoiceFilter(label="人员类别", choices=Occupation.choices)
    retired = FlagFilter(label="离退休", field_name="is_retired")
    rural = FlagFilter(label="农村党员", field_name="is_rural")
    hardship = FlagFilter(label="困难党员", field_name="is_hardship")
    mobile = FlagFilter(label="流动党员", field_name="is_mobile")
    frontline = FlagFilter(label="生产一线", field_name="is_frontline")
    include_left = FlagFilter(label="含已离开党组织的党员", method=handled_by_selector)
    on = django_filters.DateFilter(
        label="历史日期",
        method=handled_by_selector,
        help_text="查看该日的党员名单（按组织关系记录），党员类型和所在党组织为当日情况",
    )

    class Meta:
        model = Member
        fields: list[str] = []
        form = MemberFilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(search_q(value, full_ids_visible=can_write(self.user))) if value else queryset

    def filter_ethnicity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == MINORITY:
            return queryset.filter(ethnicity__in=MINORITY_GROUPS)
        return queryset.filter(ethnicity=value)

    def filter_age_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        _, low, high = AGE_BANDS_BY_KEY[value]
        day = self.form.cleaned_data.get("on") or dt.date.today()
        return queryset.filter(age_between_q(low, high, day))

    @property
    def day(self) -> dt.date | None:
        """The past day asked for (None: today's roll)."""
        return self.values.get("on")


class CareVisitFilterSet(ScopedFilterSet):
    """Filters of the visit list: period, occasion, funding, organizer's subtree."""

    start = DateFromFilter("visited_on", label="起始日期")
    end = DateToFilter("visited_on", label="截止日期")
    occasion = django_filters.ChoiceFilter(label="慰问时机", choices=CareOccasion.choices)
    funding = django_filters.ChoiceFilter(label="经费来源", choices=CareFunding.choices)
    org = OrganizationFilter(
        label="组织单位", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )

    class Meta:
        model = CareVisit
        fields: list[str] = []


class ApplicantFilterSet(ScopedFilterSet):
    """Filters of the applicant list: name or whole ID number, stage, branch subtree."""

    q = django_filters.CharFilter(label="姓名或公民身份号码", max_length=50, method="filter_q")
    stage = django_filters.ChoiceFilter(label="阶段", choices=Stage.choices, field_name="stage_code")
    org = OrganizationFilter(
        queryset=Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path"), to_field_name="code"
    )

    class Meta:
        model = Applicant
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        if not term:
            return queryset
        q = Q(name__contains=term)
        try:
            q |= id_hash_q("id_number", parse_id_number(term).number)  # a whole number, normalised
        except ValidationError:
            pass  # not an ID number: the name alone
        return queryset.filter(q)


class PublicityFilterSet(ScopedFilterSet):
    """Filters of the 公示 list: running or awaiting a result, the step, the branch subtree."""

    SHOW_CHOICES = (("running", "公示中"), ("pending", "未登记结果"))

    show = django_filters.ChoiceFilter(label="状态", choices=SHOW_CHOICES, method="filter_show")
    step = django_filters.ChoiceFilter(
        label="公示事项", choices=[(step.value, step.label) for step in PUBLICITY_STEPS]
    )
    org = OrganizationFilter(
        queryset=Organization.objects.exclude(kind=OrgKind.GROUP).order_by("path"),
        to_field_name="code",
        subtree_path="applicant__organization__path",
    )
    start = DateFromFilter("ends_on", label="公示期自")
    end = DateToFilter("starts_on", label="公示期至")

    class Meta:
        model = Publicity
        fields: list[str] = []

    def filter_show(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "running":
            return queryset.running_on(dt.date.today())
        return queryset.filter(result="")


# --- members in motion: letters, certificates, mobile members, leaving, lost contact -------------


class YearFilter(django_filters.NumberFilter):
    """A calendar year (开具年度 …): a whole number from 1949 to 2100."""

    field_class = forms.IntegerField

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(field_name=field_name, min_value=1949, max_value=2100, **kwargs)


class TransferFilterSet(ScopedFilterSet):
    """Filters of the letter list; 逾期未办结 is a status of its own (open past validity)."""

    OVERDUE = "OVERDUE"

    q = django_filters.CharFilter(label="姓名或介绍信编号", max_length=50, method="filter_q")
    kind = django_filters.ChoiceFilter(label="转接类型", choices=TransferKind.choices)
    status = django_filters.ChoiceFilter(
        label="办理状态", choices=[*TransferStatus.choices, (OVERDUE, "逾期未办结")], method="filter_status"
    )
    year = YearFilter("issued_on", label="开具年度")
    org = OrganizationFilter(
        label="转出或接收党组织",
        queryset=Organization.objects.order_by("path"),
        to_field_name="code",
        method="filter_org",
    )

    class Meta:
        model = Transfer
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return (
            queryset.filter(Q(person_name__contains=term) | Q(letter_no__contains=term)) if term else queryset
        )

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.OVERDUE:
            return queryset.overdue_on(dt.date.today())
        return queryset.filter(status=value)

    def filter_org(self, queryset: QuerySet, name: str, value: Organization) -> QuerySet:
        # either end: a committee sees the letters its branches sent and those addressed to them
        return queryset.filter(Q(from_org__path__subtree=value.path) | Q(to_org__path__subtree=value.path))


class CertificateFilterSet(ScopedFilterSet):
    """Filters of the 党员身份证明 list: name or number, issuing organization, issue period."""

    q = django_filters.CharFilter(label="姓名或证明编号", max_length=50, method="filter_q")
    org = OrganizationFilter(
        label="出具党组织", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )
    start = DateFromFilter("issued_on", label="出具日期自")
    end = DateToFilter("issued_on", label="出具日期至")

    class Meta:
        model = Certificate
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return (
            queryset.filter(Q(member__name__contains=term) | Q(number__contains=term)) if term else queryset
        )


class MobileFilterSet(ScopedFilterSet):
    """Filters of the 流动党员 register; by default those still away (the selector reads ``show``)."""

    RETURNED, ALL = "returned", "all"

    show = django_filters.ChoiceFilter(
        label="范围",
        choices=[(RETURNED, "已返回"), (ALL, "全部")],
        empty_label="在外流动",
        method=handled_by_selector,
    )
    q = django_filters.CharFilter(label="姓名或流入地点", max_length=50, method="filter_q")
    org = OrganizationFilter(
        label="管理党支部", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )

    class Meta:
        model = MobileRegistration
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return (
            queryset.filter(Q(member__name__contains=term) | Q(destination__contains=term))
            if term
            else queryset
        )


class DepartureFilterSet(ScopedFilterSet):
    """Filters of the leaving list: the way of leaving, organization, period."""

    reason = django_filters.ChoiceFilter(label="处置方式", choices=LeaveReason.choices)
    org = OrganizationFilter(
        label="所在党组织", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )
    start = DateFromFilter("day", label="日期自")
    end = DateToFilter("day", label="日期至")

    class Meta:
        model = Departure
        fields: list[str] = []


class LostContactFilterSet(ScopedFilterSet):
    """Filters of the 失联党员 list; by default those still out of contact (the selector reads ``show``)."""

    RESOLVED, ALL = "resolved", "all"

    show = django_filters.ChoiceFilter(
        label="范围",
        choices=[(RESOLVED, "已恢复联系或处置"), (ALL, "全部")],
        empty_label="仍失联",
        method=handled_by_selector,
    )
    q = django_filters.CharFilter(
        label="姓名", max_length=50, field_name="member__name", lookup_expr="contains"
    )
    org = OrganizationFilter(
        label="所在党组织", queryset=Organization.objects.order_by("path"), to_field_name="code"
    )
    start = DateFromFilter("since", label="失联日期自")
    end = DateToFilter("since", label="失联日期至")

    class Meta:
        model = LostContact
        fields: list[str] = []


class ImportJobFilterSet(ScopedFilterSet):
    """Filters of the member-import history: outcome and upload period."""

    status = django_filters.ChoiceFilter(label="状态", choices=ImportJobStatus.choices)
    start = DateFromFilter("created_at__date", label="上传日期自")
    end = DateToFilter("created_at__date", label="上传日期至")

    class Meta:
        model = ImportJob
        fields: list[str] = []
