"""The holiday calendar in Django admin: a reference table, not scoped, kept by administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import Holiday


class YearFilter(admin.SimpleListFilter):
    """The years the table holds, newest first."""

    title = "年份"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).dates("day", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Superusers, or staff given the model's permissions, correct or add a year's schedule here."""

    list_display = ("day", "weekday", "kind", "name")
    list_filter = (YearFilter, "kind")
    search_fields = ("name",)
    ordering = ("-day",)
    list_per_page = 100

    @admin.display(description="星期")
    def weekday(self, obj: Holiday) -> str:
        return "一二三四五六日"[obj.day.weekday()]

    def _auditor(self, request: HttpRequest) -> bool:
        # Read-only roles never write, whatever permissions they were given.
        return bool(getattr(request.user, "is_auditor", False)) and not request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self._auditor(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self._auditor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self._auditor(request) and super().has_delete_permission(request, obj)
