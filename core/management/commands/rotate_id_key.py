"""``manage.py rotate_id_key``: every resident ID number re-encrypted and re-hashed under the current key.

The rotation, as the README describes it: generate a key (``--generate``), put
it first in FIELD_ENCRYPTION_KEYS with the old key after it, restart the server
and the task worker (new numbers are written under the new key, old ones still
read), run this command, then drop the old key and restart again.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.fieldcrypto import (
    BATCH_SIZE,
    current_key_id,
    encrypted_models,
    generate_key,
    keyring,
    rotate_rows,
    rows_not_under_current_key,
)


class Command(BaseCommand):
    help = (
        "用 FIELD_ENCRYPTION_KEYS 的当前（第一个）密钥重新加密全部公民身份号码并重算检索码："
        "分批处理、在一个事务中完成，出错则全部不变"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generate", action="store_true", help="只生成并打印一个新密钥（不改动数据）")
        parser.add_argument("--check", action="store_true", help="只统计仍由其他密钥加密的行数（不改动数据）")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"每批行数（默认 {BATCH_SIZE}）"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            self.stdout.write(generate_key())
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 应为正整数")
        alias = options["database"]
        connection = connections[alias]
        try:
            keys = keyring()
            models = encrypted_models()
            if options["check"]:
                self._report_stale(models, connection)
                return
            start = time.perf_counter()
            counts = []
            with transaction.atomic(using=alias):
                for model in models:
                    counts.append(
                        (
                            model._meta.verbose_name,
                            rotate_rows(model, connection, batch_size=options["batch_size"]),
                        )
                    )
                left = sum(rows_not_under_current_key(m, connection) for m in models)
                if left:  # not expected: every row was just rewritten; refuse rather than half-rotate
                    raise CommandError(f"仍有{left}行未由当前密钥加密，已全部撤销，请重试")
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc}（已全部撤销，数据未改动）") from None
        seconds = time.perf_counter() - start
        done = "，".join(f"{name}{n}行" for name, n in counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"已用当前密钥（编号{current_key_id()}）重新加密并重算检索码：{done}；用时{seconds:.1f}秒。"
            )
        )
        if len(keys) > 1:
            self.stdout.write(
                "现在可以从 FIELD_ENCRYPTION_KEYS 中删除其后的旧密钥，并重启服务和后台任务；"
                "删除前的数据库备份仍需旧密钥才能读取，请与该批备份一同（分开）保管旧密钥。"
            )

    def _report_stale(self, models: list[Any], connection: Any) -> None:
        stale = [(m._meta.verbose_name, rows_not_under_current_key(m, connection)) for m in models]
        total = sum(n for _, n in stale)
        detail = "，".join(f"{name}{n}行" for name, n in stale)
        if total:
            self.stdout.write(f"仍由其他密钥加密：{detail}。请运行 python manage.py rotate_id_key")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"全部公民身份号码均由当前密钥（编号{current_key_id()}）加密")
            )
