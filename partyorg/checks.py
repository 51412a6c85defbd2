"""System checks of our own (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from core.security import DEV_SECRET_KEY


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A deployment must not run on the development SECRET_KEY that ships in the code.

    The WSGI entry point refuses it too (core.security.refuse_development_key); this
    check says so earlier, in `check --deploy`, whatever DEBUG is.
    """
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY 仍为开发用默认值，正式部署前请在环境变量或 .env 中设置随机长字符串",
                id="partyorg.E001",
            )
        ]
    return []
