"""Reads of the member-import history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..filters import ImportJobFilterSet
from ..models import ImportJob


def import_job_list(*, user: Any, filters: ImportJobFilterSet) -> QuerySet[ImportJob]:
    """The uploads made in the user's scope, narrowed by ``filters``."""
    return filters.filter_queryset(ImportJob.objects.visible_to(user).select_related("created_by"))
