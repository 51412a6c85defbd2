"""Django admin of members: scoped changelists, writes through the member services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.admin import ScopedAdmin
from core.scopes import can_write
from organizations.choices import MEMBER_HOLDING_KINDS
from organizations.models import Organization

from ..forms.member import MemberRulesMixin
from ..models import Member, MemberPeriod
from ..services.member import PROFILE_FIELDS, member_register, member_update

#: Set only by the dated services (moves, 转正, leaving), never typed in.
SERVICE_FIELDS = ("organization", "status", "left_on", "leave_reason", "leave_note")


class MemberAdminForm(MemberRulesMixin, forms.ModelForm):
    """The admin's member form, checked by the same rules as the site's."""

    class Meta:
        model = Member
        fields = ("organization", "status", *PROFILE_FIELDS)  # the admin narrows it per request

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relax_derived_fields()


class MemberPeriodInline(admin.TabularInline):
    """A member's history, read-only: it is written by the services."""

    model = MemberPeriod
    extra = 0
    can_delete = False
    fields = ("organization", "status", "start_on", "end_on", "start_reason", "end_reason", "document_no")
    readonly_fields = fields
    ordering = ("start_on", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MemberPeriod]:
        return super().get_queryset(request).select_related("organization")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    """Members in the user's scope; writes go through the member services, deletes never (members leave on a date)."""

    form = MemberAdminForm
    list_display = (
        "name",
        "masked_id",
        "gender",
        "ethnicity",
        "organization",
        "status",
        "joined_on",
        "left_on",
    )
    list_filter = (
        "status",
        "gender",
        "education",
        "occupation",
        "is_frontline",
        "is_retired",
        "is_rural",
        "is_hardship",
        "is_mobile",
        "leave_reason",
    )
    # ID numbers are searched by ScopedAdmin.get_search_results (whole, or the ending for writers).
    search_fields = ("name", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "joined_on"
    inlines = [MemberPeriodInline]
    ordering = ("organization__path", "name", "id")

    @admin.display(description="公民身份号码")
    def masked_id(self, obj: Member) -> str:
        return obj.masked_id_number

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "organization":
            kwargs["queryset"] = (
                Organization.objects.editable_by(request.user)
                .active()
                .filter(kind__in=MEMBER_HOLDING_KINDS)
                .order_by("path")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Member | None = None) -> list[str]:
        fields = ["organization", "status", *PROFILE_FIELDS]
        if obj is not None:
            fields += ["left_on", "leave_reason", "leave_note"]
        if not can_write(request.user):
            # Read-only staff see the ID number masked, as in every list.
            fields = ["masked_id" if f == "id_number" else f for f in fields]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Member | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        if not obj.is_current or not can_write(request.user):
            return tuple(self.get_fields(request, obj))
        return SERVICE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Member | None = None) -> bool:
        return False  # members leave the Party on a date; their record stays

    def save_model(self, request: HttpRequest, obj: Member, form: forms.ModelForm, change: bool) -> None:
        if change:
            # ``obj`` already carries the new values; the service compares
            # them with the stored record, so hand it a fresh copy.
            stored = Member.objects.select_related("organization").get(pk=obj.pk)
            changes = {f: getattr(obj, f) for f in PROFILE_FIELDS if f in form.changed_data}
            updated = member_update(
                actor=request.user, member=stored, expected_version=form.loaded_version, **changes
            )
        else:
            fields = {f: form.cleaned_data[f] for f in PROFILE_FIELDS}
            updated = member_register(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                status=form.cleaned_data["status"],
                **fields,
            )
        obj.pk = updated.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A refusal only the service can see (e.g. re-dating a history with
        # moves) rolls back the whole change and comes back as a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
