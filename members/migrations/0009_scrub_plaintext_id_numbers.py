# Resident ID numbers encrypted at rest, step 4 of 4: no plain number left on disk.
# The old column copies and overwritten rows stay in the database file's free pages
# (SQLite: until VACUUM and a truncating WAL checkpoint; PostgreSQL: dead tuples until
# VACUUM FULL), so the tables are rewritten once, outside a transaction.

from django.db import migrations

from core.fieldcrypto import scrub_freed_pages

TABLES = ("members_member", "members_applicant", "members_transfer")


def scrub(apps, schema_editor):
    scrub_freed_pages(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0008_id_number_hashes_unique"),
    ]

    operations = [
        migrations.RunPython(scrub, migrations.RunPython.noop, elidable=False),
    ]
