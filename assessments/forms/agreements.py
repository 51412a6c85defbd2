"""Forms of the agreement pages: templates and items, the bulk screens, one agreement, its scoring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.forms import DateField, OrganizationChoiceField, StyledForm, scope_depth, style_widgets
from core.versioning import VersionedForm
from organizations.models import Organization

from ..choices import AgreementLevel, Exemption, RewardKind
from ..models import AgreementTemplate, AssessmentScore, TargetAgreement
from ..selectors.common import year_choices
from ..services.agreements import MAX_ITEMS, ItemSpec

#: Empty item rows offered below the filled ones (a new template gets more).
BLANK_ITEM_ROWS = 3
NEW_ITEM_ROWS = 8


class ItemRowsMixin:
    """Target items as rows of fields ``content_N``, ``points_N``, ``measure_N`` (filled rows plus a few blank)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_item_rows(self, items: Sequence[Any]) -> None:
        count = min(len(items) + BLANK_ITEM_ROWS if items else NEW_ITEM_ROWS, MAX_ITEMS)
        if getattr(self, "is_bound", False):
            posted = [k for k in self.data if k.startswith("content_")]  # type: ignore[attr-defined]
            count = min(max(count, len(posted)), MAX_ITEMS)
        self.item_count = count
        for n in range(1, count + 1):
            item = items[n - 1] if n <= len(items) else None
            self.fields[f"content_{n}"] = forms.CharField(
                label=f"第{n}项目标任务",
                max_length=300,
                required=False,
                initial=item.content if item else "",
                widget=forms.TextInput(attrs={"placeholder": "目标任务，如：按时参加组织生活"}),
            )
            self.fields[f"points_{n}"] = forms.DecimalField(
                label=f"第{n}项分值",
                max_digits=6,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=Decimal(100),
                required=False,
                initial=item.points if item else None,
                widget=forms.NumberInput(attrs={"placeholder": "分值", "step": "0.5"}),
            )
            self.fields[f"measure_{n}"] = forms.CharField(
                label=f"第{n}项考核方式",
                max_length=200,
                required=False,
                initial=item.measure if item else "",
                widget=forms.TextInput(attrs={"placeholder": "考核方式，如：查阅记录"}),
            )

    def header_fields(self) -> list[Any]:
        """The visible fields other than the item rows (the page lays the items out as a table)."""
        rows = ("content_", "points_", "measure_")
        return [self[n] for n, f in self.fields.items() if not n.startswith(rows) and not f.widget.is_hidden]  # type: ignore[index]

    def item_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (n, self[f"content_{n}"], self[f"points_{n}"], self[f"measure_{n}"])
            for n in range(1, self.item_count + 1)
        ]  # type: ignore[index]

    def item_specs(self) -> list[ItemSpec]:
        specs = []
        for n in range(1, self.item_count + 1):
            content = self.cleaned_data.get(f"content_{n}") or ""
            points = self.cleaned_data.get(f"points_{n}")
            if content.strip() and points is None:
                self.add_error(f"points_{n}", "请填写分值")  # type: ignore[attr-defined]
                continue
            if content.strip():
                specs.append(ItemSpec(content, points, self.cleaned_data.get(f"measure_{n}") or ""))
        return specs

    def clean_items(self) -> None:
        self.cleaned_data["items"] = self.item_specs()
        if not self.cleaned_data["items"] and not getattr(self, "_errors", None):
            self.add_error(None, "请至少填写一项目标任务")  # type: ignore[attr-defined]


class TemplateForm(ItemRowsMixin, VersionedForm, forms.ModelForm):
    """A template: who issues it, its year, whom it is for, its title and its items."""

    class Meta:
        model = AgreementTemplate
        fields = ("organization", "year", "level", "title", "note")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoiceField(
            Organization.objects.editable_by(user).active().exclude(kind="GROUP").order_by("path"),
            label="制定单位",
            root_depth=scope_depth(user),
            empty_label="请选择",
            help_text="模板可供本组织及下级党组织使用。",
        )
        self.fields["year"] = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int)
        self.fields["level"] = forms.ChoiceField(
            label="签订对象",
            choices=[("", "请选择"), *AgreementLevel.choices],
            help_text="党组织：与下级党委、党总支、党支部签订；党员：党支部与党员签订。",
        )
        items = list(self.instance.items.all()) if self.instance.pk else []
        if self.instance.pk:
            for name in ("organization", "year", "level"):
                self.fields[name].disabled = True
            self.init_version(self.instance)
        elif not self.is_bound:
            self.initial.setdefault("year", dt.date.today().year)
            if getattr(user, "organization", None) is not None:
                self.initial.setdefault("organization", user.organization.pk)
        self.add_item_rows(items)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_items()
        return data


class AgreementItemsForm(ItemRowsMixin, VersionedForm, StyledForm):
    """One agreement's items, replaced as a whole."""

    def __init__(self, *args: Any, agreement: TargetAgreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_item_rows(list(agreement.items.all()))
        self.init_version(agreement)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_items()
        return data


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgreementTemplate) -> str:  # type: ignore[override]
        return f"{obj.title}（{obj.organization.name}制定）"


