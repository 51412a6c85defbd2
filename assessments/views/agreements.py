"""Pages of 目标管理责任书: templates, the two bulk screens, the roster, one agreement, scoring, ranking, printing."""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import record_access
from core.audit import history_for
from core.lists import list_page
from core.models import AccessKind
from core.scopes import can_write, in_scope
from core.sheets import Sheet, write_workbook
from core.views import form_page, get_visible_or_404, run_service, write_view
from core.xlsx import xlsx_response
from organizations.choices import MEMBER_HOLDING_KINDS

from ..choices import AgreementLevel
from ..filters import AgreementFilterSet, RosterFilterSet, TemplateFilterSet
from ..forms import (
    AgreementEditForm,
    AgreementItemsForm,
    IssueOrgsForm,
    MemberSheetForm,
    ScoreForm,
    TemplateForm,
)
from ..models import AgreementTemplate, AssessmentScore, TargetAgreement
from ..selectors.agreements import (
    agreement_list,
    member_roster,
    member_sheet,
    ranking,
    subtree_progress,
    template_list,
    templates_for,
)
from ..selectors.common import chosen_year
from ..services.agreements import (
    agreement_score,
    agreement_set_items,
    agreement_update,
    agreements_exempt,
    agreements_issue_to_members,
    agreements_issue_to_orgs,
    agreements_sign,
    agreements_unexempt,
    grade_bands,
    template_create,
    template_update,
)
from ..tables import AGREEMENT_TABLE, ROSTER_TABLE, TEMPLATE_TABLE
from .common import crumbs, org_or_404, page_context

AGREEMENTS = ("目标管理责任书", "")


def agreements_crumb() -> tuple[str, str]:
    return ("目标管理责任书", reverse("assessments:agreement_list"))


# --- templates -------------------------------------------------------------------------------------


@login_required
@require_safe
def template_list_page(request: HttpRequest) -> HttpResponse:
    filters = TemplateFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: filters.filter_queryset(template_list(request.user)),
        table=TEMPLATE_TABLE,
        template="assessments/agreements/template_list.html",
        context={
            "can_write": can_write(request.user),
            "breadcrumbs": crumbs(agreements_crumb(), ("责任书模板", "")),
        },
    )


def _template(request: HttpRequest, pk: int) -> AgreementTemplate:
    return get_visible_or_404(AgreementTemplate.objects.select_related("organization"), request.user, pk=pk)


@login_required
@require_safe
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    return render(
        request,
        "assessments/agreements/template_detail.html",
        {
            "template": template,
            "items": template.items.all(),
            "issued": template.agreements.count(),
            "editable": can_write(request.user) and in_scope(request.user, template.organization),
            "history": history_for(template),
            "breadcrumbs": crumbs(
                agreements_crumb(), ("责任书模板", reverse("assessments:template_list")), (template.title, "")
            ),
        },
    )


@write_view
def template_new(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: template_create(
            actor=request.user,
            organization=data["organization"],
            year=data["year"],
            level=data["level"],
            title=data["title"],
            note=data["note"],
            items=data["items"],
        ),
        title="新建责任书模板",
        success="已保存模板，可用它为下级党组织或党员批量生成责任书",
        cancel_url=reverse("assessments:template_list"),
        template="assessments/agreements/template_form.html",
        context=page_context(
            "agreements",
            agreements_crumb(),
            ("责任书模板", reverse("assessments:template_list")),
            ("新建", ""),
            intro="目标任务逐项填写分值和考核方式；年终考核按百分制折算等次。生成责任书时复制模板的目标任务，之后修改模板不影响已生成的责任书。",
        ),
    )


@write_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = TemplateForm(request.POST or None, user=request.user, instance=copy.copy(template))
    return form_page(
        request,
        form,
        save=lambda data: template_update(
            actor=request.user,
            template=template,
            title=data["title"],
            note=data["note"],
            items=data["items"],
            expected_version=form.loaded_version,
        ),
        title=f"修改模板：{template.title}",
        success="已保存模板（已生成的责任书不受影响）",
        cancel_url=template.get_absolute_url(),
        template="assessments/agreements/template_form.html",
        context=page_context(
            "agreements",
            agreements_crumb(),
            (template.title, template.get_absolute_url()),
            ("修改", ""),
        ),
    )


# --- lists -----------------------------------------------------------------------------------------


@login_required
@require_safe
def agreement_list_page(request: HttpRequest) -> HttpResponse:
    filters = AgreementFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: agreement_list(user=request.user, filters=filters),
        table=AGREEMENT_TABLE,
        template="assessments/agreements/agreement_list.html",
        context={
            "can_write": can_write(request.user),
            "year": chosen_year(request),
            "breadcrumbs": crumbs(AGREEMENTS),
        },
    )


