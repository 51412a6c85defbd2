"""Form rendering helpers for ``includes/form_fields.html``."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def hidden_initial(field: BoundField) -> SafeString | str:
    """The hidden copy of the value the page was loaded with (``show_hidden_initial``), for hand-drawn widgets."""
    if not field.field.show_hidden_initial:
        return ""
    return field.as_hidden(only_initial=True)


@register.filter
def described_by(field: BoundField) -> str:
    """The ids of a field's help text and errors, as ``includes/form_fields.html`` renders them, for a hand-drawn control."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)
