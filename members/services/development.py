"""Writes of the development pipeline: applicants, their 25 steps, 公示 records and annual plans.

Every function is one audited transaction that checks the actor's scope
first and refuses with a Chinese message on the offending field, writing
nothing.  Admission (step 15) creates the ``Member``; the 转正 meeting
(step 23) confirms it, extends the probation once, or cancels it.

Decision on the talk (step 2) "within 1 month of the application": a late
talk does **not** block.  The deadline binds the Party organization, not the
applicant, and refusing the record would only hide that it happened; it is
recorded and shown as late on the applicant's timeline and as overdue on the
worklist until it is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import service
from core.dates import add_months, add_years, working_days
from core.fieldcrypto import id_hash_q
from core.holidays import HolidaysMissing, WorkCalendar
from core.idcard import parse_id_number
from core.scopes import check_can_edit, in_scope, scope_root, sees_everything
from core.versioning import lock_for_update, save_changed
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import LeaveReason, MemberStatus, PeriodReason
from ..models import Member, age_on
from ..models.development import (
    COMMON_PARTICULARS,
    PUBLICITY_STEPS,
    STEP_PARTICULARS,
    Applicant,
    DevelopmentPlan,
    DevelopmentStep,
    Outcome,
    Publicity,
    PublicityResult,
    Step,
    VettingResult,
    WithdrawKind,
)
from ..models.person import PERSON_FIELDS, person_snapshot
from ..selectors.development import (
    ACTIVIST_MIN_YEARS,
    EXTENSION_MAX_MONTHS,
    EXTENSION_MIN_MONTHS,
    MIN_AGE,
    TRAINING_MIN_DAYS,
    TRAINING_MIN_HOURS,
    admitted_on,
    extension_of,
    first_day,
    probation_ends_on,
    sequence_error,
)
from .member import (
    build_member,
    member_confirm,
    member_leave,
    member_update,
    refuse_id_number,
    validate_holding_org,
    validate_party_group,
    write_initial_periods,
)

#: Particulars stored as text (blank rather than NULL).
TEXT_PARTICULARS = ("handled_by", "document_no", "note", "late_reason", "outcome", "vetting_result")


# --- applicants ------------------------------------------------------------------


def _validate_person(applicant: Applicant, applied_on: dt.date, actor: Any) -> None:
    """ID number valid and agreeing with birth date and gender; 18 or older on the application date."""
    try:
        info = parse_id_number(applicant.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    applicant.id_number = info.number
    if applicant.birth_date and applicant.birth_date != info.birth_date:
        raise ValidationError({"birth_date": "出生日期与公民身份号码不一致"})
    if applicant.gender and (applicant.gender == "M") != info.is_male:
        raise ValidationError({"gender": "性别与公民身份号码不一致"})
    age = age_on(info.birth_date, applied_on)
    if age < MIN_AGE:
        raise ValidationError({"applied_on": f"递交入党申请书时应年满{MIN_AGE}周岁（申请之日为{age}周岁）"})
    # Precise only about records the actor may see: no hint of a person elsewhere (refuse_id_number).
    open_applications = Applicant.objects.filter(
        id_hash_q("id_number", info.number), withdrawn_on__isnull=True
    )
    if applicant.pk:
        open_applications = open_applications.exclude(pk=applicant.pk)
    refuse_id_number(actor, open_applications, "该公民身份号码已有正在培养中的入党申请")
    members = Member.objects.filter(id_hash_q("id_number", info.number)).exclude(
        applicant__pk=applicant.pk or 0
    )
    refuse_id_number(actor, members, "该公民身份号码已登记为党员")


def _not_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise ValidationError({field: "日期不能晚于今天"})


@service
def applicant_create(
    *, actor: Any, organization: Organization, applied_on: dt.date, note: str = "", **person: Any
) -> Applicant:
    """Register an applicant with step 1 (递交入党申请书) on ``applied_on``."""
    check_can_edit(actor, organization)
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"applicant_create does not take {sorted(unknown)}")
    _not_future(applied_on, "applied_on")
    validate_holding_org(organization, applied_on)
    applicant = Applicant(organization=organization, **person)
    _validate_person(applicant, applied_on, actor)
    applicant.full_clean()
    applicant.save()
    step = DevelopmentStep(applicant=applicant, number=Step.APPLICATION, day=applied_on, note=note)
    step.full_clean()
    step.save()
    return applicant


@service
def applicant_update(
    *, actor: Any, applicant: Applicant, expected_version: int | None = None, **changes: Any
) -> Applicant:
    """Correct an applicant's personal details (before admission; afterwards the member record rules).

    ``changes`` are the fields the user changed; the row is locked and only
    those are written.  ``expected_version`` (the version the user's form was
    loaded with) refuses a save over a newer record (``core.versioning``).
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"applicant_update cannot change {sorted(unknown)}")
    lock_for_update(Applicant, applicant, expected_version=expected_version)
    check_can_edit(actor, applicant.organization)
    if applicant.member_id:
        raise ValidationError("已接收为预备党员，请在党员档案中修改个人信息")
    if applicant.withdrawn_on:
        raise ValidationError("该申请人已终止发展，档案不能修改")
    changed = [name for name, value in changes.items() if value != getattr(applicant, name)]
    if not changed:
        return applicant  # nothing to write, so no new version
    for name in changed:
        setattr(applicant, name, changes[name])
    applied_on = applicant.steps.get(number=Step.APPLICATION).day
    _validate_person(applicant, applied_on, actor)
    applicant.full_clean()
    save_changed(applicant, changed)
    return applicant


