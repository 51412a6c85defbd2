# The publications the reference names (《支部生活》, 《党员特刊》): organizations subscribe to them every year.

from django.db import migrations

PUBLICATIONS = (
    ("《支部生活》", "省委组织部"),
    ("《党员特刊》", "省委组织部"),
)


def seed(apps, schema_editor):
    Publication = apps.get_model("training", "Publication")
    for name, publisher in PUBLICATIONS:
        Publication.objects.get_or_create(name=name, defaults={"publisher": publisher})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
