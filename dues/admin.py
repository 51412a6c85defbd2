"""Django admin of dues: the standards and shares (administrators change them), the scoped records read-only.

Payments, remittances, assessments and the ledger change through the pages'
services (one receipt sequence, the ledger's reversals, the audit rows), so
their admins only look, scoped like every changelist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ViewOnlyScopedAdmin
from core.scopes import sees_everything

from .models import (
    DuesAssessment,
    DuesPayment,
    DuesRule,
    DuesSchedule,
    Remittance,
    RemittanceRule,
    RetainedFundEntry,
)


class AdministratorsChange(admin.ModelAdmin):
    """County-wide reference data: everyone with admin access reads it, only administrators change it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_everything(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_everything(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a standard no longer in force is superseded by a later one, never deleted


@admin.register(DuesRule)
class DuesRuleAdmin(AdministratorsChange):
    list_display = ("category", "effective_from", "bracket_label", "charge_label", "document_no")
    list_filter = ("category", "effective_from")
    ordering = ("-effective_from", "category", "income_above")


@admin.register(RemittanceRule)
class RemittanceRuleAdmin(AdministratorsChange):
    list_display = (
        "effective_from",
        "branch_retains",
        "general_branch_retains",
        "committee_retains",
        "county_retains",
        "retired_branch_return",
    )


@admin.register(DuesAssessment)
class DuesAssessmentAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "effective_from", "category", "income", "amount")
    list_filter = ("category",)
    search_fields = ("member__name",)
    list_select_related = ("member",)


@admin.register(DuesSchedule)
class DuesScheduleAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "quarterly", "agreed_on")
    list_select_related = ("organization",)


@admin.register(DuesPayment)
class DuesPaymentAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "month", "kind", "amount", "organization", "paid_on", "receipt_no", "voided_on")
    list_filter = ("kind",)
    search_fields = ("member__name", "receipt_no")
    list_select_related = ("member", "organization")
    date_hierarchy = "month"


@admin.register(Remittance)
class RemittanceAdmin(ViewOnlyScopedAdmin):
    list_display = ("from_org", "year", "quarter", "amount", "special_amount", "remitted_on", "voided_on")
    list_filter = ("year", "quarter")
    search_fields = ("from_org__name", "reference")
    list_select_related = ("from_org", "to_org")


@admin.register(RetainedFundEntry)
class RetainedFundEntryAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "entry_on", "purpose", "amount", "description")
    list_filter = ("purpose",)
    search_fields = ("organization__name", "description", "document_no")
    list_select_related = ("organization",)
    date_hierarchy = "entry_on"
