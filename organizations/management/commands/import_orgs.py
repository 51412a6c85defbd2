"""``python manage.py import_orgs FILE --user USERNAME``: the organization-tree import from the shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importjobs import summarise_errors
from organizations.importers import import_orgs
from organizations.models import User


class Command(BaseCommand):
    help = "导入党组织信息表（.xlsx，全部成功才写入；有错误时逐行列出并以非零状态退出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="党组织信息表 .xlsx 文件")
        parser.add_argument(
            "--user", required=True, help="以该用户身份导入（决定可导入的范围，并记入修改记录）"
        )

    def handle(self, *args: Any, file: str, user: str, **options: Any) -> None:
        try:
            actor = User.objects.select_related("organization").get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"用户“{user}”不存在") from None
        try:
            with open(file, "rb") as source:
                report = import_orgs(source, actor=actor)
        except OSError as exc:
            raise CommandError(f"无法打开文件 {file}：{exc.strerror}") from None
        if not report.ok:
            for group in summarise_errors(report.errors):  # identical errors on one line, as on the page
                self.stderr.write(str(group))
            raise CommandError(f"导入失败：共 {len(report.errors)} 处错误，未写入任何党组织")
        self.stdout.write(self.style.SUCCESS(f"导入成功：新建党组织 {report.created} 个"))
