"""Forms of the member pages: the list filter, the profile form and the organization move."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from core.forms import DateField, DocumentNoField, OrganizationChoiceField, scope_depth, style_widgets
from core.idcard import parse_id_number
from core.versioning import VersionedForm
from core.views import apply_service_errors
from organizations.choices import MEMBER_HOLDING_KINDS, OrgKind
from organizations.models import Organization

from ..choices import Gender
from ..models import Member
from ..services.member import (
    EDITABLE_FIELDS,
    PROFILE_FIELDS,
    check_id_number_free,
    validate_dates,
    validate_holding_org,
    validate_identity,
    validate_party_group,
)


class MemberRulesMixin:
    """Runs the member services' rules in ``clean()`` so errors land on the named fields.

    Birth date and gender may be left empty: they are read from the ID
    number.  Shared by the site's forms and the admin's.
    """

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    instance: Member
    #: The user filling the form in, when the form knows them: the ID number is checked against their scope.
    user: Any = None

    @functools.cached_property
    def derived_fields(self) -> set[str]:
        """Fields left empty and filled in from the ID number by ``clean()``."""
        return set()

    def relax_derived_fields(self) -> None:
        if "id_number" in self.fields:
            # The ID rules say what is wrong with a wrong length better than "at most 18".
            field = self.fields["id_number"]
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        for name in ("birth_date", "gender"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = "可不填，按公民身份号码自动生成"

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        number = data.get("id_number")
        if not number:
            return data  # the field already says what is wrong
        try:
            info = parse_id_number(number)
        except ValidationError as exc:
            self.add_error("id_number", exc)  # type: ignore[attr-defined]
            return data
        data["id_number"] = info.number
        if self.user is not None:
            try:
                check_id_number_free(self.user, info.number, member=self.instance)
            except ValidationError as exc:
                apply_service_errors(self, exc)  # type: ignore[arg-type]
        if "birth_date" in self.fields and not data.get("birth_date") and "birth_date" not in self.errors:  # type: ignore[attr-defined]
            data["birth_date"] = info.birth_date
            self.derived_fields.add("birth_date")
        if "gender" in self.fields and not data.get("gender") and "gender" not in self.errors:  # type: ignore[attr-defined]
            data["gender"] = Gender.MALE if info.is_male else Gender.FEMALE
            self.derived_fields.add("gender")
        if self.errors:  # type: ignore[attr-defined]
            return data  # rules over half-valid data would only repeat the field errors
        # A copy: the services compare the stored member with the changes.
        candidate = copy.copy(self.instance)
        for name, value in data.items():
            if name in PROFILE_FIELDS or name in ("organization", "status"):
                setattr(candidate, name, value)
        try:
            validate_identity(candidate)
            validate_dates(candidate)
            if "organization" in data and data["organization"] is not None:
                validate_holding_org(data["organization"], dt.date.today())
            organization = data.get("organization") or getattr(self.instance, "organization", None)
            if data.get("party_group") is not None and organization is not None:
                validate_party_group(data["party_group"], organization)
        except ValidationError as exc:
            apply_service_errors(self, exc)  # type: ignore[arg-type]
        return data

    def validate_unique(self) -> None:
        """Model uniqueness minus the ID number's: that one depends on who asks (``check_id_number_free``).

        Django's own check would say "已登记" for a record the user may not
        see; the form (when it knows the user) or the service says it instead.
        """
        exclude = {*self._get_validation_exclusions(), "id_number"}  # type: ignore[attr-defined]
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


#: The profile fields in the order a clerk fills them in.
FORM_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "is_frontline",
    "phone",
    "work_unit",
    "joined_on",
    "full_on",
    "is_retired",
    "is_rural",
    "is_hardship",
    "is_mobile",
)
assert set(FORM_FIELDS) == set(PROFILE_FIELDS)


def party_group_choices(field: forms.ModelChoiceField, groups: Any) -> None:
    """``field`` offers ``groups`` (active 党小组, each named with its branch), "未编入党小组" for none."""
    field.queryset = groups.filter(kind=OrgKind.GROUP, dissolved_on__isnull=True).select_related("parent")
    field.label_from_instance = lambda group: (
        f"{group.parent.name} · {group.name}" if group.parent_id else group.name
    )
    field.empty_label = "未编入党小组"
    field.required = False
    field.help_text = "所在党支部下设的党小组（编入党小组）"


class MemberEditForm(MemberRulesMixin, VersionedForm, forms.ModelForm):
    """Corrects a member's profile and 党小组 (member_update); branch and status change elsewhere.

    Editing a member carries the version and the values the page was loaded
    with (``core.versioning``), so a save over someone else's newer change is refused.
    """

    class Meta:
        model = Member
        fields = (*FORM_FIELDS, "party_group")
        # Birth, joining and becoming full are facts: none lies after today.
        field_classes = {"birth_date": DateField, "joined_on": DateField, "full_on": DateField}

    def __init__(self, *args: Any, instance: Member | None = None, **kwargs: Any) -> None:
        # The form works on a copy so the services still see the stored values.
        super().__init__(*args, instance=copy.copy(instance) if instance else None, **kwargs)
        self.relax_derived_fields()
        if instance is not None and instance.pk:
            self.init_version(instance)
            # the groups of the member's own branch (a move to another branch clears the group)
            party_group_choices(
                self.fields["party_group"], Organization.objects.filter(parent=instance.organization)
            )
        style_widgets(self)

    def profile_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def profile_edits(self) -> dict[str, Any]:
        """The fields this user changed, profile and 党小组 (member_update writes only those)."""
        edited = {*self.changed_fields(), *self.derived_fields}
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in edited}


class MemberCreateForm(MemberEditForm):
    """Registers (建档) an existing member (member_register) in an organization the user may edit."""

    class Meta(MemberEditForm.Meta):
        fields = ("organization", "party_group", "status", *FORM_FIELDS)
        field_classes = MemberEditForm.Meta.field_classes

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["organization"]
        orgs = (
            Organization.objects.editable_by(user)
            .active()
            .filter(kind__in=MEMBER_HOLDING_KINDS)
            .order_by("path")
        )
        self.fields["organization"] = OrganizationChoiceField(
            orgs, label=field.label, root_depth=scope_depth(user), empty_label="请选择"
        )
        if getattr(user, "organization", None) is not None and not self.is_bound:
            self.initial.setdefault("organization", user.organization.pk)
        # any group of the scope; clean() checks it belongs to the organization chosen
        party_group_choices(
            self.fields["party_group"], Organization.objects.editable_by(user).order_by("path")
        )
        style_widgets(self)


class MemberMoveForm(forms.Form):
    """Organization adjustment (组织关系调整) of one member inside the user's scope."""

    to_org = OrganizationChoiceField(Organization.objects.none(), label="调整至党组织", empty_label="请选择")
    day = DateField(label="调整日期")
    document_no = DocumentNoField()

    def __init__(self, *args: Any, user: Any, member: Member, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": dt.date.today()})
        super().__init__(*args, **kwargs)
        field = self.fields["to_org"]
        field.queryset = (
            Organization.objects.editable_by(user)
            .active()
            .filter(kind__in=MEMBER_HOLDING_KINDS)
            .exclude(pk=member.organization_id)
            .order_by("path")
        )
        field.root_depth = scope_depth(user)
        style_widgets(self)
