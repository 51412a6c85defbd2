"""预备期与转正 on a member's page: the 转正 discussion (step 23) and the committee's answer (step 24).

For every 预备党员, admitted through the pipeline or not; one admitted
through the pipeline may also be handled from the applicant's 25 steps, the
same form and the same services.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from core.views import form_page, get_visible_or_404, write_view
from organizations.rules import get_rule

from ..forms.development import StepForm
from ..models import Member
from ..models.development import Confirmation, Outcome, Step
from ..selectors.development import probation_file
from ..services import confirmations as services
from .member import member_crumbs


def _page(member: Member, action: str) -> dict[str, object]:
    return {
        "subnav": "members/_subnav.html",
        "active": "list",
        "subtitle": f"{member.organization.name} · 入党日期{member.joined_on:%Y-%m-%d}",
        "breadcrumbs": member_crumbs(member, (action, "")),
    }


def _probation_url(member: Member) -> str:
    return member.get_absolute_url() + "#probation"


@write_view
def confirmation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch meeting's 转正 discussion; ``?outcome=CANCELLED`` opens it as 取消预备资格."""
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    cancelling = request.GET.get("outcome") == Outcome.CANCELLED
    form = StepForm(
        request.POST or None,
        number=Step.CONFIRMATION_MEETING,
        user=request.user,
        branch=member.organization,
        initial={"outcome": Outcome.CANCELLED} if cancelling else None,
    )
    probation = probation_file(member, form.fields["day"].initial, int(get_rule("probation_overdue_months")))
    if cancelling:
        intro = (
            "预备期内不履行党员义务、不具备党员条件的，经支部大会讨论可随时取消其预备资格，"
            "报上级党委批准后生效（预备党员不适用停止党籍）。"
        )
    else:
        extension = f"（已延长{probation.extension}个月）" if probation.extension else ""
        intro = (
            f"预备期至{probation.ends_on:%Y-%m-%d}期满{extension}。期满后经支部大会讨论按期转正或延长预备期"
            "（只能延长一次，6至12个月）；讨论结果报上级党委审批后生效，转正日期为预备期满之日。"
        )
    return form_page(
        request,
        form,
        save=lambda data: services.confirmation_record(
            actor=request.user, member=member, day=data["day"], **form.particulars()
        ),
        title=f"{'取消预备资格' if cancelling else '转正讨论'}（支部大会讨论）：{member.name}",
        success=lambda c: f"已登记支部大会讨论结果“{c.get_outcome_display()}”，待上级党委审批",
        cancel_url=_probation_url(member),
        next_url=lambda c: _probation_url(member),
        context={
            **_page(member, "支部大会讨论"),
            "intro": intro,
            "danger": cancelling,
            "submit_label": "登记",
        },
    )


@write_view
def confirmation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The upper committee's answer to a 转正 discussion: 批准 or 不予批准 (with the reason)."""
    confirmation = get_visible_or_404(
        Confirmation.objects.select_related("member__organization", "organization"), request.user, pk=pk
    )
    member = confirmation.member
    form = StepForm(
        request.POST or None, number=Step.CONFIRMATION_APPROVAL, user=request.user, branch=member.organization
    )
    if confirmation.decision:
        form.add_error(
            None, f"该转正讨论已于{confirmation.approved_on:%Y-%m-%d}{confirmation.get_decision_display()}"
        )

    def save(data: dict[str, object]) -> Confirmation:
        particulars = form.particulars()
        particulars["approval_document_no"] = particulars.pop("document_no", "")
        return services.confirmation_decide(
            actor=request.user, confirmation=confirmation, day=data["day"], **particulars
        )

    return form_page(
        request,
        form,
        save=save,
        title=f"转正审批（上级党委审批）：{member.name}",
        success=lambda c: f"已登记审批结论“{c.get_decision_display()}”",
        cancel_url=_probation_url(member),
        next_url=lambda c: _probation_url(member),
        context={
            **_page(member, "上级党委审批"),
            "intro": f"{confirmation.organization.name}于{confirmation.meeting_on:%Y-%m-%d}支部大会讨论："
            f"{confirmation.get_outcome_display()}"
            + (f"{confirmation.extension_months}个月" if confirmation.extension_months else "")
            + f"（应到{confirmation.votes_entitled}人，实到{confirmation.votes_present}人，赞成{confirmation.votes_for}票）。"
            "批准后生效；不予批准须说明理由，支部可再次讨论。",
            "submit_label": "登记审批结论",
        },
    )


urls = [
    path("<int:pk>/probation/discuss/", confirmation_new, name="confirmation_new"),
    path("confirmations/<int:pk>/decide/", confirmation_decide, name="confirmation_decide"),
]
