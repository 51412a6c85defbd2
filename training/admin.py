"""Django admin of the training app.

Records owned by an organization are scoped and read-only here (sessions,
attendance, lectures, equipment, meetings … change through the pages'
services, which check the rules and write the audit trail).  The shared
catalogues — topics, lecturers' units, films, publications — are edited here
by the administrator (publications have no page of their own).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ViewOnlyScopedAdmin

from .models import (
    ActivityDay,
    Attendance,
    AVEquipment,
    AVEquipmentEvent,
    AVFilm,
    FilmOrder,
    LectureAttendance,
    LecturerUnit,
    OrgMeeting,
    PartyLecture,
    Publication,
    Subscription,
    TrainingSession,
    TrainingTopic,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("member", "organization")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        return super().get_queryset(request).select_related("member", "organization")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ViewOnlyScopedAdmin):
    list_display = ("start_on", "title", "organization", "level", "kind", "form", "hours")
    list_filter = ("level", "kind", "form")
    search_fields = ("title", "organization__name", "topics__name")
    list_select_related = ("organization",)
    date_hierarchy = "start_on"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "session")
    search_fields = ("member__name", "organization__name", "session__title")
    list_select_related = ("member", "organization", "session")


class LectureAttendanceInline(ReadOnlyInline):
    model = LectureAttendance
    fields = ("member", "organization")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LectureAttendance]:
        return super().get_queryset(request).select_related("member", "organization")


@admin.register(PartyLecture)
class PartyLectureAdmin(ViewOnlyScopedAdmin):
    list_display = ("given_on", "lecturer_name", "lecturer_unit", "lecturer_rank", "organization", "topic")
    list_filter = ("lecturer_rank", "lecturer_unit__county_level")
    search_fields = ("lecturer_name", "topic", "organization__name", "lecturer_unit__name")
    list_select_related = ("organization", "lecturer_unit")
    date_hierarchy = "given_on"
    inlines = [LectureAttendanceInline]


@admin.register(LectureAttendance)
class LectureAttendanceAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "lecture")
    search_fields = ("member__name", "organization__name")
    list_select_related = ("member", "organization", "lecture")


class EquipmentEventInline(ReadOnlyInline):
    model = AVEquipmentEvent
    fields = ("happened_on", "kind", "note")
    readonly_fields = fields


@admin.register(AVEquipment)
class AVEquipmentAdmin(ViewOnlyScopedAdmin):
    list_display = ("delivered_on", "organization", "sets", "amount", "funding", "status")
    list_filter = ("status", "funding")
    search_fields = ("organization__name", "items", "note")
    list_select_related = ("organization",)
    date_hierarchy = "delivered_on"
    inlines = [EquipmentEventInline]


@admin.register(AVEquipmentEvent)
class AVEquipmentEventAdmin(ViewOnlyScopedAdmin):
    list_display = ("happened_on", "kind", "equipment")
    list_filter = ("kind",)
    list_select_related = ("equipment", "equipment__organization")


@admin.register(FilmOrder)
class FilmOrderAdmin(ViewOnlyScopedAdmin):
    list_display = ("ordered_on", "organization", "film", "copies", "amount", "distributed_on")
    search_fields = ("organization__name", "film__title")
    list_select_related = ("organization", "film")


@admin.register(OrgMeeting)
class OrgMeetingAdmin(ViewOnlyScopedAdmin):
    list_display = ("held_on", "kind", "organization", "topic", "expected", "present")
    list_filter = ("kind",)
    search_fields = ("topic", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "held_on"
    exclude = ("minutes",)


@admin.register(ActivityDay)
class ActivityDayAdmin(ViewOnlyScopedAdmin):
    list_display = ("organization", "day_of_month", "place", "is_pilot", "start_on", "end_on")
    list_filter = ("is_pilot",)
    list_select_related = ("organization",)


@admin.register(Subscription)
class SubscriptionAdmin(ViewOnlyScopedAdmin):
    list_display = ("year", "organization", "publication", "copies", "amount")
    list_filter = ("year", "publication")
    search_fields = ("organization__name",)
    list_select_related = ("organization", "publication")


@admin.register(TrainingTopic)
class TrainingTopicAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(LecturerUnit)
class LecturerUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "county_level")
    list_filter = ("county_level",)
    search_fields = ("name",)


@admin.register(AVFilm)
class AVFilmAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "source", "minutes", "year")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("name", "publisher", "active")
    list_filter = ("active",)
    search_fields = ("name",)
