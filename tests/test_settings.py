"""Settings come from the environment, with safe local defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_subprocess(env: dict[str, str], expr: str) -> str:
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='partyorg.settings'; django.setup(); from django.conf import settings as s; print({expr})"
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_locale_and_time_zone_are_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_sqlite_default_waits_for_writers_instead_of_failing():
    options = _settings_in_subprocess(
        {}, "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']"
    )
    assert "sqlite3" in options
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "journal_mode=WAL" in options
    assert "'timeout': 5" in options  # SQLITE_BUSY_TIMEOUT: a web save waits 5 s, then the 503 page


def test_database_url_switches_to_postgresql_without_code_change():
    engine = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/partyorg"}, "s.DATABASES['default']['ENGINE']"
    )
    assert engine == "django.db.backends.postgresql"


def test_debug_is_off_unless_asked_for():
    assert _settings_in_subprocess({}, "s.DEBUG") == "False"
    assert _settings_in_subprocess({"DEBUG": "True"}, "s.DEBUG") == "True"


def test_no_template_or_static_file_loads_from_the_internet():
    offenders = []
    for folder in ("templates", "organizations", "members", "dues", "training", "assessments", "reports"):
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if "http://" in text or "https://" in text or "//cdn" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_deploy_check_refuses_the_development_secret_key(settings):
    from partyorg.checks import DEV_SECRET_KEY, check_secret_key

    settings.SECRET_KEY = DEV_SECRET_KEY
    assert [e.id for e in check_secret_key(None)] == ["partyorg.E001"]
    settings.SECRET_KEY = "a-real-random-key-" + "x" * 40
    assert check_secret_key(None) == []
