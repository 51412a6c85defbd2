"""The overview's choice of subtree and period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from core.forms import OrganizationChoiceField, StyledForm, scope_depth
from organizations.choices import OrgKind
from organizations.models import Organization

from ..periods import PART_CHOICES, Period


class OverviewForm(StyledForm):
    """Which organization's subtree and which period (a year, a half, a quarter)."""

    org = OrganizationChoiceField(
        Organization.objects.none(), label="党组织", required=False, to_field_name="code"
    )
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100, required=False)
    part = forms.ChoiceField(label="期间", choices=[("", "全年"), *PART_CHOICES], required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["org"]
        field.queryset = Organization.objects.visible_to(user).exclude(kind=OrgKind.GROUP).order_by("path")
        field.root_depth = scope_depth(user)
        field.empty_label = "本组织（全部）"
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)

    @property
    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data.get("year") or timezone.localdate().year, data.get("part") or "")

    def organization(self) -> Organization | None:
        return self.cleaned_data.get("org") or getattr(self.user, "organization", None)
