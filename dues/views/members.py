"""Pages about members' dues: standards (核定), a member's months, back payments, special payments, arrears, payments."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.audit import history_for
from core.lists import list_page
from core.money import format_yuan, round_yuan
from core.views import form_page, get_visible_or_404, write_view
from members.models import Member

from .. import months as m
from ..choices import CATEGORY_SHORT, MONTHLY_KINDS
from ..filters import ArrearsFilterSet, AssessmentFilterSet, PaymentFilterSet
from ..forms import (
    AssessmentEditForm,
    AssessmentForm,
    BackPayForm,
    BulkAssessForm,
    ReasonForm,
    ScheduleForm,
    SpecialPaymentForm,
)
from ..models import DuesAssessment, DuesPayment, DuesSchedule
from ..selectors.arrears import shortfall_totals, shortfalls_of, warning_months
from ..selectors.grid import first_open_month, schedule_of
from ..selectors.levy import Standards, member_levies
from ..selectors.lists import arrears_list, assessment_list, payment_list
from ..selectors.paid_until import paid_until
from ..services.assessments import (
    dues_assess_many,
    dues_assessment_create,
    dues_assessment_update,
    dues_schedule_set,
)
from ..services.payments import dues_record_back_payments, dues_record_special, dues_void_payment
from ..tables import ARREARS_TABLE, ASSESSMENT_TABLE, PAYMENT_TABLE
from .common import crumbs, may_edit, org_or_404

ZERO = Decimal("0.00")


def _member(request: HttpRequest, pk: int) -> Member:
    return get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)


# --- a member's dues ------------------------------------------------------------------------------


@login_required
@require_safe
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's dues month by month: standard, due, paid, owed; assessments and payments."""
    member = _member(request, pk)
    today = dt.date.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    levies = {
        levy.month: levy for levy in member_levies(member.pk, dt.date(year, 1, 1), dt.date(year, 12, 1))
    }
    payments = list(
        DuesPayment.objects.filter(member=member).select_related("organization").order_by("-month", "-id")
    )
    paid: dict[int, Decimal] = {}
    for p in payments:
        if p.voided_on is None and p.kind in MONTHLY_KINDS and p.month.year == year:
            paid[m.index(p.month)] = paid.get(m.index(p.month), ZERO) + p.amount
    # A month is owed once its collection period is over (this month, or this quarter, is still open).
    schedule = schedule_of(member.organization)
    open_from = m.index(first_open_month(today, bool(schedule and schedule.quarterly)))
    rows = []
    for month in m.months(dt.date(year, 1, 1), dt.date(year, 12, 1)):
        i = m.index(month)
        levy = levies.get(i)
        due = levy.amount if levy else None
        got = paid.get(i)
        short = due is not None and due > (got or ZERO) and (got is not None or i < open_from)
        owed = due - (got or ZERO) if short else ZERO
        category = CATEGORY_SHORT.get(levy.category, "") if levy else ""
        rows.append(
            {"month": month, "levy": levy, "category": category, "due": due, "paid": got, "owed": owed}
        )
    assessments = list(member.dues_assessments.select_related("recorded_by").order_by("-effective_from"))
    return render(
        request,
        "dues/member.html",
        {
            "member": member,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "rows": rows,
            "assessments": assessments,
            "payments": payments,
            "paid_until": paid_until(member),
            "editable": may_edit(request.user, member.organization),
            "history": history_for(assessments[0]) if assessments else [],
            "breadcrumbs": crumbs((member.name, "")),
        },
    )


@write_view
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = AssessmentForm(request.POST or None, member=member)
    return form_page(
        request,
        form,
        save=lambda data: dues_assessment_create(
            actor=request.user,
            member=member,
            effective_from=data["effective_from"],
            category=data["category"],
            income=data["income"],
            amount=data["amount"],
            note=data["note"],
        ),
        title=f"核定党费标准：{member.name}",
        success=lambda a: f"已核定{member.name}自{m.label(a.effective_from)}起的党费标准",
        cancel_url=reverse("dues:member", args=[member.pk]),
        context={
            "subnav": "dues/_subnav.html",
            "active": "assessments",
            "intro": "税后固定工资（在职）或离退休费按月计费；农民、学生、下岗失业、低保党员按定额。"
            "工资调整的，按调整生效的月份新增一条，已交月份的差额会列入“补交”。",
            "breadcrumbs": crumbs((member.name, reverse("dues:member", args=[member.pk])), ("核定", "")),
        },
    )


