"""Forms of the dues pages: they collect and shape input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from core.forms import DateField, OrganizationChoiceField, StyledForm, scope_depth, style_widgets
from core.money import MoneyField, parse_amount
from core.versioning import VersionedForm
from members.forms.transfers import MemberPickerField
from members.models import Member
from organizations.choices import OrgKind
from organizations.models import Organization

from . import months as m
from .choices import FIXED_CATEGORIES, MANUAL_EXPENSES, MANUAL_INCOME, DuesCategory, LedgerPurpose
from .filters import MonthField
from .models import DuesAssessment, DuesSchedule
from .services.assessments import ASSESSMENT_FIELDS


def month_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "month", **attrs})


def _today() -> dt.date:
    return dt.date.today()


def _this_month() -> str:
    return f"{dt.date.today():%Y-%m}"


def collecting_orgs(user: Any) -> QuerySet[Organization]:
    """Organizations whose dues the user records: open, in scope, holding members (not 党小组)."""
    return Organization.objects.editable_by(user).active().exclude(kind=OrgKind.GROUP).order_by("path")


class GridSaveForm(StyledForm):
    """The grid's one save: every amount typed in its cells, the day the money was handed over, a note.

    ``cleaned_data["entries"]`` holds (member id, month, amount) for
    ``dues_record_payments``; a cell that is not an amount is marked on the
    grid itself and nothing is saved.  On a refused save every cell keeps what
    was typed.
    """

    paid_on = DateField(label="交纳日期", initial=_today)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, grid: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid
        if self.is_bound:
            for row in grid.rows:
                for cell in row.cells:
                    if cell.editable:
                        cell.value = (self.data.get(cell.name) or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        entries = []
        wrong = 0
        for row in self.grid.rows:
            for cell in row.cells:
                if not cell.editable or not cell.value:
                    continue
                try:
                    amount = parse_amount(cell.value, label="党费")
                except ValidationError as exc:
                    cell.error = exc.message_dict["amount"][0]
                    wrong += 1
                    continue
                if amount <= 0:
                    cell.value = ""
                    continue  # a 0 typed to clear the cell means "not paid"
                entries.append((row.member.pk, cell.month, amount))
        if wrong:
            raise forms.ValidationError(f"有{wrong}处金额填写有误（已标红），请改正后再保存")
        if not entries:
            raise forms.ValidationError("没有填写任何党费金额：请在交了党费的党员那一格填写金额")
        data["entries"] = entries
        return data


class AssessmentForm(StyledForm):
    """A member's category and base from a month on (a new assessment; a salary rise is one too)."""

    effective_from = MonthField(
        label="起始月份",
        widget=month_input(),
        initial=_this_month,
        help_text="工资调整的，填调整生效的月份；早于已交月份的，系统会算出应补交的金额",
    )
    category = forms.ChoiceField(label="党员类别", choices=[("", "请选择"), *DuesCategory.choices])
    income = MoneyField(
        label="月计费基数（元）",
        required=False,
        help_text="在职：税后固定工资（不含社保、公积金、奖金）；离退休：离退休费",
    )
    amount = MoneyField(
        label="每月定额（元）", required=False, help_text="农民党员可在0.2元至1元之间选定，留空按默认定额"
    )
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="免交须写明批准情况")

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member is not None and not self.is_bound:
            latest = member.dues_assessments.order_by("-effective_from").first()
            if latest is not None:
                self.initial.update(category=latest.category, income=latest.income, amount=latest.amount)
            elif member.occupation == "FARMER" or member.is_rural:
                self.initial["category"] = DuesCategory.FARMER
            elif member.occupation == "STUDENT":
                self.initial["category"] = DuesCategory.STUDENT
            elif member.is_retired or member.occupation == "RETIRED":
                self.initial["category"] = DuesCategory.RETIRED
            else:
                self.initial["category"] = DuesCategory.IN_SERVICE


