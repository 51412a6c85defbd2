"""The base of every list filter: a django-filter FilterSet that knows the user.

Each app declares ``class XFilterSet(ScopedFilterSet)`` in its ``filters.py``.
Choice fields over scoped models (organizations, members …) list only what the
user may see; widgets get the project's Bootstrap classes; a filter value that
does not validate is an error on the form, and the list shows no rows rather
than silently dropping that filter (see :func:`core.lists.list_page`).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from .forms import DateInput, OrganizationChoiceField, scope_depth, style_widgets

#: Query-string keys the list machinery owns; a FilterSet must not declare them.
RESERVED_PARAMS = frozenset({"page", "per_page", "sort", "format"})


class FilterForm(forms.Form):
    """The form behind every FilterSet: a period given as ``start``/``end`` must be in order."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "截止日期不能早于起始日期")
        return data


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet bound to ``user``: scoped choices, styled widgets, strict validation."""

    def __init__(
        self, data: Any = None, *, user: Any, queryset: QuerySet | None = None, **kwargs: Any
    ) -> None:
        clash = RESERVED_PARAMS & set(self.base_filters)
        if clash:  # a programming error, caught by the first test that builds the list
            raise TypeError(f"{type(self).__name__} declares reserved filter names: {sorted(clash)}")
        self.user = user
        # Always bound: an empty query string is a valid "no filter", so one code path serves both.
        super().__init__(QueryDict() if data is None else data, queryset=queryset, **kwargs)
        for flt in self.filters.values():
            # django-filter's model-choice filters keep their queryset on the filter itself.
            queryset = getattr(flt, "queryset", None)
            if isinstance(queryset, QuerySet) and hasattr(queryset, "visible_to"):
                flt.queryset = queryset.visible_to(user)

    def get_form_class(self) -> type[forms.Form]:
        # A subclass's own ``class Meta`` does not inherit ours: default its form to FilterForm here.
        base = self._meta.form if self._meta.form is not forms.Form else FilterForm
        fields = {name: flt.field for name, flt in self.filters.items()}
        return type(f"{type(self).__name__}Form", (base,), fields)

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for name, field in form.fields.items():
                if isinstance(field, OrganizationChoiceField):
                    field.root_depth = scope_depth(self.user)
                if isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput):
                    form.fields[name].widget = DateInput(attrs=field.widget.attrs)
            style_widgets(form)
        return self._form

    @property
    def valid(self) -> bool:
        """True when every given filter value is acceptable (an empty filter is valid)."""
        return self.is_valid()

    @property
    def active(self) -> bool:
        """True when at least one filter has a value (the filter card stays open on phones)."""
        return any(self.data.get(name) for name in self.filters)

    @property
    def values(self) -> dict[str, Any]:
        """The validated filter values ({} while invalid)."""
        return self.form.cleaned_data if self.valid else {}


class OrganizationFilter(django_filters.ModelChoiceFilter):
    """Rows owned by the chosen organization or anything below it (choices: the user's scope)."""

    field_class = OrganizationChoiceField

    def __init__(self, *args: Any, subtree_path: str = "organization__path", **kwargs: Any) -> None:
        # The app passes ``queryset=Organization.objects.order_by("path")``: core names no app's model.
        kwargs.setdefault("label", "党组织")
        kwargs.setdefault("empty_label", "全部")
        self.subtree_path = subtree_path
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.subtree_path}__subtree": value.path})


class DateFromFilter(django_filters.DateFilter):
    """On or after the given day."""

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("widget", DateInput())
        super().__init__(field_name=field_name, **kwargs)


class DateToFilter(django_filters.DateFilter):
    """On or before the given day."""

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "lte")
        kwargs.setdefault("widget", DateInput())
        super().__init__(field_name=field_name, **kwargs)


class FlagFilter(django_filters.BooleanFilter):
    """A checkbox: ticked keeps the rows where ``field_name`` is true; unticked filters nothing."""

    field_class = forms.BooleanField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs.filter(**{self.field_name: True}) if value else qs


def handled_by_selector(queryset: QuerySet, name: str, value: Any) -> QuerySet:
    """``method=`` of a filter whose value the selector reads itself (it decides the base rows)."""
    return queryset
