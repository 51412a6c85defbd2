"""Forms for care visits (走访慰问)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.forms import DateInput, OrganizationChoiceField, scope_depth, style_widgets
from organizations.models import Organization

from ..models import CareFunding, CareOccasion, CareVisit

ALL = [("", "全部")]


class CareVisitForm(forms.ModelForm):
    """The visit itself: who organized it, when, on what occasion, who went, and the money's source."""

    class Meta:
        model = CareVisit
        fields = ("organization", "visited_on", "occasion", "visitors", "funding", "note")
        widgets = {"visited_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = self.fields["organization"].label
        self.fields["organization"] = OrganizationChoiceField(
            Organization.objects.editable_by(user).active().order_by("path"),
            label=label,
            root_depth=scope_depth(user),
            empty_label="请选择",
        )
        if self.instance.pk:
            # The organizer is fixed once members are on the list (they must lie below it).
            self.fields["organization"].disabled = True
        elif getattr(user, "organization", None) is not None and not self.is_bound:
            self.initial.setdefault("organization", user.organization.pk)
            self.initial.setdefault("visited_on", dt.date.today())
        style_widgets(self)


class CareFilterForm(forms.Form):
    """Filters of the visit list: period, occasion, funding, organizer's subtree."""

    start = forms.DateField(label="起始日期", required=False, widget=DateInput())
    end = forms.DateField(label="截止日期", required=False, widget=DateInput())
    occasion = forms.ChoiceField(label="慰问时机", choices=ALL + CareOccasion.choices, required=False)
    funding = forms.ChoiceField(label="经费来源", choices=ALL + CareFunding.choices, required=False)
    org = OrganizationChoiceField(
        Organization.objects.none(),
        label="组织单位",
        to_field_name="code",
        required=False,
        empty_label="全部",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = Organization.objects.visible_to(user).order_by("path")
        field.root_depth = scope_depth(user)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "截止日期不能早于起始日期")
        return data

    def apply(self, visits: QuerySet[CareVisit]) -> QuerySet[CareVisit]:
        if not self.is_bound or not self.is_valid():
            return visits
        data = self.cleaned_data
        if data["start"]:
            visits = visits.filter(visited_on__gte=data["start"])
        if data["end"]:
            visits = visits.filter(visited_on__lte=data["end"])
        if data["occasion"]:
            visits = visits.filter(occasion=data["occasion"])
        if data["funding"]:
            visits = visits.filter(funding=data["funding"])
        if data["org"]:
            visits = visits.within(data["org"])
        return visits


class AmountForm(forms.Form):
    """The amount given to one member (元, two places, not negative)."""

    amount = forms.DecimalField(
        label="慰问金（元）",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "min_value": "慰问金不能为负数",
            "max_decimal_places": "慰问金最多保留两位小数",
            "invalid": "请填写金额",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
