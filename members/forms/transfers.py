"""Forms for members in motion: 介绍信, certificates, mobile members, leaving and lost contact.

Forms collect and shape input; the services decide.  Choices always come
from the user's scope (the one exception, the county's directory of
organizations a letter may be addressed to, is explained in
``selectors.transfers.transfer_destinations``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse

from core.dates import add_months
from core.fieldcrypto import id_tail_q
from core.forms import (
    DateField,
    DateInput,
    DocumentNoField,
    IdNumberField,
    OrganizationChoiceField,
    scope_depth,
    style_widgets,
)
from core.idcard import normalize_id_number, parse_id_number
from core.versioning import VersionedForm
from organizations.choices import MEMBER_HOLDING_KINDS
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import ETHNICITY_CHOICES, HAN, Education, Gender, LeaveReason, MemberStatus, Occupation
from ..models import LostContact, Member, TransferKind
from ..models.person import TRANSFER_PERSON_FIELDS
from ..selectors.transfers import transfer_destinations
from ..services.transfers import DEPARTURE_REASONS

ID_TERM = re.compile(r"[0-9Xx]+")
PICK_LIMIT = 20


class MemberPickerWidget(forms.Widget):
    """A search box (htmx) that offers matching members in scope as radio buttons."""

    template_name = "members/transfers/widgets/member_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet[Member] = Member.objects.none()

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        selected = None
        if value not in (None, ""):
            try:
                selected = self.queryset.select_related("organization").filter(pk=int(value)).first()
            except (TypeError, ValueError):
                selected = None
        context["widget"]["selected"] = selected
        context["widget"]["search_url"] = reverse("members:member_pick")
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class MemberPickerField(forms.ModelChoiceField):
    """A member chosen from the user's scope with :class:`MemberPickerWidget`."""

    widget = MemberPickerWidget

    def _set_queryset(self, queryset: Any) -> None:
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


def pick_members(user: Any, term: str) -> QuerySet[Member]:
    """Current members in scope matching a name or an ID number (whole or its last 4+ characters)."""
    term = term.strip()
    members = Member.objects.editable_by(user).current().select_related("organization")
    if not term:
        return members.none()
    number = normalize_id_number(term)
    if ID_TERM.fullmatch(number):
        if len(number) < 4:
            return members.none()
        # Encrypted at rest: the ending is found through the hash of its last 4 characters (core.fieldcrypto).
        members = members.filter(id_tail_q(members, "id_number", number))
    else:
        members = members.filter(name__icontains=term)
    return members.order_by("organization__path", "name", "id")[:PICK_LIMIT]


class ScopedMemberForm(forms.Form):
    """A form about one current member the user may edit (``?member=<pk>`` preselects them)."""

    member = MemberPickerField(Member.objects.none(), label="党员")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["member"].queryset = Member.objects.editable_by(user).current()
        self.fields["member"].error_messages["invalid_choice"] = "请从本组织范围内的在册党员中选择"


def _today() -> dt.date:
    return dt.date.today()


