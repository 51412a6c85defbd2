# Resident ID numbers encrypted at rest, step 2 of 4: the data.
# Every stored number is encrypted under the current key of FIELD_ENCRYPTION_KEYS and
# its keyed hashes filled in (core.fieldcrypto.encrypt_existing_rows: raw SQL, batched,
# idempotent); reversed, the numbers are decrypted back and the hashes cleared.
# Run with the production key in the environment: the key that encrypts here must be
# the one the server reads with (keep it apart from the backups, README 备份与恢复).

from django.db import migrations

from core.fieldcrypto import encrypt_existing_rows

MODELS = ("Member", "Applicant", "Transfer")


def encrypt(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(apps.get_model("members", name), schema_editor.connection)


def decrypt(apps, schema_editor):
    for name in MODELS:
        encrypt_existing_rows(apps.get_model("members", name), schema_editor.connection, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_id_numbers_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
