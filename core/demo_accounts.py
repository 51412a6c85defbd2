"""Demo accounts are marked, and while any exists every page says 演示数据.

``seed_demo`` puts each account it creates (their password is public: it is in
the README) into the group :data:`DEMO_GROUP`.  The group is the marker rather
than the usernames: a real installation may well have an ``admin`` or an
``auditor``, and an administrator can see in Django admin which accounts are
demo ones.  Deleting them (or taking them out of the group) ends the banner.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.http import HttpRequest

#: The group the demo seed puts its accounts in.
DEMO_GROUP = "演示账号"

CACHE_KEY = "core:demo-accounts-exist"
#: Seconds the answer is kept: the banner costs one query per minute per process, not one per page.
CACHE_SECONDS = 60


def mark_demo_account(user: Any) -> None:
    """Put ``user`` in the demo group (called by the demo seed for every account it creates)."""
    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    user.groups.add(group)
    cache.delete(CACHE_KEY)


def demo_accounts_exist() -> bool:
    """Whether any account is in the demo group (cached for :data:`CACHE_SECONDS`)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = Group.objects.filter(name=DEMO_GROUP, user__isnull=False).exists()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def demo_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``demo_data`` is true on every page while demo accounts exist.

    Passed as the function, which the template calls only where it asks
    (``base.html``): fragments and exports that never show the banner cost nothing.
    """
    return {"demo_data": demo_accounts_exist}
