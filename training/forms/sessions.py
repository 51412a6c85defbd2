"""Forms for training sessions and their attendance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from core.forms import DateField

from ..models import AVFilm, TrainingSession
from ..services.sessions import SESSION_FIELDS
from .common import RecordForm

TOPIC_HELP = "多个篇目用顿号“、”或逗号分隔，如：《党章》、养猪、甘蔗栽培；新篇目会自动加入目录"


class SessionForm(RecordForm):
    """A training session: organizer, name, kind, form, topics, dates, venue, hours, non-member attendees."""

    org_label = "举办单位"
    EDITABLE = SESSION_FIELDS

    topic_text = forms.CharField(
        label="篇目/课程",
        max_length=1000,
        required=False,
        help_text=TOPIC_HELP,
        widget=forms.TextInput(attrs={"list": "topic-options", "autocomplete": "off"}),
    )

    class Meta:
        model = TrainingSession
        fields = (
            "organization",
            "title",
            "kind",
            "form",
            "topic_text",
            "start_on",
            "end_on",
            "hours",
            "venue",
            "non_member_count",
            "film",
            "note",
        )
        field_classes = {"start_on": DateField, "end_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_on"].required = False
        self.fields["end_on"].help_text = "一天的培训可不填"
        self.fields["film"].queryset = AVFilm.objects.order_by("kind", "title")
        self.fields["film"].required = False
        self.fields["film"].help_text = "培训形式为“电化教育”时选择"
        self.fields["film"].empty_label = "（不选）"
        self.fields["non_member_count"].help_text = "参加培训的非党员群众人数（党员按名单逐一登记）"
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0.5", "inputmode": "decimal"})
        self.fields["non_member_count"].widget.attrs.update({"min": "0", "inputmode": "numeric"})
        if self.instance.pk and not self.is_bound:
            self.initial["topic_text"] = self.instance.topic_text
        elif not self.is_bound:
            self.initial.setdefault("start_on", timezone.localdate())
        if self.instance.pk:
            self.fields["topic_text"].show_hidden_initial = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_on") and not data.get("end_on"):
            data["end_on"] = data["start_on"]
        return data

    def topic_edit(self) -> str | None:
        """The topics as typed, when this user changed them (None: leave them)."""
        return self.cleaned_data["topic_text"] if "topic_text" in self.changed_fields() else None


class RollForm(forms.Form):
    """One unit's attendance: the ticked members (``present``) and the list the page showed (``loaded``)."""

    loaded = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)

    def __init__(self, *args: Any, allowed: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = self.data.getlist("present") if hasattr(self.data, "getlist") else []
        try:
            present = {int(v) for v in raw}
        except ValueError:
            raise forms.ValidationError("名单有误，请刷新页面后重新勾选") from None
        if not present <= self.allowed:
            raise forms.ValidationError("所选党员不在该组织的名单中，请刷新页面后重新勾选")
        data["present"] = present
        return data
