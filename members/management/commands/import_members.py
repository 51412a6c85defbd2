"""``python manage.py import_members FILE --user USERNAME [--update]``: the member import from the shell."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importjobs import summarise_errors
from members.services.imports import import_members
from organizations.models import User


class Command(BaseCommand):
    help = (
        "导入党员信息表（.xlsx，与页面导入相同：全部正确才写入；有错误时列出并以非零状态退出）。"
        "已登记的党员须加 --update 才会更新"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="按导入模板填写的党员信息表 .xlsx 文件")
        parser.add_argument(
            "--user", required=True, help="以该用户身份导入（决定可导入的范围，并记入修改记录）"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="更新表中已登记的党员（不加此项时只列出将要变更的内容，不写入）",
        )

    def handle(self, *args: Any, file: str, user: str, update: bool = False, **options: Any) -> None:
        try:
            actor = User.objects.select_related("organization").get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"用户“{user}”不存在") from None
        if not os.path.isfile(file):
            raise CommandError(f"找不到文件 {file}")
        verbose = options.get("verbosity", 1) >= 2

        def progress(status: str, done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"{'写入' if status == 'WRITING' else '校验'}：{done}/{total or '?'} 行")

        try:
            report = import_members(
                actor=actor, source=file, progress=progress, confirmed_digest="*" if update else None
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if report.errors:
            for group in summarise_errors(report.errors):
                self.stderr.write(str(group))
            raise CommandError(f"导入失败：共 {len(report.errors)} 处错误，未写入任何党员")
        if report.needs_confirmation:
            for row, name, id_number, changes in report.preview:
                lines = "；".join(f"{column}：{old} → {new}" for column, old, new in changes)
                self.stdout.write(f"第{row}行 {name}（{id_number}）：{lines}")
            raise CommandError(
                f"未写入：新增 {report.new} 名，将更新 {report.changed} 名，{report.unchanged} 名无变化；"
                "确认无误后加 --update 重新运行"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"导入成功：新增党员 {report.created} 名，更新 {report.updated} 名，{report.unchanged} 名无变化"
            )
        )
