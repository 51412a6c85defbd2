"""Forms of the organization pages.

They parse and check input; every change itself is made by a service in
``organizations.services``, whose field-named errors land back on these
fields (so a form field is named like the service's error key).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.forms import (
    DateField,
    DocumentNoField,
    IdNumberField,
    OrganizationChoiceField,
    StyledForm,
    scope_depth,
    style_widgets,
)
from core.uploads import check_upload
from core.versioning import VersionedForm

from .choices import BranchForm, OrgCategory, OrgKind, PostTitle
from .models import LeadershipPost, Organization, Regulation, code_validator
from .selectors import org_choices
from .services import ALLOWED_PARENT_KINDS, can_set_approval_authority, may_grant_approval_on_create


def org_label(org: Organization) -> str:
    return f"{org.name}（{org.get_kind_display()} · {org.code}）"


class OrgModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return ("\u3000" * max(obj.depth - 1, 0)) + org_label(obj)


class EventForm(StyledForm):
    """A dated change of an organization, with its reason and document number."""

    reason = forms.CharField(label="原因", max_length=200, required=False)
    document_no = DocumentNoField()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        self.org = org
        super().__init__(*args, **kwargs)

    def check_after_established(self, day: dt.date | None, field: str) -> None:
        if day and day < self.org.established_on:
            self.add_error(field, f"日期不能早于该党组织的成立日期（{self.org.established_on:%Y-%m-%d}）")


class OrgCreateForm(StyledForm):
    """Establish a sub-organization under ``parent``."""

    code = forms.CharField(label="党组织代码", max_length=32, validators=[code_validator])
    name = forms.CharField(label="党组织名称", max_length=100)
    kind = forms.ChoiceField(label="组织类型")
    category = forms.ChoiceField(label="组织类别", choices=OrgCategory.choices)
    form = forms.ChoiceField(
        label="设置形式",
        choices=BranchForm.choices,
        initial=BranchForm.REGULAR,
        required=False,
        help_text="仅党支部可选；临时党支部和功能型党支部不计入党支部统计，也不发展党员。",
    )
    covered_units = forms.CharField(
        label="联合单位", max_length=300, required=False, help_text="联合党支部必填，用“、”分隔。"
    )
    established_on = DateField(label="成立日期")
    reason = forms.CharField(label="成立原因/依据", max_length=200, required=False)
    document_no = DocumentNoField()
    can_approve_members = forms.BooleanField(label="具有审批发展党员权限", required=False)
    term_started_on = DateField(label="本届班子产生日期", required=False)
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)

    def __init__(self, *args: Any, parent: Organization, user: Any = None, **kwargs: Any) -> None:
        self.parent = parent
        super().__init__(*args, **kwargs)
        if user is None or not may_grant_approval_on_create(user):
            del self.fields["can_approve_members"]
        self.fields["kind"].choices = [
            (value, label) for value, label in OrgKind.choices if parent.kind in ALLOWED_PARENT_KINDS[value]
        ]
        self.fields["code"].help_text = f"字母、数字、下划线或短横线，如 {parent.code}01"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Organization.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError("该党组织代码已被使用")
        return code

    def clean_form(self) -> str:
        return self.cleaned_data.get("form") or BranchForm.REGULAR

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("established_on")
        if day and day < self.parent.established_on:
            self.add_error("established_on", "成立日期不能早于上级党组织的成立日期")
        term = data.get("term_started_on")
        if day and term and term < day:
            self.add_error("term_started_on", "本届班子产生日期不能早于成立日期")
        data["sort_order"] = data.get("sort_order") or 0
        return data


class OrgUpdateForm(VersionedForm, StyledForm):
    """Attributes that carry no history (org_update), with the version the page was loaded with."""

    category = forms.ChoiceField(label="组织类别", choices=OrgCategory.choices)
    form = forms.ChoiceField(
        label="设置形式",
        choices=BranchForm.choices,
        required=False,
        help_text="仅党支部可选；临时党支部和功能型党支部不计入党支部统计，也不发展党员。",
    )
    covered_units = forms.CharField(
        label="联合单位", max_length=300, required=False, help_text="联合党支部必填，用“、”分隔。"
    )
    can_approve_members = forms.BooleanField(label="具有审批发展党员权限", required=False)
    term_years = forms.IntegerField(
        label="任期（年）",
        required=False,
        min_value=1,
        max_value=10,
        help_text="留空按规定：基层党委5年，党总支、党支部3年，村、社区党组织5年，党工委不实行任期制。",
    )
    term_started_on = DateField(label="本届班子产生日期", required=False)
    sort_order = forms.IntegerField(label="排序", required=False)

    def __init__(self, *args: Any, org: Organization, user: Any, **kwargs: Any) -> None:
        self.org = org
        kwargs.setdefault(
            "initial",
            {
                "category": org.category,
                "form": org.form,
                "covered_units": org.covered_units,
                "can_approve_members": org.can_approve_members,
                "term_years": org.term_years,
                "term_started_on": org.term_started_on,
                "sort_order": org.sort_order,
            },
        )
        super().__init__(*args, **kwargs)
        if not can_set_approval_authority(user, org):
            # Set by the county department from above; not offered to anyone else.
            del self.fields["can_approve_members"]
        self.init_version(org)

    def clean_form(self) -> str:
        return self.cleaned_data.get("form") or self.org.form

    def clean_term_started_on(self) -> dt.date | None:
        day = self.cleaned_data.get("term_started_on")
        if day and day < self.org.established_on:
            raise forms.ValidationError("本届班子产生日期不能早于成立日期")
        return day

    def changes(self) -> dict[str, Any]:
        """Only what the user changed since loading the page, so an unchanged term records no 换届."""
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return {name: data[name] for name in self.changed_fields() if data[name] != getattr(self.org, name)}


class OrgRenameForm(EventForm):
    name = forms.CharField(label="新名称", max_length=100)
    day = DateField(label="更名日期")
    field_order = ["name", "day", "reason", "document_no"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_after_established(data.get("day"), "day")
        return data


class OrgMoveForm(EventForm):
    """Choose a new parent among the organizations the user may edit."""

    parent = OrgModelChoiceField(label="新的上级党组织", queryset=Organization.objects.none())
    day = DateField(label="调整日期")
    field_order = ["parent", "day", "reason", "document_no"]

    def __init__(self, *args: Any, org: Organization, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, org=org, **kwargs)
        allowed = [k for k in ALLOWED_PARENT_KINDS[org.kind] if k]
        queryset = org_choices(user, exclude=org, kinds=allowed)
        if org.parent_id:
            queryset = queryset.exclude(pk=org.parent_id)
        self.fields["parent"].queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_after_established(data.get("day"), "day")
        return data


class OrgMergeForm(EventForm):
    """Merge into a successor; its members move there and it closes."""

    successor = OrgModelChoiceField(label="并入的党组织", queryset=Organization.objects.none())
    dissolved_on = DateField(label="合并日期")
    field_order = ["successor", "dissolved_on", "reason", "document_no"]

    def __init__(self, *args: Any, org: Organization, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, org=org, **kwargs)
        self.fields["successor"].queryset = org_choices(user, exclude=org)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_after_established(data.get("dissolved_on"), "dissolved_on")
        return data


class OrgDissolveForm(EventForm):
    dissolved_on = DateField(label="撤销日期")
    field_order = ["dissolved_on", "reason", "document_no"]

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, org=org, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].label = "撤销原因"
        self.fields["reason"].error_messages["required"] = "请填写撤销原因"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_after_established(data.get("dissolved_on"), "dissolved_on")
        return data


class PostAppointForm(StyledForm):
    title = forms.ChoiceField(label="职务", choices=PostTitle.choices)
    holder_name = forms.CharField(label="任职人姓名", max_length=50)
    holder_id_number = IdNumberField(label="任职人公民身份号码", required=False)
    start_on = DateField(label="任职日期")
    document_no = DocumentNoField(label="任职文号")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def clean_holder_name(self) -> str:
        name = self.cleaned_data["holder_name"].strip()
        if not name:
            raise forms.ValidationError("请填写任职人姓名")
        return name


class PostEndForm(StyledForm):
    end_on = DateField(label="离任日期")

    def __init__(self, *args: Any, post: LeadershipPost, **kwargs: Any) -> None:
        self.post = post
        super().__init__(*args, **kwargs)

    def clean_end_on(self) -> dt.date:
        day = self.cleaned_data["end_on"]
        if day < self.post.start_on:
            raise forms.ValidationError(f"离任日期不能早于任职日期（{self.post.start_on:%Y-%m-%d}）")
        return day


class OrgImportForm(StyledForm):
    file = forms.FileField(label="党组织信息表（.xlsx）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）")
        check_upload(upload)  # size (UPLOAD_MAX_MB) and the inflated size, before it is stored
        return upload


class TreeFilterForm(forms.Form):
    """The tree page's options (GET)."""

    q = forms.CharField(label="搜索", required=False, max_length=50)
    on = DateField(label="截至日期", required=False, allow_future=True)
    dissolved = forms.BooleanField(label="显示已撤销", required=False)


