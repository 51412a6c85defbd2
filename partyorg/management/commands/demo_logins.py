"""``manage.py demo_logins``: print the demo log-ins and what each one sees."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from members.models import Member
from organizations.demo.users import DEMO_PASSWORD, DEMO_USERS
from organizations.models import Organization, User


def width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、所属党组织、可见范围）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="系统地址（默认 http://127.0.0.1:8000/）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}
        if not users:
            self.stdout.write("尚未生成演示数据：请先运行 python manage.py seed_demo")
            return
        header = ("用户名", "密码", "角色", "所属党组织", "可见范围")
        rows = []
        for spec in DEMO_USERS:
            user = users.get(spec.username)
            if user is None:
                continue
            orgs = Organization.objects.visible_to(user).active().count()
            members = Member.objects.visible_to(user).current().count()
            org = user.organization.name if user.organization else "—"
            sees = f"{spec.sees}（{orgs}个党组织，{members}名党员）"
            rows.append((user.username, DEMO_PASSWORD, user.get_role_display(), org, sees))
        widths = [max(width(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]
        self.stdout.write(f"演示账号（登录地址 {options['url']}）：")
        for row in (header, *rows):
            cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:-1])]
            self.stdout.write("  " + "  ".join([*cells, row[-1]]))
        self.stdout.write("以上密码仅供演示；正式使用前请在“修改密码”或管理后台中更改。")
