"""Django admin of the development pipeline, scoped like every page.

Steps are read-only here: they carry the pipeline's rules (order, dates,
votes, approvals) and its side effects (admission creates the member), so
they are recorded only through the pages' services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest

from organizations.models import Organization

from ..models import Applicant, DevelopmentPlan, DevelopmentStep, Member, Publicity


class ScopedAdmin(admin.ModelAdmin):
    """Changelist and foreign-key choices limited to the user's scope."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.visible_to(request.user).select_related(*self.list_select_related)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Organization:
            kwargs["queryset"] = Organization.objects.visible_to(request.user)
        elif db_field.related_model is Member:
            kwargs["queryset"] = Member.objects.visible_to(request.user)
        elif db_field.related_model is Applicant:
            kwargs["queryset"] = Applicant.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StepInline(admin.TabularInline):
    model = DevelopmentStep
    extra = 0
    can_delete = False
    fields = ("number", "day", "outcome", "approving_org", "document_no", "note")
    readonly_fields = fields
    ordering = ("day", "number")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Applicant)
class ApplicantAdmin(ScopedAdmin):
    list_display = ("name", "gender", "organization", "withdrawn_on", "member")
    list_select_related = ("organization", "member")
    list_filter = ("gender", "education", "withdraw_kind")
    search_fields = ("name", "id_number", "organization__name")
    readonly_fields = ("member", "withdrawn_on", "withdraw_kind", "withdraw_reason", "organization")
    inlines = [StepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # step 1 is written with the applicant: use the 登记入党申请人 page


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(ScopedAdmin):
    list_display = ("applicant", "number", "day", "outcome", "approving_org")
    list_select_related = ("applicant", "applicant__organization", "approving_org")
    list_filter = ("number",)
    search_fields = ("applicant__name", "document_no")
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Publicity)
class PublicityAdmin(ScopedAdmin):
    list_display = ("applicant", "step", "starts_on", "ends_on", "place", "result")
    list_select_related = ("applicant", "applicant__organization")
    list_filter = ("step", "result")
    search_fields = ("applicant__name", "place")


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ScopedAdmin):
    list_display = ("committee", "year", "quota", "note")
    list_select_related = ("committee",)
    list_filter = ("year",)
    search_fields = ("committee__name", "committee__code")
