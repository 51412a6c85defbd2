"""Pages of 民主评议党员: rounds, a branch's grade sheet, results, 不合格 follow-ups, team votes."""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.audit import history_for
from core.lists import list_page
from core.scopes import can_write, in_scope, scope_root, sees_everything
from core.views import form_page, get_visible_or_404, run_service, write_view
from organizations.choices import MEMBER_HOLDING_KINDS

from ..choices import GradeCategory
from ..filters import AppraisalFilterSet, FollowUpFilterSet
from ..forms import (
    CloseRoundForm,
    FollowUpConcludeForm,
    FollowUpDecideForm,
    GradeSheetForm,
    RoundForm,
    TeamVotesForm,
)
from ..models import AppraisalFollowUp, AppraisalRound, MemberAppraisal
from ..selectors.appraisals import (
    appraisal_list,
    follow_up_list,
    grade_sheet,
    round_progress,
    rounds_for,
    share_label,
    team_sheet,
)
from ..services.appraisals import (
    GradeEntry,
    TeamEntry,
    follow_up_conclude,
    follow_up_decide,
    grades_save,
    round_close,
    round_open,
    round_update,
    team_votes_save,
)
from ..tables import APPRAISAL_TABLE, FOLLOW_UP_TABLE
from .common import crumbs, org_or_404, page_context


def rounds_crumb() -> tuple[str, str]:
    return ("民主评议党员", reverse("assessments:round_list"))


def _round(request: HttpRequest, pk: int) -> AppraisalRound:
    """A round the user takes part in (run in their subtree or covering it); else 404."""
    try:
        return rounds_for(request.user).select_related("organization").get(pk=pk)
    except AppraisalRound.DoesNotExist:
        raise Http404("未找到该记录或无权查看") from None


def _may_run(user, round_: AppraisalRound) -> bool:  # type: ignore[no-untyped-def]
    return can_write(user) and in_scope(user, round_.organization)


@login_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(
        rounds_for(request.user).select_related("organization").order_by("-year", "organization__path")
    )
    return render(
        request,
        "assessments/appraisals/round_list.html",
        {"rounds": rounds, "can_write": can_write(request.user), "breadcrumbs": crumbs(("民主评议党员", ""))},
    )


@login_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's progress by branch (within the user's scope), the grades, the one-third warnings, team votes."""
    round_ = _round(request, pk)
    root = scope_root(request.user)
    within = None  # the whole round: run in the user's subtree
    if (
        not sees_everything(request.user)
        and root is not None
        and root.pk != round_.organization_id
        and root.path.startswith(round_.organization.path)
    ):
        within = root  # a committee or branch inside a wider round sees its own part
    progress = round_progress(round_, within)
    teams = round_.team_appraisals.select_related("organization")
    if within is not None:
        teams = teams.filter(organization__path__startswith=within.path)
    return render(
        request,
        "assessments/appraisals/round_detail.html",
        {
            "round": round_,
            "progress": progress,
            "within": within,
            "share": share_label(progress.share),
            "teams": teams.order_by("organization__path"),
            "editable": _may_run(request.user, round_),
            "can_write": can_write(request.user),
            "close_form": CloseRoundForm(initial={"closed_on": None}),
            "history": history_for(round_),
            "holding_kinds": MEMBER_HOLDING_KINDS,
            "breadcrumbs": crumbs(rounds_crumb(), (round_.title, "")),
        },
    )


@write_view
def round_new(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: round_open(
            actor=request.user,
            organization=data["organization"],
            year=data["year"],
            title=data["title"],
            grade_set=data["grade_set"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data["note"],
        ),
        title="组织民主评议党员",
        success="已开始民主评议，各党支部可录入评议等次",
        cancel_url=reverse("assessments:round_list"),
        context=page_context(
            "appraisals",
            rounds_crumb(),
            ("组织评议", ""),
            intro="评议等次按年度设置，默认“优秀、合格、基本合格、不合格”；沿用“优秀、称职、不称职”的，改为这三个等次即可。第一个等次按“优秀”统计，最后一个按“不合格”统计。",
        ),
    )


@write_view
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_visible_or_404(AppraisalRound.objects.select_related("organization"), request.user, pk=pk)
    form = RoundForm(request.POST or None, user=request.user, instance=copy.copy(round_))
    return form_page(
        request,
        form,
        save=lambda data: round_update(
            actor=request.user, round=round_, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改：{round_.title}",
        success="已保存",
        cancel_url=round_.get_absolute_url(),
        context=page_context(
            "appraisals", rounds_crumb(), (round_.title, round_.get_absolute_url()), ("修改", "")
        ),
    )


@write_view
@require_POST
def round_close_page(request: HttpRequest, pk: int) -> HttpResponse:
    """End the round (``closed_on``) or, with ``reopen``, open it again."""
    round_ = get_visible_or_404(AppraisalRound.objects.select_related("organization"), request.user, pk=pk)
    if request.POST.get("reopen"):
        round_close(actor=request.user, round=round_, closed_on=None)
        messages.success(request, "已重新开放评议")
        return redirect(round_)
    form = CloseRoundForm(request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: round_close(actor=request.user, round=round_, closed_on=form.cleaned_data["closed_on"]),
        )
        if done is not None:
            messages.success(request, "已结束评议，评议结果不能再修改")
            return redirect(round_)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(round_)


# --- a branch's grade sheet ------------------------------------------------------------------------


def _grades_page(
    request: HttpRequest, round_: AppraisalRound, code: str, form: GradeSheetForm | None = None
) -> HttpResponse:
    org = org_or_404(request, code)
    if not org.path.startswith(round_.organization.path):
        raise Http404("该党组织不在本次评议范围内")
    sheet = form.sheet if form is not None else grade_sheet(round_, org)
    form = form or GradeSheetForm(sheet=sheet)
    return render(
        request,
        "assessments/appraisals/grade_sheet.html",
        {
            "round": round_,
            "org": org,
            "sheet": sheet,
            "form": form,
            "share": share_label(sheet.share),
            "editable": round_.is_open and can_write(request.user) and in_scope(request.user, org),
            "breadcrumbs": crumbs(rounds_crumb(), (round_.title, round_.get_absolute_url()), (org.name, "")),
        },
    )


@login_required
@require_safe
def round_grades(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One branch's members and their grades, entered quickly (a select per member)."""
    return _grades_page(request, _round(request, pk), code)


