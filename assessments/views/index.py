"""The 考核评议 overview: the year's cycle for one organization's subtree, each part linking to its pages."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from core.scopes import can_write
from organizations.choices import MEMBER_HOLDING_KINDS
from organizations.regulations import regulation_figures

from ..choices import GradeCategory
from ..models import InspectionFinding
from ..selectors.agreements import agreement_figures, subtree_progress
from ..selectors.appraisals import appraisal_figures, rounds_for
from ..selectors.common import chosen_year, year_bounds
from ..selectors.inspections import inspection_figures
from ..selectors.meetings import life_meeting_figures
from ..selectors.ratings import rating_figures
from ..services.appraisals import grade_categories
from .common import chosen_org


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    org = chosen_org(request)
    year = chosen_year(request)
    start, end = year_bounds(year)
    today = dt.date.today()
    rounds = list(rounds_for(request.user).filter(year=year).select_related("organization"))
    # The year's own words for the categories (优秀、称职、不称职 where the round uses them).
    words = {c: label for c, label in GradeCategory.choices}
    if rounds:
        words.update({category: grade for grade, category in grade_categories(rounds[0].grades).items()})
    ratings = rating_figures(org, year)
    last_ratings = (
        None if ratings.townships_rated or ratings.villages_rated else rating_figures(org, year - 1)
    )
    return render(
        request,
        "assessments/index.html",
        {
            "org": org,
            "year": year,
            "years": [year - 1, year, year + 1],
            "agreements": agreement_figures(org, start, end),
            "progress": subtree_progress(org, year),
            "meetings": life_meeting_figures(org, start, end),
            "appraisal": appraisal_figures(org, start, end),
            "rounds": rounds,
            "words": words,
            "inspections": inspection_figures(org, start, end),
            "overdue": InspectionFinding.objects.within(org).overdue_on(today).count(),
            "ratings": ratings,
            "last_ratings": last_ratings,
            "regulations": regulation_figures(org, start, end),
            "keeps_members": org.kind in MEMBER_HOLDING_KINDS,
            # a branch or general branch: no committees below it, no parties' ranking of its own
            "below_committees": org.kind in ("BRANCH", "GENERAL_BRANCH"),
            "can_write": can_write(request.user),
            "breadcrumbs": [("考核评议", "")],
        },
    )


urls = [path("", index, name="index")]
