from django.apps import AppConfig


class PartyorgConfig(AppConfig):
    """Project-level glue: shared helpers, the demo county, project commands."""

    name = "partyorg"
    verbose_name = "系统"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
