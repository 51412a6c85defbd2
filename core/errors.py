"""The project's own error pages — 未找到, 无权操作, 请求无效, 系统正忙, 系统错误 — also under DEBUG=True.

Django shows its technical pages (URL patterns, tracebacks, settings) whenever
DEBUG is on, and ``make run`` runs with DEBUG on for static files and
reloading.  A clerk trying the demo should still see the 未找到 page, so
:class:`ErrorPagesMiddleware` renders the project's pages under DEBUG too;
the technical pages come back only with ``DEBUG_PAGES=True``.  Tracebacks
are still logged to the console (``django.request``), as Django logs them.

400, 500 and 503 pages are rendered without the request: they must work when
the database, the session or the user lookup is what failed.

A lock another transaction held too long (a big import's write pass; see
``core.dblocks``) is not a fault: the request gets 503 系统正忙，请稍后重试
with ``Retry-After``, whatever DEBUG says, and its transaction was rolled
back, so nothing of it was saved.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.views import csrf, defaults
from django.views.decorators.csrf import requires_csrf_token

from .dblocks import is_busy

#: Seconds a browser (or a script) is told to wait before trying again after a 503.
RETRY_AFTER = 5

request_logger = logging.getLogger("django.request")


def _plain_page(template_name: str, status: int) -> HttpResponse:
    """A page rendered with no request context: no session, no user, no database."""
    body = loader.get_template(template_name).render({"static_url": settings.STATIC_URL})
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return defaults.page_not_found(request, exception or Http404())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return defaults.permission_denied(request, exception or PermissionDenied())


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _plain_page("400.html", 400)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the 500 handler while handling the exception, so it is still at hand here:
    # an exception from a middleware (a session saved while an import holds the lock) lands here too.
    if is_busy(sys.exc_info()[1]):
        return service_busy(request)
    return _plain_page("500.html", 500)


def service_busy(request: HttpRequest | None = None) -> HttpResponse:
    """503 系统正忙，请稍后重试: another transaction held the lock longer than this request waits."""
    response = _plain_page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that expired (or from elsewhere): say so, and how to go on."""
    if settings.DEBUG and getattr(settings, "DEBUG_PAGES", False):
        return csrf.csrf_failure(request, reason)
    return render(request, "403_csrf.html", status=403)


def _friendly_pages_wanted() -> bool:
    return settings.DEBUG and not getattr(settings, "DEBUG_PAGES", False)


class ErrorPagesMiddleware:
    """Under DEBUG, answer with the project's error pages instead of Django's technical ones.

    Does nothing when DEBUG is off (Django's handlers already render our
    templates) or when DEBUG_PAGES is on.  Listed last in MIDDLEWARE, so it
    sees a view's exception first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and _friendly_pages_wanted()
        ):
            # No URL pattern matched: Django answered with its technical 404.
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_busy(exception):
            # Not a fault, so never the technical page: logged as a warning, with the traceback.
            request_logger.warning(
                "Service Unavailable (database busy): %s",
                request.path,
                exc_info=exception,
                extra={"request": request},
            )
            return _logged(service_busy(request))
        if not _friendly_pages_wanted():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)  # Django logs the 404 response as usual
        if isinstance(exception, PermissionDenied):
            return None  # Django renders 403.html whatever DEBUG says
        if isinstance(exception, SuspiciousOperation | BadRequest | MultiPartParserError):
            logger = request_logger
            if isinstance(exception, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{exception.__class__.__name__}")
            logger.warning("Bad Request: %s", request.path, exc_info=exception, extra={"request": request})
            return _logged(bad_request(request, exception))
        # Logged with its traceback, as Django does, so the console still shows what broke.
        request_logger.error(
            "Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request}
        )
        signals.got_request_exception.send(sender=None, request=request)
        return _logged(server_error(request))


def _logged(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as logged, so Django does not log it a second time without the traceback."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
