"""django-auditlog's app, named in Chinese in the admin (it ships no zh-Hans catalogue).

Installed as ``core.auditlog_app.AuditlogConfig`` in place of ``"auditlog"``;
the app label stays ``auditlog``, so tables, migrations and URLs are unchanged.
"""

from __future__ import annotations

from auditlog.apps import AuditlogConfig as BaseAuditlogConfig


class AuditlogConfig(BaseAuditlogConfig):
    verbose_name = "审计日志"

    def ready(self) -> None:
        super().ready()
        from auditlog.models import LogEntry

        # The model's names are auditlog's English ("log entry"); the admin shows them as section rows.
        LogEntry._meta.verbose_name = "操作日志"
        LogEntry._meta.verbose_name_plural = "操作日志"
