"""``python manage.py sync_holidays [--year Y]``: refresh the holiday table from chinesecalendar after an upgrade."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.holidays import sync_from_package


class Command(BaseCommand):
    help = "按已安装的 chinesecalendar 更新节假日安排（默认更新其包含的全部年份）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="只更新该年份（可重复给出）")

    def handle(self, *args: Any, year: list[int] | None, **options: Any) -> None:
        result = sync_from_package(years=year)
        if not result.years:
            wanted = "、".join(str(y) for y in year or [])
            raise CommandError(
                f"chinesecalendar 中没有{wanted}年的节假日安排，请升级该包或在后台“节假日”中手工录入"
            )
        missing = sorted(set(year or []) - set(result.years))
        if missing:
            self.stderr.write(f"chinesecalendar 中没有{'、'.join(map(str, missing))}年的节假日安排，未更新")
        span = f"{result.years[0]}–{result.years[-1]}年" if len(result.years) > 1 else f"{result.years[0]}年"
        self.stdout.write(
            self.style.SUCCESS(
                f"已更新{span}节假日安排：新增 {result.created} 天，修改 {result.updated} 天，删除 {result.deleted} 天"
            )
        )
