"""The form toolkit every app uses: styled widgets, dates, document numbers, organization choices."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from core.idcard import ID_INPUT_MAX_LENGTH, canonical_id_number, parse_id_number
from core.messages import name_fields_in_messages
from core.validators import attach_to_form

#: Brackets people type around the year of a document number; the standard one is 〔〕.
_YEAR_IN_BRACKETS = re.compile(r"[\[［(（【〔﹝]\s*(\d{4})\s*[\]］)）】〕﹞]")
_DOCUMENT_NO = re.compile(r"^\S+〔\d{4}〕\d+号$")


class BoundField(forms.BoundField):
    """Django's, but a hidden input (the loaded value of ``show_hidden_initial``) carries no aria-describedby.

    Django adds the help text's id to every widget of a field with help text,
    the hidden copy too; HTML forbids aria-* on ``<input type="hidden">`` (the
    Nu checker's error) and nothing reads it there.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if (widget or self.field.widget).is_hidden:
            attrs.pop("aria-describedby", None)
        return attrs


def style_widgets(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (checkboxes are drawn by includes/form_fields.html).

    Also gives every field Chinese messages that name it (core.messages) and the plausibility checks of
    its text and dates (core.validators), and hidden inputs without aria-describedby (:class:`BoundField`),
    since every form passes here.
    """
    if form.bound_field_class is None:
        form.bound_field_class = BoundField
    name_fields_in_messages(form)
    attach_to_form(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def normalise_document_no(value: str) -> str:
    """富办发[2002]24号 / 富办发(2002)24号 → 富办发〔2002〕24号 (GB/T 9704 uses 六角括号)."""
    value = re.sub(r"\s+", "", value or "")
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", value)


class DocumentNoField(forms.CharField):
    """A document number (文号) such as 富办发〔2002〕24号; other brackets are accepted and normalised."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "文号")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "如：富办发〔2002〕24号")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = normalise_document_no(super().clean(value))
        if text and not _DOCUMENT_NO.match(text):
            raise forms.ValidationError("文号格式应为“发文机关代字〔年份〕序号号”，如：富办发〔2002〕24号")
        return text


class IdNumberField(forms.CharField):
    """A resident ID number (公民身份号码) as typed, checked and stored in one form (core.idcard).

    Full-width characters, spaces and dashes are normalised (so a number typed
    differently does not count as changed); what is wrong is said naming the
    field; a 15-digit number comes back as 18 digits with ``notice`` set, which
    :func:`core.views.form_page` shows after the save.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "公民身份号码")
        kwargs["max_length"] = max(kwargs.get("max_length") or 0, ID_INPUT_MAX_LENGTH)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.notice = ""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return canonical_id_number(text) if text else text

    def clean(self, value: Any) -> str:
        self.notice = ""
        number = super().clean(value)
        if not number:
            return number
        info = parse_id_number(value, label=str(self.label or "公民身份号码"))
        self.notice = info.notice
        return info.number


class DateField(forms.DateField):
    """A date picked in the browser (YYYY-MM-DD), not later than today unless allowed."""

    def __init__(self, *, allow_future: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"])
        kwargs.setdefault("error_messages", {"invalid": "请输入有效日期，如 2026-07-01"})
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.date | None:
        day = super().clean(value)
        if day and not self.allow_future and day > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return day


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, set once here rather than in each template."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organizations indented by depth below the user's scope root."""

    def __init__(self, queryset: Any, *, root_depth: int = 1, **kwargs: Any) -> None:
        self.root_depth = root_depth
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * max(obj.depth - self.root_depth, 0)
        closed = "" if obj.is_active else "（已撤销）"
        return f"{indent}{obj.name}{closed}"


def scope_depth(user: Any) -> int:
    root = getattr(user, "organization", None)
    return root.depth if root is not None and not user.is_superuser else 1