class TransferIssueForm(ScopedMemberForm):
    """开具介绍信: out of the county, or to another organization inside it; numbered automatically on issue."""

    kind = forms.ChoiceField(
        label="转接类型",
        choices=[(TransferKind.INTERNAL, "县内转接"), (TransferKind.OUT, "转出县外")],
        widget=forms.RadioSelect,
        initial=TransferKind.INTERNAL,
    )
    issued_on = forms.DateField(label="开具日期", widget=DateInput(), initial=_today)
    to_org = OrganizationChoiceField(
        Organization.objects.none(), label="接收党组织（县内）", required=False, empty_label="请选择"
    )
    to_external = forms.CharField(
        label="接收党组织（县外）",
        max_length=100,
        required=False,
        help_text="转出县外时填写，如：中共百色市右江区委组织部",
    )
    validity_days = forms.IntegerField(label="有效期（天）", min_value=1)
    reason = forms.CharField(label="转接原因", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["to_org"].queryset = transfer_destinations(user).order_by("path")
        default_days = int(get_rule("letter_validity_days"))
        max_days = int(get_rule("letter_validity_max_days"))
        self.fields["validity_days"].initial = default_days
        self.fields["validity_days"].help_text = f"默认{default_days}天，最长{max_days}天"
        style_widgets(self)
        # RadioSelect puts its class on the wrapper too: plain radios read fine.
        self.fields["kind"].widget.attrs.pop("class", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == TransferKind.INTERNAL and not data.get("to_org"):
            self.add_error("to_org", "县内转接请选择接收党组织")
        if data.get("kind") == TransferKind.OUT and not (data.get("to_external") or "").strip():
            self.add_error("to_external", "转出县外请填写接收党组织")
        return data


class IncomingTransferForm(forms.Form):
    """登记转入介绍信: a letter from outside the county and the person it introduces."""

    to_org = OrganizationChoiceField(Organization.objects.none(), label="接收党组织", empty_label="请选择")
    letter_no = forms.CharField(label="介绍信编号", max_length=50)
    from_external = forms.CharField(label="转出党组织（县外）", max_length=100)
    issued_on = forms.DateField(label="开具日期", widget=DateInput())
    validity_days = forms.IntegerField(label="有效期（天）", min_value=1)
    dues_paid_until = forms.DateField(label="党费缴至", required=False, widget=DateInput())
    name = forms.CharField(label="姓名", max_length=50)
    id_number = IdNumberField(label="公民身份号码")
    gender = forms.ChoiceField(label="性别", choices=[("", "按身份证号码")] + Gender.choices, required=False)
    birth_date = forms.DateField(
        label="出生日期", required=False, widget=DateInput(), help_text="可不填，按公民身份号码自动生成"
    )
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNICITY_CHOICES, initial=HAN)
    status = forms.ChoiceField(label="党员类型", choices=MemberStatus.choices)
    joined_on = forms.DateField(label="入党日期", widget=DateInput())
    full_on = forms.DateField(label="转正日期", required=False, widget=DateInput())
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    occupation = forms.ChoiceField(label="人员类别", choices=Occupation.choices)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    work_unit = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    reason = forms.CharField(label="转接原因", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    PERSON = TRANSFER_PERSON_FIELDS

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_org"]
        field.queryset = (
            Organization.objects.editable_by(user)
            .active()
            .filter(kind__in=MEMBER_HOLDING_KINDS)
            .order_by("path")
        )
        field.root_depth = scope_depth(user)
        if getattr(user, "organization", None) is not None and not self.is_bound:
            self.initial.setdefault("to_org", user.organization.pk)
        self.fields["validity_days"].initial = int(get_rule("letter_validity_days"))
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number = data.get("id_number")
        if number:
            try:
                info = parse_id_number(number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
                return data
            data["id_number"] = info.number
            data["birth_date"] = data.get("birth_date") or info.birth_date
            data["gender"] = data.get("gender") or (Gender.MALE if info.is_male else Gender.FEMALE)
        return data

    def person(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.PERSON}


class DayForm(forms.Form):
    """One date (接收日期, 回执日期 …), today by default."""

    day = forms.DateField(label="日期", widget=DateInput(), initial=_today)

    def __init__(self, *args: Any, label: str = "日期", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = label
        style_widgets(self)


class ReceiptForm(DayForm):
    note = forms.CharField(label="回执说明", max_length=100, required=False)


class VoidForm(forms.Form):
    void_reason = forms.CharField(label="作废原因", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReissueForm(forms.Form):
    """重开介绍信: the new letter gets the next number of the series."""

    issued_on = forms.DateField(label="重开日期", widget=DateInput(), initial=_today)
    validity_days = forms.IntegerField(label="有效期（天）", min_value=1)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["validity_days"].initial = int(get_rule("letter_validity_days"))
        style_widgets(self)


# --- certificates, mobile members -------------------------------------------------


class CertificateForm(ScopedMemberForm):
    """出具党员身份证明: numbered automatically on issue."""

    issued_on = forms.DateField(label="出具日期", widget=DateInput(), initial=_today)
    destination = forms.CharField(label="前往地点（单位）", max_length=100)
    reason = forms.CharField(label="外出事由", max_length=200)
    valid_until = forms.DateField(label="有效期至", widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        months = int(get_rule("certificate_max_months"))
        self.fields["valid_until"].help_text = f"外出不超过{months}个月；超过的请开具组织关系介绍信"
        self.fields["valid_until"].initial = add_months(dt.date.today(), months)
        style_widgets(self)


class MobileRegisterForm(ScopedMemberForm):
    destination = forms.CharField(label="流入地点", max_length=100)
    work_unit = forms.CharField(label="外出单位/从业情况", max_length=100, required=False)
    contact = forms.CharField(label="联系方式", max_length=50)
    since = forms.DateField(label="外出日期", widget=DateInput(), initial=_today)
    card_no = forms.CharField(label="流动党员活动证编号", max_length=50, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        style_widgets(self)


class MobileEndForm(forms.Form):
    until = forms.DateField(label="返回日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="说明", max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


# --- leaving, lost contact --------------------------------------------------------


class DepartureForm(ScopedMemberForm):
    reason = forms.ChoiceField(
        label="处置方式", choices=[(r.value, r.label) for r in map(LeaveReason, DEPARTURE_REASONS)]
    )
    day = forms.DateField(label="日期", widget=DateInput(), initial=_today)
    document_no = forms.CharField(
        label="处理决定文号", max_length=100, required=False, help_text="劝退、除名、开除党籍、停止党籍须填写"
    )
    note = forms.CharField(label="原因说明", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        style_widgets(self)


class RemovalForm(forms.Form):
    day = forms.DateField(label="除名日期", widget=DateInput(), initial=_today)
    document_no = forms.CharField(label="处理决定文号", max_length=100)
    note = forms.CharField(label="原因说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LostContactForm(ScopedMemberForm):
    since = forms.DateField(label="失去联系日期", widget=DateInput())
    measures = forms.CharField(label="采取的措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        style_widgets(self)


class LostContactUpdateForm(VersionedForm, forms.Form):
    """The measures taken to find the member, with the version the page was loaded with."""

    measures = forms.CharField(
        label="采取的措施",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：电话、走访家属、函询务工地党组织（注明日期）",
    )

    def __init__(self, *args: Any, record: LostContact, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"measures": record.measures})
        super().__init__(*args, **kwargs)
        self.init_version(record)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        """The fields this user changed (lost_contact_update writes only those)."""
        return {name: self.cleaned_data[name] for name in self.changed_fields()}


class LostContactResolveForm(forms.Form):
    day = forms.DateField(label="恢复联系/处置日期", widget=DateInput(), initial=_today)
    resolution = forms.CharField(
        label="处置结果", max_length=200, help_text="如：已恢复联系，按时参加组织生活"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class SuspensionForm(forms.Form):
    """停止党籍 of a member lost for the rule's months: the date and the decision's number."""

    day = DateField(label="停止党籍日期")
    document_no = DocumentNoField(
        label="处理决定文号", required=True, help_text="上级党委的批复文号，如：新党发〔2026〕4号"
    )
    note = forms.CharField(
        label="原因说明", max_length=200, required=False, help_text="留空则按失联日期自动填写"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = dt.date.today()
        style_widgets(self)


class RestorationForm(forms.Form):
    """恢复党籍 of a suspended member: the date, the approval's number, the branch (the one that suspended them)."""

    day = DateField(label="恢复党籍日期")
    document_no = DocumentNoField(label="批准文号", required=True, help_text="上级党委批准恢复党籍的文号")
    organization = OrganizationChoiceField(
        Organization.objects.none(),
        label="恢复后所在党组织",
        required=False,
        empty_label="原所在党组织",
        help_text="原党组织已撤销或本人已在他处工作生活时选择",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = dt.date.today()
        field = self.fields["organization"]
        field.queryset = (
            Organization.objects.editable_by(user)
            .active()
            .filter(kind__in=MEMBER_HOLDING_KINDS)
            .order_by("path")
        )
        field.root_depth = scope_depth(user)
        style_widgets(self)


class AcceptForm(DayForm):
    """接收介绍信: the date, and for a suspended member (恢复党籍) the approval's number."""

    restoration_document_no = DocumentNoField(label="恢复党籍批准文号")

    def __init__(self, *args: Any, restoring: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, label="接收日期", **kwargs)
        if restoring:
            field = self.fields["restoration_document_no"]
            field.required = True
            field.help_text = "此人已停止党籍，接收即恢复其党籍：填写上级党委批准恢复党籍的文号"
        else:
            del self.fields["restoration_document_no"]
