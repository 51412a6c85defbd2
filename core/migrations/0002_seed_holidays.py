"""Seed the holiday table from the installed chinesecalendar, so a fresh database counts working days."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.holidays import sync_from_package

    sync_from_package(apps.get_model("core", "Holiday"))


def unseed(apps, schema_editor):
    apps.get_model("core", "Holiday").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
