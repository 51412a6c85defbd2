"""The member-import history (导入记录): every upload in the user's scope, on the list idiom."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.lists import list_page
from core.scopes import can_write

from ..filters import ImportJobFilterSet
from ..selectors.imports import import_job_list
from ..tables import IMPORT_JOB_TABLE


@login_required
@require_safe
def import_jobs(request: HttpRequest) -> HttpResponse:
    filters = ImportJobFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: import_job_list(user=request.user, filters=filters),
        table=IMPORT_JOB_TABLE,
        template="members/imports/job_list.html",
        context={
            "can_import": can_write(request.user),
            "breadcrumbs": [("党员名册", reverse("members:list")), ("导入记录", "")],
        },
    )


urls = [path("import/jobs/", import_jobs, name="import_jobs")]