class PickedMixin:
    """The ticked ``pick`` boxes of a bulk screen, as ids."""

    data: Any

    def picked(self) -> list[int]:
        return [int(v) for v in self.data.getlist("pick") if v.isdigit()]


class IssueOrgsForm(PickedMixin, StyledForm):
    """The organizations' bulk screen: template and signing day; ``pick`` the organizations."""

    template = TemplateChoiceField(
        label="责任书模板", queryset=AgreementTemplate.objects.none(), required=False
    )
    signed_on = DateField(
        label="签订日期", required=False, help_text="已当面签订的填写签订日期；留空为待签订。"
    )

    def __init__(self, *args: Any, templates: QuerySet[AgreementTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        first = templates.first()
        if first is not None and not self.is_bound:
            self.initial["template"] = first.pk


ACTIONS = {
    "issue": "生成责任书",
    "sign": "登记签订",
    "exempt": "设为免签",
    "unexempt": "取消免签",
}


class MemberSheetForm(PickedMixin, StyledForm):
    """A branch's members on one screen: the action, its template, day and reason; ``pick`` the members."""

    action = forms.ChoiceField(choices=list(ACTIONS.items()), widget=forms.HiddenInput, required=False)
    template = TemplateChoiceField(
        label="责任书模板", queryset=AgreementTemplate.objects.none(), required=False
    )
    signed_on = DateField(label="签订日期", required=False)
    exemption = forms.ChoiceField(
        label="免签原因", choices=[("", "请选择"), *Exemption.choices], required=False
    )
    exemption_note = forms.CharField(label="免签说明", max_length=100, required=False)

    def __init__(self, *args: Any, templates: QuerySet[AgreementTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        first = templates.first()
        if first is not None and not self.is_bound:
            self.initial["template"] = first.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = self.data.get("action") or data.get("action")
        if action not in ACTIONS:
            raise forms.ValidationError("请选择要办理的事项")
        data["action"] = action
        if action in ("sign",) and not data.get("signed_on"):
            self.add_error("signed_on", "请填写签订日期")
        if action in ("issue", "unexempt") and not data.get("template"):
            self.add_error("template", "请选择责任书模板")
        if action == "exempt" and not data.get("exemption"):
            self.add_error("exemption", "请选择免签原因")
        if action != "issue" and not self.picked():
            raise forms.ValidationError("请先勾选党员")
        return data


class AgreementEditForm(VersionedForm, StyledForm):
    """One agreement's title, signing day (empty: not yet signed) and, for an exempt member, the note."""

    title = forms.CharField(label="责任书名称", max_length=100)
    signed_on = DateField(label="签订日期", required=False, help_text="清空表示尚未签订。")
    exemption_note = forms.CharField(label="免签说明", max_length=100, required=False)

    def __init__(self, *args: Any, agreement: TargetAgreement, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": agreement.title,
                "signed_on": agreement.signed_on,
                "exemption_note": agreement.exemption_note,
            },
        )
        super().__init__(*args, **kwargs)
        if agreement.exemption:
            del self.fields["signed_on"]
        else:
            del self.fields["exemption_note"]
        self.init_version(agreement)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_fields()}


class ScoreForm(VersionedForm, StyledForm):
    """Year-end scoring: a score and a note per item, the day, the assessors, reward or penalty.

    Carries the version of the score it was loaded with (``version``, 0: not scored yet).
    """

    scored_on = DateField(label="考核日期")
    assessors = forms.CharField(
        label="考核组", max_length=200, required=False, help_text="如：县委考核工作组"
    )
    reward_kind = forms.ChoiceField(label="奖惩", choices=RewardKind.choices, initial=RewardKind.NONE)
    reward_note = forms.CharField(
        label="奖惩内容", max_length=200, required=False, help_text="如：通报表扬，奖励工作经费3000元"
    )
    note = forms.CharField(label="备注", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self, *args: Any, agreement: TargetAgreement, score: AssessmentScore | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(agreement.items.all())
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=f"第{item.order}项得分",
                max_digits=6,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=item.points,
                initial=item.score,
                widget=forms.NumberInput(
                    attrs={"class": "score-input", "step": "0.5", "placeholder": "得分"}
                ),
            )
            self.fields[f"why_{item.pk}"] = forms.CharField(
                label=f"第{item.order}项扣分说明",
                max_length=200,
                required=False,
                initial=item.score_note,
                widget=forms.TextInput(attrs={"placeholder": "扣分说明（未扣分可不填）"}),
            )
        if score is not None:
            for name in ("scored_on", "assessors", "reward_kind", "reward_note", "note"):
                self.fields[name].initial = getattr(score, name)
        else:
            self.fields["scored_on"].initial = dt.date.today()
        self.fields["version"].initial = score.version if score else 0
        style_widgets(self)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(item, self[f"score_{item.pk}"], self[f"why_{item.pk}"]) for item in self.items]

    def scores(self) -> dict[int, tuple[Any, str]]:
        return {
            i.pk: (self.cleaned_data.get(f"score_{i.pk}"), self.cleaned_data.get(f"why_{i.pk}", ""))
            for i in self.items
        }

    def show_current(self, current: Any) -> None:
        """After a refusal (someone scored meanwhile): the version brought up to date, the user's scores kept."""
        data = self.data.copy()
        data["version"] = getattr(current, "version", 0)
        self.data = data