@write_view
@require_POST
def round_grades_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = _round(request, pk)
    org = org_or_404(request, code)
    form = GradeSheetForm(request.POST, sheet=grade_sheet(round_, org))
    if form.is_valid():
        entries = [
            GradeEntry(member, grade, note, version) for member, grade, note, version in form.changed_rows()
        ]
        saved = run_service(
            form,
            lambda: grades_save(
                actor=request.user,
                round=round_,
                organization=org,
                entries=entries,
                appraised_on=form.cleaned_data["appraised_on"],
            ),
        )
        if saved is not None:
            messages.success(request, f"已保存评议结果：{saved}")
            after = grade_sheet(round_, org)
            if after.over_share:
                messages.warning(
                    request,
                    f"{org.name}评为{round_.grades[0]}的党员{after.excellent}名，"
                    f"超过参评党员（{after.appraised}名）的{share_label(after.share)}，请按比例从严掌握。",
                )
            return redirect("assessments:round_grades", round_.pk, org.code)
    return _grades_page(request, round_, code, form)


@write_view
def team_votes(request: HttpRequest, pk: int) -> HttpResponse:
    """Members' votes on the committees' and branches' teams (满意 / 基本满意 / 不满意)."""
    round_ = _round(request, pk)
    teams = team_sheet(round_, request.user)
    form = TeamVotesForm(request.POST or None, teams=teams)

    def save(data: dict) -> AppraisalRound:
        entries = [
            TeamEntry(
                org,
                data.get(f"satisfied_{org.pk}"),
                data.get(f"basic_{org.pk}"),
                data.get(f"dissatisfied_{org.pk}"),
                data.get(f"note_{org.pk}") or "",
                data.get(f"version_{org.pk}") or 0,
            )
            for org, _ in teams
        ]
        team_votes_save(actor=request.user, round=round_, entries=entries)
        return round_

    return form_page(
        request,
        form,
        save=save,
        title=f"班子民主测评：{round_.title}",
        success="已保存测评票数",
        cancel_url=round_.get_absolute_url(),
        template="assessments/appraisals/team_votes.html",
        context=page_context(
            "appraisals",
            rounds_crumb(),
            (round_.title, round_.get_absolute_url()),
            ("班子民主测评", ""),
            round=round_,
        ),
    )


# --- results and follow-ups ------------------------------------------------------------------------


@login_required
@require_safe
def appraisal_list_page(request: HttpRequest) -> HttpResponse:
    filters = AppraisalFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: appraisal_list(user=request.user, filters=filters),
        table=APPRAISAL_TABLE,
        template="assessments/appraisals/appraisal_list.html",
        context={"breadcrumbs": crumbs(rounds_crumb(), ("评议结果", ""))},
    )


