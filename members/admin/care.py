"""Django admin of care visits: scoped and read-only (visits and amounts change through the pages' services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ViewOnlyScopedAdmin

from ..models import CareVisit, CareVisitMember


class CareVisitMemberInline(admin.TabularInline):
    model = CareVisitMember
    extra = 0
    can_delete = False
    fields = ("member", "organization", "amount", "note")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CareVisitMember]:
        return super().get_queryset(request).select_related("member", "organization")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CareVisit)
class CareVisitAdmin(ViewOnlyScopedAdmin):
    list_display = ("visited_on", "occasion", "organization", "visitors", "funding")
    list_filter = ("occasion", "funding")
    search_fields = ("organization__name", "visitors", "note")
    list_select_related = ("organization",)
    date_hierarchy = "visited_on"
    inlines = [CareVisitMemberInline]


@admin.register(CareVisitMember)
class CareVisitMemberAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "visit", "amount")
    search_fields = ("member__name", "organization__name")
    list_select_related = ("member", "organization", "visit", "visit__organization")