@login_required
@require_safe
def roster_page(request: HttpRequest) -> HttpResponse:
    filters = RosterFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: member_roster(user=request.user, filters=filters),
        table=ROSTER_TABLE,
        template="assessments/agreements/roster.html",
        context={
            "year": int(filters.values.get("year") or dt.date.today().year),
            "breadcrumbs": crumbs(agreements_crumb(), ("党员签订名册", "")),
        },
    )


# --- the organizations' screen: parties, their agreements and their members' signing -----------------


def _org_sheet_page(
    request: HttpRequest, code: str, year: int, form: IssueOrgsForm | None = None
) -> HttpResponse:
    org = org_or_404(request, code)
    progress = subtree_progress(org, year)
    form = form or IssueOrgsForm(templates=templates_for(org, year, AgreementLevel.ORGANIZATION))
    return render(
        request,
        "assessments/agreements/org_sheet.html",
        {
            "org": org,
            "year": year,
            "progress": progress,
            "form": form,
            "editable": can_write(request.user) and in_scope(request.user, org),
            "years": [year - 1, year, year + 1],
            "keeps_members": org.kind in MEMBER_HOLDING_KINDS,
            "breadcrumbs": crumbs(agreements_crumb(), (f"{org.name} · {year}年度签订情况", "")),
        },
    )


@login_required
@require_safe
def org_sheet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Signing progress of an organization's subtree: its parties' agreements and how their members signed."""
    return _org_sheet_page(request, code, year)


@write_view
@require_POST
def org_sheet_apply(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Issue the parties' agreements (the ticked ones, or all without one) or record their signing."""
    org = org_or_404(request, code)
    form = IssueOrgsForm(request.POST, templates=templates_for(org, year, AgreementLevel.ORGANIZATION))
    back = reverse("assessments:org_sheet", args=[code, year])
    if form.is_valid():
        progress = subtree_progress(org, year)
        picked = set(form.picked())
        chosen = [r for r in progress.rows if r.org.pk in picked]
        if request.POST.get("action") == "sign":
            rows = [r.agreement for r in chosen if r.agreement is not None]
            done = run_service(
                form,
                lambda: agreements_sign(
                    actor=request.user, agreements=rows, signed_on=form.cleaned_data["signed_on"]
                ),
            )
            if done is not None:
                messages.success(request, f"已登记{done}份责任书的签订日期")
                return redirect(back)
        else:
            parties = (
                [r.org for r in chosen if r.agreement is None]
                if chosen
                else [r.org for r in progress.to_issue]
            )
            issued = run_service(
                form,
                lambda: agreements_issue_to_orgs(
                    actor=request.user,
                    organization=org,
                    year=year,
                    template=form.cleaned_data["template"],
                    parties=parties,
                    signed_on=form.cleaned_data["signed_on"],
                ),
            )
            if issued is not None:
                messages.success(request, f"已为{len(issued)}个党组织生成{year}年度目标管理责任书")
                return redirect(back)
    return _org_sheet_page(request, code, year, form)


# --- a branch's members on one screen --------------------------------------------------------------


def _member_sheet_page(
    request: HttpRequest, code: str, year: int, form: MemberSheetForm | None = None
) -> HttpResponse:
    org = org_or_404(request, code)
    sheet = member_sheet(org, year)
    templates = templates_for(org, year, AgreementLevel.MEMBER)
    form = form or MemberSheetForm(templates=templates)
    picked = set(form.picked()) if form.is_bound else {r.member.pk for r in sheet.to_issue if not r.suggested}
    return render(
        request,
        "assessments/agreements/member_sheet.html",
        {
            "org": org,
            "year": year,
            "sheet": sheet,
            "form": form,
            "picked": picked,
            "editable": can_write(request.user) and in_scope(request.user, org),
            "has_templates": templates.exists(),
            "keeps_members": org.kind in MEMBER_HOLDING_KINDS,
            "years": [year - 1, year, year + 1],
            "breadcrumbs": crumbs(agreements_crumb(), (f"{org.name} · {year}年度党员责任书", "")),
        },
    )


@login_required
@require_safe
def member_sheet_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every member of a branch with the year's agreement; the branch issues, signs and exempts here."""
    return _member_sheet_page(request, code, year)


