# Resident ID numbers encrypted at rest (issue 7 item 6), step 1 of 4: the columns.
# The ID columns become text (they will hold ciphertext, core.fieldcrypto) and lose
# their uniqueness, which moves to the keyed-hash columns added here (empty until
# 0007 fills them; 0008 makes them required and unique).

import core.fieldcrypto
import core.idcard
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_versions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="applicant",
            name="one_open_application_per_person",
        ),
        migrations.RemoveIndex(
            model_name="transfer",
            name="members_tra_person__a892ba_idx",
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            field=core.fieldcrypto.IdHashField(null=True, source="id_number", verbose_name="公民身份号码检索码"),
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_tail_hash",
            field=core.fieldcrypto.IdHashField(
                null=True, source="id_number", tail=4, verbose_name="公民身份号码末4位检索码"
            ),
        ),
        migrations.AddField(
            model_name="applicant",
            name="id_number_hash",
            field=core.fieldcrypto.IdHashField(null=True, source="id_number", verbose_name="公民身份号码检索码"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="person_id_number_hash",
            field=core.fieldcrypto.IdHashField(
                null=True, source="person_id_number", verbose_name="公民身份号码检索码"
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=core.fieldcrypto.EncryptedIdField(
                max_length=18, validators=[core.idcard.validate_id_number], verbose_name="公民身份号码"
            ),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="id_number",
            field=core.fieldcrypto.EncryptedIdField(
                max_length=18, validators=[core.idcard.validate_id_number], verbose_name="公民身份号码"
            ),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="person_id_number",
            field=core.fieldcrypto.EncryptedIdField(
                max_length=18, validators=[core.idcard.validate_id_number], verbose_name="公民身份号码"
            ),
        ),
    ]
