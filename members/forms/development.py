"""Forms of the development pages.  They collect input; every rule is the services' to enforce."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.forms import DateField, DocumentNoField, OrganizationChoiceField, scope_depth, style_widgets
from core.versioning import VersionedForm
from organizations.choices import MEMBER_HOLDING_KINDS
from organizations.models import Organization

from ..models import Member
from ..models.development import (
    APPROVAL_STEPS,
    PUBLICITY_STEPS,
    Applicant,
    Decision,
    DevelopmentPlan,
    Outcome,
    Publicity,
    PublicityResult,
    Step,
    VettingResult,
    WithdrawKind,
    particulars_of,
)
from ..selectors.development import approving_orgs_for, contact_candidates, upper_orgs_for
from ..services.development import PERSON_FIELDS
from .member import party_group_choices

ALL = [("", "全部")]


class MemberChoiceField(forms.ModelChoiceField):
    """A member shown with the branch, so namesakes can be told apart (and one who left, as such)."""

    def label_from_instance(self, obj: Member) -> str:
        left = "，已离开" if obj.left_on else ""
        return f"{obj.name}（{obj.organization.name}{left}）"


class ApplicantForm(VersionedForm, forms.ModelForm):
    """An applicant's personal details; on creation also the branch and the application date (step 1).

    Editing carries the version and the values the page was loaded with
    (``core.versioning``), so a save over someone else's newer change is refused.
    """

    applied_on = DateField(label="递交入党申请书日期")
    note = forms.CharField(label="备注", max_length=500, required=False)

    class Meta:
        model = Applicant
        fields = ["organization", *PERSON_FIELDS]
        field_classes = {"organization": OrganizationChoiceField, "birth_date": DateField}

    def __init__(self, *args: Any, user: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            field = self.fields["organization"]
            field.queryset = (
                Organization.objects.editable_by(user)
                .active()
                .filter(kind__in=MEMBER_HOLDING_KINDS)
                .order_by("path")
            )
            field.root_depth = scope_depth(user)
            field.label = "所在党支部"
            if field.queryset.count() == 1:
                field.initial = field.queryset.first()
        else:
            for name in ("organization", "applied_on", "note"):
                del self.fields[name]
            self.init_version(self.instance)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        """The personal details this user changed (applicant_update writes only those)."""
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS if name in self.changed_fields()}

    def _get_validation_exclusions(self) -> set[str]:
        # The model's check of the ID number includes the one-open-application constraint, whose
        # message would tell of an application the user may not see; the service checks the number
        # with the user's scope in mind (refuse_id_number) and its errors land on this field.
        return {*super()._get_validation_exclusions(), "id_number"}


class StepForm(forms.Form):
    """The date and particulars of one step; only the fields that step takes are kept.

    A step is recorded once it has happened, so its date is never after today.
    Steps 23 and 24 are a 转正记录: the same form serves the applicant's page
    and the 预备党员's own page (``branch`` without an ``applicant``).
    """

    day = DateField(label="日期")
    first_contact = MemberChoiceField(Member.objects.none(), label="培养联系人", required=False)
    second_contact = MemberChoiceField(Member.objects.none(), label="培养联系人（二）", required=False)
    first_introducer = MemberChoiceField(Member.objects.none(), label="入党介绍人", required=False)
    second_introducer = MemberChoiceField(Member.objects.none(), label="入党介绍人（二）", required=False)
    vetting_result = forms.ChoiceField(
        label="政审结论", choices=[("", "请选择")] + VettingResult.choices, required=False
    )
    training_days = forms.IntegerField(label="培训天数", min_value=0, max_value=365, required=False)
    training_hours = forms.IntegerField(label="培训学时", min_value=0, max_value=2000, required=False)
    votes_entitled = forms.IntegerField(
        label="应到会有表决权党员数",
        min_value=0,
        required=False,
        help_text="正式党员人数（预备党员没有表决权），不能多于支部当日的正式党员数",
    )
    votes_present = forms.IntegerField(label="实到会有表决权党员数", min_value=0, required=False)
    votes_for = forms.IntegerField(label="赞成票数", min_value=0, required=False)
    outcome = forms.ChoiceField(label="讨论结果", choices=[("", "请选择")] + Outcome.choices, required=False)
    extension_months = forms.IntegerField(
        label="延长预备期（月）",
        min_value=1,
        max_value=24,
        required=False,
        help_text="延长预备期时填写，6至12个月",
    )
    approving_org = forms.ModelChoiceField(
        Organization.objects.none(), label="审批/备案党组织", required=False
    )
    decision = forms.ChoiceField(
        label="审批结论", choices=Decision.choices, initial=Decision.APPROVED, required=False
    )
    refusal_reason = forms.CharField(
        label="不予批准理由", max_length=300, required=False, help_text="不予批准时填写"
    )
    late_reason = forms.CharField(
        label="超期审批原因", max_length=200, required=False, help_text="支部大会讨论后超过3个月审批时填写"
    )
    party_group = forms.ModelChoiceField(Organization.objects.none(), label="编入党小组", required=False)
    handled_by = forms.CharField(label="经办人/谈话人", max_length=100, required=False)
    document_no = DocumentNoField()
    note = forms.CharField(
        label="备注/意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        number: int,
        user: Any,
        applicant: Applicant | None = None,
        branch: Organization | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = {"day", *particulars_of(number)}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        branch = branch or applicant.organization  # type: ignore[union-attr]
        self.fields["day"].label = f"{Step(number).label}日期"
        self.fields["day"].initial = dt.date.today()
        # The branch's own full members, past ones too (a back-filled step may name one who left since);
        # a county-wide list would hold thousands of names.
        members = contact_candidates(user, branch)
        for name in ("first_contact", "second_contact", "first_introducer", "second_introducer"):
            if name in self.fields:
                self.fields[name].queryset = members
        if "approving_org" in self.fields:
            if number in APPROVAL_STEPS:
                orgs = approving_orgs_for(branch)
                self.fields["approving_org"].label = "审批党委"
            else:
                orgs = upper_orgs_for(branch)
            self.fields["approving_org"].queryset = Organization.objects.filter(pk__in=[o.pk for o in orgs])
            if orgs:
                self.fields["approving_org"].initial = orgs[0].pk
        if "party_group" in self.fields:
            member = applicant.member  # type: ignore[union-attr]  # step 19: an applicant's
            branch = member.organization if member is not None else branch
            party_group_choices(self.fields["party_group"], Organization.objects.filter(parent=branch))
            self.fields["party_group"].help_text = f"{branch.name}下设的党小组；未设党小组的留空"
        if number == Step.CONFIRMATION_MEETING:
            self.fields["day"].label = "支部大会讨论日期"
            self.fields["document_no"].label = "支部大会决议文号"
        if number in APPROVAL_STEPS:
            self.fields["day"].label = "审批日期"
            self.fields["document_no"].label = "审批文号"
        style_widgets(self)

    def particulars(self) -> dict[str, Any]:
        """cleaned_data for the service: everything but the date."""
        return {k: v for k, v in self.cleaned_data.items() if k != "day"}


class WithdrawForm(forms.Form):
    withdrawn_on = DateField(label="终止日期")
    # 上级党委不予批准接收 is the step 17 refusal's, never chosen here.
    withdraw_kind = forms.ChoiceField(
        label="终止情形", choices=[c for c in WithdrawKind.choices if c[0] != WithdrawKind.NOT_APPROVED]
    )
    withdraw_reason = forms.CharField(
        label="终止原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = dt.date.today()
        style_widgets(self)


class PublicityForm(forms.Form):
    step = forms.TypedChoiceField(
        label="公示事项", coerce=int, choices=Publicity._meta.get_field("step").choices
    )
    # Registered when the notice goes up (not before); it runs on into the coming working days.
    starts_on = DateField(label="公示开始日期")
    ends_on = DateField(label="公示截止日期", allow_future=True)
    place = forms.CharField(label="公示地点/范围", max_length=200, help_text="如：村务公开栏、单位公示栏")

    def __init__(self, *args: Any, steps: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps:
            labels = dict(self.fields["step"].choices)
            self.fields["step"].choices = [(n, labels[n]) for n in PUBLICITY_STEPS if n in steps] or list(
                labels.items()
            )
        self.fields["starts_on"].initial = dt.date.today()
        style_widgets(self)


class PublicityResultForm(forms.Form):
    result = forms.ChoiceField(
        label="公示结果", choices=[("", "请选择")] + PublicityResult.choices, required=False
    )
    result_note = forms.CharField(label="结果说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def year_or(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return default


class PlanEditForm(VersionedForm, forms.Form):
    """One quota field per committee (``quota_<pk>``), with its note and the version of its plan (``version_<pk>``).

    Several records in one form: each row carries the values and the version it
    was loaded with (0: no plan yet), so only the rows this user changed are
    saved and a row someone else saved since is refused (``core.versioning``).
    """

    def __init__(
        self, *args: Any, committees: list[Organization], plans: dict[int, DevelopmentPlan], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committees = committees
        self.plans = plans
        for c in committees:
            plan = plans.get(c.pk)
            self.fields[f"quota_{c.pk}"] = forms.IntegerField(
                label=c.name,
                min_value=0,
                max_value=100000,
                required=False,
                initial=plan.quota if plan else None,
                show_hidden_initial=True,
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(
                label=f"{c.name}说明",
                max_length=200,
                required=False,
                initial=plan.note if plan else "",
                show_hidden_initial=True,
            )
            self.fields[f"version_{c.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False, initial=plan.version if plan else 0
            )
        style_widgets(self)

    def rows(self) -> list[tuple[Organization, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"quota_{c.pk}"], self[f"note_{c.pk}"]) for c in self.committees]

    def changes(self) -> list[tuple[Organization, int, str, int]]:
        """(committee, quota, note, version loaded) of each plan this user set or changed.

        An empty quota leaves the plan alone.
        """
        edited = set(self.changed_data)
        changed = []
        for c in self.committees:
            quota, note = self.cleaned_data[f"quota_{c.pk}"], self.cleaned_data[f"note_{c.pk}"]
            if quota is None or not {f"quota_{c.pk}", f"note_{c.pk}"} & edited:
                continue
            changed.append((c, quota, note, self.cleaned_data[f"version_{c.pk}"] or 0))
        return changed

    def show_current(self, current: Any) -> None:
        """After a refusal: the refused plan's row as stored now (this user's edits kept) and its version."""
        data = self.data.copy()
        edited = set(self.changed_data)
        pk = current.committee_id
        for name, value in ((f"quota_{pk}", current.quota), (f"note_{pk}", current.note)):
            data[self.add_initial_prefix(name)] = value
            if name not in edited:
                data[self.add_prefix(name)] = value
        data[self.add_prefix(f"version_{pk}")] = current.version
        self.data = data