class RegulationForm(VersionedForm, forms.ModelForm):
    """A regulation (制度): who adopted it, its title and kind, the dates, the document, whether it is on the wall.

    Editing carries the version and the loaded values (``core.versioning``).
    """

    class Meta:
        model = Regulation
        fields = (
            "organization",
            "title",
            "category",
            "adopted_on",
            "revised_on",
            "document_no",
            "posted_on_wall",
            "repealed_on",
            "note",
        )
        field_classes = {"adopted_on": DateField, "revised_on": DateField, "repealed_on": DateField}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .regulations import REGULATION_KINDS

        self.fields["organization"] = OrganizationChoiceField(
            Organization.objects.editable_by(user)
            .active()
            .filter(kind__in=REGULATION_KINDS)
            .order_by("path"),
            label="党组织",
            root_depth=scope_depth(user),
            empty_label="请选择",
        )
        self.fields["document_no"] = DocumentNoField(help_text="印发制度的文号，如：新党发〔2026〕5号")
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.init_version(self.instance)
        else:
            del self.fields["repealed_on"]  # a new regulation is in force
            if not self.is_bound and getattr(user, "organization", None) is not None:
                self.initial.setdefault("organization", user.organization.pk)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        """The fields this user changed (regulation_update writes only those)."""
        return {name: self.cleaned_data[name] for name in self.changed_fields() if name != "organization"}
