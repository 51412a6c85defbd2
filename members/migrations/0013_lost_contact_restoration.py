"""Lost contact as the 2019 条例 says, and 恢复党籍 (issue 8 item 4).

限期改正 is a disposal of 民主评议 (不合格), not a stage of lost contact: the
record's 限期改正通知日期 goes.  A date entered there is kept as a line of the
measures taken, so nothing recorded is lost.  Restoration records 恢复党籍.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_notice_dates_in_measures(apps, schema_editor):
    LostContact = apps.get_model("members", "LostContact")
    rows = LostContact.objects.filter(correction_notified_on__isnull=False)
    for record in rows.only("pk", "measures", "correction_notified_on").iterator():
        line = f"{record.correction_notified_on:%Y-%m-%d} 发出限期改正通知（原“限期改正通知日期”一栏）"
        measures = f"{record.measures.rstrip()}\n{line}" if record.measures.strip() else line
        LostContact.objects.filter(pk=record.pk).update(measures=measures)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0012_confirmations'),
        ('organizations', '0010_scrub_plaintext_holder_id_numbers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_notice_dates_in_measures, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='lostcontact',
            name='correction_notified_on',
        ),
        migrations.CreateModel(
            name='Restoration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('suspended_on', models.DateField(verbose_name='停止党籍日期')),
                ('day', models.DateField(verbose_name='恢复党籍日期')),
                ('document_no', models.CharField(max_length=100, verbose_name='批准文号')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='restorations', to='members.member', verbose_name='党员')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='restorations', to='organizations.organization', verbose_name='恢复党籍后所在党组织')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
                ('transfer', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='restoration', to='members.transfer', verbose_name='随转入介绍信')),
            ],
            options={
                'verbose_name': '恢复党籍记录',
                'verbose_name_plural': '恢复党籍记录',
                'ordering': ['-day', '-id'],
                'indexes': [models.Index(fields=['day'], name='members_res_day_3c0007_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('day__gte', models.F('suspended_on'))), name='restoration_after_suspension', violation_error_message='恢复党籍日期不能早于停止党籍日期')],
            },
        ),
    ]
