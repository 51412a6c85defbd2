"""The 2008 dues standards (中组发〔2008〕3号) and default remittance shares, as data an admin may change."""

from django.db import migrations


def seed(apps, schema_editor):
    from dues.standards import seed_standards

    seed_standards(apps.get_model("dues", "DuesRule"), apps.get_model("dues", "RemittanceRule"))


def unseed(apps, schema_editor):
    from dues.standards import DOCUMENT, EFFECTIVE

    apps.get_model("dues", "DuesRule").objects.filter(document_no=DOCUMENT).delete()
    apps.get_model("dues", "RemittanceRule").objects.filter(effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
