"""View helpers shared by every app: scoped lookups, write guards, pagination, service errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .scopes import can_write
from .versioning import StaleRecord, VersionedForm

M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see; anything else is "not found", never "forbidden"."""
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined]
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404("未找到该记录或无权查看") from None


def write_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that changes data: log-in required, read-only roles get 403 on any method."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_write(request.user):
            raise PermissionDenied("当前账号为只读权限，不能修改数据")
        return view(request, *args, **kwargs)

    wrapper.writes_data = True  # type: ignore[attr-defined]  # read by the scope-matrix test
    return wrapper


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = 50) -> Page:
    """A database-side page of ``queryset`` (LIMIT/OFFSET plus one COUNT)."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def apply_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the named field where there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            # An ID number's uniqueness is checked on its keyed hash (core.fieldcrypto): show it on the number.
            field = field.removesuffix("_hash") if field.endswith("_hash") else field
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def run_service(form: Form, call: Callable[[], M]) -> M | None:
    """Call a service; a refusal lands on the form (None), anything else propagates (404, 403)."""
    try:
        return call()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        if isinstance(exc, StaleRecord) and isinstance(form, VersionedForm):
            form.show_current(
                exc.current
            )  # re-submitting re-applies the user's changes on the current record
        return None


def show_notices(request: HttpRequest, form: Form) -> None:
    """What a field changed in the user's input and they should check (a 15-digit ID number made 18, core.forms)."""
    for field in form.fields.values():
        if getattr(field, "notice", ""):
            messages.info(request, field.notice)


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], M],
    title: str,
    success: str | Callable[[M], str],
    cancel_url: str,
    next_url: Callable[[M], str] | None = None,
    template: str = "form_page.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The one way to write a form page: show ``form``; on a valid POST call ``save`` (a service).

    ``save`` gets the form's cleaned data and returns the saved record; a
    ``ValidationError`` it raises lands on the form (on the named field where
    there is one) and nothing is written; 404 and 403 propagate.  On success
    the user sees ``success`` and goes to ``next_url(record)`` (default: the
    record's own page).  The generic template takes ``title``, ``cancel_url``
    and, in ``context``, ``subnav`` (a template), ``active``, ``intro``,
    ``danger``, ``submit_label``, ``subtitle`` and ``breadcrumbs``.
    """
    if request.method == "POST" and form.is_valid():
        record = run_service(form, lambda: save(form.cleaned_data))
        if record is not None:
            messages.success(request, success(record) if callable(success) else success)
            show_notices(request, form)
            return redirect(next_url(record) if next_url else record.get_absolute_url())  # type: ignore[attr-defined]
    return render(
        request, template, {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})}
    )