@write_view
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_or_404(
        DuesAssessment.objects.select_related("member__organization"), request.user, pk=pk
    )
    member = assessment.member
    form = AssessmentEditForm(request.POST or None, instance=copy.copy(assessment))
    return form_page(
        request,
        form,
        save=lambda data: dues_assessment_update(
            actor=request.user, assessment=assessment, expected_version=form.loaded_version, **form.edits()
        ),
        title=f"修改核定：{member.name} {m.label(assessment.effective_from)}起",
        success="已保存",
        cancel_url=reverse("dues:member", args=[member.pk]),
        context={
            "subnav": "dues/_subnav.html",
            "active": "assessments",
            "intro": "只用于改正填错的记录；工资调整请新增一条核定。",
            "breadcrumbs": crumbs((member.name, reverse("dues:member", args=[member.pk])), ("修改核定", "")),
        },
    )


@login_required
@require_safe
def assessments(request: HttpRequest) -> HttpResponse:
    """Members with their standard this month; the not yet assessed first to hand."""
    month = m.month_of(dt.date.today())
    filters = AssessmentFilterSet(request.GET, user=request.user)
    standards = Standards.load()

    def prepare(rows: Any) -> None:
        for row in rows:
            # SQLite hands subquery decimals back unrounded: amounts to the cent again.
            row.dues_income = round_yuan(row.dues_income) if row.dues_income is not None else None
            row.dues_amount = round_yuan(row.dues_amount) if row.dues_amount is not None else None
            row.dues_category_label = CATEGORY_SHORT.get(row.dues_category, "")
            row.dues_due = (
                standards.charge(row.dues_category, row.dues_income, row.dues_amount, m.index(month))
                if row.dues_category
                else None
            )

    return list_page(
        request,
        filters=filters,
        rows=lambda: assessment_list(user=request.user, filters=filters, month=month),
        table=ASSESSMENT_TABLE,
        template="dues/assessment_list.html",
        prepare=prepare,
        context={"month": month, "breadcrumbs": crumbs(("标准核定", ""))},
    )


@write_view
def assess_many(request: HttpRequest, code: str) -> HttpResponse:
    """Assess several members alike (定额: farmers, students …), those not yet assessed ticked first."""
    org = org_or_404(request, code)
    month = m.month_of(dt.date.today())
    in_force = DuesAssessment.objects.filter(effective_from__lte=month)
    candidates = (
        Member.objects.visible_to(request.user).current().filter(organization=org).order_by("name", "id")
    )
    assessed = set(in_force.filter(member__in=candidates).values_list("member_id", flat=True))
    form = BulkAssessForm(request.POST or None, candidates=candidates)
    people = list(candidates)
    picked = (
        {int(v) for v in request.POST.getlist("pick") if v.isdigit()} if request.method == "POST" else None
    )
    rows = [
        (
            p,
            p.pk in assessed,
            (p.pk in picked) if picked is not None else (p.pk not in assessed and _fixed_guess(p)),
        )
        for p in people
    ]
    return form_page(
        request,
        form,
        save=lambda data: dues_assess_many(
            actor=request.user,
            members=data["members"],
            effective_from=data["effective_from"],
            category=data["category"],
            amount=data["amount"],
            note=data["note"],
        ),
        title=f"批量核定党费标准：{org.name}",
        success=lambda created: f"已核定{len(created)}名党员的党费标准",
        cancel_url=reverse("dues:grid", args=[org.code]),
        next_url=lambda created: reverse("dues:grid", args=[org.code]),
        template="dues/assess_many.html",
        context={"org": org, "rows": rows, "breadcrumbs": crumbs(("批量核定", ""))},
    )


def _fixed_guess(member: Member) -> bool:
    """Ticked by default: members whose record says they pay a fixed amount (farmers, students)."""
    return member.occupation in ("FARMER", "STUDENT") or (member.is_rural and not member.is_retired)


@write_view
def schedule(request: HttpRequest, code: str) -> HttpResponse:
    org = org_or_404(request, code)
    current = DuesSchedule.objects.filter(organization=org).first()
    form = ScheduleForm(
        request.POST or None, instance=copy.copy(current) if current else DuesSchedule(organization=org)
    )
    return form_page(
        request,
        form,
        save=lambda data: dues_schedule_set(
            actor=request.user,
            organization=org,
            quarterly=data["quarterly"],
            agreed_on=data["agreed_on"],
            note=data["note"],
            expected_version=form.loaded_version if current else None,
        ),
        title=f"党费交纳方式：{org.name}",
        success=lambda s: f"已设为{'按季度' if s.quarterly else '按月'}交纳",
        cancel_url=reverse("dues:grid", args=[org.code]),
        context={
            "subnav": "dues/_subnav.html",
            "active": "grid",
            "intro": "党费一般按月交纳；经支部党员大会同意，也可按季度交纳（收缴登记按季度预填，季度结束后才算欠缴）。",
            "breadcrumbs": crumbs(("收缴登记", reverse("dues:grid", args=[org.code])), ("交纳方式", "")),
        },
    )


# --- back and special payments --------------------------------------------------------------------


