"""Django admin of member import jobs: a scoped, read-only record of every upload."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ViewOnlyScopedAdmin

from ..models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ViewOnlyScopedAdmin):
    """Jobs are written by the import service and its task only; the admin looks, never edits."""

    list_display = (
        "file_name",
        "created_by",
        "organization",
        "status",
        "created_count",
        "updated_count",
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
        "task_id",
        "total",
        "processed",
        "new_count",
        "changed_count",
        "unchanged_count",
        "created_count",
        "updated_count",
        "error_count",
        "errors",
        "preview",
        "confirmed",
        "message",
        "created_at",
        "updated_at",
        "finished_at",
    )