@write_view
@require_POST
def member_sheet_apply(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Issue for every member (the rule-exempt recorded as exempt), sign, exempt or un-exempt the ticked ones."""
    org = org_or_404(request, code)
    form = MemberSheetForm(request.POST, templates=templates_for(org, year, AgreementLevel.MEMBER))
    if form.is_valid():
        sheet = member_sheet(org, year)
        result = run_service(form, lambda: _apply(request, org, year, sheet, form))
        if result is not None:
            messages.success(request, result)
            return redirect("assessments:member_sheet", code, year)
    return _member_sheet_page(request, code, year, form)


def _apply(request: HttpRequest, org, year, sheet, form) -> str:  # type: ignore[no-untyped-def]
    """Run the chosen action of the member screen; the message to show."""
    data = form.cleaned_data
    action = data["action"]
    picked = set(form.picked())
    rows = [r for r in sheet.rows if r.member.pk in picked]
    if action == "issue":
        # Unticked members the rules exempt are recorded as exempt, with the reason; other unticked wait.
        todo = sheet.to_issue
        signing = [r.member for r in todo if r.member.pk in picked]
        exempt = [(r.member, *r.suggested) for r in todo if r.member.pk not in picked and r.suggested]
        if not signing and not exempt:
            raise ValidationError("所有党员均已生成责任书或登记免签")
        issued = agreements_issue_to_members(
            actor=request.user,
            organization=org,
            year=year,
            template=data["template"] if signing else data.get("template"),
            members=signing,
            signed_on=data.get("signed_on"),
            exempt=exempt,
        )
        signed = "并登记签订" if data.get("signed_on") and signing else ""
        return f"已为{len(issued.agreements)}名党员生成责任书{signed}，{len(issued.exempted)}名党员登记免签"
    agreements = [r.agreement for r in rows if r.agreement is not None]
    if not agreements:
        raise ValidationError("所勾选的党员尚未生成责任书，请先生成")
    if action == "sign":
        done = agreements_sign(actor=request.user, agreements=agreements, signed_on=data["signed_on"])
        return f"已登记{done}名党员签订责任书"
    if action == "exempt":
        done = agreements_exempt(
            actor=request.user,
            agreements=agreements,
            reason=data["exemption"],
            note=data.get("exemption_note", ""),
        )
        return f"已将{done}名党员设为免签"
    done = agreements_unexempt(actor=request.user, agreements=agreements, template=data["template"])
    return f"已为{done}名党员取消免签，责任书待签订"


@login_required
@require_safe
def member_sheet_print(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every signing member's agreement of a branch, one A4 page each, for signatures."""
    org = org_or_404(request, code)
    agreements = list(
        TargetAgreement.objects.visible_to(request.user)
        .for_members()
        .filter(year=year, subject=org, exemption="")
        .select_related("organization", "subject", "member")
        .prefetch_related("items")
        .order_by("member__name", "id")
    )
    return render(
        request,
        "assessments/agreements/agreement_print.html",
        {
            "pages": [(a, "乙方（党员）留存") for a in agreements],
            "back": reverse("assessments:member_sheet", args=[code, year]),
        },
    )


# --- one agreement ---------------------------------------------------------------------------------


def _agreement(request: HttpRequest, pk: int) -> TargetAgreement:
    return get_visible_or_404(
        TargetAgreement.objects.select_related("organization", "subject", "member", "template"),
        request.user,
        pk=pk,
    )


@login_required
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    score = AssessmentScore.objects.filter(agreement=agreement).first()
    items = list(agreement.items.all())
    editable = can_write(request.user) and in_scope(request.user, agreement.organization)
    sheet_url = (
        reverse("assessments:member_sheet", args=[agreement.subject.code, agreement.year])
        if agreement.level == AgreementLevel.MEMBER
        else reverse("assessments:org_sheet", args=[agreement.organization.code, agreement.year])
    )
    return render(
        request,
        "assessments/agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "items": items,
            "points": sum(i.points for i in items),
            "score": score,
            "editable": editable,
            "sheet_url": sheet_url,
            "history": history_for(agreement),
            "breadcrumbs": crumbs(agreements_crumb(), (str(agreement), "")),
        },
    )


