"""Forms for AV education: equipment, its service events, films, film orders."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import DateField, StyledForm, style_widgets
from organizations.choices import OrgKind

from ..choices import EquipmentEventKind
from ..models import AVEquipment, AVFilm, FilmOrder
from ..services.av import EQUIPMENT_FIELDS, FILM_FIELDS, ORDER_FIELDS
from .common import RecordForm

MONEY_ATTRS = {"step": "0.01", "min": "0", "inputmode": "decimal"}


class EquipmentForm(RecordForm):
    """A delivery of AV equipment."""

    org_label = "配备党组织"
    EDITABLE = EQUIPMENT_FIELDS

    class Meta:
        model = AVEquipment
        fields = ("organization", "delivered_on", "sets", "items", "amount", "funding", "note")
        field_classes = {"delivered_on": DateField}

    def __init__(self, *args: Any, ledger: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(MONEY_ATTRS)
        self.fields["sets"].widget.attrs.update({"min": "1", "inputmode": "numeric"})
        self.fields["funding"].help_text = (
            "留存党费：自动记入党费台账的留存党费支出"
            if ledger
            else "留存党费：党费台账启用后记入留存党费支出"
        )


class EquipmentEventForm(StyledForm):
    """A breakdown, a repair or a scrapping."""

    kind = forms.ChoiceField(label="事项", choices=EquipmentEventKind.choices)
    happened_on = DateField(label="日期")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["kind"].choices = [(k, EquipmentEventKind(k).label) for k in allowed]


class FilmForm(forms.ModelForm):
    """A film of the catalogue."""

    class Meta:
        model = AVFilm
        fields = FILM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FILM_FIELDS if name in self.changed_data}


class FilmOrderForm(RecordForm):
    """Copies of a film ordered for an organization, and their distribution."""

    org_kinds = (
        OrgKind.COUNTY_COMMITTEE,
        OrgKind.COMMITTEE,
        OrgKind.WORKING_COMMITTEE,
        OrgKind.GENERAL_BRANCH,
    )
    org_label = "订购党组织"
    EDITABLE = ORDER_FIELDS

    class Meta:
        model = FilmOrder
        fields = ("organization", "film", "copies", "amount", "ordered_on", "distributed_on", "note")
        field_classes = {"ordered_on": DateField, "distributed_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["film"].queryset = AVFilm.objects.order_by("kind", "title")
        self.fields["film"].empty_label = "请选择"
        if self.instance.pk:
            self.fields["film"].disabled = True
        self.fields["amount"].widget.attrs.update(MONEY_ATTRS)
        self.fields["distributed_on"].help_text = "电教片发放到该党委的日期；尚未发放的留空"
