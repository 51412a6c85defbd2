"""Step 19 (编入党支部和党小组) records the 党小组 the new member is placed in (issue 8 item 10)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0013_lost_contact_restoration'),
        ('organizations', '0010_scrub_plaintext_holder_id_numbers'),
    ]

    operations = [
        migrations.AddField(
            model_name='developmentstep',
            name='party_group',
            field=models.ForeignKey(blank=True, limit_choices_to={'kind': 'GROUP'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='编入党小组'),
        ),
    ]
