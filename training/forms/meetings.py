"""Forms for 三会一课 records, a branch's fixed activity day, and publication subscriptions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from core.forms import DateField, style_widgets
from core.uploads import photo_max_bytes
from organizations.choices import OrgKind

from ..models import ActivityDay, OrgMeeting, Publication, Subscription
from ..services.meetings import ACTIVITY_DAY_FIELDS, MEETING_FIELDS
from ..services.publications import SUBSCRIPTION_FIELDS
from .common import RecordForm


class MeetingForm(RecordForm):
    """A meeting as the minute book records it, with an optional photo (JPG or PNG, size-capped)."""

    org_kinds = (
        OrgKind.BRANCH,
        OrgKind.GENERAL_BRANCH,
        OrgKind.GROUP,
        OrgKind.COMMITTEE,
        OrgKind.WORKING_COMMITTEE,
    )
    EDITABLE = MEETING_FIELDS

    photo_upload = forms.FileField(
        label="照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(label="删除已上传的照片", required=False)

    class Meta:
        model = OrgMeeting
        fields = (
            "organization",
            "kind",
            "held_on",
            "topic",
            "venue",
            "host",
            "expected",
            "present",
            "absent_note",
            "minutes",
        )
        field_classes = {"held_on": DateField}
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = photo_max_bytes() // 1024 // 1024
        self.fields["photo_upload"].help_text = f"可选，JPG 或 PNG 格式，不超过 {limit} MB"
        self.fields["photo_upload"].show_hidden_initial = False
        self.fields["remove_photo"].show_hidden_initial = False
        if not (self.instance.pk and self.instance.photo):
            del self.fields["remove_photo"]
        self.fields["organization"].help_text = "党小组会登记在党小组名下，其他会议登记在党支部名下"
        self.fields["expected"].help_text = "支部党员大会、主题党日为本支部党员数；支委会为支委人数"
        for name in ("expected", "present"):
            self.fields[name].widget.attrs.update({"min": "0", "inputmode": "numeric"})
        self.fields["absent_note"].widget = forms.TextInput(attrs={"class": "form-control"})
        self.fields["absent_note"].help_text = "如：黄志明（外出务工）、李明（病假）"
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())


class ActivityDayForm(RecordForm):
    """A branch's fixed 党员活动日."""

    org_kinds = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
    EDITABLE = ACTIVITY_DAY_FIELDS

    class Meta:
        model = ActivityDay
        fields = ("organization", *ACTIVITY_DAY_FIELDS)
        field_classes = {"start_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_on"] = DateField(label="停止日期", required=False, allow_future=True)
        self.fields["end_on"].help_text = "不再固定活动日时填写"
        if self.instance.pk:
            self.fields["end_on"].show_hidden_initial = True
        self.fields["day_of_month"].widget.attrs.update({"min": "1", "max": "31", "inputmode": "numeric"})
        style_widgets(self)


class SubscriptionForm(RecordForm):
    """An organization's subscription to a publication for a year."""

    org_label = "征订党组织"
    EDITABLE = SUBSCRIPTION_FIELDS

    class Meta:
        model = Subscription
        fields = ("organization", "publication", "year", "copies", "amount", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publication"].queryset = Publication.objects.filter(active=True).order_by("name")
        self.fields["publication"].empty_label = "请选择"
        if self.instance.pk:
            self.fields["publication"].disabled = True
            self.fields["year"].disabled = True
        elif not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        self.fields["amount"].widget.attrs.update({"step": "0.01", "min": "0", "inputmode": "decimal"})
