# Resident ID numbers encrypted at rest (issue 7 item 6): a post holder's number, as members' are
# (members 0006–0009, core.fieldcrypto).  No lookup or uniqueness uses it, so no hash column.

from django.db import migrations

import core.fieldcrypto
from core.fieldcrypto import encrypt_existing_rows


def encrypt(apps, schema_editor):
    encrypt_existing_rows(apps.get_model("organizations", "LeadershipPost"), schema_editor.connection)


def decrypt(apps, schema_editor):
    encrypt_existing_rows(
        apps.get_model("organizations", "LeadershipPost"), schema_editor.connection, reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0008_branch_forms_and_terms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="leadershippost",
            name="holder_id_number",
            field=core.fieldcrypto.EncryptedIdField(blank=True, max_length=18, verbose_name="任职人公民身份号码"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