class AssessmentEditForm(VersionedForm, forms.ModelForm):
    """Correct an assessment (its month stays; a change from another month is a new assessment)."""

    income = MoneyField(label="月计费基数（元）", required=False)
    amount = MoneyField(label="每月定额（元）", required=False)

    class Meta:
        model = DuesAssessment
        fields = ("category", "income", "amount", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.init_version(self.instance)
        style_widgets(self)

    def edits(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ASSESSMENT_FIELDS if name in self.changed_fields()}


class BulkAssessForm(StyledForm):
    """Several members at one fixed standard from one month (a village branch's farmers)."""

    category = forms.ChoiceField(
        label="党员类别",
        choices=[
            (c.value, c.label) for c in DuesCategory if c in FIXED_CATEGORIES and c != DuesCategory.EXEMPT
        ],
        initial=DuesCategory.FARMER,
    )
    effective_from = MonthField(label="起始月份", widget=month_input(), initial=_this_month)
    amount = MoneyField(label="每月定额（元）", required=False, help_text="留空按默认定额（农民党员1元）")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked = [int(v) for v in self.data.getlist("pick") if v.isdigit()]
        if not picked:
            raise forms.ValidationError("请至少选择一名党员")
        chosen = list(self.candidates.filter(pk__in=picked))
        if len(chosen) != len(set(picked)):
            raise forms.ValidationError("所选党员不在可选范围内，请刷新后重试")
        data["members"] = chosen
        return data


class ScheduleForm(VersionedForm, forms.ModelForm):
    """Monthly or quarterly collection (按季度交纳 needs the members' meeting)."""

    class Meta:
        model = DuesSchedule
        fields = ("quarterly", "agreed_on", "note")
        field_classes = {"agreed_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.init_version(self.instance)
        style_widgets(self)


class SpecialPaymentForm(StyledForm):
    """A special payment (特殊党费): one member, 1000 元 or more at once."""

    member = MemberPickerField(Member.objects.none(), label="党员")
    amount = MoneyField(label="金额（元）", help_text="一次性交纳1000元以上的党费，全额上缴")
    paid_on = DateField(label="交纳日期", initial=_today)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.editable_by(user).current()
        self.fields["member"].error_messages["invalid_choice"] = "请从本组织范围内的在册党员中选择"


class BackPayForm(StyledForm):
    """补交: the members ticked pay every month they owe back, on one day."""

    paid_on = DateField(label="交纳日期", initial=_today)

    def __init__(self, *args: Any, shortfalls: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shortfalls = shortfalls

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked = {int(v) for v in self.data.getlist("pick") if v.isdigit()}
        chosen = [s for s in self.shortfalls if s.member_id in picked]
        if not chosen:
            raise forms.ValidationError("请勾选本次补交的党员")
        data["chosen"] = chosen
        return data


class ReasonForm(StyledForm):
    """Why a record is voided or reversed."""

    reason = forms.CharField(label="原因", max_length=200)


class RemitForm(StyledForm):
    """A quarter's remittance upward; the amounts default to what is outstanding."""

    amount = MoneyField(label="上缴党费（元）")
    special_amount = MoneyField(label="特殊党费（元）", required=False)
    remitted_on = DateField(label="上缴日期", initial=_today)
    to_external = forms.CharField(
        label="接收单位", max_length=100, required=False, help_text="县委上缴时填写，如：中共文山州委组织部"
    )
    reference = forms.CharField(label="凭证号", max_length=60, required=False, help_text="银行回单或收据编号")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, top: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not top:
            del self.fields["to_external"]


class LedgerEntryForm(StyledForm):
    """An expenditure (电教设备, 慰问, 培训资料 …) or an income (上年结余 …) of a retained-dues ledger."""

    organization = OrganizationChoiceField(Organization.objects.none(), label="党组织", empty_label="请选择")
    purpose = forms.ChoiceField(
        label="项目",
        choices=[
            ("支出", [(p.value, p.label) for p in LedgerPurpose if p in MANUAL_EXPENSES]),
            ("收入", [(p.value, p.label) for p in LedgerPurpose if p in MANUAL_INCOME]),
        ],
    )
    entry_on = DateField(label="日期", initial=_today)
    amount = MoneyField(label="金额（元）")
    description = forms.CharField(
        label="摘要", max_length=200, help_text="如：为8个党委和47个党支部配备电教设备55套"
    )
    document_no = forms.CharField(label="凭证号/文号", max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = collecting_orgs(user)
        field.root_depth = scope_depth(user)
        if getattr(user, "organization", None) is not None and not self.is_bound:
            self.initial.setdefault("organization", user.organization.pk)


class ReturnForm(StyledForm):
    """The year-end return to retired-cadre branches."""

    day = DateField(label="返还日期", initial=_today)


class PeriodForm(forms.Form):
    """Which organization and period a summary page shows (GET)."""

    org = OrganizationChoiceField(
        Organization.objects.none(),
        label="党组织",
        required=False,
        empty_label="本组织",
        to_field_name="code",
    )
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        required=False,
        choices=[("", "全年"), *((q, f"第{q}季度") for q in (1, 2, 3, 4))],
    )

    def __init__(self, *args: Any, user: Any, quarters: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user).exclude(kind=OrgKind.GROUP).order_by("path")
        )
        self.fields["org"].root_depth = scope_depth(user)
        this = dt.date.today().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this, this - 10, -1)]
        if not quarters:
            del self.fields["quarter"]
        style_widgets(self)

    def chosen(self, default_org: Organization) -> tuple[Organization, int, int | None]:
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or dt.date.today().year
        return data.get("org") or default_org, year, data.get("quarter") or None

    @staticmethod
    def months_label(year: int, quarter: int | None) -> str:
        return m.quarter_label(year, quarter) if quarter else f"{year}年"
