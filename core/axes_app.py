"""django-axes's app, named 登录安全 in the admin, and the page a locked-out log-in gets.

Installed as ``core.axes_app.AxesConfig`` in place of ``"axes"``; the app
label stays ``axes``, so tables and migrations are unchanged. Its admin
(Chinese columns and an 解除锁定 action) is ``core.admin_axes``; its other
strings are in ``locale/zh_Hans``.
"""

from __future__ import annotations

from typing import Any

from axes.apps import AppConfig as BaseAxesConfig
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AxesConfig(BaseAxesConfig):
    verbose_name = "登录安全"


def client_ip(request: HttpRequest) -> str | None:
    """The address a lock is kept for (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless ``LOGIN_CLIENT_IP_HEADER`` names a header that the
    proxy in front sets itself (e.g. nginx's ``X-Real-IP`` as ``HTTP_X_REAL_IP``):
    behind a proxy every REMOTE_ADDR is the proxy's, and a lock would hold a
    user name for everyone. Never name a header clients can send unfiltered.
    """
    header = settings.LOGIN_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    """The message of a locked-out log-in, with the lock's length from the settings."""
    from axes.helpers import get_cool_off  # not at import time: this module is an AppConfig

    cool_off = get_cool_off()
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return f"登录失败次数过多，账号已锁定{minutes}分钟，请稍后再试或联系管理员解锁"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The log-in page again, with the lock-out message instead of "wrong password" (``AXES_LOCKOUT_CALLABLE``).

    The form is unbound: binding it would authenticate again and count another failure.
    """
    from django.contrib.auth.forms import AuthenticationForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "lockout_message": lockout_message(),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
