"""Rules the development services (``development``, ``confirmations``) share: dates, full members on a day, votes, approvers, deadlines, 公示.

Each check raises a ``ValidationError`` on the offending field with a Chinese
message naming the rule; none writes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from core.dates import add_months, working_days
from core.holidays import HolidaysMissing, WorkCalendar
from core.scopes import in_scope
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import MemberStatus
from ..models import Member, MemberPeriod
from ..models.development import Applicant, Decision, DevelopmentStep, PublicityResult, Step
from ..selectors.development import PARALLEL_STEPS, full_members_on


def not_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise ValidationError({field: "日期不能晚于今天"})


def check_day(steps: Sequence[DevelopmentStep], day: dt.date, number: int | None = None) -> None:
    """Never in the future, never before the previous step (10 and 11, run in parallel, aside)."""
    not_future(day, "day")
    if number in PARALLEL_STEPS:
        steps = [s for s in steps if s.number not in PARALLEL_STEPS]
    if steps:
        last = max(steps, key=lambda s: (s.day, s.number))
        if day < last.day:
            raise ValidationError(
                {
                    "day": f"日期不能早于上一步骤（第{last.number}步“{last.get_number_display()}”，{last.day:%Y-%m-%d}）"
                }
            )


def check_full_member(actor: Any, member: Member | None, day: dt.date, field: str, role: str) -> None:
    """``member`` was a full member on ``day``, by the history (so one who left since still counts)."""
    if member is None:
        return
    period = (
        MemberPeriod.objects.on(day)
        .filter(member=member, status=MemberStatus.FULL)
        .select_related("organization")
        .first()
    )
    if period is None:
        raise ValidationError({field: f"{role}须为正式党员（“{member.name}”在{day:%Y-%m-%d}不是正式党员）"})
    if not (in_scope(actor, period.organization) or in_scope(actor, member.organization)):
        raise ValidationError({field: f"{role}须为本党组织范围内的正式党员"})


def check_pair(
    actor: Any, step: DevelopmentStep, first: str, second: str, role: str, exactly_two: bool
) -> None:
    a, b = getattr(step, first), getattr(step, second)
    if a is None:
        raise ValidationError(
            {first: f"请确定{role}" + ("（2名正式党员）" if exactly_two else "（1至2名正式党员）")}
        )
    if exactly_two and b is None:
        raise ValidationError({second: f"须确定2名{role}"})
    if b is not None and a.pk == b.pk:
        raise ValidationError({second: f"两名{role}不能是同一人"})
    check_full_member(actor, a, step.day, first, role)
    check_full_member(actor, b, step.day, second, role)


def check_votes(
    entitled: int | None, present: int | None, yes: int | None, branch: Organization, day: dt.date
) -> None:
    """Quorum and majority of a branch meeting, those entitled no more than the branch's full members that day.

    Quorum: more than half of those entitled present; passed: more than half of
    those entitled in favour.  Only full members vote, so "entitled" cannot
    exceed the branch's full members on the meeting date (from the history).
    """
    for field, value in (("votes_entitled", entitled), ("votes_present", present), ("votes_for", yes)):
        if value is None:
            raise ValidationError({field: "请填写表决情况（应到、实到、赞成人数）"})
    assert entitled is not None and present is not None and yes is not None
    if entitled < 1:
        raise ValidationError({"votes_entitled": "应到会有表决权的党员人数应大于0"})
    full = full_members_on(branch, day)
    if entitled > full:
        raise ValidationError(
            {
                "votes_entitled": f"应到会有表决权的党员（{entitled}人）不能多于“{branch.name}”"
                f"{day:%Y-%m-%d}的正式党员人数（{full}人；预备党员没有表决权）"
            }
        )
    if present > entitled:
        raise ValidationError({"votes_present": "实到人数不能多于应到人数"})
    if yes > present:
        raise ValidationError({"votes_for": "赞成票数不能多于实到人数"})
    if present * 2 <= entitled:
        raise ValidationError(
            {
                "votes_present": f"到会有表决权的党员（{present}人）未超过应到会人数（{entitled}人）的半数，会议无效"
            }
        )
    if yes * 2 <= entitled:
        raise ValidationError(
            {"votes_for": f"赞成人数（{yes}人）未超过应到会有表决权党员（{entitled}人）的半数，决议未通过"}
        )


def check_upper_org(branch: Organization, org: Organization | None) -> None:
    if org is not None and (org.pk == branch.pk or not branch.path.startswith(org.path)):
        raise ValidationError({"approving_org": f"“{org.name}”不是“{branch.name}”的上级党组织"})


def check_approver(actor: Any, branch: Organization, org: Organization | None, day: dt.date) -> None:
    """Only an ancestor committee with approval authority approves, through its own staff."""
    if org is None:
        raise ValidationError({"approving_org": "请选择审批的上级党委"})
    check_upper_org(branch, org)
    if not org.can_approve_members:
        raise ValidationError({"approving_org": f"“{org.name}”不具有审批发展党员的权限"})
    if not org.existed_on(day):
        raise ValidationError({"approving_org": f"“{org.name}”在{day:%Y-%m-%d}不存在"})
    if not in_scope(actor, org):
        raise ValidationError({"approving_org": f"审批须由“{org.name}”或其上级的工作人员办理"})


def check_decision(
    *, decision: str, day: dt.date, meeting: dt.date, refusal_reason: str, late_reason: str, what: str
) -> None:
    """An approval (steps 17 and 24) within 3 months of the meeting, up to 6 with a reason; a refusal with its reason.

    Past the longest time the committee can no longer approve, but the case is
    not stuck: it is closed with 不予批准 (and the procedure may start again).
    """
    if decision not in Decision.values:
        raise ValidationError({"decision": "请选择审批结论（批准或不予批准）"})
    if decision == Decision.REFUSED:
        if not refusal_reason.strip():
            raise ValidationError({"refusal_reason": "不予批准须填写理由"})
        return
    if refusal_reason.strip():
        raise ValidationError({"refusal_reason": "批准时不填写不予批准理由"})
    normal = int(get_rule("approval_normal_months"))
    maximum = int(get_rule("approval_max_months"))
    if day > add_months(meeting, maximum):
        raise ValidationError(
            {
                "decision": f"{what}应在支部大会讨论（{meeting:%Y-%m-%d}）后{maximum}个月内审批，已超过最长期限，"
                "不能再批准；请作出“不予批准”并说明理由（需要时重新履行程序）"
            }
        )
    if day > add_months(meeting, normal) and not late_reason.strip():
        raise ValidationError({"late_reason": f"支部大会讨论后超过{normal}个月审批，须说明原因"})


def check_publicity(applicant: Applicant, kind: int, day: dt.date, *, after: dt.date | None = None) -> None:
    """A step follows a 公示 of N working days that ended before it with no objection (N = 0: none needed).

    ``kind`` is the 公示's subject (3, 12, or 22 for the 转正公示); ``after``:
    the 公示 counts only if it started on or after that day (the 转正公示
    comes after the 转正 application).
    """
    needed = int(get_rule("publicity_working_days"))
    if needed == 0:
        return
    records = list(applicant.publicities.filter(step=kind).order_by("-ends_on"))
    if after is not None:
        records = [p for p in records if p.starts_on >= after]
    calendar = WorkCalendar()  # one query per range of years, however many records
    for p in records:
        try:
            if (
                p.result == PublicityResult.NO_OBJECTION
                and p.ends_on < day
                and working_days(p.starts_on, p.ends_on, calendar=calendar) >= needed
            ):
                return
        except HolidaysMissing as exc:
            raise ValidationError({"publicity": exc.message}) from None
    number = Step.CONFIRMATION_MEETING if kind == Step.CONFIRMATION_REQUEST else kind
    if not records:
        if kind == Step.CONFIRMATION_REQUEST:
            message = f"提出转正申请后、第23步前须公示不少于{needed}个工作日，请先登记转正公示"
        else:
            message = f"第{number}步前须公示不少于{needed}个工作日，请先登记公示"
    else:
        latest = records[0]
        if latest.ends_on >= day:
            message = f"公示期至{latest.ends_on:%Y-%m-%d}，公示结束后方可进行"
        elif latest.result == PublicityResult.OBJECTION:
            message = "公示有异议，不能进行该步骤"
        elif not latest.result:
            message = "公示结果尚未登记"
        else:
            message = f"公示期不足{needed}个工作日"
    raise ValidationError({"publicity": message})
