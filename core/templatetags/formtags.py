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
