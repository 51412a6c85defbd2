"""Member development (发展党员): applicants, their 25 steps, 公示 records and annual plans.

The applicant's stage is never stored: it is derived from the steps recorded
(and the one withdrawal date) by :meth:`ApplicantQuerySet.with_stage`, a
single SQL expression that lists, filters and the services all read.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse

from core.fieldcrypto import EncryptedIdField, IdHashField
from core.idcard import mask_id_number, validate_id_number
from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import LeaveReason, MemberStatus
from .member import Member
from .person import PersonFields


class Step(models.IntegerChoices):
    """The 25 steps of 发展党员工作细则 (中办发〔2014〕34号): the one table of their names."""

    APPLICATION = 1, "递交入党申请书"
    TALK = 2, "党组织派人谈话"
    ACTIVIST = 3, "推荐和确定入党积极分子"
    ACTIVIST_FILING = 4, "上级党委备案"
    CONTACTS = 5, "指定培养联系人"
    ACTIVIST_REVIEW = 6, "培养教育考察"
    CANDIDATE = 7, "确定发展对象"
    CANDIDATE_FILING = 8, "上级党委备案"
    INTRODUCERS = 9, "确定入党介绍人"
    VETTING = 10, "进行政治审查"
    TRAINING = 11, "开展集中培训"
    BRANCH_COMMITTEE_REVIEW = 12, "支部委员会审查"
    PRE_REVIEW = 13, "上级党委预审"
    APPLICATION_FORM = 14, "填写入党志愿书"
    ADMISSION_MEETING = 15, "支部大会讨论"
    COMMITTEE_TALK = 16, "上级党委派人谈话"
    ADMISSION_APPROVAL = 17, "上级党委审批"
    ADMISSION_FILING = 18, "再上一级党委组织部门备案"
    GROUP_ASSIGNMENT = 19, "编入党支部和党小组"
    OATH = 20, "入党宣誓"
    PROBATION_REVIEW = 21, "继续教育考察"
    CONFIRMATION_REQUEST = 22, "提出转正申请"
    CONFIRMATION_MEETING = 23, "支部大会讨论"
    CONFIRMATION_APPROVAL = 24, "上级党委审批"
    ARCHIVE = 25, "材料归档"


#: The five phases of the pipeline, for the timeline: (title, first step, last step).
PHASES: tuple[tuple[str, int, int], ...] = (
    ("申请入党", 1, 2),
    ("入党积极分子的确定和培养教育", 3, 6),
    ("发展对象的确定和考察", 7, 11),
    ("预备党员的接收", 12, 18),
    ("预备党员的教育考察和转正", 19, 25),
)

#: Steps that may be recorded more than once: half-yearly reviews, and the
#: 转正 meeting and its approval once more after an extended probation.
REPEATABLE_STEPS = (Step.ACTIVIST_REVIEW, Step.PROBATION_REVIEW)
#: Steps that must follow a 公示 of the configured number of working days.
PUBLICITY_STEPS = (Step.ACTIVIST, Step.BRANCH_COMMITTEE_REVIEW, Step.CONFIRMATION_REQUEST)
#: Steps only a committee with approval authority records.
APPROVAL_STEPS = (Step.ADMISSION_APPROVAL, Step.CONFIRMATION_APPROVAL)
#: Branch meetings that vote.
MEETING_STEPS = (Step.ADMISSION_MEETING, Step.CONFIRMATION_MEETING)
#: Steps where an upper committee acts (备案, 预审, 审批): the form offers the organization.
UPPER_COMMITTEE_STEPS = (
    Step.ACTIVIST_FILING,
    Step.CANDIDATE_FILING,
    Step.PRE_REVIEW,
    Step.ADMISSION_APPROVAL,
    Step.ADMISSION_FILING,
    Step.CONFIRMATION_APPROVAL,
)

#: The particulars each step takes beyond its date, 经办人/谈话人, 文号 and note.  Steps 23 and 24
#: are the two halves of a :class:`Confirmation` (转正记录), which the same form and service write.
STEP_PARTICULARS: dict[int, tuple[str, ...]] = {
    Step.CONTACTS: ("first_contact", "second_contact"),
    Step.INTRODUCERS: ("first_introducer", "second_introducer"),
    Step.VETTING: ("vetting_result",),
    Step.TRAINING: ("training_days", "training_hours"),
    Step.ADMISSION_MEETING: ("votes_entitled", "votes_present", "votes_for"),
    Step.ADMISSION_APPROVAL: ("approving_org", "decision", "refusal_reason", "late_reason"),
    Step.GROUP_ASSIGNMENT: ("party_group",),
    Step.CONFIRMATION_MEETING: (
        "votes_entitled",
        "votes_present",
        "votes_for",
        "outcome",
        "extension_months",
        "document_no",
        "note",
    ),
    Step.CONFIRMATION_APPROVAL: ("approving_org", "decision", "refusal_reason", "late_reason", "document_no"),
    Step.ACTIVIST_FILING: ("approving_org",),
    Step.CANDIDATE_FILING: ("approving_org",),
    Step.PRE_REVIEW: ("approving_org",),
    Step.ADMISSION_FILING: ("approving_org",),
}
#: Steps kept in a :class:`Confirmation` rather than as a ``DevelopmentStep`` row.
CONFIRMATION_STEPS = (Step.CONFIRMATION_MEETING, Step.CONFIRMATION_APPROVAL)
COMMON_PARTICULARS = ("handled_by", "document_no", "note")


def particulars_of(number: int) -> tuple[str, ...]:
    """Every particular step ``number`` takes beyond its date (23 and 24: a 转正记录's fields)."""
    if number in CONFIRMATION_STEPS:
        return STEP_PARTICULARS[number]
    return (*STEP_PARTICULARS.get(number, ()), *COMMON_PARTICULARS)


def phase_of(number: int) -> str:
    """The title of the phase a step belongs to."""
    for title, first, last in PHASES:
        if first <= number <= last:
            return title
    raise ValueError(number)


class Stage(models.TextChoices):
    """Where an applicant stands, derived from the steps recorded."""

    APPLICANT = "APPLICANT", "申请入党"
    ACTIVIST = "ACTIVIST", "入党积极分子"
    CANDIDATE = "CANDIDATE", "发展对象"
    PROBATIONARY = "PROBATIONARY", "预备党员"
    FULL = "FULL", "正式党员"
    WITHDRAWN = "WITHDRAWN", "已终止发展"
    NOT_APPROVED = "NOT_APPROVED", "上级党委不予批准"
    CANCELLED = "CANCELLED", "取消预备资格"


#: Stages still moving through the pipeline.
OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)


