"""System checks of our own (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from core.fieldcrypto import keyring
from core.security import DEV_FIELD_ENCRYPTION_KEY, DEV_SECRET_KEY, field_key_is_development


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


@register(Tags.security)
def check_field_encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error | CheckWarning]:
    """FIELD_ENCRYPTION_KEYS parse (every check, so a typo is found before the first ID number is read)."""
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="partyorg.E003")]
    return []


@register(Tags.security, deploy=True)
def check_field_encryption_key(app_configs: Any, **kwargs: Any) -> list[Error | CheckWarning]:
    """A deployment must not encrypt ID numbers under the development key (the WSGI entry point refuses it too)."""
    if field_key_is_development():
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS 的当前密钥仍为开发用默认值，正式部署前请设置公民身份号码加密密钥"
                "（python manage.py rotate_id_key --generate）",
                id="partyorg.E002",
            )
        ]
    configured = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(configured, str):
        configured = configured.split(",")
    if any(k.strip().rstrip("=") == DEV_FIELD_ENCRYPTION_KEY.rstrip("=") for k in configured):
        return [
            CheckWarning(
                "FIELD_ENCRYPTION_KEYS 中仍保留开发用密钥：运行 python manage.py rotate_id_key 后将其删除",
                id="partyorg.W002",
            )
        ]
    return []