@service
def applicant_withdraw(
    *, actor: Any, applicant: Applicant, day: dt.date, kind: str, reason: str
) -> Applicant:
    """End an application before admission: withdrawn by the applicant or rejected by the branch."""
    # Locked: a step recorded at the same time waits, and a form loaded before this goes stale.
    lock_for_update(Applicant, applicant)
    check_can_edit(actor, applicant.organization)
    if applicant.withdrawn_on:
        raise ValidationError("该申请人已终止发展")
    if applicant.member_id or applicant.steps.filter(number=Step.ADMISSION_MEETING).exists():
        raise ValidationError("已接收为预备党员，不能终止发展；请经支部大会讨论（第23步）取消预备资格")
    if kind not in WithdrawKind.values:
        raise ValidationError({"withdraw_kind": "请选择终止情形"})
    if not (reason or "").strip():
        raise ValidationError({"withdraw_reason": "请填写终止原因"})
    _not_future(day, "withdrawn_on")
    last = applicant.steps.order_by("-day").first()
    if last and day < last.day:
        raise ValidationError({"withdrawn_on": f"终止日期不能早于最近一个步骤的日期（{last.day:%Y-%m-%d}）"})
    applicant.__dict__.pop("stage_code", None)
    applicant.withdrawn_on = day
    applicant.withdraw_kind = kind
    applicant.withdraw_reason = reason.strip()
    applicant.full_clean()
    save_changed(applicant, ["withdrawn_on", "withdraw_kind", "withdraw_reason"])
    return applicant


# --- steps --------------------------------------------------------------------------


def _check_day(steps: Sequence[DevelopmentStep], day: dt.date) -> None:
    """Never in the future, never before the previous step."""
    _not_future(day, "day")
    if steps:
        last = max(steps, key=lambda s: (s.day, s.number))
        if day < last.day:
            raise ValidationError(
                {
                    "day": f"日期不能早于上一步骤（第{last.number}步“{last.get_number_display()}”，{last.day:%Y-%m-%d}）"
                }
            )


def _check_full_member(actor: Any, member: Member | None, day: dt.date, field: str, role: str) -> None:
    if member is None:
        return
    full = (
        member.is_current
        and member.status == MemberStatus.FULL
        and member.full_on is not None
        and member.full_on <= day
    )
    if not full:
        raise ValidationError({field: f"{role}须为正式党员（“{member.name}”不是正式党员）"})
    if not in_scope(actor, member.organization):
        raise ValidationError({field: f"{role}须为本党组织范围内的正式党员"})


