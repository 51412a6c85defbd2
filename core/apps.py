from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .audit import register_audited
        from .models import Holiday

        register_audited(Holiday)

        # The log-in stamp (core.sessions) must listen before the first log-in, not from the first request on.
        from . import sessions  # noqa: F401