class Outcome(models.TextChoices):
    """Result of the 转正 meeting (step 23)."""

    ON_TIME = "ON_TIME", "按期转正"
    EXTENDED = "EXTENDED", "延长预备期"
    CANCELLED = "CANCELLED", "取消预备资格"


class Decision(models.TextChoices):
    """The upper committee's answer at steps 17 and 24 (审批结论)."""

    APPROVED = "APPROVED", "批准"
    REFUSED = "REFUSED", "不予批准"


class VettingResult(models.TextChoices):
    PASSED = "PASSED", "合格"
    FAILED = "FAILED", "不合格"


class WithdrawKind(models.TextChoices):
    WITHDRAWN = "WITHDRAWN", "本人撤回申请"
    REJECTED = "REJECTED", "党组织决定不予发展"
    #: Set by the step 17 refusal only (never chosen on the withdrawal form).
    NOT_APPROVED = "NOT_APPROVED", "上级党委不予批准接收"


class PublicityResult(models.TextChoices):
    NO_OBJECTION = "NO_OBJECTION", "无异议"
    OBJECTION = "OBJECTION", "有异议"


def _has_step(number: int, **extra: object) -> Q:
    return Q(steps__number=number, **{f"steps__{k}": v for k, v in extra.items()})


class ApplicantQuerySet(ScopedQuerySet):
    def with_stage(self) -> ApplicantQuerySet:
        """Annotate ``stage_code``: the one place the stage is derived (one grouped query).

        Before admission the steps tell; from admission on the member record
        does (转正 and 取消预备资格 take effect when step 24 approves them).
        """
        return self.annotate(
            n_activist=Count("steps", filter=_has_step(Step.ACTIVIST)),
            n_candidate=Count("steps", filter=_has_step(Step.CANDIDATE)),
            n_admitted=Count("steps", filter=_has_step(Step.ADMISSION_MEETING)),
        ).annotate(
            stage_code=Case(
                When(
                    withdrawn_on__isnull=False,
                    withdraw_kind=WithdrawKind.NOT_APPROVED,
                    then=Value(Stage.NOT_APPROVED.value),
                ),
                When(withdrawn_on__isnull=False, then=Value(Stage.WITHDRAWN.value)),
                When(member__leave_reason=LeaveReason.PROBATION_CANCELLED, then=Value(Stage.CANCELLED.value)),
                When(member__status=MemberStatus.FULL, then=Value(Stage.FULL.value)),
                When(n_admitted__gt=0, then=Value(Stage.PROBATIONARY.value)),
                When(n_candidate__gt=0, then=Value(Stage.CANDIDATE.value)),
                When(n_activist__gt=0, then=Value(Stage.ACTIVIST.value)),
                default=Value(Stage.APPLICANT.value),
                output_field=models.CharField(),
            )
        )

    def in_stage(self, *stages: str) -> ApplicantQuerySet:
        return self.with_stage().filter(stage_code__in=stages)


