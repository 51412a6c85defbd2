from django.contrib import admin

from core.admin import ViewOnlyScopedAdmin

from .models import Submission, SummaryNarrative


@admin.register(Submission)
class SubmissionAdmin(ViewOnlyScopedAdmin):
    """报送 change through the 数据报送 page (submit, return); the admin only looks."""

    list_display = ("organization", "period", "status", "submitted_by", "submitted_at", "returned_at")
    list_filter = ("period", "status")
    search_fields = ("organization__name", "organization__code")
    list_select_related = ("organization", "submitted_by")


@admin.register(SummaryNarrative)
class SummaryNarrativeAdmin(ViewOnlyScopedAdmin):
    """The written parts of the summaries change on the summary's own page; the admin only looks."""

    list_display = ("organization", "period", "status", "updated_by", "updated_at")
    list_filter = ("period", "status")
    search_fields = ("organization__name", "organization__code")
    list_select_related = ("organization", "updated_by")
