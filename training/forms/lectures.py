"""Forms for party lectures (讲党课)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from core.forms import DateField
from members.forms.transfers import MemberPickerField
from members.models import Member

from ..models import PartyLecture
from ..services.lectures import LECTURE_FIELDS
from .common import RecordForm


class LectureForm(RecordForm):
    """A lecture: host, date, topic, and the lecturer (a member picked, or an outside cadre typed in)."""

    org_label = "承办党组织"
    EDITABLE = LECTURE_FIELDS

    unit_name = forms.CharField(
        label="讲课人单位",
        max_length=100,
        required=False,
        help_text="如：县财政局；新单位会自动加入目录（默认计为县级单位）",
        widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
    )

    class Meta:
        model = PartyLecture
        fields = (
            "organization",
            "given_on",
            "topic",
            "lecturer_name",
            "lecturer_member",
            "unit_name",
            "lecturer_post",
            "lecturer_rank",
            "venue",
            "hours",
            "non_member_count",
            "note",
        )
        field_classes = {"given_on": DateField, "lecturer_member": MemberPickerField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["lecturer_member"]
        member.queryset = Member.objects.editable_by(self.user).current()
        if self.instance.lecturer_member_id:
            member.queryset = member.queryset | Member.objects.filter(pk=self.instance.lecturer_member_id)
        member.required = False
        member.label = "或从本组织党员中选择"
        member.help_text = (
            "讲课人是本组织范围内的党员时可查找选择；县直部门领导干部直接填写上面的姓名和下面的单位"
        )
        member.error_messages["invalid_choice"] = "请从本组织范围内的在册党员中选择"
        self.fields["lecturer_name"].required = False
        self.fields["lecturer_name"].label = "讲课人姓名"
        self.fields["lecturer_name"].help_text = "从党员中选择时可不填"
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())
        self.fields["hours"].help_text = "计入听课党员培训学时的学时数；不计学时请留空"
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0.5", "inputmode": "decimal"})
        if self.instance.pk and not self.is_bound:
            self.initial["unit_name"] = (
                self.instance.lecturer_unit.name if self.instance.lecturer_unit else ""
            )
        if self.instance.pk:
            self.fields["unit_name"].show_hidden_initial = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("lecturer_name") or "").strip() and not data.get("lecturer_member"):
            self.add_error("lecturer_name", "请填写讲课人，或选择本组织范围内的党员")
        return data

    def unit_edit(self) -> str | None:
        return self.cleaned_data["unit_name"] if "unit_name" in self.changed_fields() else None
