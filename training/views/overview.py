"""The training area's overview: a subtree's training, lectures, AV education and 三会一课 in a period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.scopes import can_write
from organizations.choices import OrgKind
from organizations.models import Organization

from ..forms.overview import OverviewForm
from ..models import TrainingSession
from ..selectors.av import av_figures
from ..selectors.compliance import branch_compliance, compliance_branches, compliance_summary
from ..selectors.figures import members_person_times, training_figures
from ..selectors.lectures import lecture_figures
from .common import crumbs, nav


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Sessions and person-times by kind and level, lectures, AV coverage and compliance, for any subtree and period."""
    form = OverviewForm(request.GET or None, user=request.user)
    writer = can_write(request.user)
    context: dict[str, object] = {
        "form": form,
        "can_write": writer,
        "unrecorded": (
            TrainingSession.objects.editable_by(request.user).filter(attendances__isnull=True).count()
            if writer
            else 0
        ),
        "breadcrumbs": crumbs(("概览", "")),
        **nav("index"),
    }
    valid = form.is_valid() if form.is_bound else True
    if valid:
        if not form.is_bound:
            form.cleaned_data = {}
        org = form.organization() or Organization.objects.filter(parent__isnull=True).order_by("path").first()
        period = form.period
        today = timezone.localdate()
        if org is not None:
            as_of = min(period.end, today)
            rows = branch_compliance(compliance_branches(request.user, period, today, org), period, today)
            context.update(
                org=org,
                period=period,
                as_of=as_of,
                training=training_figures(org, period.start, period.end),
                members_attended=members_person_times(org, period.start, period.end),
                branch_level=org.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
                lectures=lecture_figures(org, period.start, period.end),
                av=av_figures(org, period.start, as_of),
                compliance=compliance_summary(rows),
            )
    return render(request, "training/index.html", context)


urls = [path("", index, name="index")]
