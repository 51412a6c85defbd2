"""``manage.py seed_demo``: build the demo county (see :mod:`partyorg.demo`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from organizations.models import Organization
from partyorg.demo import STEPS, make_context, run_steps


class Command(BaseCommand):
    help = "生成演示县（富宁县式：20个基层党委、14个党总支、385个党支部、约8800名党员）及各角色演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=8800, help="党员人数（默认8800）")
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子：相同种子生成相同数据（默认2026）"
        )
        parser.add_argument("--year", type=int, default=None, help="业务年度（默认今年）")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有党组织时什么也不做（make run 使用）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库中已有党组织，跳过生成演示数据。")
                return
            raise CommandError(
                "数据库中已有党组织。请使用空数据库（或 manage.py flush 清空），或加 --if-empty 跳过。"
            )
        if options["members"] < 1:
            raise CommandError("--members 至少为1")
        ctx = make_context(
            seed=options["seed"], year=options["year"], members=options["members"], stdout=self.stdout
        )
        started = time.perf_counter()
        self.stdout.write(
            f"生成演示县：{ctx.year}年度，种子{ctx.seed}，党员{ctx.member_count}名，步骤：{'、'.join(STEPS)}"
        )
        # One transaction: a failed step leaves the database as empty as it was.
        with transaction.atomic():
            run_steps(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"演示数据生成完毕，用时{time.perf_counter() - started:.1f}秒。")
        )
        self.stdout.write("运行 python manage.py demo_logins 查看演示账号。")
