"""Django admin of the assessment cycle: scoped and read-only (every change goes through the pages' services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ViewOnlyScopedAdmin

from . import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TemplateItemInline(ReadOnlyInline):
    model = models.TemplateItem
    fields = readonly_fields = ("order", "content", "points", "measure")


class AgreementItemInline(ReadOnlyInline):
    model = models.AgreementItem
    fields = readonly_fields = ("order", "content", "points", "measure", "score", "score_note")


class FindingInline(ReadOnlyInline):
    model = models.InspectionFinding
    fields = readonly_fields = ("organization", "kind", "content", "deadline", "rectified_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("organization")


@admin.register(models.AgreementTemplate)
class AgreementTemplateAdmin(ViewOnlyScopedAdmin):
    list_display = ("title", "year", "level", "organization")
    list_filter = ("year", "level")
    search_fields = ("title", "organization__name")
    list_select_related = ("organization",)
    inlines = [TemplateItemInline]


@admin.register(models.TargetAgreement)
class TargetAgreementAdmin(ViewOnlyScopedAdmin):
    list_display = ("year", "subject", "member", "organization", "signed_on", "exemption")
    list_filter = ("year", "level", "exemption")
    search_fields = ("subject__name", "member__name", "organization__name", "title")
    list_select_related = ("subject", "member", "organization")
    inlines = [AgreementItemInline]


@admin.register(models.AssessmentScore)
class AssessmentScoreAdmin(ViewOnlyScopedAdmin):
    list_display = ("agreement", "total", "grade", "reward_kind", "scored_on")
    list_filter = ("grade", "reward_kind")
    list_select_related = ("agreement", "agreement__subject", "agreement__member")


@admin.register(models.Inspection)
class InspectionAdmin(ViewOnlyScopedAdmin):
    list_display = ("title", "kind", "organization", "started_on", "notice_no")
    list_filter = ("year", "kind")
    search_fields = ("title", "organization__name", "notice_no")
    list_select_related = ("organization",)
    inlines = [FindingInline]


@admin.register(models.InspectionFinding)
class InspectionFindingAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "kind", "inspection", "deadline", "rectified_on")
    list_filter = ("kind",)
    search_fields = ("organization__name", "content")
    list_select_related = ("organization", "inspection")


@admin.register(models.LifeMeeting)
class LifeMeetingAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "year", "held_on", "leaders_expected", "leaders_attended")
    list_filter = ("year",)
    search_fields = ("organization__name", "document_no")
    list_select_related = ("organization",)


@admin.register(models.AppraisalRound)
class AppraisalRoundAdmin(ViewOnlyScopedAdmin):
    list_display = ("title", "organization", "year", "grade_set", "closed_on")
    list_filter = ("year",)
    list_select_related = ("organization",)


@admin.register(models.MemberAppraisal)
class MemberAppraisalAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "year", "grade", "category", "appraised_on")
    list_filter = ("year", "category")
    search_fields = ("member__name", "organization__name")
    list_select_related = ("member", "organization")


@admin.register(models.AppraisalFollowUp)
class AppraisalFollowUpAdmin(ViewOnlyScopedAdmin):
    list_display = ("appraisal", "disposal", "decided_on", "deadline", "result", "closed_on")
    list_filter = ("disposal", "result")
    list_select_related = ("appraisal", "appraisal__member")


@admin.register(models.TeamAppraisal)
class TeamAppraisalAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "round", "satisfied", "basically_satisfied", "dissatisfied")
    list_select_related = ("organization", "round")


@admin.register(models.StarRating)
class StarRatingAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "year", "standard", "result", "rated_on")
    list_filter = ("year", "standard", "result")
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