@write_view
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = AgreementEditForm(request.POST or None, agreement=agreement)
    return form_page(
        request,
        form,
        save=lambda data: agreement_update(
            actor=request.user, agreement=agreement, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改：{agreement}",
        success="已保存",
        cancel_url=agreement.get_absolute_url(),
        context=page_context(
            "agreements", agreements_crumb(), (str(agreement), agreement.get_absolute_url()), ("修改", "")
        ),
    )


@write_view
def agreement_items(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = AgreementItemsForm(request.POST or None, agreement=agreement)
    return form_page(
        request,
        form,
        save=lambda data: agreement_set_items(
            actor=request.user, agreement=agreement, items=data["items"], expected_version=form.loaded_version
        ),
        title=f"目标任务：{agreement}",
        success="已保存目标任务",
        cancel_url=agreement.get_absolute_url(),
        template="assessments/agreements/template_form.html",
        context=page_context(
            "agreements",
            agreements_crumb(),
            (str(agreement), agreement.get_absolute_url()),
            ("目标任务", ""),
            intro="修改本份责任书的目标任务（不影响模板和其他责任书）；已考核评分的不能修改。",
        ),
    )


@write_view
def agreement_score_page(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    score = AssessmentScore.objects.filter(agreement=agreement).first()
    form = ScoreForm(request.POST or None, agreement=agreement, score=score)
    bands = grade_bands()
    return form_page(
        request,
        form,
        save=lambda data: agreement_score(
            actor=request.user,
            agreement=agreement,
            scores=form.scores(),
            scored_on=data["scored_on"],
            reward_kind=data["reward_kind"],
            reward_note=data["reward_note"],
            assessors=data["assessors"],
            note=data["note"],
            expected_version=data.get("version") or 0,
        ),
        title=f"年终考核评分：{agreement.party_name}",
        success=lambda s: f"已保存评分：{s.total}分，{s.grade}",
        cancel_url=agreement.get_absolute_url(),
        next_url=lambda s: agreement.get_absolute_url(),
        template="assessments/agreements/score_form.html",
        context=page_context(
            "agreements",
            agreements_crumb(),
            (str(agreement), agreement.get_absolute_url()),
            ("考核评分", ""),
            agreement=agreement,
            bands=bands,
        ),
    )


@login_required
@require_safe
def agreement_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement for signing: one A4 page for each party (甲方留存, 乙方留存)."""
    agreement = _agreement(request, pk)
    return render(
        request,
        "assessments/agreements/agreement_print.html",
        {
            "pages": [(agreement, "甲方留存"), (agreement, "乙方留存")] if not agreement.exemption else [],
            "back": agreement.get_absolute_url(),
        },
    )


# --- ranking ---------------------------------------------------------------------------------------


@login_required
@require_safe
def ranking_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The scores of the agreements an organization issued for a year, ranked; ``?format=xlsx`` exports them."""
    org = org_or_404(request, code)
    rows = ranking(org, year)
    if request.GET.get("format") == "xlsx":
        title = f"{org.name}{year}年度目标考核排名"
        headers = ["名次", "党组织", "总分", "考核等次", "奖惩", "奖惩内容", "考核日期"]
        cells = [
            [
                r.rank or "",
                r.agreement.subject.name,
                r.score.total if r.score else "",
                r.score.grade if r.score else "未评分",
                r.score.get_reward_kind_display() if r.score else "",
                r.score.reward_note if r.score else "",
                r.score.scored_on if r.score else None,
            ]
            for r in rows
        ]
        content = write_workbook(Sheet("考核排名", headers, cells))
        record_access(request=request, kind=AccessKind.EXPORT, what=title, rows=len(cells))
        return xlsx_response(content, f"{title}.xlsx")
    return render(
        request,
        "assessments/agreements/ranking.html",
        {
            "org": org,
            "year": year,
            "rows": rows,
            "years": [year - 1, year, year + 1],
            "scored": sum(1 for r in rows if r.score),
            "breadcrumbs": crumbs(agreements_crumb(), (f"{org.name}{year}年度考核排名", "")),
        },
    )


urls = [
    path("agreements/", agreement_list_page, name="agreement_list"),
    path("agreements/roster/", roster_page, name="member_roster"),
    path("agreements/templates/", template_list_page, name="template_list"),
    path("agreements/templates/new/", template_new, name="template_new"),
    path("agreements/templates/<int:pk>/", template_detail, name="template_detail"),
    path("agreements/templates/<int:pk>/edit/", template_edit, name="template_edit"),
    path("agreements/orgs/<str:code>/<int:year>/", org_sheet, name="org_sheet"),
    path("agreements/orgs/<str:code>/<int:year>/apply/", org_sheet_apply, name="org_sheet_apply"),
    path("agreements/members/<str:code>/<int:year>/", member_sheet_page, name="member_sheet"),
    path("agreements/members/<str:code>/<int:year>/apply/", member_sheet_apply, name="member_sheet_apply"),
    path("agreements/members/<str:code>/<int:year>/print/", member_sheet_print, name="member_sheet_print"),
    path("agreements/ranking/<str:code>/<int:year>/", ranking_page, name="ranking"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/items/", agreement_items, name="agreement_items"),
    path("agreements/<int:pk>/score/", agreement_score_page, name="agreement_score"),
    path("agreements/<int:pk>/print/", agreement_print, name="agreement_print"),
]
