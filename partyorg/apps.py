from django.apps import AppConfig


class PartyorgConfig(AppConfig):
    """Project-level glue: shared helpers, the demo county, project commands."""

    name = "partyorg"
    verbose_name = "系统"
