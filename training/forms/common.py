"""The base of the training app's record forms: the organization chosen in scope, the version, the edits."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from core.forms import OrganizationChoiceField, scope_depth, style_widgets
from core.versioning import VersionedForm
from organizations.choices import OrgKind
from organizations.models import Organization


class RecordForm(VersionedForm, forms.ModelForm):
    """A record owned by an organization the user may edit; editing carries the version (core.versioning).

    ``org_kinds`` limits the organizations offered; the organization is fixed
    once the record exists (attendance and figures hang on it).  ``edits()``
    gives the service the fields this user changed among ``EDITABLE``.
    """

    org_kinds: tuple[str, ...] = tuple(k for k in OrgKind.values if k != OrgKind.GROUP)
    org_label = ""
    EDITABLE: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: Any, instance: Any = None, **kwargs: Any) -> None:
        # The form works on a copy, so the service still sees the stored values.
        super().__init__(*args, instance=copy.copy(instance) if instance is not None else None, **kwargs)
        self.user = user
        if "organization" in self.fields:
            field = self.fields["organization"]
            orgs = Organization.objects.editable_by(user).active().filter(kind__in=self.org_kinds)
            self.fields["organization"] = OrganizationChoiceField(
                orgs.order_by("path"),
                label=self.org_label or field.label,
                root_depth=scope_depth(user),
                empty_label="请选择",
                help_text=field.help_text,
            )
            if self.instance.pk:
                self.fields["organization"].disabled = True
            elif not self.is_bound:
                own = getattr(user, "organization", None)
                if own is not None and own.kind in self.org_kinds:
                    self.initial.setdefault("organization", own.pk)
        if self.instance.pk:
            self.init_version(self.instance)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == "---------":
                    field.empty_label = "请选择"
            elif isinstance(field, forms.ChoiceField):
                field.choices = [(v, "请选择" if v == "" else label) for v, label in field.choices]
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        """The editable fields this user changed (the update service writes only those)."""
        changed = set(self.changed_fields())
        return {name: self.cleaned_data[name] for name in self.EDITABLE if name in changed}
