# Import jobs run on the task queue (stored upload, task id) and preview updates; members get 所在党小组.

import django.db.models.deletion
from django.db import migrations, models

STATUSES = [
    ("PENDING", "排队中"),
    ("VALIDATING", "校验中"),
    ("PREVIEW", "待确认"),
    ("WRITING", "写入中"),
    ("SUCCEEDED", "导入成功"),
    ("REJECTED", "校验未通过"),
    ("FAILED", "导入出错"),
    ("CANCELLED", "已取消"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_initial"),
        ("organizations", "0002_orgevent_previous_parent"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="party_group",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind": "GROUP"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="group_members",
                to="organizations.organization",
                verbose_name="所在党小组",
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="status",
            field=models.CharField(choices=STATUSES, default="PENDING", max_length=20, verbose_name="状态"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="created_count",
            field=models.PositiveIntegerField(default=0, verbose_name="新增数"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="upload",
            field=models.CharField(blank=True, max_length=255, verbose_name="上传文件（存储名）"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="task_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="后台任务号"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="updated_count",
            field=models.PositiveIntegerField(default=0, verbose_name="更新党员数"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="changed_count",
            field=models.PositiveIntegerField(default=0, verbose_name="有变更的党员数"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="unchanged_count",
            field=models.PositiveIntegerField(default=0, verbose_name="无变更的党员数"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="new_count",
            field=models.PositiveIntegerField(default=0, verbose_name="新党员数"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="preview",
            field=models.JSONField(blank=True, default=list, verbose_name="变更预览"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="preview_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="预览指纹"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="confirmed",
            field=models.BooleanField(default=False, verbose_name="已确认更新"),
        ),
    ]
