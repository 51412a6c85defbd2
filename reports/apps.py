from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from core.audit import register_audited

        from . import models

        register_audited(models.Submission)
        register_audited(models.SummaryNarrative)