@write_view
def back_pay(request: HttpRequest, code: str) -> HttpResponse:
    """补交: every paid month that owes more since a base rose, by member; ticked members are recorded at once."""
    org = org_or_404(request, code)
    shortfalls = shortfalls_of(org)
    groups = shortfall_totals(shortfalls)
    form = BackPayForm(request.POST or None, shortfalls=shortfalls)
    return form_page(
        request,
        form,
        save=lambda data: dues_record_back_payments(
            actor=request.user, organization=org, shortfalls=data["chosen"], paid_on=data["paid_on"]
        ),
        title=f"补交党费：{org.name}",
        success=lambda payments: f"已登记{len({p.member_id for p in payments})}名党员的补交，"
        f"共{format_yuan(sum((p.amount for p in payments), ZERO))}元",
        cancel_url=reverse("dues:grid", args=[org.code]),
        next_url=lambda payments: reverse("dues:back_pay", args=[org.code]),
        template="dues/back_pay.html",
        context={
            "org": org,
            "groups": groups,
            "total": sum((total for _, _, total in groups), ZERO),
            "breadcrumbs": crumbs(("收缴登记", reverse("dues:grid", args=[org.code])), ("补交", "")),
        },
    )


@write_view
def special_new(request: HttpRequest) -> HttpResponse:
    form = SpecialPaymentForm(request.POST or None, user=request.user, initial=_preselected(request))
    return form_page(
        request,
        form,
        save=lambda data: dues_record_special(
            actor=request.user,
            organization=data["member"].organization,
            member=data["member"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            note=data["note"],
        ),
        title="登记特殊党费",
        success=lambda p: f"已登记{p.member.name}特殊党费{format_yuan(p.amount)}元（收据{p.receipt_no}），上缴时全额上缴",
        cancel_url=reverse("dues:payments"),
        context={
            "subnav": "dues/_subnav.html",
            "active": "payments",
            "intro": "党员一次性交纳1000元以上的党费，作为特殊党费登记，不抵按月应交的党费，全额逐级上缴。",
            "breadcrumbs": crumbs(("交纳记录", reverse("dues:payments")), ("特殊党费", "")),
        },
    )


def _preselected(request: HttpRequest) -> dict[str, Any]:
    pk = request.GET.get("member", "")
    return {"member": pk} if pk.isdigit() else {}


# --- lists ------------------------------------------------------------------------------------------


@login_required
@require_safe
def payments(request: HttpRequest) -> HttpResponse:
    filters = PaymentFilterSet(request.GET, user=request.user)
    return list_page(
        request,
        filters=filters,
        rows=lambda: payment_list(user=request.user, filters=filters),
        table=PAYMENT_TABLE,
        template="dues/payment_list.html",
        context={"breadcrumbs": crumbs(("交纳记录", ""))},
    )


@write_view
def payment_void(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(
        DuesPayment.objects.select_related("member", "organization"), request.user, pk=pk
    )
    form = ReasonForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: dues_void_payment(actor=request.user, payment=payment, reason=data["reason"]),
        title=f"作废交纳记录：{payment}",
        success="已作废；该月重新计为未交",
        cancel_url=reverse("dues:member", args=[payment.member_id]),
        context={
            "subnav": "dues/_subnav.html",
            "active": "payments",
            "danger": True,
            "intro": "作废只用于登记错误的记录（金额、月份或党员填错）：记录保留并注明原因，之后可重新登记。",
            "submit_label": "作废",
            "breadcrumbs": crumbs(("交纳记录", reverse("dues:payments")), ("作废", "")),
        },
    )


@login_required
@require_safe
def arrears(request: HttpRequest) -> HttpResponse:
    filters = ArrearsFilterSet(request.GET, user=request.user)
    threshold = warning_months()
    return list_page(
        request,
        filters=filters,
        rows=lambda: arrears_list(user=request.user, filters=filters),
        table=ARREARS_TABLE,
        template="dues/arrears_list.html",
        context={"threshold": threshold, "breadcrumbs": crumbs(("欠缴党员", ""))},
    )


urls = [
    path("members/<int:pk>/", member_dues, name="member"),
    path("members/<int:pk>/assess/", assessment_new, name="assessment_new"),
    path("assessments/", assessments, name="assessments"),
    path("assessments/<int:pk>/edit/", assessment_edit, name="assessment_edit"),
    path("assess/<str:code>/", assess_many, name="assess_many"),
    path("schedule/<str:code>/", schedule, name="schedule"),
    path("back-pay/<str:code>/", back_pay, name="back_pay"),
    path("special/new/", special_new, name="special_new"),
    path("payments/", payments, name="payments"),
    path("payments/<int:pk>/void/", payment_void, name="payment_void"),
    path("arrears/", arrears, name="arrears"),
]