def _check_pair(
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
    _check_full_member(actor, a, step.day, first, role)
    _check_full_member(actor, b, step.day, second, role)


def _check_contacts(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """培养联系人: one or two full members."""
    _check_pair(actor, step, "first_contact", "second_contact", "培养联系人", exactly_two=False)


def _check_introducers(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """入党介绍人: exactly two full members."""
    _check_pair(actor, step, "first_introducer", "second_introducer", "入党介绍人", exactly_two=True)


def _check_candidate(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """An activist for at least a year before becoming 发展对象."""
    activist_on = first_day(steps, Step.ACTIVIST)
    earliest = add_years(activist_on, ACTIVIST_MIN_YEARS)
    if step.day < earliest:
        raise ValidationError(
            {
                "day": f"确定为入党积极分子（{activist_on:%Y-%m-%d}）满1年后方可确定为发展对象"
                f"（最早{earliest:%Y-%m-%d}）"
            }
        )


def _check_vetting(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """政治审查 is recorded with its conclusion (only 合格 lets the pipeline go on)."""
    if step.vetting_result not in VettingResult.values:
        raise ValidationError({"vetting_result": "请填写政治审查结论"})


def _check_training(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """集中培训: at least 3 days or 24 学时."""
    if (step.training_days or 0) < TRAINING_MIN_DAYS and (step.training_hours or 0) < TRAINING_MIN_HOURS:
        raise ValidationError(
            {"training_days": f"集中培训时间一般不少于{TRAINING_MIN_DAYS}天或不少于{TRAINING_MIN_HOURS}学时"}
        )


def _check_votes(step: DevelopmentStep) -> None:
    """Quorum: more than half of those entitled present; passed: more than half of those entitled in favour."""
    entitled, present, yes = step.votes_entitled, step.votes_present, step.votes_for
    for field, value in (("votes_entitled", entitled), ("votes_present", present), ("votes_for", yes)):
        if value is None:
            raise ValidationError({field: "请填写表决情况（应到、实到、赞成人数）"})
    if entitled < 1:
        raise ValidationError({"votes_entitled": "应到会有表决权的党员人数应大于0"})
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


def _check_admission(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    _check_votes(step)


def _check_upper_org(applicant: Applicant, org: Organization | None) -> None:
    branch = applicant.organization
    if org is not None and (org.pk == branch.pk or not branch.path.startswith(org.path)):
        raise ValidationError({"approving_org": f"“{org.name}”不是“{branch.name}”的上级党组织"})


def _check_approver(actor: Any, applicant: Applicant, step: DevelopmentStep) -> None:
    """Only an ancestor committee with approval authority approves, through its own staff."""
    org = step.approving_org
    if org is None:
        raise ValidationError({"approving_org": "请选择审批的上级党委"})
    _check_upper_org(applicant, org)
    if not org.can_approve_members:
        raise ValidationError({"approving_org": f"“{org.name}”不具有审批发展党员的权限"})
    if not org.existed_on(step.day):
        raise ValidationError({"approving_org": f"“{org.name}”在{step.day:%Y-%m-%d}不存在"})
    if not in_scope(actor, org):
        raise ValidationError({"approving_org": f"审批须由“{org.name}”或其上级的工作人员办理"})


def _check_filing(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    _check_upper_org(applicant, step.approving_org)


def _check_admission_approval(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """Approved within 3 months of the branch meeting; up to 6 with a reason (both configurable)."""
    _check_approver(actor, applicant, step)
    normal = int(get_rule("approval_normal_months"))
    maximum = int(get_rule("approval_max_months"))
    meeting = admitted_on(steps)
    if step.day > add_months(meeting, maximum):
        raise ValidationError(
            {
                "day": f"上级党委审批应在支部大会讨论（{meeting:%Y-%m-%d}）后{maximum}个月内完成，已超过最长期限"
            }
        )
    if step.day > add_months(meeting, normal) and not step.late_reason.strip():
        raise ValidationError({"late_reason": f"支部大会讨论后超过{normal}个月审批，须说明原因"})


def _check_confirmation_meeting(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """按期转正 / 延长预备期 (once, 6–12 months) / 取消预备资格, voted by the branch meeting."""
    if step.outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择讨论结果"})
    member = applicant.member
    if member is None or not member.is_current or member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"outcome": "该申请人目前不是预备党员"})
    extended = extension_of(steps)
    if step.outcome == Outcome.EXTENDED:
        if extended is not None:
            raise ValidationError({"outcome": "预备期只能延长一次"})
        months = step.extension_months
        if months is None or not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
            raise ValidationError(
                {"extension_months": f"延长预备期应为{EXTENSION_MIN_MONTHS}至{EXTENSION_MAX_MONTHS}个月"}
            )
    elif step.extension_months is not None:
        raise ValidationError({"extension_months": "仅在延长预备期时填写"})
    if step.outcome != Outcome.CANCELLED:
        ends = probation_ends_on(admitted_on(steps), extended)
        if step.day < ends:
            raise ValidationError({"day": f"预备期至{ends:%Y-%m-%d}期满，期满后方可讨论转正或延长预备期"})
    _check_votes(step)


def _check_confirmation_approval(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    _check_approver(actor, applicant, step)


def _check_nothing(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """Steps with no rule beyond order and dates (the talk included: lateness is flagged, not refused)."""


def _check_group_assignment(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """Step 19: the 党小组, when one is named, is a group of the new member's branch."""
    if step.party_group is not None and applicant.member is not None:
        validate_party_group(step.party_group, applicant.member.organization)


StepCheck = Callable[[Any, Applicant, Sequence[DevelopmentStep], DevelopmentStep], None]
STEP_CHECKS: dict[int, StepCheck] = {
    Step.GROUP_ASSIGNMENT: _check_group_assignment,
    Step.CONTACTS: _check_contacts,
    Step.CANDIDATE: _check_candidate,
    Step.INTRODUCERS: _check_introducers,
    Step.VETTING: _check_vetting,
    Step.TRAINING: _check_training,
    Step.ADMISSION_MEETING: _check_admission,
    Step.ADMISSION_APPROVAL: _check_admission_approval,
    Step.CONFIRMATION_MEETING: _check_confirmation_meeting,
    Step.CONFIRMATION_APPROVAL: _check_confirmation_approval,
    Step.ACTIVIST_FILING: _check_filing,
    Step.CANDIDATE_FILING: _check_filing,
    Step.PRE_REVIEW: _check_filing,
    Step.ADMISSION_FILING: _check_filing,
}


def _check_publicity(applicant: Applicant, number: int, day: dt.date) -> None:
    """Steps 3, 12 and 22 follow a 公示 of N working days that ended, before the step, with no objection."""
    needed = int(get_rule("publicity_working_days"))
    records = list(applicant.publicities.filter(step=number).order_by("-ends_on"))
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
    if not records:
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


def _admit(actor: Any, applicant: Applicant, step: DevelopmentStep) -> Member:
    """Step 15 makes the applicant a probationary member from the meeting's date."""
    member = build_member(
        organization=applicant.organization,
        status=MemberStatus.PROBATIONARY,
        joined_on=step.day,
        **person_snapshot(applicant),
    )
    member.save()
    for period in write_initial_periods(member, PeriodReason.ADMITTED):
        period.document_no = step.document_no
        period.save()
    applicant.member = member
    save_changed(applicant, ["member"])  # a form loaded before the admission goes stale
    return member


def _decide_probation(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """Step 23's outcome reaches the member's record and history."""
    member = applicant.member
    if step.outcome == Outcome.ON_TIME:
        full_on = probation_ends_on(admitted_on(steps), extension_of(steps))
        member_confirm(actor=actor, member=member, day=full_on, document_no=step.document_no)
    elif step.outcome == Outcome.CANCELLED:
        member_leave(
            actor=actor,
            member=member,
            day=step.day,
            reason=LeaveReason.PROBATION_CANCELLED,
            note=step.note or "支部大会讨论决定取消预备党员资格",
        )


@service
def step_record(
    *, actor: Any, applicant: Applicant, number: int, day: dt.date, **particulars: Any
) -> DevelopmentStep:
    """Record step ``number`` of an applicant on ``day`` with that step's particulars, every rule enforced.

    The applicant's row is locked first, so two clerks recording a step at once
    are checked one after the other, against the steps the first one left.  Its
    version goes up only when its record changes (admission links the member):
    a step is a row of its own, and the profile form shows nothing it changes.
    """
    lock_for_update(Applicant, applicant)  # decide on the stored state, not on what the caller holds
    check_can_edit(actor, applicant.organization)
    if number not in Step.values:
        raise ValidationError({"number": "步骤应为第1至第25步"})
    allowed = set(STEP_PARTICULARS.get(number, ())) | set(COMMON_PARTICULARS)
    unknown = set(particulars) - allowed
    if unknown:
        raise ValueError(f"step {number} does not take {sorted(unknown)}")
    applicant.__dict__.pop("stage_code", None)  # the derived stage changes with this step
    steps = list(applicant.steps.order_by("day", "number", "id"))
    error = sequence_error(applicant, steps, number)
    if error:
        raise ValidationError({"number": error})
    _check_day(steps, day)
    # Text particulars are blank, never NULL, when a caller passes None.
    fields = {k: ("" if v is None and k in TEXT_PARTICULARS else v) for k, v in particulars.items()}
    step = DevelopmentStep(applicant=applicant, number=number, day=day, **fields)
    STEP_CHECKS.get(number, _check_nothing)(actor, applicant, steps, step)
    if number in PUBLICITY_STEPS:
        _check_publicity(applicant, number, day)
    step.full_clean()
    step.save()
    if number == Step.ADMISSION_MEETING:
        _admit(actor, applicant, step)
    elif number == Step.GROUP_ASSIGNMENT and step.party_group is not None and applicant.member is not None:
        # 编入党小组: the member record says which group (audited, a form loaded before goes stale)
        member_update(actor=actor, member=applicant.member, party_group=step.party_group)
    elif number == Step.CONFIRMATION_MEETING:
        _decide_probation(actor, applicant, steps, step)
    return step


# --- 公示 ---------------------------------------------------------------------------------


@service
def publicity_create(
    *,
    actor: Any,
    applicant: Applicant,
    step: int,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str,
) -> Publicity:
    """Post a 公示 before step 3, 12 or 22, running at least the configured number of working days."""
    lock_for_update(
        Applicant, applicant
    )  # two clerks posting the same 公示 at once: the second sees the first
    check_can_edit(actor, applicant.organization)
    if step not in PUBLICITY_STEPS:
        raise ValidationError({"step": "公示事项应为第3、12或22步之前的公示"})
    steps = list(applicant.steps.order_by("day", "number", "id"))
    error = sequence_error(applicant, steps, step)
    if error:
        raise ValidationError({"step": f"尚不能进行该公示：{error}"})
    _not_future(starts_on, "starts_on")
    last = max(steps, key=lambda s: (s.day, s.number))
    if starts_on < last.day:
        raise ValidationError({"starts_on": f"公示开始日期不能早于上一步骤的日期（{last.day:%Y-%m-%d}）"})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "公示截止日期不能早于开始日期"})
    needed = int(get_rule("publicity_working_days"))
    try:
        days = working_days(starts_on, ends_on)
    except HolidaysMissing as exc:
        field = "starts_on" if exc.year == starts_on.year else "ends_on"
        raise ValidationError({field: exc.message}) from None
    if days < needed:
        raise ValidationError({"ends_on": f"公示期不少于{needed}个工作日（当前为{days}个工作日）"})
    if applicant.publicities.filter(step=step, result="").exists():
        raise ValidationError({"step": "该事项已有尚未登记结果的公示"})
    publicity = Publicity(
        applicant=applicant, step=step, starts_on=starts_on, ends_on=ends_on, place=place.strip()
    )
    publicity.full_clean()
    publicity.save()
    return publicity


@service
def publicity_close(*, actor: Any, publicity: Publicity, result: str, note: str = "") -> Publicity:
    """Record a 公示's result: no objection once it has run its course, or an objection at any time."""
    lock_for_update(Publicity, publicity)  # a result recorded meanwhile is seen, not overwritten
    check_can_edit(actor, publicity.applicant.organization)
    if publicity.result:
        raise ValidationError({"result": "该公示结果已登记"})
    if result not in PublicityResult.values:
        raise ValidationError({"result": "请选择公示结果"})
    if result == PublicityResult.NO_OBJECTION and publicity.ends_on > dt.date.today():
        raise ValidationError({"result": f"公示期至{publicity.ends_on:%Y-%m-%d}，期满后方可登记无异议"})
    if result == PublicityResult.OBJECTION and not note.strip():
        raise ValidationError({"result_note": "公示有异议时请说明情况"})
    publicity.result = result
    publicity.result_note = note.strip()
    publicity.full_clean()
    publicity.save()
    return publicity


# --- plans --------------------------------------------------------------------------------


def can_set_plans(user: Any, committee: Organization) -> bool:
    """Plans are set from above: the county (or any level above the committee), never the committee itself."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return root is not None and root.pk != committee.pk and committee.path.startswith(root.path)


@service
def plan_set(
    *,
    actor: Any,
    committee: Organization,
    year: int,
    quota: int,
    note: str = "",
    expected_version: int | None = None,
) -> DevelopmentPlan:
    """Set (or change) a committee's development plan for a year.

    ``expected_version`` is the version of the plan the user's form showed (0:
    there was none yet); a plan saved or set since is refused (``core.versioning``).
    """
    check_can_edit(actor, committee)
    if not can_set_plans(actor, committee):
        raise PermissionDenied("发展党员计划由上级党委（县委组织部）下达，本级不能修改")
    if committee.kind not in COMMITTEE_KINDS:
        raise ValidationError({"committee": "发展党员计划按基层党委下达"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "请填写正确的年度"})
    if quota is None or quota < 0:
        raise ValidationError({"quota": "计划发展人数不能为负数"})
    plan = DevelopmentPlan.objects.filter(committee=committee, year=year).first()
    if plan is None:
        plan = DevelopmentPlan(committee=committee, year=year, quota=quota, note=note.strip())
        plan.full_clean()
        plan.save()
        return plan
    lock_for_update(DevelopmentPlan, plan, expected_version=expected_version)
    changes = {"quota": quota, "note": note.strip()}
    changed = [f for f, value in changes.items() if value != getattr(plan, f)]
    if not changed:
        return plan  # nothing to write, so no new version
    for field in changed:
        setattr(plan, field, changes[field])
    plan.full_clean()
    save_changed(plan, changed)
    return plan


# --- organizations closing ---------------------------------------------------------------


def move_applicants_on_close(
    org: Organization, successor: Organization | None, day: dt.date, actor: Any
) -> None:
    """Closing handler: a merged branch's applicants follow it; a dissolved one must have none in training."""
    applicants = Applicant.objects.filter(organization=org, withdrawn_on__isnull=True, member__isnull=True)
    if successor is None:
        count = applicants.count()
        if count:
            raise ValidationError(
                {"dissolved_on": f"该党组织尚有{count}名正在培养的入党申请人，请先转入其他党支部或改用“合并”"}
            )
        return
    for applicant in Applicant.objects.filter(organization=org).order_by("pk"):
        lock_for_update(Applicant, applicant)
        applicant.organization = successor
        save_changed(applicant, ["organization"])  # a form loaded before the merge goes stale
