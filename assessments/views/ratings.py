"""Pages of 三级联创: the ratings list, who is still to be rated, rating an organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope, scope_root, sees_everything
from core.views import form_page, get_visible_or_404, write_view

from ..filters import RatingFilterSet
from ..forms import RatingForm
from ..models import StarRating
from ..selectors.common import chosen_year
from ..selectors.ratings import rating_list, unrated
from ..services.ratings import rating_record, rating_update, standard_for
from ..tables import RATING_TABLE
from .common import crumbs, org_or_404, page_context


def ratings_crumb() -> tuple[str, str]:
    return ("三级联创", reverse("assessments:rating_list"))


def _rates(user, org) -> bool:  # type: ignore[no-untyped-def]
    """The level above rates: a user whose own organization is the one rated does not."""
    root = scope_root(user)
    return (
        can_write(user)
        and in_scope(user, org)
        and (sees_everything(user) or (root is not None and root.pk != org.pk))
    )


@login_required
@require_safe
def rating_list_page(request: HttpRequest) -> HttpResponse:
    filters = RatingFilterSet(request.GET, user=request.user)
    year = chosen_year(request)
    waiting = list(unrated(request.user, year)[:300]) if can_write(request.user) else []
    return list_page(
        request,
        filters=filters,
        rows=lambda: rating_list(user=request.user, filters=filters),
        table=RATING_TABLE,
        template="assessments/ratings/rating_list.html",
        context={"waiting": waiting, "year": year, "breadcrumbs": crumbs(("三级联创", ""))},
    )


@write_view
def rating_new(request: HttpRequest, code: str) -> HttpResponse:
    org = org_or_404(request, code)
    standard = standard_for(org)
    if standard is None or not _rates(request.user, org):
        raise PermissionDenied("三级联创由上级党组织评定乡镇党委（“六个好”）和村党支部（“五个好”）")
    form = RatingForm(request.POST or None, standard=standard)
    return form_page(
        request,
        form,
        save=lambda data: rating_record(
            actor=request.user,
            organization=org,
            year=data["year"],
            criteria=data["criteria"],
            result=data["result"],
            rated_on=data["rated_on"],
            note=data["note"],
        ),
        title=f"三级联创评定：{org.name}",
        success="已登记评定结果",
        cancel_url=reverse("assessments:rating_list"),
        next_url=lambda r: reverse("assessments:rating_list"),
        context=page_context(
            "ratings",
            ratings_crumb(),
            (org.name, ""),
            intro="逐项勾选达到的标准：全部达到为“达标”，差一项为“基本达标”。",
        ),
    )


def _rating(request: HttpRequest, pk: int) -> StarRating:
    return get_visible_or_404(StarRating.objects.select_related("organization"), request.user, pk=pk)


@login_required
@require_safe
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = _rating(request, pk)
    return render(
        request,
        "assessments/ratings/rating_detail.html",
        {
            "rating": rating,
            "editable": _rates(request.user, rating.organization),
            "history": history_for(rating),
            "breadcrumbs": crumbs(ratings_crumb(), (str(rating), "")),
        },
    )


@write_view
def rating_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rating = _rating(request, pk)
    if not _rates(request.user, rating.organization):
        raise PermissionDenied("三级联创评定由上级党组织登记")
    form = RatingForm(request.POST or None, standard=rating.standard, rating=rating)
    return form_page(
        request,
        form,
        save=lambda data: rating_update(
            actor=request.user, rating=rating, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改评定：{rating}",
        success="已保存",
        cancel_url=rating.get_absolute_url(),
        context=page_context(
            "ratings", ratings_crumb(), (str(rating), rating.get_absolute_url()), ("修改", "")
        ),
    )


urls = [
    path("ratings/", rating_list_page, name="rating_list"),
    path("ratings/new/<str:code>/", rating_new, name="rating_new"),
    path("ratings/<int:pk>/", rating_detail, name="rating_detail"),
    path("ratings/<int:pk>/edit/", rating_edit, name="rating_edit"),
]
