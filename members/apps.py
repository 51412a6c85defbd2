from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organizations.services import CLOSING_HANDLERS

        from . import models, services

        if services.move_members_on_close not in CLOSING_HANDLERS:
            CLOSING_HANDLERS.append(services.move_members_on_close)
        auditlog.register(models.Member, mask_fields=["id_number"])
        auditlog.register(models.MemberPeriod)
