"""Pages of party publication subscriptions (党刊征订)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.lists import list_page
from core.scopes import can_write
from core.views import form_page, get_visible_or_404, write_view

from ..filters import SubscriptionFilterSet
from ..forms.meetings import SubscriptionForm
from ..models import Subscription
from ..selectors.meetings import subscription_list, subscription_totals
from ..services.publications import subscription_create, subscription_update
from ..tables import SUBSCRIPTION_TABLE
from .common import crumbs, nav


@login_required
@require_safe
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    filters = SubscriptionFilterSet(request.GET, user=request.user)
    rows = (
        subscription_list(user=request.user, filters=filters)
        if filters.valid
        else Subscription.objects.none()
    )
    return list_page(
        request,
        filters=filters,
        rows=lambda: rows,
        table=SUBSCRIPTION_TABLE,
        template="training/publications/subscription_list.html",
        context={
            "by_publication": subscription_totals(rows),
            "totals": rows.aggregate(copies=Sum("copies"), amount=Sum("amount")),
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(("党刊征订", "")),
            **nav("publications"),
        },
    )


@write_view
def subscription_new(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: subscription_create(actor=request.user, **data),
        title="登记党刊征订",
        success="已登记征订",
        cancel_url=reverse("training:subscription_list"),
        next_url=lambda s: reverse("training:subscription_list"),
        context={
            "breadcrumbs": crumbs(("党刊征订", reverse("training:subscription_list")), ("登记", "")),
            **nav("publications"),
        },
    )


@write_view
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_visible_or_404(
        Subscription.objects.select_related("organization", "publication"), request.user, pk=pk
    )
    form = SubscriptionForm(request.POST or None, user=request.user, instance=subscription)
    return form_page(
        request,
        form,
        save=lambda data: subscription_update(
            actor=request.user,
            subscription=subscription,
            expected_version=form.loaded_version,
            **form.edits(),
        ),
        title="修改党刊征订",
        success="已保存",
        cancel_url=reverse("training:subscription_list"),
        next_url=lambda s: reverse("training:subscription_list"),
        context={
            "subtitle": f"{subscription.organization.name} · {subscription}",
            "breadcrumbs": crumbs(
                ("党刊征订", reverse("training:subscription_list")), (str(subscription), "")
            ),
            **nav("publications"),
        },
    )


urls = [
    path("publications/", subscription_list_view, name="subscription_list"),
    path("publications/new/", subscription_new, name="subscription_new"),
    path("publications/<int:pk>/edit/", subscription_edit, name="subscription_edit"),
]
