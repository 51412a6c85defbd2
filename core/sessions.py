"""Session time limits: a log-in ends after ``SESSION_IDLE_MINUTES`` idle or ``SESSION_MAX_HOURS`` in all.

The session keeps two timestamps: when the user logged in (stamped by the
``user_logged_in`` signal, so a fresh log-in in an old session restarts the
clock) and when they were last seen. :class:`SessionTimeoutMiddleware`
checks both on every request, logs the user out and sends them to the
log-in page with a message saying why. ``SESSION_COOKIE_AGE`` is the idle
limit too, so an abandoned session's row expires in the store by itself.

"Last seen" is written at most once a minute: the session is not saved on
every request (SQLite takes one write lock for the whole database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
#: "Last seen" is refreshed at most this often (a session write per request would be a database write).
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def absolute_limit() -> dt.timedelta:
    return dt.timedelta(hours=settings.SESSION_MAX_HOURS)


def _stamp(session: Any, key: str, now: dt.datetime) -> None:
    session[key] = now.timestamp()


def _read(session: Any, key: str) -> dt.datetime | None:
    value = session.get(key)
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


@receiver(user_logged_in, dispatch_uid="core.sessions.stamp_login")
def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Start the session's clocks at log-in (login() has already given it a new key)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = timezone.now()
    _stamp(session, LOGIN_AT, now)
    _stamp(session, SEEN_AT, now)


def expiry_reason(session: Any, now: dt.datetime) -> str | None:
    """Why this session's log-in has ended (a message for the log-in page), or None while it holds."""
    login_at, seen_at = _read(session, LOGIN_AT), _read(session, SEEN_AT)
    if login_at is not None and now - login_at >= absolute_limit():
        return f"登录已超过{settings.SESSION_MAX_HOURS}小时，请重新登录"
    if seen_at is not None and now - seen_at >= idle_limit():
        return f"已超过{settings.SESSION_IDLE_MINUTES}分钟未操作，登录已失效，请重新登录"
    return None


class SessionTimeoutMiddleware:
    """Logs out a session past its idle or absolute limit; place it after the auth and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            reason = expiry_reason(request.session, now)
            if reason:
                logout(request)  # flushes the session: the old key is gone from the store
                messages.warning(request, reason)
                return redirect_to_login(request.get_full_path())
            session = request.session
            if _read(session, LOGIN_AT) is None:
                # A session from before this middleware (or a test's force_login): its clock starts now.
                _stamp(session, LOGIN_AT, now)
            seen_at = _read(session, SEEN_AT)
            if seen_at is None or now - seen_at >= SEEN_RESOLUTION:
                _stamp(session, SEEN_AT, now)  # also moves the cookie's and the store's expiry on
        return self.get_response(request)
