"""python manage.py yearend_report ORG PERIOD --format json -o FILE: the indicators of one organization and period."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Organization
from reports.documents import report_document
from reports.periods import Period


class Command(BaseCommand):
    help = "输出一个党组织某统计期的全部统计指标（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org", help="党组织代码")
        parser.add_argument("period", help="统计期：2026、2026H1 或 2026H2")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("-o", "--output", help="输出文件（默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"没有代码为“{options['org']}”的党组织")
        try:
            period = Period.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(report_document(org, period), ensure_ascii=False, indent=1)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stdout.write(f"已写入 {options['output']}")
        else:
            self.stdout.write(text)
