"""Safe production defaults: the development key, HTTPS settings, no-store, the demo banner, `make serve`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.demo_accounts import DEMO_GROUP, demo_accounts_exist, mark_demo_account
from core.fieldcrypto import generate_key
from core.security import DEV_FIELD_ENCRYPTION_KEY, DEV_FIELD_KEY_REFUSED, DEV_KEY_REFUSED, DEV_SECRET_KEY
from organizations.choices import Role
from organizations.demo import users as demo_users
from tests.factories import make_tree, make_user

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: A real key for the ID numbers at rest (core.fieldcrypto), as a deployment sets it.
FIELD_KEY = generate_key()

#: What `.ci/run` deploys with: every HTTPS setting on, a random key, a real host name.
PRODUCTION_ENV = {
    "DEBUG": "False",
    "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
    "ALLOWED_HOSTS": "dj.example.gov.cn",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "SECURE_COOKIES": "True",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def _run(args: list[str], env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess[str]:
    """``args`` in the project directory with only ``env`` on top of a clean environment."""
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests (Playwright) in this process; check --deploy refuses it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not k.startswith("SECURE_")
    }
    return subprocess.run(
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=timeout
    )


def _setting(env: dict[str, str], expr: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='partyorg.settings'; django.setup(); "
        f"from django.conf import settings as s; print({expr})"
    )
    out = _run([sys.executable, "-c", code], env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _random_key() -> str:
    return secrets.token_urlsafe(50)


# --- the development key --------------------------------------------------------------------------------


def test_the_default_secret_key_is_the_development_key():
    assert _setting({}, "s.SECRET_KEY") == DEV_SECRET_KEY


def test_gunicorn_refuses_to_start_on_the_development_key():
    out = _run(
        [str(BIN / "gunicorn"), "partyorg.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        {"DEBUG": "False"},
    )
    assert out.returncode != 0
    assert DEV_KEY_REFUSED in out.stderr


def test_runserver_refuses_to_start_on_the_development_key_without_debug():
    out = _run([sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:0"], {"DEBUG": "False"})
    assert out.returncode != 0
    assert DEV_KEY_REFUSED in out.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "False", "SECRET_KEY": "a-real-random-key-" + "x" * 40, "FIELD_ENCRYPTION_KEYS": FIELD_KEY},
        # Moving off the development ID key: it stays after the real one until rotate_id_key has run.
        {
            "DEBUG": "False",
            "SECRET_KEY": "a-real-random-key-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": f"{FIELD_KEY},{DEV_FIELD_ENCRYPTION_KEY}",
        },
        {"DEBUG": "True"},
    ],
    ids=["own keys", "development ID key kept as the older key", "development server"],
)
def test_the_wsgi_application_loads_with_a_real_key_or_under_debug(env):
    out = _run([sys.executable, "-c", "import partyorg.wsgi"], env)
    assert out.returncode == 0, out.stderr


def test_gunicorn_refuses_to_start_on_the_development_id_number_key():
    out = _run(
        [str(BIN / "gunicorn"), "partyorg.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        {"DEBUG": "False", "SECRET_KEY": _random_key()},
    )
    assert out.returncode != 0
    assert DEV_FIELD_KEY_REFUSED in out.stderr


def test_runserver_refuses_to_start_on_the_development_id_number_key_without_debug():
    out = _run(
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:0"],
        {"DEBUG": "False", "SECRET_KEY": _random_key(), "FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY},
    )
    assert out.returncode != 0
    assert DEV_FIELD_KEY_REFUSED in out.stderr


def test_the_default_id_number_key_is_the_development_key():
    assert _setting({}, "s.FIELD_ENCRYPTION_KEYS") == f"['{DEV_FIELD_ENCRYPTION_KEY}']"


def test_check_deploy_fails_on_the_development_id_number_key():
    out = _run(
        [sys.executable, "manage.py", "check", "--deploy"],
        {**PRODUCTION_ENV, "SECRET_KEY": _random_key(), "FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY},
    )
    assert out.returncode != 0
    assert "partyorg.E002" in out.stderr


def test_an_id_number_key_that_is_not_32_bytes_of_base64_is_refused_by_every_check():
    out = _run([sys.executable, "manage.py", "check"], {"FIELD_ENCRYPTION_KEYS": "too-short"})
    assert out.returncode != 0
    assert "partyorg.E003" in out.stderr and "密钥无效" in out.stderr


def test_management_commands_still_run_on_the_development_key():
    """migrate, collectstatic, check and the task worker are not servers: CI and `make test` run them as they are."""
    out = _run([sys.executable, "manage.py", "check"], {"DEBUG": "False"})
    assert out.returncode == 0, out.stderr


# --- HTTPS settings and check --deploy -------------------------------------------------------------------


def test_https_settings_are_off_by_default_for_a_local_run():
    values = _setting(
        {},
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER",
    )
    assert values == "False 0 False False None"


def test_https_settings_come_from_the_environment():
    values = _setting(
        PRODUCTION_ENV,
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER",
    )
    assert values == "True 31536000 True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_proxy_header_without_its_value_is_refused():
    out = _run([sys.executable, "manage.py", "check"], {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"})
    assert out.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in out.stderr


def test_check_deploy_passes_with_production_settings():
    out = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "SECRET_KEY": _random_key()},
    )
    assert out.returncode == 0, out.stderr


def test_check_deploy_fails_on_the_development_key():
    out = _run([sys.executable, "manage.py", "check", "--deploy"], PRODUCTION_ENV)
    assert out.returncode != 0
    assert "partyorg.E001" in out.stderr


# --- Cache-Control: no-store -----------------------------------------------------------------------------


def test_pages_for_a_logged_in_user_are_not_stored(client, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_exports_with_personal_data_are_not_stored(client, county_staff, member_a):
    client.force_login(county_staff)
    response = client.get(reverse("members:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_cache_headers(client, county_staff):
    client.force_login(county_staff)
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_log_in_page_of_an_anonymous_visitor_is_left_to_django(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200  # Django's own never_cache on the log-in view, nothing added by us


# --- the 演示数据 banner ---------------------------------------------------------------------------------


@pytest.fixture
def no_cached_answer():
    cache.delete("core:demo-accounts-exist")
    yield
    cache.delete("core:demo-accounts-exist")


def test_no_banner_without_demo_accounts(client, county_staff, no_cached_answer):
    client.force_login(county_staff)
    assert "演示数据" not in client.get(reverse("home")).content.decode()


def test_every_page_shows_the_banner_while_demo_accounts_exist(client, county_staff, no_cached_answer):
    mark_demo_account(make_user("county_staff_demo", Role.COUNTY_STAFF, county_staff.organization))
    assert 'id="demo-banner"' in client.get(reverse("login")).content.decode()
    client.force_login(county_staff)
    assert 'id="demo-banner"' in client.get(reverse("home")).content.decode()
    assert 'id="demo-banner"' in client.get(reverse("members:list")).content.decode()


def test_the_admin_shows_the_banner_too(client, admin_user, no_cached_answer):
    assert 'id="demo-banner"' not in client.get(reverse("admin:login")).content.decode()
    cache.delete("core:demo-accounts-exist")
    mark_demo_account(admin_user)
    assert 'id="demo-banner"' in client.get(reverse("admin:login")).content.decode()
    client.force_login(admin_user)
    assert 'id="demo-banner"' in client.get(reverse("admin:index")).content.decode()


def test_the_banner_costs_one_query_then_none(county_staff, no_cached_answer, django_assert_num_queries):
    with django_assert_num_queries(1):  # is any user in the group 演示账号?
        assert demo_accounts_exist() is False
    with django_assert_num_queries(0):  # the cached answer
        assert demo_accounts_exist() is False


def test_the_demo_seed_marks_its_accounts(db, no_cached_answer):
    builder = make_user("builder", Role.ADMIN, None, is_superuser=True)
    make_tree(builder)
    ctx = SimpleNamespace(actor=None, users={}, log=lambda message: None)
    demo_users.build(ctx)
    marked = set(ctx.users)
    assert marked == {spec.key for spec in demo_users.DEMO_USERS}
    for user in ctx.users.values():
        assert user.groups.filter(name=DEMO_GROUP).exists(), user.username
    assert not builder.groups.exists()
    assert demo_accounts_exist() is True


# --- make serve ------------------------------------------------------------------------------------------


def test_make_serve_never_seeds_demo_data():
    out = _run(["make", "-n", "serve"], {})
    assert out.returncode == 0, out.stderr
    assert "gunicorn" in out.stdout
    assert "seed_demo" not in out.stdout


def test_make_run_still_seeds_an_empty_database():
    out = _run(["make", "-n", "run"], {})
    assert "seed_demo --if-empty" in out.stdout
