"""Demo step (users): one log-in per role, each bound to its organization (its scope).

All demo users share :data:`DEMO_PASSWORD`; ``manage.py demo_logins`` prints
them.  Only the admin may enter Django admin (``is_staff``); everyone else
works in the application's own pages, where the scope layer applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.demo import DemoContext
from core.demo_accounts import mark_demo_account
from organizations.choices import Role
from organizations.models import Organization, User

DEMO_PASSWORD = "demo-2026"


@dataclass(frozen=True)
class DemoUser:
    key: str  # ctx.users key
    username: str
    role: str
    org_name: str  # "" for the admin (bound to the county, sees everything anyway)
    full_name: str
    sees: str  # what the role sees, for demo_logins and the README


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "county", "county_staff", Role.COUNTY_STAFF, "富宁县委", "黄丽华", "全县所有党组织和党员，可维护"
    ),
    DemoUser(
        "committee",
        "committee_staff",
        Role.COMMITTEE_STAFF,
        "新华镇党委",
        "农志强",
        "新华镇党委及其下属党组织",
    ),
    DemoUser(
        "secretary",
        "secretary",
        Role.BRANCH_SECRETARY,
        "各甫村党支部",
        "陆国荣",
        "仅各甫村党支部（含其党小组）",
    ),
    DemoUser(
        "secretary_b", "secretary2", Role.BRANCH_SECRETARY, "新华社区党支部", "梁秀英", "仅新华社区党支部"
    ),
    DemoUser("auditor", "auditor", Role.AUDITOR, "富宁县委", "王建平", "全县数据，只读（不能修改）"),
    DemoUser("admin", "admin", Role.ADMIN, "富宁县委", "系统管理员", "全部数据及管理后台（/admin/）"),
)
ADMIN = DEMO_USERS[-1]


def ensure_admin(ctx: DemoContext) -> User:
    """The demo superuser the seeding services run as (created before the tree exists)."""
    user = User.objects.filter(username=ADMIN.username).first()
    if user is None:
        user = User.objects.create_superuser(
            username=ADMIN.username,
            password=DEMO_PASSWORD,
            role=ADMIN.role,
            full_name=ADMIN.full_name,
        )
        mark_demo_account(user)  # its password is public: every page shows 演示数据 while it exists
    return user


def build(ctx: DemoContext) -> None:
    """Create (or bind) one user per role and put them on ``ctx.users``."""
    admin = ctx.actor or ensure_admin(ctx)
    for spec in DEMO_USERS:
        org = Organization.objects.active().get(name=spec.org_name)
        if spec.key == "admin":
            admin.organization = org
            admin.save(update_fields=["organization"])
            ctx.users["admin"] = admin
            continue
        user = User.objects.create_user(
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            organization=org,
            full_name=spec.full_name,
            is_staff=False,
        )
        mark_demo_account(user)
        ctx.users[spec.key] = user
    ctx.log(f"演示账号：{'、'.join(s.username for s in DEMO_USERS)}（密码均为 {DEMO_PASSWORD}）")
