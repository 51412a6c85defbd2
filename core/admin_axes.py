"""登录安全 in Django admin: django-axes's records of log-ins, in Chinese, for administrators only.

- 登录锁定 (``AccessAttempt``): failures per user name and address; a row at the
  limit is a lock. 解除锁定 deletes the selected rows (deleting one does the same).
- 登录日志 (``AccessLog``): successful log-ins and when they logged out.
- 登录失败日志 (``AccessFailureLog``): every failure, and whether it locked.

The records name accounts from the whole county, so only superusers see them
(``AXES_ENABLE_ADMIN`` is off; these classes replace axes' own registration).
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .scopes import sees_everything


class AdministratorsOnly:
    """Every permission of these admins is a superuser's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_everything(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return sees_everything(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # records, not editable

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return sees_everything(request.user)


@admin.register(AccessAttempt)
class LoginLockAdmin(AdministratorsOnly, AccessAttemptAdmin):
    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "lock_status",
        "user_agent",
    ]
    actions = ["unlock"]

    @admin.display(description="状态")
    def lock_status(self, obj: AccessAttempt) -> str:
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return "已锁定" if remaining <= 0 else f"还可尝试{remaining}次"

    @admin.action(description="解除锁定（清除所选失败记录）", permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.count()
        queryset.delete()
        self.message_user(request, f"已解除锁定，清除失败记录{count}条", messages.SUCCESS)


@admin.register(AccessLog)
class LoginLogAdmin(AdministratorsOnly, AccessLogAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # the log is evidence: kept, cleaned only by axes' commands


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(AdministratorsOnly, AccessFailureLogAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
