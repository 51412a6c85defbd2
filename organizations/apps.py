from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "党组织"

    def ready(self) -> None:
        from core.audit import register_audited
        from core.scopes import register_dated_tree

        from . import lineage, models

        register_dated_tree(lineage)
        register_audited(models.Organization, exclude_fields=["path", "updated_at"])
        register_audited(models.OrgEvent)
        register_audited(models.LeadershipPost, mask_fields=["holder_id_number"])
        register_audited(models.RuleSetting)
        register_audited(models.Regulation)
        # a prefix edited in admin is audited; every number handed out is not (the documents are)
        register_audited(models.DocumentSequence, exclude_fields=["last_number", "updated_at"])
        register_audited(models.User, exclude_fields=["password", "last_login"])
        # the import as a kind of the shared record importer (/imports/, import_records)
        from core.recordimports import register_kind

        from .imports import OrganizationsKind

        register_kind(OrganizationsKind)
