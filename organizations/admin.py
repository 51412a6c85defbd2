"""Django admin of the organizations app, scoped like every page.

Each changelist reads ``Model.objects.visible_to(request.user)``; foreign-key
choices are limited to the user's scope; read-only roles change nothing.
Organizations and leadership posts are written through the services, so
the admin never bypasses the tree's history: kind, parent, path, name and
closing dates are read-only here and change only through the pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from core.admin import ScopedAdmin, ViewOnlyScopedAdmin
from core.scopes import can_write, sees_everything

from .choices import Role
from .models import (
    DocumentSequence,
    LeadershipPost,
    Organization,
    OrgEvent,
    OrgImportJob,
    Regulation,
    RuleSetting,
    User,
)
from .roles import SELF_LOCKED_FIELDS, SUPERUSER_FIELDS, assignable_roles, check_user_change, may_manage_user
from .rules import DEFAULTS
from .services import (
    POST_CORRECTABLE_FIELDS,
    can_set_approval_authority,
    document_prefix_set,
    may_set_document_prefix,
    org_update,
    post_appoint,
    post_update,
)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ("name", "code", "kind", "category", "parent", "established_on", "dissolved_on")
    list_filter = (
        "kind",
        "category",
        "form",
        "can_approve_members",
        ("dissolved_on", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    ordering = ("path",)
    #: History-bearing fields: they change only through the pages (services record the event).
    history_fields = ("code", "name", "kind", "parent", "path", "established_on", "dissolved_on", "successor")
    readonly_fields = (*history_fields, "created_at", "updated_at")
    fields = (
        *history_fields,
        "category",
        "form",
        "covered_units",
        "can_approve_members",
        "term_years",
        "term_started_on",
        "sort_order",
        "created_at",
        "updated_at",
    )

    def get_fields(self, request: HttpRequest, obj: Organization | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_fields(request, obj))
        if obj is None or not can_set_approval_authority(request.user, obj):
            # Approval authority is set by the county department from above only.
            fields = tuple(f for f in fields if f != "can_approve_members")
        return fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # established through the pages (org_create records the ESTABLISH event)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # organizations are never deleted: they are dissolved or merged

    def save_model(
        self, request: HttpRequest, obj: Organization, form: forms.ModelForm, change: bool
    ) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_fields()}
        if changes:
            stored = Organization.objects.get(pk=obj.pk)
            org_update(actor=request.user, org=stored, expected_version=form.loaded_version, **changes)


@admin.register(OrgEvent)
class OrgEventAdmin(ScopedAdmin):
    list_display = ("organization", "kind", "date", "document_no", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("organization__name", "organization__code", "document_no", "reason")
    list_select_related = ("organization", "actor")
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # the history is written by the services only

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class LeadershipPostForm(forms.ModelForm):
    """Checks the service would refuse, so the admin shows them on the form instead of failing."""

    class Meta:
        model = LeadershipPost
        fields = ("organization", "title", *POST_CORRECTABLE_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        org = data.get("organization") or (self.instance.organization if self.instance.pk else None)
        start = data.get("start_on")
        if org and start and not org.existed_on(start):
            self.add_error("start_on", "任职日期时该党组织不存在或已撤销")
        if not (data.get("holder_name") or "").strip():
            self.add_error("holder_name", "请填写任职人姓名")
        return data


@admin.register(LeadershipPost)
class LeadershipPostAdmin(ScopedAdmin):
    form = LeadershipPostForm
    list_display = ("organization", "title", "holder_name", "start_on", "end_on", "document_no")
    list_filter = ("title", ("end_on", admin.EmptyFieldListFilter))
    search_fields = ("holder_name", "organization__name", "organization__code", "document_no")
    list_select_related = ("organization",)
    fields = ("organization", "title", *POST_CORRECTABLE_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("organization", "title") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a post ends (离任); it is not deleted

    def save_model(
        self, request: HttpRequest, obj: LeadershipPost, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_fields()}
            stored = LeadershipPost.objects.get(pk=obj.pk)
            saved = post_update(
                actor=request.user, post=stored, expected_version=form.loaded_version, **changes
            )
        else:
            data = form.cleaned_data
            saved = post_appoint(
                actor=request.user,
                org=data["organization"],
                title=data["title"],
                holder_name=data["holder_name"],
                start_on=data["start_on"],
                holder_id_number=data.get("holder_id_number", ""),
                document_no=data.get("document_no", ""),
                note=data.get("note", ""),
            )
            if data.get("end_on"):
                saved = post_update(actor=request.user, post=saved, end_on=data["end_on"])
        obj.pk = saved.pk


class RuleSettingForm(forms.ModelForm):
    """Only known rule keys, with a value of the right type."""

    key = forms.ChoiceField(label="参数", choices=[(k, f"{d.note}（{k}）") for k, d in DEFAULTS.items()])

    class Meta:
        model = RuleSetting
        fields = ("key", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key, value = data.get("key"), data.get("value")
        if key in DEFAULTS and value is not None:
            try:
                DEFAULTS[key].kind(value)
            except (TypeError, ValueError) as exc:
                # An integer rule says so; a rule with its own format (grade bands, a share) says which.
                self.add_error(
                    "value", "取值格式不正确（应为整数）" if DEFAULTS[key].kind is int else str(exc)
                )
            if not data.get("note"):
                data["note"] = DEFAULTS[key].note
        return data


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """County-wide rule values: everyone with admin access reads them, only administrators change them."""

    form = RuleSettingForm
    list_display = ("key", "note", "value", "default_value")
    search_fields = ("key", "note")
    list_filter = ()

    @admin.display(description="默认值")
    def default_value(self, obj: RuleSetting) -> str:
        default = DEFAULTS.get(obj.key)
        return default.value if default else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_everything(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return sees_everything(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return sees_everything(request.user)


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ScopedAdmin):
    """Prefixes of the numbers on 介绍信 and 证明信, per issuing organization and year.

    County staff set a prefix (also ahead of a new year); the running number
    only moves forward, through the services that issue the documents.
    """

    list_display = ("organization", "year", "kind", "prefix", "last_number", "next_number")
    list_filter = ("kind", "year")
    search_fields = ("organization__name", "prefix")
    list_select_related = ("organization",)
    fields = ("organization", "kind", "year", "prefix", "last_number")

    @admin.display(description="下一个编号")
    def next_number(self, obj: DocumentSequence) -> str:
        return obj.number(obj.last_number + 1)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("organization", "kind", "year", "last_number") if obj else ("last_number",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return may_set_document_prefix(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return may_set_document_prefix(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a number once given is never given again

    def save_model(
        self, request: HttpRequest, obj: DocumentSequence, form: forms.ModelForm, change: bool
    ) -> None:
        saved = document_prefix_set(
            actor=request.user,
            organization=obj.organization,
            kind=obj.kind,
            year=obj.year,
            prefix=form.cleaned_data["prefix"],
        )
        obj.pk = saved.pk

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        instance = obj

        class PrefixForm(form):  # type: ignore[misc, valid-type]
            """The prefix is unique per kind and year; a changed sequence's kind and year are read-only."""

            def clean(self) -> dict[str, Any]:
                data = super().clean()
                kind = data.get("kind") or getattr(instance, "kind", None)
                year = data.get("year") or getattr(instance, "year", None)
                prefix = (data.get("prefix") or "").strip()
                clash = DocumentSequence.objects.filter(kind=kind, year=year, prefix=prefix)
                # on a new row Django checks the constraint itself; on a change kind and year are read-only
                if instance is not None and prefix and clash.exclude(pk=instance.pk).exists():
                    self.add_error("prefix", "该编号前缀本年度已被其他党组织使用")
                return data

        return PrefixForm


