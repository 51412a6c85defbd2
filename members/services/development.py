"""Writes of the development pipeline: applicants, their 25 steps, 公示 records and annual plans.

Every function is one audited transaction that checks the actor's scope
first and refuses with a Chinese message on the offending field, writing
nothing.  Admission at step 15 is provisional: the applicant becomes a
预备党员 from the meeting's date, and step 17 answers.  批准 confirms it;
不予批准 reverses it in the member's history as a dated record (the period
ends on the refusal day with its reason, nothing is deleted) and ends the
application; every figure then leaves that admission out, whatever period it
falls in.  Steps 23 and 24 are the member's 转正记录, written by
``confirmations`` (the same form and this function's ``step_record`` reach it
from the applicant's page).  The rules shared with it are in
``development_checks``.

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
from core.dates import add_years, working_days
from core.fieldcrypto import id_hash_q
from core.holidays import HolidaysMissing
from core.idcard import parse_id_number
from core.scopes import check_can_edit, scope_root, sees_everything
from core.versioning import lock_for_update, save_changed
from organizations.choices import COMMITTEE_KINDS
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import LeaveReason, MemberStatus, PeriodReason
from ..models import Member, age_on
from ..models.development import (
    CONFIRMATION_STEPS,
    PUBLICITY_STEPS,
    Applicant,
    Confirmation,
    Decision,
    DevelopmentPlan,
    DevelopmentStep,
    Publicity,
    PublicityResult,
    Step,
    VettingResult,
    WithdrawKind,
    particulars_of,
)
from ..models.person import PERSON_FIELDS, person_snapshot
from ..selectors.development import (
    ACTIVIST_MIN_YEARS,
    MIN_AGE,
    TRAINING_MIN_DAYS,
    TRAINING_MIN_HOURS,
    admitted_on,
    first_day,
    sequence_error,
)
from .confirmations import confirmation_decide, confirmation_record
from .development_checks import (
    check_approver,
    check_day,
    check_decision,
    check_pair,
    check_publicity,
    check_upper_org,
    check_votes,
    not_future,
)
from .member import (
    build_member,
    member_leave,
    member_update,
    refuse_id_number,
    validate_holding_org,
    validate_party_group,
    write_initial_periods,
)

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


@service
def applicant_create(
    *, actor: Any, organization: Organization, applied_on: dt.date, note: str = "", **person: Any
) -> Applicant:
    """Register an applicant with step 1 (递交入党申请书) on ``applied_on``."""
    check_can_edit(actor, organization)
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"applicant_create does not take {sorted(unknown)}")
    not_future(applied_on, "applied_on")
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
        raise ValidationError(
            "已接收为预备党员，不能终止发展；请经支部大会讨论取消预备资格，或由上级党委在第17步不予批准"
        )
    if kind not in WithdrawKind.values or kind == WithdrawKind.NOT_APPROVED:
        raise ValidationError({"withdraw_kind": "请选择终止情形"})
    if not (reason or "").strip():
        raise ValidationError({"withdraw_reason": "请填写终止原因"})
    not_future(day, "withdrawn_on")
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


#: Particulars stored as text (blank rather than NULL).
TEXT_PARTICULARS = (
    "handled_by",
    "document_no",
    "note",
    "late_reason",
    "outcome",
    "vetting_result",
    "decision",
    "refusal_reason",
)
#: Steps that follow a 公示 of their own subject (the 转正公示 comes before step 23: see confirmations).
PUBLICITY_BEFORE_STEP = (Step.ACTIVIST, Step.BRANCH_COMMITTEE_REVIEW)


def _check_contacts(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """培养联系人: one or two members who were full members on the step's date."""
    check_pair(actor, step, "first_contact", "second_contact", "培养联系人", exactly_two=False)