class Applicant(Versioned, PersonFields):
    """A person who has applied to join the Party (入党申请人), from step 1 to 转正."""

    # Encrypted at rest (core.fieldcrypto); one open application per person through the keyed hash.
    id_number = EncryptedIdField("公民身份号码", validators=[validate_id_number])
    id_number_hash = IdHashField("公民身份号码检索码", source="id_number")
    is_rural = models.BooleanField("农村人员", default=False)
    organization = models.ForeignKey(
        Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="applicants"
    )
    member = models.OneToOneField(
        Member,
        verbose_name="接收后的党员档案",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applicant",
    )
    withdrawn_on = models.DateField("终止日期", null=True, blank=True)
    withdraw_kind = models.CharField("终止情形", max_length=20, choices=WithdrawKind.choices, blank=True)
    withdraw_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = "入党申请人"
        verbose_name_plural = "入党申请人"
        ordering = ["organization__path", "name", "id"]
        indexes = [models.Index(fields=["organization", "withdrawn_on"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_open_application_per_person",
                violation_error_message="该公民身份号码已有正在培养中的入党申请",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdraw_reason=""),
                name="applicant_withdrawal_has_reason",
                violation_error_message="终止发展须填写原因",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:applicant_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def stage(self) -> Stage:
        """The derived stage: read from ``with_stage()``'s annotation (queried if absent)."""
        code = getattr(self, "stage_code", None)
        if code is None:
            code = Applicant.objects.with_stage().values_list("stage_code", flat=True).get(pk=self.pk)
            self.stage_code = code
        return Stage(code)


class DevelopmentStepQuerySet(ScopedQuerySet):
    scope_path = "applicant__organization__path"


class DevelopmentStep(models.Model):
    """One step of the pipeline done on a date, with the particulars that step carries."""

    applicant = models.ForeignKey(
        Applicant, verbose_name="入党申请人", on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField("步骤", choices=Step.choices)
    day = models.DateField("日期")
    handled_by = models.CharField("经办人/谈话人", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    note = models.CharField("备注/意见", max_length=500, blank=True)
    first_contact = models.ForeignKey(
        Member, verbose_name="培养联系人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_contact = models.ForeignKey(
        Member,
        verbose_name="培养联系人（二）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_introducer = models.ForeignKey(
        Member, verbose_name="入党介绍人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_introducer = models.ForeignKey(
        Member,
        verbose_name="入党介绍人（二）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vetting_result = models.CharField("政审结论", max_length=20, choices=VettingResult.choices, blank=True)
    training_days = models.PositiveSmallIntegerField("培训天数", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("培训学时", null=True, blank=True)
    votes_entitled = models.PositiveSmallIntegerField("应到会有表决权党员数", null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField("实到会有表决权党员数", null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField("赞成票数", null=True, blank=True)
    approving_org = models.ForeignKey(
        Organization,
        verbose_name="审批/备案党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField("审批结论", max_length=20, choices=Decision.choices, blank=True)
    refusal_reason = models.CharField("不予批准理由", max_length=300, blank=True)
    late_reason = models.CharField("超期审批原因", max_length=200, blank=True)
    # Step 19 (编入党支部和党小组): the 党小组 of the branch the new member is placed in, when it has groups.
    party_group = models.ForeignKey(
        Organization,
        verbose_name="编入党小组",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "GROUP"},
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = DevelopmentStepQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["applicant", "number", "day", "id"]
        indexes = [
            models.Index(fields=["number", "day"]),
            # "had this applicant reached step N by day D" (the pipeline figures, an EXISTS per step):
            # without it SQLite walks every applicant's step N through (number, day); 300 ms → 10 ms
            models.Index(fields=["applicant", "number", "day"], name="step_applicant_number_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "number"],
                condition=~Q(number__in=[6, 21]),
                name="development_step_once",
                violation_error_message="该步骤已记录",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=25),
                name="development_step_number_range",
                violation_error_message="步骤应为1至25",
            ),
            models.CheckConstraint(
                condition=~Q(number__in=[23, 24]),
                name="development_step_not_in_confirmation",
                violation_error_message="第23、24步记入转正记录",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.REFUSED) | ~Q(refusal_reason=""),
                name="development_step_refusal_has_reason",
                violation_error_message="不予批准须填写理由",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} 第{self.number}步 {self.get_number_display()} {self.day:%Y-%m-%d}"

    @property
    def phase(self) -> str:
        return phase_of(self.number)


class ConfirmationQuerySet(ScopedQuerySet):
    # Owned by the member's branch today: the record follows a member who moves.
    scope_path = "member__organization__path"

    def pending(self) -> ConfirmationQuerySet:
        """Discussed by the branch, not yet answered by the upper committee."""
        return self.filter(decision="")

    def approved(self) -> ConfirmationQuerySet:
        return self.filter(decision=Decision.APPROVED)


class Confirmation(Versioned, models.Model):
    """A 转正 discussion of a 预备党员 (step 23) and the upper committee's answer (step 24).

    Every 预备党员 has these, however they arrived (admitted through the
    pipeline, registered, imported, transferred in): the record hangs on the
    member, so it follows a move and the receiving branch records the next
    one.  The branch's outcome takes effect when the committee approves it
    (转正 dated from the end of the probation); a refusal (不予批准) changes
    nothing, and the branch discusses again.
    """

    member = models.ForeignKey(
        Member, verbose_name="预备党员", on_delete=models.PROTECT, related_name="confirmations"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="讨论的党支部", on_delete=models.PROTECT, related_name="+"
    )
    meeting_on = models.DateField("支部大会讨论日期")
    votes_entitled = models.PositiveSmallIntegerField("应到会有表决权党员数")
    votes_present = models.PositiveSmallIntegerField("实到会有表决权党员数")
    votes_for = models.PositiveSmallIntegerField("赞成票数")
    outcome = models.CharField("讨论结果", max_length=20, choices=Outcome.choices)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    document_no = models.CharField("支部大会决议文号", max_length=100, blank=True)
    note = models.CharField("备注/意见", max_length=500, blank=True)
    approving_org = models.ForeignKey(
        Organization,
        verbose_name="审批党委",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_on = models.DateField("上级党委审批日期", null=True, blank=True)
    decision = models.CharField("审批结论", max_length=20, choices=Decision.choices, blank=True)
    refusal_reason = models.CharField("不予批准理由", max_length=300, blank=True)
    late_reason = models.CharField("超期审批原因", max_length=200, blank=True)
    approval_document_no = models.CharField("审批文号", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = "转正记录"
        verbose_name_plural = "转正记录"
        ordering = ["member", "meeting_on", "id"]
        indexes = [models.Index(fields=["decision", "meeting_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(decision=""),
                name="one_pending_confirmation",
                violation_error_message="该预备党员已有待上级党委审批的转正讨论",
            ),
            models.CheckConstraint(
                condition=(Q(decision="") & Q(approved_on__isnull=True))
                | (~Q(decision="") & Q(approved_on__isnull=False)),
                name="confirmation_decision_dated",
                violation_error_message="审批结论须与审批日期一并填写",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=models.F("meeting_on")),
                name="confirmation_approved_after_meeting",
                violation_error_message="审批日期不能早于支部大会讨论日期",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.REFUSED) | ~Q(refusal_reason=""),
                name="confirmation_refusal_has_reason",
                violation_error_message="不予批准须填写理由",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.EXTENDED, extension_months__isnull=False)
                | (~Q(outcome=Outcome.EXTENDED) & Q(extension_months__isnull=True)),
                name="confirmation_extension_months",
                violation_error_message="延长预备期须填写延长月数，其他结果不填",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.meeting_on:%Y-%m-%d} {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.member_id]) + "#probation"

    @property
    def is_pending(self) -> bool:
        return not self.decision

    @property
    def is_approved(self) -> bool:
        return self.decision == Decision.APPROVED


class PublicityQuerySet(ScopedQuerySet):
    scope_path = "applicant__organization__path"

    def running_on(self, day: dt.date) -> PublicityQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day, result="")


class Publicity(models.Model):
    """A 公示 before steps 3, 12 and 22: what, from, to, where, and the result."""

    applicant = models.ForeignKey(
        Applicant, verbose_name="入党申请人", on_delete=models.CASCADE, related_name="publicities"
    )
    step = models.PositiveSmallIntegerField(
        "公示事项",
        choices=[
            (Step.ACTIVIST, "入党积极分子人选公示"),
            (Step.BRANCH_COMMITTEE_REVIEW, "发展对象（拟接收预备党员）公示"),
            (Step.CONFIRMATION_REQUEST, "预备党员拟转正公示"),
        ],
    )
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    place = models.CharField("公示地点/范围", max_length=200)
    result = models.CharField("公示结果", max_length=20, choices=PublicityResult.choices, blank=True)
    result_note = models.CharField("结果说明", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PublicityQuerySet.as_manager()

    class Meta:
        verbose_name = "公示记录"
        verbose_name_plural = "公示记录"
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="publicity_ends_after_start",
                violation_error_message="公示截止日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.applicant} {self.get_step_display()} {self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d}"
        )


class DevelopmentPlanQuerySet(ScopedQuerySet):
    scope_path = "committee__path"


class DevelopmentPlan(Versioned, models.Model):
    """A committee's annual development quota (发展党员计划), set by the county."""

    committee = models.ForeignKey(
        Organization, verbose_name="基层党委", on_delete=models.PROTECT, related_name="development_plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveIntegerField("计划发展人数")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员计划"
        verbose_name_plural = "发展党员计划"
        ordering = ["-year", "committee__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                name="one_plan_per_committee_year",
                violation_error_message="该党委本年度已有发展党员计划",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}年发展党员计划 {self.quota}名"


#: Exported through ``members.models``; enums and tables are imported from this module.
__all__ = ["Applicant", "Confirmation", "DevelopmentPlan", "DevelopmentStep", "Publicity"]
