"""One test per rule of the development pipeline (发展党员工作细则), each asserting nothing is written on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from core.dates import working_days
from core.models import Holiday
from members.models import Applicant, Confirmation, DevelopmentStep, Member, Publicity
from members.models.development import Outcome, PublicityResult, Stage, Step, VettingResult, WithdrawKind
from members.selectors.development import applicant_timeline, available_steps
from members.services.development import (
    applicant_create,
    applicant_update,
    applicant_withdraw,
    publicity_close,
    publicity_create,
    step_record,
)
from members.services.member import member_register
from organizations.models import RuleSetting
from organizations.services import org_update
from tests.factories import (
    DATES,
    PUBLICITY,
    TODAY,
    advance,
    make_id,
    member_fields,
    person,
    post_publicity,
)

pytestmark = pytest.mark.django_db


class Unchanged:
    """Counts of the development tables and audit rows, to assert a refusal wrote nothing."""

    def __init__(self) -> None:
        self.before = self.counts()

    @staticmethod
    def counts() -> tuple[int, ...]:
        return (
            Applicant.objects.count(),
            DevelopmentStep.objects.count(),
            Confirmation.objects.count(),
            Publicity.objects.count(),
            Member.objects.count(),
            LogEntry.objects.count(),
        )

    def check(self) -> None:
        assert self.counts() == self.before


def refused(field: str, call, *args, **kwargs) -> str:
    """Run a service that must refuse on ``field``; return the message after checking nothing was written."""
    unchanged = Unchanged()
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    unchanged.check()
    return " ".join(exc.value.message_dict[field])


def record(ctx, applicant, number, day, actor=None, **particulars):
    return step_record(
        actor=actor or ctx["secretary_a"], applicant=applicant, number=number, day=day, **particulars
    )


# --- the applicant -------------------------------------------------------------------------


def test_registering_an_applicant_records_step_one_with_an_audit_row(applicant_a, ctx):
    step = applicant_a.steps.get()
    assert (step.number, step.day) == (Step.APPLICATION, DATES[1])
    assert applicant_a.stage == Stage.APPLICANT
    entry = LogEntry.objects.get_for_object(applicant_a).get()
    assert entry.actor == ctx["secretary_a"]
    assert applicant_a.id_number not in str(entry.changes)  # ID masked in the audit diff
    assert LogEntry.objects.get_for_object(step).get().actor == ctx["secretary_a"]


def test_an_applicant_must_be_18_on_the_application_date(frozen, ctx):
    birth = dt.date(2005, 3, 2)  # 17 on 2023-03-01
    message = refused(
        "applied_on",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **person(birth_date=birth),
    )
    assert "应年满18周岁" in message


def test_an_applicant_turning_18_on_the_application_date_may_apply(frozen, ctx):
    applicant = applicant_create(
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **person(birth_date=dt.date(2005, 3, 1)),
    )
    assert applicant.pk


def test_the_id_number_must_pass_the_checksum(frozen, ctx):
    fields = person()
    fields["id_number"] = fields["id_number"][:17] + ("0" if fields["id_number"][17] != "0" else "1")
    message = refused(
        "id_number",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **fields,
    )
    assert "校验位错误" in message


def test_the_birth_date_must_agree_with_the_id_number(frozen, ctx):
    fields = person()
    fields["birth_date"] = dt.date(1998, 5, 5)
    message = refused(
        "birth_date",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **fields,
    )
    assert message == "出生日期与公民身份号码不一致"


def test_one_person_has_one_open_application(applicant_a, ctx):
    message = refused(
        "id_number",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[2],
        **person(name="陆文华"),
    )
    assert "正在培养中" in message


def test_a_member_cannot_apply_again(frozen, ctx):
    fields = person(id_number=ctx["member_a"].id_number, birth_date=ctx["member_a"].birth_date, gender="F")
    message = refused(
        "id_number",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=DATES[1],
        **fields,
    )
    assert "已登记为党员" in message


def test_the_application_date_cannot_be_in_the_future(frozen, ctx):
    message = refused(
        "applied_on",
        applicant_create,
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=TODAY + dt.timedelta(days=1),
        **person(),
    )
    assert message == "日期不能晚于今天"


def test_personal_details_are_corrected_before_admission_only(applicant_a, ctx):
    applicant_update(actor=ctx["secretary_a"], applicant=applicant_a, phone="13900000000")
    applicant_a.refresh_from_db()
    assert applicant_a.phone == "13900000000"
    advance(applicant_a, 15, ctx)
    unchanged = Unchanged()
    with pytest.raises(ValidationError, match="党员档案"):
        applicant_update(actor=ctx["secretary_a"], applicant=applicant_a, phone="13700000000")
    unchanged.check()


# --- order and dates -----------------------------------------------------------------------------


def test_a_step_needs_its_predecessors_and_names_the_first_missing_one(applicant_a, ctx):
    message = refused(
        "number", record, ctx, applicant_a, Step.CONTACTS, DATES[5], first_contact=ctx["member_a"]
    )
    assert message == "请先完成第2步“党组织派人谈话”"


def test_a_step_is_recorded_once(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    message = refused("number", record, ctx, applicant_a, Step.TALK, DATES[3])
    assert message == "第2步“党组织派人谈话”已记录"


def test_half_yearly_reviews_repeat_until_the_candidate_is_chosen(applicant_a, ctx):
    advance(applicant_a, 6, ctx)
    record(ctx, applicant_a, Step.ACTIVIST_REVIEW, dt.date(2024, 4, 1))
    assert applicant_a.steps.filter(number=Step.ACTIVIST_REVIEW).count() == 2
    advance(applicant_a, 7, ctx)
    message = refused("number", record, ctx, applicant_a, Step.ACTIVIST_REVIEW, dt.date(2024, 4, 15))
    assert "已确定为发展对象" in message


def test_a_step_date_is_never_in_the_future(applicant_a, ctx):
    message = refused("day", record, ctx, applicant_a, Step.TALK, TODAY + dt.timedelta(days=1))
    assert message == "日期不能晚于今天"


def test_a_step_date_is_never_before_the_previous_step(applicant_a, ctx):
    message = refused("day", record, ctx, applicant_a, Step.TALK, DATES[1] - dt.timedelta(days=1))
    assert message == "日期不能早于上一步骤（第1步“递交入党申请书”，2023-03-01）"


def test_a_late_talk_is_recorded_and_flagged_not_refused(applicant_a, ctx):
    late = dt.date(2023, 4, 15)  # more than a month after 2023-03-01
    record(ctx, applicant_a, Step.TALK, late)
    assert applicant_a.steps.filter(number=Step.TALK, day=late).exists()
    timeline = applicant_timeline(applicant_a, list(applicant_a.steps.all()), TODAY)
    assert timeline.warnings == ["党组织未在收到入党申请书后1个月内派人谈话（已补谈）"]


def test_outsiders_get_not_found_and_auditors_are_forbidden(applicant_a, ctx, secretary_b, auditor):
    unchanged = Unchanged()
    with pytest.raises(Http404):
        record(ctx, applicant_a, Step.TALK, DATES[2], actor=secretary_b)
    with pytest.raises(PermissionDenied):
        record(ctx, applicant_a, Step.TALK, DATES[2], actor=auditor)
    unchanged.check()


# --- 公示 -----------------------------------------------------------------------------------------


def test_publicity_working_days_leave_out_weekends_and_holidays():
    assert working_days(dt.date(2023, 3, 27), dt.date(2023, 3, 31)) == 5  # Mon–Fri
    assert working_days(dt.date(2023, 3, 23), dt.date(2023, 3, 29)) == 5  # Thu–Wed over a weekend
    assert working_days(dt.date(2023, 4, 1), dt.date(2023, 4, 2)) == 0  # a weekend
    assert working_days(dt.date(2023, 3, 30), dt.date(2023, 4, 5)) == 4  # Wednesday 5 April is 清明节


def test_a_publicity_over_national_day_counts_only_the_working_days(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    message = refused(
        "ends_on",
        publicity_create,
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2025, 9, 29),
        ends_on=dt.date(2025, 10, 8),  # ten days, but 1–8 October are 国庆节 and 中秋节
        place="村务公开栏",
    )
    assert message == "公示期不少于5个工作日（当前为2个工作日）"
    publicity = publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2025, 9, 29),
        ends_on=dt.date(2025, 10, 11),  # Saturday 11 October is a 调休 working day: the fifth
        place="村务公开栏",
    )
    assert publicity.pk is not None


def test_a_publicity_in_a_year_without_a_holiday_schedule_is_a_form_error(applicant_a, ctx, client):
    advance(applicant_a, 2, ctx)
    Holiday.objects.filter(day__year=2025).delete()
    client.force_login(ctx["secretary_a"])
    unchanged = Unchanged()
    response = client.post(
        reverse("members:publicity_create", args=[applicant_a.pk]),
        {"step": Step.ACTIVIST, "starts_on": "2025-09-29", "ends_on": "2025-10-13", "place": "村务公开栏"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "starts_on": ["2025年的节假日安排尚未录入，请管理员在“节假日”中补充后再试"]
    }
    unchanged.check()


def test_a_step_after_a_publicity_in_a_year_no_longer_covered_names_the_year(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    post_publicity(applicant_a, Step.ACTIVIST, ctx["secretary_a"], dt.date(2023, 3, 27), dt.date(2023, 3, 31))
    Holiday.objects.filter(day__year=2023).delete()
    message = refused("publicity", record, ctx, applicant_a, Step.ACTIVIST, DATES[3])
    assert message == "2023年的节假日安排尚未录入，请管理员在“节假日”中补充后再试"


def test_becoming_an_activist_needs_a_publicity_first(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    message = refused("publicity", record, ctx, applicant_a, Step.ACTIVIST, DATES[3])
    assert message == "第3步前须公示不少于5个工作日，请先登记公示"


def test_a_publicity_runs_at_least_the_configured_working_days(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    message = refused(
        "ends_on",
        publicity_create,
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2023, 3, 29),
        ends_on=dt.date(2023, 4, 2),  # Wednesday to Sunday: 3 working days
        place="村务公开栏",
    )
    assert message == "公示期不少于5个工作日（当前为3个工作日）"


def test_the_publicity_working_days_are_configurable(applicant_a, ctx):
    RuleSetting.objects.create(key="publicity_working_days", value="3")
    advance(applicant_a, 2, ctx)
    post_publicity(applicant_a, Step.ACTIVIST, ctx["secretary_a"], dt.date(2023, 3, 29), dt.date(2023, 4, 2))
    record(ctx, applicant_a, Step.ACTIVIST, DATES[3])
    assert applicant_a.stage == Stage.ACTIVIST


def test_a_publicity_with_an_objection_blocks_the_step(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    publicity = publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2023, 3, 27),
        ends_on=dt.date(2023, 3, 31),
        place="村务公开栏",
    )
    publicity_close(
        actor=ctx["secretary_a"],
        publicity=publicity,
        result=PublicityResult.OBJECTION,
        note="群众反映有违纪行为",
    )
    message = refused("publicity", record, ctx, applicant_a, Step.ACTIVIST, DATES[3])
    assert message == "公示有异议，不能进行该步骤"


def test_a_publicity_still_running_blocks_the_step(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=dt.date(2023, 4, 6),
        ends_on=dt.date(2023, 4, 12),
        place="村务公开栏",
    )
    message = refused("publicity", record, ctx, applicant_a, Step.ACTIVIST, DATES[3])
    assert message == "公示期至2023-04-12，公示结束后方可进行"


def test_no_objection_is_recorded_only_after_the_publicity_ends(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    publicity = publicity_create(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        step=Step.ACTIVIST,
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=7),
        place="村务公开栏",
    )
    message = refused(
        "result",
        publicity_close,
        actor=ctx["secretary_a"],
        publicity=publicity,
        result=PublicityResult.NO_OBJECTION,
    )
    assert "期满后方可登记无异议" in message


def test_publicity_comes_before_step_12_and_the_confirmation_publicity_before_step_23(applicant_a, ctx):
    advance(applicant_a, 11, ctx)
    assert "公示" in refused("publicity", record, ctx, applicant_a, Step.BRANCH_COMMITTEE_REVIEW, DATES[12])
    advance(applicant_a, 22, ctx)  # the 转正 application needs no 公示 before it …
    message = refused(
        "publicity",
        record,
        ctx,
        applicant_a,
        Step.CONFIRMATION_MEETING,
        DATES[23],
        outcome=Outcome.ON_TIME,
        **_votes(2, 2, 2),
    )
    assert message == "提出转正申请后、第23步前须公示不少于5个工作日，请先登记转正公示"  # … the meeting does


# --- particulars ----------------------------------------------------------------------------------


def test_contacts_are_one_or_two_members(applicant_a, ctx):
    advance(applicant_a, 4, ctx)
    assert "培养联系人" in refused("first_contact", record, ctx, applicant_a, Step.CONTACTS, DATES[5])
    record(ctx, applicant_a, Step.CONTACTS, DATES[5], first_contact=ctx["member_a"])  # one is enough
    assert applicant_a.steps.get(number=Step.CONTACTS).second_contact is None


@time_machine.travel(dt.date(2023, 5, 1), tick=False)  # the probationary member is within their probation
def test_contacts_are_full_members(applicant_a, ctx, admin_user):
    probationary = member_register(
        actor=admin_user,
        organization=ctx["tree"].branch_a,
        **member_fields(
            name="农小燕",
            gender="F",
            birth_date=dt.date(1990, 1, 1),
            id_number=make_id(dt.date(1990, 1, 1), 4, False),
            status="PROBATIONARY",
            joined_on=dt.date(2022, 7, 1),
            full_on=None,
        ),
    )
    advance(applicant_a, 4, ctx)
    message = refused(
        "first_contact", record, ctx, applicant_a, Step.CONTACTS, DATES[5], first_contact=probationary
    )
    assert message == "培养联系人须为正式党员（“农小燕”在2023-04-25不是正式党员）"


def test_two_contacts_are_two_people(applicant_a, ctx):
    advance(applicant_a, 4, ctx)
    message = refused(
        "second_contact",
        record,
        ctx,
        applicant_a,
        Step.CONTACTS,
        DATES[5],
        first_contact=ctx["member_a"],
        second_contact=ctx["member_a"],
    )
    assert message == "两名培养联系人不能是同一人"


def test_contacts_come_from_the_actors_scope(applicant_a, ctx, member_b):
    advance(applicant_a, 4, ctx)
    message = refused(
        "first_contact", record, ctx, applicant_a, Step.CONTACTS, DATES[5], first_contact=member_b
    )
    assert message == "培养联系人须为本党组织范围内的正式党员"


def test_a_candidate_has_been_an_activist_for_a_year(applicant_a, ctx):
    advance(applicant_a, 6, ctx)
    message = refused("day", record, ctx, applicant_a, Step.CANDIDATE, dt.date(2024, 4, 9))
    assert message == "确定为入党积极分子（2023-04-10）满1年后方可确定为发展对象（最早2024-04-10）"
    record(ctx, applicant_a, Step.CANDIDATE, dt.date(2024, 4, 10))
    assert applicant_a.stage == Stage.CANDIDATE


def test_introducers_are_exactly_two_full_members(applicant_a, ctx):
    advance(applicant_a, 8, ctx)
    message = refused(
        "second_introducer",
        record,
        ctx,
        applicant_a,
        Step.INTRODUCERS,
        DATES[9],
        first_introducer=ctx["member_a"],
    )
    assert message == "须确定2名入党介绍人"
    assert "入党介绍人" in refused("first_introducer", record, ctx, applicant_a, Step.INTRODUCERS, DATES[9])


def test_the_political_vetting_conclusion_is_mandatory(applicant_a, ctx):
    advance(applicant_a, 9, ctx)
    message = refused("vetting_result", record, ctx, applicant_a, Step.VETTING, DATES[10])
    assert message == "请填写政治审查结论"


def test_a_failed_vetting_stops_the_pipeline(applicant_a, ctx):
    advance(applicant_a, 9, ctx)
    record(ctx, applicant_a, Step.VETTING, DATES[10], vetting_result=VettingResult.FAILED)
    message = refused("number", record, ctx, applicant_a, Step.TRAINING, DATES[11], training_days=3)
    assert message == "政治审查结论为不合格，不能继续发展"
    assert Step.TRAINING not in available_steps(applicant_a, list(applicant_a.steps.all()))


def test_training_lasts_three_days_or_24_hours(applicant_a, ctx):
    advance(applicant_a, 10, ctx)
    message = refused(
        "training_days",
        record,
        ctx,
        applicant_a,
        Step.TRAINING,
        DATES[11],
        training_days=2,
        training_hours=16,
    )
    assert message == "集中培训时间一般不少于3天或不少于24学时"
    record(ctx, applicant_a, Step.TRAINING, DATES[11], training_days=2, training_hours=24)
    assert applicant_a.steps.filter(number=Step.TRAINING).exists()


def _votes(entitled: int, present: int, yes: int) -> dict:
    return {"votes_entitled": entitled, "votes_present": present, "votes_for": yes}


# Branch A has two full members (member_a and member_a2), so at most two are entitled to vote.


def test_the_admission_meeting_needs_more_than_half_of_those_entitled_present(applicant_a, ctx):
    advance(applicant_a, 14, ctx)
    message = refused(
        "votes_present", record, ctx, applicant_a, Step.ADMISSION_MEETING, DATES[15], **_votes(2, 1, 1)
    )
    assert message == "到会有表决权的党员（1人）未超过应到会人数（2人）的半数，会议无效"


def test_the_admission_passes_with_more_than_half_of_those_entitled_in_favour(applicant_a, ctx):
    advance(applicant_a, 14, ctx)
    message = refused(
        "votes_for", record, ctx, applicant_a, Step.ADMISSION_MEETING, DATES[15], **_votes(2, 2, 1)
    )
    assert message == "赞成人数（1人）未超过应到会有表决权党员（2人）的半数，决议未通过"
    record(ctx, applicant_a, Step.ADMISSION_MEETING, DATES[15], **_votes(2, 2, 2))
    applicant_a.refresh_from_db()
    assert applicant_a.member_id is not None


def test_the_confirmation_meeting_needs_quorum_and_majority_too(applicant_a, ctx):
    advance(applicant_a, 22, ctx)
    post_publicity(applicant_a, Step.CONFIRMATION_REQUEST, ctx["secretary_a"], *PUBLICITY[22])
    message = refused(
        "votes_for",
        record,
        ctx,
        applicant_a,
        Step.CONFIRMATION_MEETING,
        DATES[23],
        outcome=Outcome.ON_TIME,
        **_votes(2, 2, 1),
    )
    assert "决议未通过" in message


def test_votes_cannot_exceed_those_present(applicant_a, ctx):
    advance(applicant_a, 14, ctx)
    message = refused(
        "votes_for", record, ctx, applicant_a, Step.ADMISSION_MEETING, DATES[15], **_votes(2, 1, 2)
    )
    assert message == "赞成票数不能多于实到人数"


# --- approval -------------------------------------------------------------------------------------------


def _approve(ctx, applicant, day, **extra):
    return record(
        ctx,
        applicant,
        Step.ADMISSION_APPROVAL,
        day,
        actor=ctx["committee_staff"],
        approving_org=ctx["committee"],
        **extra,
    )


def test_approval_within_three_months_of_the_meeting_needs_no_reason(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    _approve(ctx, applicant_a, dt.date(2024, 10, 8))  # exactly 3 months after 2024-07-08
    assert applicant_a.steps.filter(number=Step.ADMISSION_APPROVAL).exists()


def test_approval_after_three_months_needs_a_reason(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    message = refused("late_reason", _approve, ctx, applicant_a, dt.date(2024, 10, 9))
    assert message == "支部大会讨论后超过3个月审批，须说明原因"
    _approve(ctx, applicant_a, dt.date(2024, 10, 9), late_reason="党委换届，审批会议推迟")
    assert applicant_a.steps.get(number=Step.ADMISSION_APPROVAL).late_reason == "党委换届，审批会议推迟"


def test_approval_after_six_months_is_refused(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    message = refused("decision", _approve, ctx, applicant_a, dt.date(2025, 1, 9), late_reason="拖延")
    assert "6个月内审批，已超过最长期限，不能再批准" in message


def test_only_a_committee_with_approval_authority_approves(applicant_a, ctx, admin_user):
    org_update(actor=admin_user, org=ctx["committee"], can_approve_members=False)
    advance(applicant_a, 16, ctx)
    ctx["committee"].refresh_from_db()
    message = refused("approving_org", _approve, ctx, applicant_a, DATES[17])
    assert message == "“新华镇党委”不具有审批发展党员的权限"


def test_the_approving_committee_is_above_the_branch(applicant_a, ctx, admin_user):
    advance(applicant_a, 16, ctx)
    message = refused(
        "approving_org",
        record,
        ctx,
        applicant_a,
        Step.ADMISSION_APPROVAL,
        DATES[17],
        actor=admin_user,
        approving_org=ctx["tree"].other_committee,
    )
    assert message == "“睦伦乡党委”不是“各甫村党支部”的上级党组织"


def test_the_branch_secretary_cannot_record_the_committees_approval(applicant_a, ctx):
    advance(applicant_a, 16, ctx)
    message = refused(
        "approving_org",
        record,
        ctx,
        applicant_a,
        Step.ADMISSION_APPROVAL,
        DATES[17],
        actor=ctx["secretary_a"],
        approving_org=ctx["committee"],
    )
    assert message == "审批须由“新华镇党委”或其上级的工作人员办理"


def test_county_staff_may_approve_for_the_committee(applicant_a, ctx, county_staff):
    advance(applicant_a, 16, ctx)
    record(
        ctx,
        applicant_a,
        Step.ADMISSION_APPROVAL,
        DATES[17],
        actor=county_staff,
        approving_org=ctx["committee"],
    )
    assert applicant_a.steps.get(number=Step.ADMISSION_APPROVAL).approving_org == ctx["committee"]


def test_the_confirmation_is_approved_by_the_committee_too(applicant_a, ctx):
    advance(applicant_a, 23, ctx)
    message = refused(
        "approving_org",
        record,
        ctx,
        applicant_a,
        Step.CONFIRMATION_APPROVAL,
        DATES[24],
        actor=ctx["secretary_a"],
        approving_org=ctx["committee"],
    )
    assert "工作人员办理" in message


# --- withdrawal ------------------------------------------------------------------------------------------


def test_an_applicant_is_withdrawn_before_admission_with_a_reason(applicant_a, ctx):
    advance(applicant_a, 3, ctx)
    applicant_withdraw(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        day=dt.date(2023, 5, 1),
        kind=WithdrawKind.WITHDRAWN,
        reason="本人外出务工，申请撤回",
    )
    applicant_a.refresh_from_db()
    assert applicant_a.stage == Stage.WITHDRAWN
    assert applicant_a.withdraw_reason == "本人外出务工，申请撤回"
    assert "终止发展" in refused(
        "number", record, ctx, applicant_a, Step.ACTIVIST_FILING, dt.date(2023, 5, 2)
    )


def test_a_withdrawal_needs_a_reason(applicant_a, ctx):
    message = refused(
        "withdraw_reason",
        applicant_withdraw,
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        day=DATES[2],
        kind=WithdrawKind.REJECTED,
        reason=" ",
    )
    assert message == "请填写终止原因"


def test_an_admitted_applicant_cannot_be_withdrawn(applicant_a, ctx):
    advance(applicant_a, 15, ctx)
    unchanged = Unchanged()
    with pytest.raises(ValidationError, match="取消预备资格"):
        applicant_withdraw(
            actor=ctx["secretary_a"],
            applicant=applicant_a,
            day=DATES[16],
            kind=WithdrawKind.REJECTED,
            reason="不符合条件",
        )
    unchanged.check()


def test_a_withdrawn_person_may_apply_again(applicant_a, ctx):
    applicant_withdraw(
        actor=ctx["secretary_a"],
        applicant=applicant_a,
        day=DATES[2],
        kind=WithdrawKind.WITHDRAWN,
        reason="暂缓",
    )
    again = applicant_create(
        actor=ctx["secretary_a"],
        organization=ctx["tree"].branch_a,
        applied_on=dt.date(2025, 3, 1),
        **person(),
    )
    assert again.pk != applicant_a.pk
