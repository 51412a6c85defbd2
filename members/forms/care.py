"""Forms for care visits (走访慰问)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from core.forms import DateInput, OrganizationChoiceField, scope_depth, style_widgets
from organizations.models import Organization

from ..models import CareVisit

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
