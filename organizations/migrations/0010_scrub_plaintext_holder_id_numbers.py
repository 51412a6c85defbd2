# No plain holder ID number left in the database file's free pages (see members 0009).

from django.db import migrations

from core.fieldcrypto import scrub_freed_pages


def scrub(apps, schema_editor):
    scrub_freed_pages(schema_editor.connection, ["organizations_leadershippost"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("organizations", "0009_post_holder_id_encrypted"),
    ]

    operations = [
        migrations.RunPython(scrub, migrations.RunPython.noop, elidable=False),
    ]