@admin.register(OrgImportJob)
class OrgImportJobAdmin(ViewOnlyScopedAdmin):
    """Organization-sheet uploads, written by the import service and its task only: the admin looks."""

    list_display = (
        "file_name",
        "created_by",
        "organization",
        "status",
        "created_count",
        "error_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("file_name", "created_by__username", "created_by__full_name")
    list_select_related = ("created_by", "organization")
    date_hierarchy = "created_at"
    exclude = ("errors",)
    readonly_fields = (
        "file_name",
        "created_by",
        "organization",
        "status",
        "task_id",
        "total",
        "processed",
        "created_count",
        "error_count",
        "message",
        "created_at",
        "updated_at",
        "finished_at",
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users bound to an organization in the admin user's subtree (a superuser sees all).

    Roles are privileges (``organizations.roles``): one's own role, organization
    and flags are read-only; others' accounts change only when their role is
    below one's own, and only to roles below it and organizations in scope.
    """

    list_display = ("username", "full_name", "role", "organization", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "organization__name", "organization__code")
    list_select_related = ("organization",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "email")}),
        ("权限范围", {"fields": ("role", "organization", "is_active", "is_staff")}),
        ("系统管理员权限", {"fields": ("is_superuser", "groups", "user_permissions")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("权限范围", {"fields": ("full_name", "role", "organization")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("organization")
        if sees_everything(request.user):
            return queryset
        # Superuser accounts are out of reach of scoped staff, wherever they are bound.
        return queryset.filter(
            organization__in=Organization.objects.visible_to(request.user), is_superuser=False
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        readonly: tuple[str, ...] = ("last_login", "date_joined")
        if not sees_everything(request.user):
            # No one grants more than they hold.
            readonly += SUPERUSER_FIELDS
        if obj is not None and obj.pk == request.user.pk:
            # Nobody raises or moves their own account, a superuser included.
            readonly += tuple(f for f in SELF_LOCKED_FIELDS if f not in readonly)
        return readonly

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.visible_to(request.user).active()
            kwargs["required"] = not sees_everything(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not sees_everything(request.user):
            allowed = assignable_roles(request.user)
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        # The form already offers only what the user may give; this refuses anything that got past it.
        names = form.changed_data if change else [*form.changed_data, "role", "organization"]
        changes = {name: form.cleaned_data.get(name, getattr(obj, name, None)) for name in names}
        check_user_change(
            actor=request.user, target=User.objects.get(pk=obj.pk) if change else None, changes=changes
        )
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_write(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Also guards the password-change view, which asks with the target user.
        if self._is_superuser_out_of_reach(request, obj):
            return False
        # One's own account: name, e-mail and password; its privileges stay read-only (get_readonly_fields).
        if obj is not None and obj.pk != request.user.pk and not may_manage_user(request.user, obj):
            return False  # a peer's or a senior's account: looked at, not changed
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self._is_superuser_out_of_reach(request, obj):
            return False
        if obj is not None and not may_manage_user(request.user, obj):
            return False  # nor one's own account
        return can_write(request.user) and super().has_delete_permission(request, obj)

    @staticmethod
    def _is_superuser_out_of_reach(request: HttpRequest, obj: Model | None) -> bool:
        """Only a superuser may change or delete a superuser account."""
        return bool(getattr(obj, "is_superuser", False)) and not sees_everything(request.user)


@admin.register(Regulation)
class RegulationAdmin(ViewOnlyScopedAdmin):
    """制度建设, scoped and read-only: regulations are registered and revised on the pages (organizations.regulations)."""

    list_display = (
        "title",
        "category",
        "organization",
        "adopted_on",
        "revised_on",
        "posted_on_wall",
        "repealed_on",
    )
    list_filter = ("category", "posted_on_wall")
    search_fields = ("title", "organization__name", "document_no")
    list_select_related = ("organization",)
    date_hierarchy = "adopted_on"
