"""Django admin of member import jobs: a scoped, read-only record of every upload."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from core.admin import ViewOnlyScopedAdmin
from organizations.models import Organization

from ..models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ViewOnlyScopedAdmin):
    """Jobs are written by the import service only; the admin looks, never edits."""

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
    search_fields = ("file_name", "created_by__username", "created_by__full_name", "organization__name")
    list_select_related = ("created_by", "organization")
    date_hierarchy = "created_at"
    readonly_fields = (
        "file_name",
        "created_by",
        "organization",
        "status",
        "total",
        "processed",
        "created_count",
        "error_count",
        "errors",
        "message",
        "created_at",
        "updated_at",
        "finished_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return ImportJob.objects.visible_to(request.user).select_related("created_by", "organization")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
