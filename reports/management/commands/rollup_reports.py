"""python manage.py rollup_reports A.json B.json … --org CODE --name 名称 -o OUT: several reports of one period as one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.documents import roll_up


class Command(BaseCommand):
    help = "汇总同一统计期的多份指标 JSON（如一个州市所辖各县）：数量相加，比例重新计算"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="yearend_report 输出的 JSON 文件")
        parser.add_argument("--org", required=True, help="汇总单位代码")
        parser.add_argument("--name", required=True, help="汇总单位名称")
        parser.add_argument("-o", "--output", help="输出文件（默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = []
        for name in options["files"]:
            try:
                documents.append(json.loads(Path(name).read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取 {name}：{exc}") from None
        try:
            combined = roll_up(documents, org=options["org"], org_name=options["name"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(combined, ensure_ascii=False, indent=1)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"已写入 {options['output']}")
        else:
            self.stdout.write(text)
