"""Django admin of the development pipeline, scoped like every page.

Applicants, steps, 转正 records and 公示 are read-only here: they carry the pipeline's rules
(age, order, dates, votes, approvals) and its side effects (admission creates
the member), so they change only through the pages' services.  Plans are
edited here too, saved through ``plan_set``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.admin import ScopedAdmin, ViewOnlyScopedAdmin
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization

from ..models import Applicant, Confirmation, DevelopmentPlan, DevelopmentStep, Publicity
from ..services.development import plan_set


class StepInline(admin.TabularInline):
    model = DevelopmentStep
    extra = 0
    can_delete = False
    fields = ("number", "day", "decision", "approving_org", "document_no", "note")
    readonly_fields = fields
    ordering = ("day", "number")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Applicant)
class ApplicantAdmin(ViewOnlyScopedAdmin):
    list_display = ("name", "gender", "organization", "withdrawn_on", "member")
    list_select_related = ("organization", "member")
    list_filter = ("gender", "education", "withdraw_kind")
    # The ID is shown masked: ScopedAdmin.get_search_results matches the whole number only.
    search_fields = ("name", "organization__name")
    exclude = ("id_number",)  # shown masked
    readonly_fields = ("masked_id_number",)
    inlines = [StepInline]


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(ViewOnlyScopedAdmin):
    list_display = ("applicant", "number", "day", "decision", "approving_org")
    list_select_related = ("applicant", "applicant__organization", "approving_org")
    list_filter = ("number",)
    search_fields = ("applicant__name", "document_no")
    date_hierarchy = "day"


@admin.register(Confirmation)
class ConfirmationAdmin(ViewOnlyScopedAdmin):
    """转正记录: read-only here; the 转正 pages' services record the meeting and the approval."""

    list_display = ("member", "meeting_on", "outcome", "approved_on", "decision", "approving_org")
    list_select_related = ("member", "member__organization", "approving_org")
    list_filter = ("outcome", "decision")
    search_fields = ("member__name", "document_no", "approval_document_no")
    date_hierarchy = "meeting_on"


@admin.register(Publicity)
class PublicityAdmin(ViewOnlyScopedAdmin):
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
    fields = ("committee", "year", "quota", "note")

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "committee":
            kwargs["queryset"] = Organization.objects.visible_to(request.user).filter(
                kind__in=COMMITTEE_KINDS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("committee", "year") if obj else ()

    def save_model(self, request: HttpRequest, obj: DevelopmentPlan, form: Any, change: bool) -> None:
        """Saved through the service (scope, authority, audit)."""
        saved = plan_set(
            actor=request.user,
            committee=obj.committee,
            year=obj.year,
            quota=obj.quota,
            note=obj.note,
            expected_version=form.loaded_version if change else None,
        )
        obj.pk = saved.pk

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A refusal of plan_set (e.g. the year) rolls the save back and comes back as a message, not a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
