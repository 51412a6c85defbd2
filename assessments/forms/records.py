"""Forms of inspections, life meetings, appraisal rounds and grades, follow-ups, team votes and ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.forms import (
    DateField,
    DocumentNoField,
    OrganizationChoiceField,
    StyledForm,
    scope_depth,
    style_widgets,
)
from core.versioning import VersionedForm
from organizations.choices import OrgKind
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import RATING_CRITERIA, Disposal, FindingKind, FollowUpResult, RatingResult
from ..models import AppraisalRound, Inspection, InspectionFinding, LifeMeeting, StarRating
from ..selectors.common import year_choices
from ..services.meetings import MEETING_KINDS


def _org_field(
    user: Any, label: str, kinds: tuple[str, ...] | None = None, **kwargs: Any
) -> OrganizationChoiceField:
    orgs = Organization.objects.editable_by(user).active().exclude(kind=OrgKind.GROUP)
    if kinds:
        orgs = orgs.filter(kind__in=kinds)
    return OrganizationChoiceField(
        orgs.order_by("path"), label=label, root_depth=scope_depth(user), empty_label="请选择", **kwargs
    )


def _default_org(form: forms.BaseForm, user: Any) -> None:
    if not form.is_bound and getattr(user, "organization", None) is not None:
        form.initial.setdefault("organization", user.organization.pk)


# --- inspections -----------------------------------------------------------------------------------


class InspectionForm(VersionedForm, forms.ModelForm):
    """An inspection: who inspected whom, when, who went, the summary; the notice's number once issued."""

    class Meta:
        model = Inspection
        fields = (
            "organization",
            "kind",
            "title",
            "started_on",
            "ended_on",
            "inspectors",
            "targets",
            "summary",
            "notice_no",
            "notice_issued_on",
        )
        field_classes = {"started_on": DateField, "ended_on": DateField, "notice_issued_on": DateField}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _org_field(user, "检查单位")
        self.fields["notice_no"] = DocumentNoField(label="通报文号", help_text="如：富组通〔2026〕5号")
        below = Organization.objects.visible_to(user).active().exclude(kind=OrgKind.GROUP)
        if self.instance.pk:
            below = below.filter(path__startswith=self.instance.organization.path).exclude(
                pk=self.instance.organization_id
            )
        self.fields["targets"] = forms.ModelMultipleChoiceField(
            below.order_by("path"),
            label="检查对象",
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text="按住Ctrl（手机上逐个点选）可多选；登记检查发现时会自动加入。",
        )
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.fields["targets"].initial = list(self.instance.targets.values_list("pk", flat=True))
            self.init_version(self.instance)
        else:
            _default_org(self, user)
            self.initial.setdefault("started_on", dt.date.today())
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        names = (
            "kind",
            "title",
            "started_on",
            "ended_on",
            "inspectors",
            "summary",
            "notice_no",
            "notice_issued_on",
        )
        edits = {n: self.cleaned_data[n] for n in names if n in self.changed_fields()}
        if "targets" in self.changed_fields():
            edits["targets"] = list(self.cleaned_data["targets"])
        return edits


class FindingForm(VersionedForm, forms.ModelForm):
    """What the inspection found at one organization; a problem may carry a requirement and a deadline."""

    class Meta:
        model = InspectionFinding
        fields = ("organization", "kind", "content", "requirement", "deadline")
        field_classes = {"deadline": DateField}
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = (
            Organization.objects.active()
            .filter(path__startswith=inspection.organization.path)
            .exclude(pk=inspection.organization_id)
            .exclude(kind=OrgKind.GROUP)
        )
        self.fields["organization"] = OrganizationChoiceField(
            orgs.order_by("path"),
            label="被检查党组织",
            root_depth=inspection.organization.depth + 1,
            empty_label="请选择",
        )
        self.fields["deadline"] = DateField(
            label="整改期限",
            required=False,
            allow_future=True,
            help_text="存在问题需限期整改的填写，工作台将提示逾期。",
        )
        self.fields["kind"].initial = FindingKind.PROBLEM
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.init_version(self.instance)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        return {
            n: self.cleaned_data[n]
            for n in ("kind", "content", "requirement", "deadline")
            if n in self.changed_fields()
        }


class RectifyForm(VersionedForm, StyledForm):
    rectified_on = DateField(label="整改完成日期", required=False, help_text="清空表示尚未完成。")
    rectification = forms.CharField(
        label="整改情况", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, finding: InspectionFinding, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"rectified_on": finding.rectified_on or dt.date.today(), "rectification": finding.rectification},
        )
        super().__init__(*args, **kwargs)
        self.init_version(finding)
        style_widgets(self)


# --- life meetings ---------------------------------------------------------------------------------


class LifeMeetingForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = LifeMeeting
        fields = (
            "organization",
            "held_on",
            "document_no",
            "leaders_expected",
            "leaders_attended",
            "absentees",
            "supervisors",
            "topics",
            "issues",
            "rectification",
        )
        field_classes = {"held_on": DateField}
        widgets = {
            "topics": forms.Textarea(attrs={"rows": 2}),
            "issues": forms.Textarea(attrs={"rows": 3}),
            "rectification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _org_field(user, "党组织", MEETING_KINDS)
        self.fields["document_no"] = DocumentNoField(label="依据文件", help_text="如：富办发〔2026〕24号")
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.init_version(self.instance)
        else:
            _default_org(self, user)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in self.changed_fields() if n != "organization"}


# --- appraisal -------------------------------------------------------------------------------------


class RoundForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = AppraisalRound
        fields = ("organization", "year", "title", "grade_set", "starts_on", "ends_on", "note")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _org_field(
            user, "组织单位", help_text="评议范围为该党组织及其下属党组织的全体党员。"
        )
        self.fields["year"] = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int)
        self.fields["starts_on"] = DateField(label="开始日期", allow_future=True)
        self.fields["ends_on"] = DateField(label="结束日期", allow_future=True)
        if self.instance.pk:
            self.fields["organization"].disabled = True
            self.fields["year"].disabled = True
            self.init_version(self.instance)
        elif not self.is_bound:
            _default_org(self, user)
            today = dt.date.today()
            self.initial.update(
                year=today.year,
                title=f"{today.year}年度民主评议党员",
                grade_set=str(get_rule("appraisal_grade_set")),
                starts_on=today,
                ends_on=dt.date(today.year, 12, 31),
            )
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        names = ("title", "grade_set", "starts_on", "ends_on", "note")
        return {n: self.cleaned_data[n] for n in names if n in self.changed_fields()}


class CloseRoundForm(StyledForm):
    closed_on = DateField(label="结束评议日期")


class GradeSheetForm(StyledForm):
    """A branch's grades: ``grade_<pk>``, ``note_<pk>`` and the version loaded ``version_<pk>`` per member.

    ``fill`` gives every member still without a grade the same one (most are 合格): the
    secretary picks the few 优秀 and 不合格 and fills the rest in one go.
    """

    appraised_on = DateField(label="评议日期")
    fill = forms.ChoiceField(label="其余未评议的党员统一评为", required=False)

    def __init__(self, *args: Any, sheet: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        choices = [("", "—"), *((g, g) for g in sheet.round.grades)]
        self.fields["fill"].choices = [("", "不统一设置"), *((g, g) for g in sheet.round.grades)]
        for row in sheet.rows:
            pk = row.member.pk
            self.fields[f"grade_{pk}"] = forms.ChoiceField(
                label=f"{row.member.name}的评议等次",
                choices=choices,
                required=False,
                initial=row.grade,
                show_hidden_initial=True,
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=f"{row.member.name}的备注",
                widget=forms.TextInput(attrs={"placeholder": "备注（可不填）"}),
                max_length=100,
                required=False,
                initial=row.appraisal.note if row.appraisal else "",
                show_hidden_initial=True,
            )
            self.fields[f"version_{pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False, initial=row.version
            )
        if not self.is_bound:
            self.initial["appraised_on"] = dt.date.today()
        style_widgets(self)

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (r, self[f"grade_{r.member.pk}"], self[f"note_{r.member.pk}"], self[f"version_{r.member.pk}"])
            for r in self.sheet.rows
        ]

    def changed_rows(self) -> list[tuple[Any, str, str, int]]:
        """(member, grade, note, version loaded) of the rows this user changed or ``fill`` fills (others left alone)."""
        changed = set(self.changed_data)
        fill = self.cleaned_data.get("fill") or ""
        out = []
        for row in self.sheet.rows:
            pk = row.member.pk
            if row.elsewhere:
                continue
            grade = self.cleaned_data.get(f"grade_{pk}") or ""
            if not grade and fill and row.appraisal is None:
                grade = fill
            elif not {f"grade_{pk}", f"note_{pk}"} & changed:
                continue
            out.append(
                (
                    row.member,
                    grade,
                    self.cleaned_data.get(f"note_{pk}") or "",
                    self.cleaned_data.get(f"version_{pk}") or 0,
                )
            )
        return out

    def show_current(self, current: Any) -> None:
        """After a refusal: the refused row as stored now (with its version); the user's other entries kept."""
        data = self.data.copy()
        pk = current.member_id
        for name, value in ((f"grade_{pk}", current.grade), (f"note_{pk}", current.note)):
            data[name] = value
            data[self.add_initial_prefix(name)] = value
        data[f"version_{pk}"] = current.version
        self.data = data


