from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .audit import register_audited
        from .models import Holiday, RecordImportJob

        register_audited(Holiday)
        # Record imports (core.recordimports): progress ticks are plain UPDATEs; the outcome is audited.
        register_audited(
            RecordImportJob,
            exclude_fields=[
                "processed",
                "total",
                "errors",
                "preview",
                "preview_digest",
                "bad_rows",
                "updated_at",
            ],
        )

        # The log-in stamp (core.sessions) must listen before the first log-in, not from the first request on.
        from . import sessions  # noqa: F401
        from .validators import install_model_validators, project_app_configs

        # Every editable text and date field of the project's models refuses implausible input.
        install_model_validators(project_app_configs(apps.get_app_configs(), Path(settings.BASE_DIR)))
