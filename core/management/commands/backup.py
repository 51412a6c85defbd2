"""``manage.py backup [-o FILE]``: a consistent copy of the whole database, while the server runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from core.backup import BackupError, backup, database_kind

#: Where backups go unless -o says otherwise: ``backups/partyorg-20261130-0200.sqlite3`` (or ``.dump``).
DEFAULT_DIR = "backups"


class Command(BaseCommand):
    help = "备份整个数据库：SQLite 用在线备份（服务器不必停止），PostgreSQL 用 pg_dump 自定义格式"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help=f"备份文件（默认 {DEFAULT_DIR}/partyorg-年月日-时分秒.sqlite3 或 .dump）；已存在时拒绝覆盖",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        try:
            output = Path(options["output"]) if options["output"] else default_output(database_kind(alias))
            info = backup(alias, output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = output.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"已备份到 {output}（{size:.1f} MB，{info.tables} 张表）"))
        self.stdout.write("备份文件含个人信息：请妥善保管，并与身份证号加密密钥分开存放。")


def default_output(kind: str) -> Path:
    """A new file in ``backups/`` named after the local time."""
    ext = "sqlite3" if kind == "sqlite" else "dump"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / DEFAULT_DIR / f"partyorg-{stamp}.{ext}"