class FollowUpDecideForm(StyledForm):
    disposal = forms.ChoiceField(label="处置方式", choices=Disposal.choices, widget=forms.RadioSelect)
    decided_on = DateField(label="决定日期")
    deadline = DateField(
        label="改正期限",
        required=False,
        allow_future=True,
        help_text="限期改正的期限，留空按规定（一般6个月，最长1年）。",
    )
    document_no = DocumentNoField(
        label="决定文号", help_text="劝其退党、除名须填写党组织决定的文号，如：各支〔2026〕3号"
    )
    note = forms.CharField(label="情况说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_on", dt.date.today())
            self.initial.setdefault("disposal", Disposal.CORRECTION)


class FollowUpConcludeForm(VersionedForm, StyledForm):
    result = forms.ChoiceField(
        label="处置结果",
        choices=[(v, label) for v, label in FollowUpResult.choices if v != FollowUpResult.LEFT],
        widget=forms.RadioSelect,
        help_text="经教育仍无转变的，劝退或除名，办理出党手续。",
    )
    day = DateField(label="办结日期")
    document_no = DocumentNoField(label="决定文号", help_text="劝退、除名须填写，如：各支〔2026〕5号")
    note = forms.CharField(label="情况说明", max_length=200, required=False)

    def __init__(self, *args: Any, follow_up: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": dt.date.today(), "result": FollowUpResult.CORRECTED})
        super().__init__(*args, **kwargs)
        self.init_version(follow_up)
        style_widgets(self)


class TeamVotesForm(StyledForm):
    """Votes per team: ``satisfied_<pk>``, ``basic_<pk>``, ``dissatisfied_<pk>``, ``note_<pk>``, ``version_<pk>``."""

    def __init__(self, *args: Any, teams: list[tuple[Organization, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = teams
        for org, votes in teams:
            for key, attr, label in (
                ("satisfied", "satisfied", "满意"),
                ("basic", "basically_satisfied", "基本满意"),
                ("dissatisfied", "dissatisfied", "不满意"),
            ):
                self.fields[f"{key}_{org.pk}"] = forms.IntegerField(
                    label=f"{org.name}{label}票数",
                    min_value=0,
                    max_value=100000,
                    required=False,
                    initial=getattr(votes, attr) if votes else None,
                )
            self.fields[f"note_{org.pk}"] = forms.CharField(
                label=f"{org.name}备注", max_length=200, required=False, initial=votes.note if votes else ""
            )
            self.fields[f"version_{org.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False, initial=votes.version if votes else 0
            )
        style_widgets(self)

    def rows(self) -> list[tuple[Organization, Any, Any, Any, Any, Any, Any]]:
        return [
            (
                org,
                votes,
                self[f"satisfied_{org.pk}"],
                self[f"basic_{org.pk}"],
                self[f"dissatisfied_{org.pk}"],
                self[f"note_{org.pk}"],
                self[f"version_{org.pk}"],
            )
            for org, votes in self.teams
        ]


# --- 三级联创 ---------------------------------------------------------------------------------------


class RatingForm(VersionedForm, StyledForm):
    """The rating of one organization: a tick per criterion met (``c_<key>``), the result, the day, a note."""

    year = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int)
    result = forms.ChoiceField(label="评定结果", choices=RatingResult.choices, widget=forms.RadioSelect)
    rated_on = DateField(label="评定日期")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, standard: str, rating: StarRating | None = None, **kwargs: Any) -> None:
        met = set(rating.met) if rating is not None else set()
        if rating is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": rating.year,
                    "result": rating.result,
                    "rated_on": rating.rated_on,
                    "note": rating.note,
                },
            )
        else:
            kwargs.setdefault("initial", {"year": dt.date.today().year, "rated_on": dt.date.today()})
        super().__init__(*args, **kwargs)
        self.criteria = list(RATING_CRITERIA[standard])
        # One checkbox per criterion, before the result: the checklist reads from top to bottom.
        fields = {
            f"c_{key}": forms.BooleanField(label=label, required=False, initial=key in met)
            for key, label in self.criteria
        }
        self.fields = {
            "year": self.fields["year"],
            **fields,
            **{n: f for n, f in self.fields.items() if n != "year"},
        }
        if rating is not None:
            self.fields["year"].disabled = True
            self.init_version(rating)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["criteria"] = [key for key, _ in self.criteria if data.get(f"c_{key}")]
        return data

    def edits(self) -> dict[str, Any]:
        changed = set(self.changed_fields())
        edits = {n: self.cleaned_data[n] for n in ("result", "rated_on", "note") if n in changed}
        if any(f"c_{key}" in changed for key, _ in self.criteria):
            edits["criteria"] = self.cleaned_data["criteria"]
        return edits
