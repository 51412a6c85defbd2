"""Forms for care visits (走访慰问)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.forms import DateField, OrganizationChoiceField, scope_depth, style_widgets
from core.versioning import VersionedForm
from organizations.models import Organization

from ..models import CareVisit, Member
from ..services.care import VISIT_FIELDS, clean_amount

ALL = [("", "全部")]


class CareVisitForm(VersionedForm, forms.ModelForm):
    """The visit itself: who organized it, when, on what occasion, who went, and the money's source.

    Editing a visit carries the version and the values the page was loaded
    with (``core.versioning``), so a save over someone else's newer change is refused.
    """

    class Meta:
        model = CareVisit
        fields = ("organization", "visited_on", "occasion", "visitors", "funding", "note")
        # A visit is recorded after it was made.
        field_classes = {"visited_on": DateField}

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
            self.init_version(self.instance)
        elif getattr(user, "organization", None) is not None and not self.is_bound:
            self.initial.setdefault("organization", user.organization.pk)
            self.initial.setdefault("visited_on", dt.date.today())
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        """The visit's fields this user changed (care_visit_update writes only those)."""
        return {name: self.cleaned_data[name] for name in VISIT_FIELDS if name in self.changed_fields()}


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


class CareMembersForm(forms.Form):
    """Whom the visit reached: the ticked ``pick`` boxes among ``candidates``, each with its amount.

    An amount left empty takes the common one (统一慰问金); ``cleaned_data["entries"]``
    holds the (member, amount) pairs for ``care_visit_add_members``.
    """

    default_amount = forms.CharField(label="统一慰问金（元）", max_length=20, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        style_widgets(self)

    def rows(self, members: Iterable[Member]) -> list[tuple[Member, bool, str]]:
        """(member, ticked, amount typed) for the page's members, so a refused form keeps what was entered."""
        picked = set(self.data.getlist("pick")) if self.is_bound else set()
        return [(m, str(m.pk) in picked, self.data.get(f"amount_{m.pk}", "")) for m in members]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked = [int(v) for v in self.data.getlist("pick") if v.isdigit()]
        if not picked:
            raise forms.ValidationError("请至少选择一名慰问对象")
        chosen = {m.pk: m for m in self.candidates.filter(pk__in=picked)}
        common = (data.get("default_amount") or "").strip()
        entries: list[tuple[Member, Decimal]] = []
        errors: list[str] = []
        for pk in picked:
            member = chosen.get(pk)
            if member is None:
                errors.append("所选党员不在可选范围内，请刷新后重试")
                continue
            raw = self.data.get(f"amount_{pk}", "").strip() or common
            try:
                entries.append((member, clean_amount(raw, member.name)))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(list(dict.fromkeys(errors)))  # one line per distinct problem
        data["entries"] = entries
        return data
