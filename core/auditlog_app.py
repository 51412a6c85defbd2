"""django-auditlog's app, named 审计日志 in the admin.

Installed as ``core.auditlog_app.AuditlogConfig`` in place of ``"auditlog"``;
the app label stays ``auditlog``, so tables, migrations and URLs are unchanged.
Its other strings (admin columns, filters, actions) are in ``locale/zh_Hans``.
"""

from __future__ import annotations

from auditlog.apps import AuditlogConfig as BaseAuditlogConfig


class AuditlogConfig(BaseAuditlogConfig):
    verbose_name = "审计日志"
