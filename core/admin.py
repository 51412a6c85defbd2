"""The scoped admin every app's admin builds on.

Each changelist reads ``Model.objects.visible_to(request.user)``; foreign-key
choices are limited to the user's scope; read-only roles change nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from . import (
    admin_axes,  # noqa: F401  (registers the log-in records, 登录安全)
    admin_holidays,  # noqa: F401  (registers the holiday calendar)
)
from .fieldcrypto import encrypted_fields, hash_fields, id_hash_q, id_tail_q
from .idcard import normalize_id_number, parse_id_number
from .scopes import can_write
from .versioning import VERSION, StaleRecord, Versioned, VersionedForm, lock_for_update

#: The shortest ID ending the admin searches by (as the member list: members.filters.ID_SUFFIX_MIN).
ID_ENDING_MIN = 4


class VersionedAdminForm(VersionedForm, forms.ModelForm):
    """An admin change form carrying the version (``core.versioning``): a stale save is refused on the form.

    The admin validates and saves in one transaction, so the row locked here
    stays locked until ``save_model`` has called the service.
    """

    # Declared so that the admin may list it in a fieldset (the model field is not editable);
    # init_version replaces it with the record's version.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.init_version(self.instance)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        model, pk = getattr(self, "versioned_record", (None, None))
        if model is not None and isinstance(data.get(VERSION), int):
            try:
                lock_for_update(model, pk, expected_version=data[VERSION])
            except StaleRecord as exc:
                self.add_error(None, exc)
                self.show_current(exc.current)  # saving again re-applies the user's changes
        return data


class ScopedAdmin(admin.ModelAdmin):
    """A changelist and forms limited to the user's organizations; auditors only look.

    The change form of a ``Versioned`` model carries its version (``VersionedAdminForm``).
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.model._default_manager.get_queryset().visible_to(request.user)
        if self.list_select_related and self.list_select_related is not True:
            queryset = queryset.select_related(*self.list_select_related)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        manager = db_field.related_model._default_manager
        # A subclass that narrowed the choices itself (e.g. committees only) keeps its queryset.
        if "queryset" not in kwargs and hasattr(manager.all(), "visible_to"):
            kwargs["queryset"] = manager.all().visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        manager = db_field.related_model._default_manager
        # A subclass that narrowed the choices itself (e.g. committees only) keeps its queryset.
        if "queryset" not in kwargs and hasattr(manager.all(), "visible_to"):
            kwargs["queryset"] = manager.all().visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _versioned_change(self, request: HttpRequest, obj: Model | None) -> bool:
        return (
            obj is not None and issubclass(self.model, Versioned) and self.has_change_permission(request, obj)
        )

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if self._versioned_change(request, obj):
            base = kwargs.get("form") or self.form
            kwargs["form"] = type(base.__name__, (VersionedAdminForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        exclude = super().get_exclude(request, obj)
        if self._versioned_change(request, obj):
            # The model's version is not editable: the form's declared hidden field stands in for it.
            return [*(exclude or ()), VERSION]
        return exclude

    def get_fieldsets(
        self, request: HttpRequest, obj: Model | None = None
    ) -> list[tuple[Any, dict[str, Any]]]:
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._versioned_change(request, obj) and VERSION not in flatten_fieldsets(fieldsets):
            # The hidden version rides in the first fieldset (a row of hidden fields is not shown).
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], VERSION]})
        return fieldsets

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Django's search over ``search_fields``, plus the model's ID numbers through their keyed hashes.

        ID numbers are encrypted at rest (core.fieldcrypto), so no admin lists
        them in ``search_fields``: a term that is a whole number (normalised, a
        15-digit one converted) finds it by hash; users who may write (and so
        read full numbers) also find a number by its last 4+ characters where
        the model keeps a tail hash.  Auditors, who read masks, only by the whole number.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = normalize_id_number(search_term)
        if not term or not term[:-1].isdigit() or not (term[-1].isdigit() or term[-1] == "X"):
            return results, may_have_duplicates
        q = Q()
        try:
            number = parse_id_number(term).number
        except ValidationError:
            number = ""
        tails = {f.source for f in hash_fields(self.model) if f.tail}
        for field in encrypted_fields(self.model):
            if number:
                q |= id_hash_q(field.name, number)
            elif field.name in tails and len(term) >= ID_ENDING_MIN and can_write(request.user):
                q |= id_tail_q(queryset, field.name, term)
        if q:
            results = results | queryset.filter(q)
        return results, may_have_duplicates

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ViewOnlyScopedAdmin(ScopedAdmin):
    """A scoped changelist that only looks; writes belong to the services behind the pages."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