@login_required
@require_safe
def follow_up_list_page(request: HttpRequest) -> HttpResponse:
    filters = FollowUpFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: follow_up_list(user=request.user, filters=filters),
        table=FOLLOW_UP_TABLE,
        template="assessments/appraisals/follow_up_list.html",
        context={
            "can_write": can_write(request.user),
            "today": dt.date.today(),
            "breadcrumbs": crumbs(rounds_crumb(), ("不合格党员处置", "")),
        },
    )


@write_view
def follow_up_new(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_visible_or_404(
        MemberAppraisal.objects.select_related("member", "organization", "round"), request.user, pk=pk
    )
    if appraisal.category != GradeCategory.UNQUALIFIED:
        raise Http404("该党员未被评为不合格")
    form = FollowUpDecideForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: follow_up_decide(
            actor=request.user,
            appraisal=appraisal,
            disposal=data["disposal"],
            decided_on=data["decided_on"],
            deadline=data["deadline"],
            document_no=data["document_no"],
            note=data["note"],
        ),
        title=f"不合格党员处置：{appraisal.member.name}",
        success=lambda f: f"已登记：{appraisal.member.name}{f.get_disposal_display()}",
        cancel_url=reverse("assessments:follow_up_list"),
        context=page_context(
            "appraisals",
            rounds_crumb(),
            ("不合格党员处置", reverse("assessments:follow_up_list")),
            (appraisal.member.name, ""),
            intro=f"{appraisal.member.name}（{appraisal.organization.name}）在{appraisal.round.title}中评为“{appraisal.grade}”。"
            "限期改正的，期满后登记是否改正；劝其退党、除名的，将同时办理出党登记（党员减少），须填写决定文号。",
            danger=True,
            submit_label="确认处置",
        ),
    )


def _follow_up(request: HttpRequest, pk: int) -> AppraisalFollowUp:
    return get_visible_or_404(
        AppraisalFollowUp.objects.select_related(
            "appraisal__member", "appraisal__round", "organization", "departure", "departure__organization"
        ),
        request.user,
        pk=pk,
    )


@login_required
@require_safe
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    return render(
        request,
        "assessments/appraisals/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "appraisal": follow_up.appraisal,
            "editable": can_write(request.user) and in_scope(request.user, follow_up.organization),
            "history": history_for(follow_up),
            "breadcrumbs": crumbs(
                rounds_crumb(),
                ("不合格党员处置", reverse("assessments:follow_up_list")),
                (str(follow_up), ""),
            ),
        },
    )


@write_view
def follow_up_conclude_page(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = FollowUpConcludeForm(request.POST or None, follow_up=follow_up)
    return form_page(
        request,
        form,
        save=lambda data: follow_up_conclude(
            actor=request.user,
            follow_up=follow_up,
            result=data["result"],
            day=data["day"],
            document_no=data["document_no"],
            note=data["note"],
            expected_version=form.loaded_version,
        ),
        title=f"限期改正期满：{follow_up.appraisal.member.name}",
        success=lambda f: f"已办结：{f.get_result_display()}",
        cancel_url=follow_up.get_absolute_url(),
        context=page_context(
            "appraisals",
            rounds_crumb(),
            ("不合格党员处置", reverse("assessments:follow_up_list")),
            (str(follow_up), follow_up.get_absolute_url()),
            ("办结", ""),
            intro=f"改正期限：{follow_up.deadline:%Y年%m月%d日}。" if follow_up.deadline else "",
        ),
    )


urls = [
    path("appraisals/", round_list, name="round_list"),
    path("appraisals/new/", round_new, name="round_new"),
    path("appraisals/results/", appraisal_list_page, name="appraisal_list"),
    path("appraisals/follow-ups/", follow_up_list_page, name="follow_up_list"),
    path("appraisals/follow-ups/<int:pk>/", follow_up_detail, name="follow_up_detail"),
    path("appraisals/follow-ups/<int:pk>/conclude/", follow_up_conclude_page, name="follow_up_conclude"),
    path("appraisals/results/<int:pk>/follow-up/", follow_up_new, name="follow_up_new"),
    path("appraisals/<int:pk>/", round_detail, name="round_detail"),
    path("appraisals/<int:pk>/edit/", round_edit, name="round_edit"),
    path("appraisals/<int:pk>/close/", round_close_page, name="round_close"),
    path("appraisals/<int:pk>/teams/", team_votes, name="team_votes"),
    path("appraisals/<int:pk>/grades/<str:code>/", round_grades, name="round_grades"),
    path("appraisals/<int:pk>/grades/<str:code>/save/", round_grades_save, name="round_grades_save"),
]
