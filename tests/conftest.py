"""The fixed cast every test uses.

    富宁县委 (county)                         county_staff, auditor (read-only)
    ├── 新华镇党委 (township committee)        committee_staff
    │   ├── 各甫村党支部 (branch A)            secretary_a   (member_a)
    │   └── 新华社区党支部 (branch B)          secretary_b   (member_b)
    └── 睦伦乡党委 (another committee)
        └── 睦伦村党支部 (branch C)            (member_c)

secretary_a and secretary_b are each other's outsiders; committee_staff is
an outsider to 睦伦乡党委.  member_a2 (branch A), the development walk's
``ctx`` and ``applicant_a`` are in ``tests/members/conftest.py``.

The fixtures are built on ``tests/factories.py``; a test that needs more
records calls those builders, and imports helpers from there, not from here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from core.demo_accounts import CACHE_KEY as DEMO_ACCOUNTS_CACHE_KEY
from organizations.models import User

# PASSWORD, DAY0, make_user and member_fields stay importable from here for modules not yet moved to tests.factories.
from tests.factories import (
    CAST_MEMBERS,
    DAY0,  # noqa: F401
    PASSWORD,  # noqa: F401
    make_admin,
    make_cast_user,
    make_member,
    make_tree,
    make_user,  # noqa: F401
    member_fields,  # noqa: F401
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Put back what data migrations seed after a transactional test flushed it.

    Live-server (browser) and ``transaction=True`` tests end with a flush that
    empties every table, the holiday calendar of ``core/0002_seed_holidays``
    and the dues standards of ``dues/0002_seed_standards`` too, and the tests
    after them would find neither.  This runs after
    every fixture of the test is torn down, so after the flush.
    """
    yield
    if nextitem is None:
        return  # the last test: the test database is gone with the session's fixtures, and nothing follows
    marker = item.get_closest_marker("django_db")
    # ``@pytest.mark.django_db(transaction=True)`` flushes too, without naming the fixture.
    marked = marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if marked or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        from core.holidays import sync_from_package
        from core.models import Holiday
        from dues.standards import seed_standards

        with item.config.stash[blocking_manager_key].unblock():
            # A live-server test that never touched the database has no test tables to refill.
            if Holiday._meta.db_table in connection.introspection.table_names():
                sync_from_package()
                seed_standards()  # the dues standards of dues/0002_seed_standards


@pytest.fixture(autouse=True)
def _fast_and_static(settings, tmp_path):
    """Tests hash passwords cheaply and serve static files without a collectstatic manifest.

    Tasks run at once, in the test (Django's Immediate backend), and uploads
    land in the test's own directory.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # No demo accounts unless a test makes them: the banner's answer is cached, so no page's query count
    # depends on whether an earlier test left it in the cache (tests/test_production_settings.py clears it).
    cache.set(DEMO_ACCOUNTS_CACHE_KEY, False)
    # client.login() authenticates without a request, which axes refuses; lock-out is tested on its own.
    settings.AXES_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_user(db) -> User:
    return make_admin()


@pytest.fixture
def tree(admin_user) -> SimpleNamespace:
    """The organizations of the cast, as a simple namespace."""
    return make_tree(admin_user)


@pytest.fixture
def county_staff(tree) -> User:
    return make_cast_user("county_staff", tree)


@pytest.fixture
def committee_staff(tree) -> User:
    return make_cast_user("committee_staff", tree)


@pytest.fixture
def secretary_a(tree) -> User:
    return make_cast_user("secretary_a", tree)


@pytest.fixture
def secretary_b(tree) -> User:
    return make_cast_user("secretary_b", tree)


@pytest.fixture
def auditor(tree) -> User:
    return make_cast_user("auditor", tree)


@pytest.fixture
def member_a(tree, admin_user):
    return make_member(tree.branch_a, actor=admin_user, **CAST_MEMBERS["member_a"])


@pytest.fixture
def member_b(tree, admin_user):
    return make_member(tree.branch_b, actor=admin_user, **CAST_MEMBERS["member_b"])


@pytest.fixture
def member_c(tree, admin_user):
    return make_member(tree.branch_c, actor=admin_user, **CAST_MEMBERS["member_c"])
