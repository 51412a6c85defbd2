from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from core.audit import register_audited
        from core.periodlock import register_period_check

        from . import models
        from .submissions import submitted_period_refusal

        register_period_check(submitted_period_refusal)
        register_audited(models.Submission)
        register_audited(models.SummaryNarrative)
        register_audited(models.SummaryBatch, exclude_fields=["done", "task_id"])
