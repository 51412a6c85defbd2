"""Admin for the audit log: the whole log spans every scope, so only superusers see it.

Each record's own history (修改记录) is shown on its page, within the user's
scope; the raw log in the admin is for system administrators.
"""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import HttpRequest


class SuperuserLogEntryAdmin(LogEntryAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, SuperuserLogEntryAdmin)
