"""``manage.py restore FILE [--force]``: replace the whole database with a backup made by ``backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from core.backup import BackupError, check_for, restore, table_count, unapplied_migrations


class Command(BaseCommand):
    help = "用 backup 生成的备份文件替换整个数据库（先检查文件；数据库已有数据时须加 --force）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（manage.py backup 生成）")
        parser.add_argument(
            "--force", action="store_true", help="数据库已有数据时也恢复：现有数据全部被备份中的数据替换"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        alias, path = options["database"], Path(options["file"])
        try:
            check_for(alias, path)  # a bad file is refused before --force is asked for
            tables = table_count(alias)
            if tables and not options["force"]:
                raise CommandError(
                    f"当前数据库已有 {tables} 张表，恢复会用备份替换其中全部数据。"
                    "确认后加 --force 再运行（建议先停止服务器和任务进程，并用 manage.py backup 备份当前数据库）。"
                )
            info = restore(alias, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复（{info.tables} 张表）。"))
        pending = unapplied_migrations(alias)
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"备份早于当前代码：还有 {pending} 个迁移未应用，请运行 manage.py migrate。"
                )
            )
        self.stdout.write("如服务器在运行，请重启服务器和任务进程。")
