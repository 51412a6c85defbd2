"""The access records page (访问记录): exports, downloads and full-ID reveals, for the county and superusers."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from .access import may_view_access_records
from .filters import DateFromFilter, DateToFilter, ScopedFilterSet
from .lists import Column, Table, list_page
from .models import AccessKind, AccessRecord


class AccessRecordFilterSet(ScopedFilterSet):
    """Filters of the access records: user, kind, period."""

    who = django_filters.CharFilter(label="用户（账号或姓名）", max_length=150, method="filter_who")
    kind = django_filters.ChoiceFilter(label="类别", choices=AccessKind.choices, empty_label="全部")
    start = DateFromFilter("at", lookup_expr="date__gte", label="起始日期")
    end = DateToFilter("at", lookup_expr="date__lte", label="截止日期")

    class Meta:
        model = AccessRecord
        fields: list[str] = []

    def filter_who(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return queryset.filter(Q(username__iexact=term) | Q(user_name__contains=term)) if term else queryset


def access_record_list(*, user: Any, filters: AccessRecordFilterSet) -> QuerySet[AccessRecord]:
    """The records of the user's subtree (all for a superuser), narrowed by the filters."""
    return filters.filter_queryset(AccessRecord.objects.visible_to(user))


ACCESS_RECORD_TABLE = Table(
    columns=(
        Column("时间", key="at", order_by=("at",), export="at", nowrap=True),  # a date-time cell, local time
        Column("用户", key="user", order_by=("username",), export="username"),
        Column("姓名", export="user_name", phone=False),
        Column(
            "所属党组织", key="org", order_by=("organization_path",), export="organization_name", phone=False
        ),
        Column("类别", key="kind", export="get_kind_display", nowrap=True),
        Column("内容", export="what"),
        Column("筛选条件", export="filters", phone=False),
        Column("行数", key="rows", export="rows"),
        Column("IP 地址", export="ip", phone=False),
        Column("页面地址", export="page", phone=False),
        Column("查询参数", export="query", phone=False),
    ),
    row_template="core/access/_record_row.html",
    default_order=("-at", "-id"),
    export_name="访问记录",
    empty="暂无访问记录",
)


@login_required
@require_safe
def access_records(request: HttpRequest) -> HttpResponse:
    if not may_view_access_records(request.user):
        raise PermissionDenied("访问记录仅供系统管理员和县委组织部查看")
    filters = AccessRecordFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: access_record_list(user=request.user, filters=filters),
        table=ACCESS_RECORD_TABLE,
        template="core/access/record_list.html",
        context={"breadcrumbs": [("访问记录", "")]},
    )


urls = [
    path("access/", access_records, name="access"),
]
