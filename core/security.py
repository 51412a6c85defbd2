"""Safe production defaults: the development key refused by the server, no-store on personal pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

#: The SECRET_KEY that ships in the code (settings' default): fine for `make run`, never for a server.
DEV_SECRET_KEY = "dev-insecure-partyorg-key-change-me"

DEV_KEY_REFUSED = (
    "SECRET_KEY 仍为开发用默认值，DEBUG=False 时拒绝启动：请在环境变量或 .env 中设置 SECRET_KEY"
    "（随机长字符串，如 python -c 'import secrets; print(secrets.token_urlsafe(50))' 的输出）"
)

#: The FIELD_ENCRYPTION_KEYS key that ships in the code (settings' default, base64 of a 32-byte phrase).
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktcGFydHlvcmctaWQta2V5LWNoYW5nZSE="

DEV_FIELD_KEY_REFUSED = (
    "FIELD_ENCRYPTION_KEYS 的当前密钥仍为开发用默认值，DEBUG=False 时拒绝启动：请在环境变量或 .env 中设置"
    "公民身份号码加密密钥（python manage.py rotate_id_key --generate 生成），并与备份分开妥善保管；"
    "已用开发密钥加密的数据，把开发密钥放在新密钥之后，启动后运行 python manage.py rotate_id_key"
)


def field_key_is_development() -> bool:
    """The current ID-number key (the first of FIELD_ENCRYPTION_KEYS) is the one that ships in the code."""
    configured = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(configured, str):
        configured = configured.split(",")
    current = next((k.strip() for k in configured if k.strip()), "")
    return current.rstrip("=") == DEV_FIELD_ENCRYPTION_KEY.rstrip("=")


def refuse_development_key() -> None:
    """Raise ImproperlyConfigured when a production server (DEBUG=False) would run on a development key.

    Called from the WSGI entry point (``partyorg/wsgi.py``), not from settings:
    the WSGI application is what gunicorn, uWSGI, mod_wsgi and ``runserver``
    (through ``WSGI_APPLICATION``) serve, so every server is covered, while the
    test suite (Django's test client and live server build their own handler),
    ``migrate``, ``check``, ``collectstatic`` and the task worker keep working
    with DEBUG off and no key set, as they do in CI and ``make test``.
    ``check --deploy`` reports the same key as partyorg.E001.
    """
    if not settings.DEBUG and settings.SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured(DEV_KEY_REFUSED)
    # The same for the key of the ID numbers at rest (core.fieldcrypto): as the current key, the
    # development one would encrypt real numbers under a key anyone with the code can read.  Kept as an
    # older key (after the real one) it only decrypts, until rotate_id_key has moved every row.
    if not settings.DEBUG and field_key_is_development():
        raise ImproperlyConfigured(DEV_FIELD_KEY_REFUSED)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user (pages, exports, downloads).

    Pages and files behind the log-in carry personal data (ID numbers, phone
    numbers, membership), so neither the browser nor a proxy may keep a copy
    (等保: no residual personal data on shared office machines).  Static files
    are served by WhiteNoise before this middleware and keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_static_prefix()):
            add_never_cache_headers(response)
        return response


def _static_prefix() -> str:
    """STATIC_URL as a path prefix ("/static/")."""
    url = settings.STATIC_URL or "/static/"
    return url if url.startswith(("/", "http")) else "/" + url
