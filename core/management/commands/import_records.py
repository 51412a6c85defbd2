"""python manage.py import_records KIND FILE --user USERNAME [--confirm]: a record workbook from the shell.

Prints what the page shows: every error (nothing written), or the preview
(N new, M changed with old → new, K unchanged) of a file that changes
records already there — ``--confirm`` writes it —, or the counts written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from core.importjobs import summarise_errors
from core.recordimports import all_kinds, get_kind, run_import


class Command(BaseCommand):
    help = "从 Excel 导入记录（全部成功或全部不导入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", help="导入类别，如 dues_payments、dues_bases、members、organizations")
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--user", required=True, help="以哪个用户的身份和管理范围导入")
        parser.add_argument("--confirm", action="store_true", help="文件会更新已有记录时，确认写入这些更新")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = get_kind(options["kind"])
        if kind is None:
            keys = "、".join(k.key for k in all_kinds())
            raise CommandError(f"未知的导入类别：{options['kind']}（可用：{keys}）")
        try:
            user = get_user_model().objects.select_related("organization").get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户不存在：{options['user']}") from None
        try:
            report = run_import(
                kind, actor=user, source=options["file"], confirmed_digest="*" if options["confirm"] else None
            )
        except (PermissionDenied, Http404) as exc:
            raise CommandError(str(exc)) from None
        if report.errors:
            for group in summarise_errors(report.errors):
                self.stderr.write(str(group))
            raise CommandError(f"校验未通过，未导入任何数据：共 {len(report.errors)} 处错误")
        summary = f"新增 {report.new} 条，更新 {report.changed} 条，无变化 {report.unchanged} 条"
        if report.needs_confirmation:
            self.stdout.write(f"{kind.label}：{summary}（尚未写入）")
            for row, label, fields in report.preview:
                changes = "；".join(f"{column}：{old} → {new}" for column, old, new in fields)
                self.stdout.write(f"  第{row}行 {label}：{changes}")
            if report.changed > len(report.preview):
                self.stdout.write(f"  另有 {report.changed - len(report.preview)} 条变更未列出")
            self.stdout.write("文件会更新已有记录，核对后加 --confirm 重新运行以写入。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{kind.label}导入成功：写入新增 {report.created} 条，更新 {report.updated} 条（{summary}）"
            )
        )
