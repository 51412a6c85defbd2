from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        from core.audit import register_audited
        from core.spending import register_spending_handler
        from members.hooks import register_care_visit_hook, register_dues_paid_until
        from organizations.todos import register_todos

        from . import models
        from .selectors.paid_until import paid_until
        from .selectors.todos import dues_todos
        from .services.ledger import follow_care_visit, follow_spending

        # 党费缴到 on a 介绍信 from the payments; care visits paid from retained dues post to the ledger.
        register_dues_paid_until(paid_until)
        register_care_visit_hook(follow_care_visit)
        # AV equipment bought from retained dues (recorded by training) is the buyer's expenditure.
        register_spending_handler(follow_spending)
        # the 工作台: unpaid dues, members not assessed, quarters not remitted
        register_todos(dues_todos)
        # the dues workbooks on the shared import pages (/imports/) and import_records
        from core.recordimports import register_kind

        from .imports import KINDS

        for kind in KINDS:
            register_kind(kind)
        for model in (
            models.DuesRule,
            models.RemittanceRule,
            models.DuesAssessment,
            models.DuesSchedule,
            models.DuesPayment,
            models.Remittance,
            models.RetainedFundEntry,
        ):
            register_audited(model)
