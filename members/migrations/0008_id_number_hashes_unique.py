# Resident ID numbers encrypted at rest, step 3 of 4: the keyed hashes become required
# and carry the uniqueness the plain numbers had (same names, same Chinese messages).

import core.fieldcrypto
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_encrypt_id_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=core.fieldcrypto.IdHashField(
                error_messages={"unique": "该公民身份号码已登记"},
                source="id_number",
                unique=True,
                verbose_name="公民身份号码检索码",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="id_number_tail_hash",
            field=core.fieldcrypto.IdHashField(
                db_index=True, source="id_number", tail=4, verbose_name="公民身份号码末4位检索码"
            ),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="id_number_hash",
            field=core.fieldcrypto.IdHashField(source="id_number", verbose_name="公民身份号码检索码"),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="person_id_number_hash",
            field=core.fieldcrypto.IdHashField(source="person_id_number", verbose_name="公民身份号码检索码"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["person_id_number_hash"], name="members_tra_person__c55463_idx"),
        ),
        migrations.AddConstraint(
            model_name="applicant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_on__isnull", True)),
                fields=("id_number_hash",),
                name="one_open_application_per_person",
                violation_error_message="该公民身份号码已有正在培养中的入党申请",
            ),
        ),
    ]
