from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "党组织"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Organization, exclude_fields=["path", "updated_at"])
        auditlog.register(models.OrgEvent)
        auditlog.register(models.LeadershipPost, mask_fields=["holder_id_number"])
        auditlog.register(models.RuleSetting)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