def _check_introducers(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """入党介绍人: exactly two members who were full members on the step's date."""
    check_pair(actor, step, "first_introducer", "second_introducer", "入党介绍人", exactly_two=True)


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


def _check_admission(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """The branch meeting's votes: quorum, majority, no more entitled than the branch's full members."""
    check_votes(step.votes_entitled, step.votes_present, step.votes_for, applicant.organization, step.day)


def _check_filing(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    check_upper_org(applicant.organization, step.approving_org)


def _check_admission_approval(
    actor: Any, applicant: Applicant, steps: Sequence[DevelopmentStep], step: DevelopmentStep
) -> None:
    """批准 within 3 months of the branch meeting, up to 6 with a reason (configurable); 不予批准 with its reason."""
    check_approver(actor, applicant.organization, step.approving_org, step.day)
    meeting = admitted_on(steps)
    assert meeting is not None  # the sequence asks for step 15 first
    check_decision(
        decision=step.decision,
        day=step.day,
        meeting=meeting,
        refusal_reason=step.refusal_reason,
        late_reason=step.late_reason,
        what="接收预备党员",
    )
    if step.decision == Decision.APPROVED:
        missing = sequence_error(applicant, steps, Step.ADMISSION_APPROVAL)
        if missing:
            raise ValidationError({"number": missing})


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
    Step.ACTIVIST_FILING: _check_filing,
    Step.CANDIDATE_FILING: _check_filing,
    Step.PRE_REVIEW: _check_filing,
    Step.ADMISSION_FILING: _check_filing,
}


def _admit(actor: Any, applicant: Applicant, step: DevelopmentStep) -> Member:
    """Step 15 makes the applicant a probationary member from the meeting's date (provisionally: see step 17)."""
    member = build_member(
        organization=applicant.organization,
        on_record=False,  # a meeting entered long after still leads on to 23 and 24 (or the worklist)
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


def _refuse_admission(actor: Any, applicant: Applicant, step: DevelopmentStep) -> None:
    """Step 17 不予批准: the admission is reversed in the member's history and the application ends.

    The member record stays with its dated history: the probationary period
    ends on the refusal day for the reason 不予批准 and the member leaves the
    roll as 接收预备党员未获批准; the figures leave the admission out
    (``selectors.development.admissions``).
    """
    member = applicant.member
    if member is not None and member.is_current:
        if member.status != MemberStatus.PROBATIONARY:
            raise ValidationError({"decision": "该党员已转为正式党员，不能再不予批准接收"})
        member_leave(
            actor=actor,
            member=member,
            day=step.day,
            reason=LeaveReason.NOT_APPROVED,
            note=f"{step.approving_org.name}不予批准：{step.refusal_reason}"[:200],
        )
    applicant.__dict__.pop("stage_code", None)
    applicant.withdrawn_on = step.day
    applicant.withdraw_kind = WithdrawKind.NOT_APPROVED
    applicant.withdraw_reason = step.refusal_reason.strip()[:200]
    applicant.full_clean()
    save_changed(applicant, ["withdrawn_on", "withdraw_kind", "withdraw_reason"])


@service
def step_record(
    *, actor: Any, applicant: Applicant, number: int, day: dt.date, **particulars: Any
) -> DevelopmentStep | Confirmation:
    """Record step ``number`` of an applicant on ``day`` with that step's particulars, every rule enforced.

    The applicant's row is locked first, so two clerks recording a step at once
    are checked one after the other, against the steps the first one left.  Its
    version goes up only when its record changes (admission links the member,
    a refusal ends the application): a step is a row of its own.  Steps 23 and
    24 go to the member's 转正记录 (``confirmation_record`` / ``confirmation_decide``).
    """
    lock_for_update(Applicant, applicant)  # decide on the stored state, not on what the caller holds
    check_can_edit(actor, applicant.organization)
    if number not in Step.values:
        raise ValidationError({"number": "步骤应为第1至第25步"})
    unknown = set(particulars) - set(particulars_of(number))
    if unknown:
        raise ValueError(f"step {number} does not take {sorted(unknown)}")
    # Text particulars are blank, never NULL, when a caller passes None.
    fields = {k: ("" if v is None and k in TEXT_PARTICULARS else v) for k, v in particulars.items()}
    if number in CONFIRMATION_STEPS:
        return _confirmation_step(actor, applicant, number, day, fields)
    if number == Step.ADMISSION_APPROVAL:
        fields["decision"] = (
            fields.get("decision") or Decision.APPROVED
        )  # an answer is an approval unless it says no
    applicant.__dict__.pop("stage_code", None)  # the derived stage changes with this step
    steps = list(applicant.steps.order_by("day", "number", "id"))
    confirmations = list(applicant.member.confirmations.all()) if applicant.member_id else []
    refusing = number == Step.ADMISSION_APPROVAL and fields["decision"] == Decision.REFUSED
    error = sequence_error(applicant, steps, number, confirmations, refusing=refusing)
    if error:
        raise ValidationError({"number": error})
    check_day(steps, day, number)
    if number == Step.ARCHIVE and (decided := [c.approved_on for c in confirmations if c.approved_on]):
        if day < max(decided):
            raise ValidationError({"day": f"归档日期不能早于转正审批日期（{max(decided):%Y-%m-%d}）"})
    step = DevelopmentStep(applicant=applicant, number=number, day=day, **fields)
    STEP_CHECKS.get(number, _check_nothing)(actor, applicant, steps, step)
    if number in PUBLICITY_BEFORE_STEP:
        check_publicity(applicant, number, day)
    step.full_clean()
    step.save()
    if number == Step.ADMISSION_MEETING:
        _admit(actor, applicant, step)
    elif refusing:
        _refuse_admission(actor, applicant, step)
    elif number == Step.GROUP_ASSIGNMENT and step.party_group is not None and applicant.member is not None:
        # 编入党小组: the member record says which group (audited, a form loaded before goes stale)
        member_update(actor=actor, member=applicant.member, party_group=step.party_group)
    return step


def _confirmation_step(
    actor: Any, applicant: Applicant, number: int, day: dt.date, fields: dict[str, Any]
) -> Confirmation:
    """Step 23 or 24 from the applicant's page: the member's 转正记录."""
    if applicant.withdrawn_on:
        raise ValidationError({"number": "该申请人已终止发展，不能继续记录发展步骤"})
    member = applicant.member
    if member is None:
        raise ValidationError({"number": "请先完成第15步“支部大会讨论”"})
    if number == Step.CONFIRMATION_MEETING:
        return confirmation_record(actor=actor, member=member, day=day, **fields)
    pending = Confirmation.objects.filter(member=member, decision="").first()
    if pending is None:
        raise ValidationError({"number": "没有待审批的转正讨论（请先完成第23步“支部大会讨论”）"})
    fields["approval_document_no"] = fields.pop("document_no", "")
    return confirmation_decide(actor=actor, confirmation=pending, day=day, **fields)


# --- 公示 ---------------------------------------------------------------------------------


def publicity_sequence_error(applicant: Applicant, steps: Sequence[DevelopmentStep], kind: int) -> str | None:
    """Why the 公示 of ``kind`` cannot be posted now: 3 and 12 when that step could come next, the 转正公示 after 22."""
    if kind != Step.CONFIRMATION_REQUEST:
        return sequence_error(applicant, steps, kind)
    if applicant.withdrawn_on:
        return "该申请人已终止发展"
    if not any(s.number == Step.CONFIRMATION_REQUEST for s in steps):
        return "转正公示在提出转正申请（第22步）之后进行，请先完成第22步“提出转正申请”"
    member = applicant.member
    if member is None or not member.is_current or member.status != MemberStatus.PROBATIONARY:
        return "该申请人目前不是预备党员"
    return None


def publicities_due(applicant: Applicant, steps: Sequence[DevelopmentStep]) -> list[int]:
    """The 公示 that may be posted now (the applicant page's button and the form's choices).

    The 转正公示 until one has ended with no objection after the application.
    """
    due = [k for k in PUBLICITY_STEPS if publicity_sequence_error(applicant, steps, k) is None]
    if Step.CONFIRMATION_REQUEST in due:
        applied = min(s.day for s in steps if s.number == Step.CONFIRMATION_REQUEST)
        if applicant.publicities.filter(
            step=Step.CONFIRMATION_REQUEST, starts_on__gte=applied, result=PublicityResult.NO_OBJECTION
        ).exists():
            due.remove(Step.CONFIRMATION_REQUEST)
    return due


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
    """Post a 公示 before step 3 or 12, or the 转正公示 after step 22, running the configured working days."""
    lock_for_update(
        Applicant, applicant
    )  # two clerks posting the same 公示 at once: the second sees the first
    check_can_edit(actor, applicant.organization)
    if step not in PUBLICITY_STEPS:
        raise ValidationError({"step": "公示事项应为第3、12步之前或提出转正申请（第22步）之后的公示"})
    steps = list(applicant.steps.order_by("day", "number", "id"))
    error = publicity_sequence_error(applicant, steps, step)
    if error:
        raise ValidationError({"step": f"尚不能进行该公示：{error}"})
    not_future(starts_on, "starts_on")
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
    if days < needed:  # 0 configured: a 公示 is optional and may be of any length
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


# --- organizations closing, members moving -----------------------------------------------


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


def applicant_follows_member(member: Member, from_org: Organization, day: dt.date, actor: Any) -> None:
    """Moved-member hook: the development record of an admitted member moves with them.

    The receiving branch then sees the 25 steps, records what is left (19–22,
    the 转正公示, 25) and the 转正; the steps keep the dates and the branch
    meeting keeps its votes, as they happened.
    """
    applicant = Applicant.objects.filter(member=member).first()
    if applicant is None or applicant.organization_id == member.organization_id:
        return
    lock_for_update(Applicant, applicant)
    applicant.organization = member.organization
    save_changed(applicant, ["organization"])  # a form loaded before the move goes stale
