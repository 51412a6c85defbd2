"""Writes for 民主评议党员: rounds, a branch's grades in one go, the follow-up of 不合格, the teams' votes.

The grades of a year are configurable (``appraisal_grade_set``, copied onto
the round and editable there): four (优秀、合格、基本合格、不合格) or three
(优秀、称职、不称职, as the reference document has them).  Each grade counts
as a category of the statistics by its place: the first is 优秀, the last
不合格, the second 合格 and, with four, the third 基本合格.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import add_months
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed, stale_record
from members.choices import LeaveReason
from members.models import Member
from members.services.transfers import member_depart
from organizations.models import Organization
from organizations.rules import GradeSet, get_rule, rules_in_force

from ..choices import Disposal, FollowUpResult, GradeCategory
from ..models import AppraisalFollowUp, AppraisalRound, MemberAppraisal, TeamAppraisal
from .common import bulk_create_audited, bulk_update_audited, check_year, check_year_open, not_in_future

ROUND_FIELDS = ("title", "grade_set", "starts_on", "ends_on", "note")
#: Kinds that run a round over their subtree, and whose teams members vote on.
ROUND_KINDS = ("COUNTY_COMMITTEE", "COMMITTEE", "WORKING_COMMITTEE", "GENERAL_BRANCH", "BRANCH")
TEAM_KINDS = ("COMMITTEE", "WORKING_COMMITTEE", "GENERAL_BRANCH", "BRANCH")


def grade_categories(grades: Sequence[str]) -> dict[str, str]:
    """Each grade's category by its place: first 优秀, last 不合格, then 合格 and (with four) 基本合格."""
    grades = list(grades)
    middle = [GradeCategory.QUALIFIED, GradeCategory.BASIC][: len(grades) - 2]
    categories = [GradeCategory.EXCELLENT, *middle, GradeCategory.UNQUALIFIED]
    return dict(zip(grades, categories, strict=True))


def parse_grade_set(text: str, field: str = "grade_set") -> GradeSet:
    try:
        return GradeSet(text)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from None


def _validate_round(round_: AppraisalRound) -> None:
    check_year(round_.year)
    round_.title = (round_.title or "").strip()
    if not round_.title:
        raise ValidationError({"title": "请填写名称"})
    round_.grade_set = str(parse_grade_set(round_.grade_set))
    if round_.starts_on and round_.starts_on.year != round_.year:
        raise ValidationError({"starts_on": f"开始日期应在{round_.year}年内"})
    if round_.ends_on and round_.starts_on and round_.ends_on < round_.starts_on:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期"})
    if round_.ends_on and round_.ends_on > dt.date(round_.year + 1, 3, 31):
        raise ValidationError({"ends_on": f"结束日期不能晚于{round_.year + 1}年3月31日"})
    round_.full_clean()


@service
def round_open(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    grade_set: str = "",
    note: str = "",
) -> AppraisalRound:
    """Open the year's appraisal round over ``organization``'s subtree (grades default to the rule in force)."""
    check_can_edit(actor, organization)
    if organization.kind not in ROUND_KINDS:
        raise ValidationError({"organization": "党小组的党员在所在党支部参加评议"})
    round_ = AppraisalRound(
        organization=organization,
        year=year,
        title=title,
        grade_set=grade_set or str(get_rule("appraisal_grade_set")),
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
    )
    _validate_round(round_)
    overlapping = [
        r
        for r in AppraisalRound.objects.filter(year=year).select_related("organization")
        if r.organization.path.startswith(organization.path)
        or organization.path.startswith(r.organization.path)
    ]
    if overlapping:
        raise ValidationError(
            {"organization": f"{overlapping[0].organization.name}已组织{year}年度民主评议，评议范围不能重叠"}
        )
    round_.save()
    return round_


@service
def round_update(
    *, actor: Any, round: AppraisalRound, expected_version: int | None = None, **changes: Any
) -> AppraisalRound:
    """Correct a round's title, grades (before any grade is entered), dates or note."""
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"round_update cannot change {sorted(unknown)}")
    lock_for_update(AppraisalRound, round, expected_version=expected_version)
    check_can_edit(actor, round.organization)
    if "grade_set" in changes:
        changes["grade_set"] = str(parse_grade_set(changes["grade_set"]))
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(round, f)]
    if not changed:
        return round
    if "grade_set" in changed and round.appraisals.exists():
        raise ValidationError({"grade_set": "已录入评议结果，等次不能再修改"})
    for f in changed:
        setattr(round, f, changes[f])
    _validate_round(round)
    save_changed(round, changed)
    return round


@service
def round_close(*, actor: Any, round: AppraisalRound, closed_on: dt.date | None) -> AppraisalRound:
    """End the round on ``closed_on`` (grades are then final), or reopen it with None."""
    lock_for_update(AppraisalRound, round)
    check_can_edit(actor, round.organization)
    not_in_future(closed_on, "closed_on", "结束评议日期")
    if closed_on and closed_on < round.starts_on:
        raise ValidationError({"closed_on": "结束评议日期不能早于开始日期"})
    round.closed_on = closed_on
    save_changed(round, ["closed_on"])
    return round


# --- a branch's grades in one go -------------------------------------------------------------------


@dataclass(frozen=True)
class GradeEntry:
    """One row of the grade sheet: the member, the grade chosen ("" for none), a note, the version loaded (0: none)."""

    member: Member
    grade: str
    note: str = ""
    version: int = 0


@dataclass(frozen=True)
class GradesSaved:
    created: int
    updated: int
    removed: int

    def __str__(self) -> str:
        parts = [f"新录入{self.created}人"] if self.created else []
        parts += [f"修改{self.updated}人"] if self.updated else []
        parts += [f"清除{self.removed}人"] if self.removed else []
        return "，".join(parts) or "没有变化"


def _copy(row: MemberAppraisal) -> MemberAppraisal:
    before = MemberAppraisal(
        **{f.attname: getattr(row, f.attname) for f in MemberAppraisal._meta.concrete_fields}
    )
    before._state.adding = False
    return before


@service
def grades_save(
    *,
    actor: Any,
    round: AppraisalRound,
    organization: Organization,
    entries: Sequence[GradeEntry],
    appraised_on: dt.date,
) -> GradesSaved:
    """Save the grades a branch gave its members in ``round``: new, changed and cleared, in a few queries.

    Each entry carries the version its row was loaded with; a row someone
    saved since is refused (``StaleRecord``, naming the change) and nothing is written.
    """
    check_can_edit(actor, organization)
    check_year_open(organization, round.year)
    if not organization.path.startswith(round.organization.path):
        raise ValidationError({"organization": f"{organization.name}不在本次评议范围内"})
    if not round.is_open:
        raise ValidationError(f"本次评议已于{round.closed_on:%Y-%m-%d}结束，不能再修改评议结果")
    not_in_future(appraised_on, "appraised_on", "评议日期")
    if appraised_on < round.starts_on:
        raise ValidationError(
            {"appraised_on": f"评议日期不能早于本次评议开始日期（{round.starts_on:%Y-%m-%d}）"}
        )
    categories = grade_categories(round.grades)
    members = [e.member for e in entries]
    existing = {
        a.member_id: a
        for a in MemberAppraisal.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(year=round.year, member__in=members)
        .order_by("pk")
    }
    with_follow_up = set(
        AppraisalFollowUp.objects.filter(appraisal__in=list(existing.values())).values_list(
            "appraisal__member_id", flat=True
        )
    )
    created, changes, removed = [], [], []
    for entry in entries:
        member, grade, note = entry.member, (entry.grade or "").strip(), (entry.note or "").strip()[:100]
        row = existing.get(member.pk)
        if grade and grade not in categories:
            raise ValidationError({f"grade_{member.pk}": f"{member.name}的等次“{grade}”不在本次评议的等次中"})
        if row is not None and row.round_id != round.pk:
            raise ValidationError({f"grade_{member.pk}": f"{member.name}已在{row.round}中评议"})
        if row is not None and row.version != entry.version:
            raise stale_record(row, entry.version)
        if row is None and entry.version:
            raise ValidationError(
                {f"grade_{member.pk}": f"{member.name}的评议结果已被他人清除，请刷新后重试"}
            )
        if row is None:
            if not grade:
                continue
            if member.organization_id != organization.pk or member.left_on is not None:
                raise ValidationError({f"grade_{member.pk}": f"{member.name}不是{organization.name}的党员"})
            created.append(
                MemberAppraisal(
                    round=round,
                    year=round.year,
                    member=member,
                    organization=organization,
                    grade=grade,
                    category=categories[grade],
                    appraised_on=appraised_on,
                    note=note,
                )
            )
        elif not grade:
            if member.pk in with_follow_up:
                raise ValidationError(
                    {f"grade_{member.pk}": f"{member.name}已登记不合格处置，不能清除评议结果"}
                )
            removed.append(row)
        elif grade != row.grade or note != row.note:
            if member.pk in with_follow_up and categories[grade] != row.category:
                raise ValidationError({f"grade_{member.pk}": f"{member.name}已登记不合格处置，等次不能修改"})
            before = _copy(row)
            row.grade, row.category, row.note, row.appraised_on = grade, categories[grade], note, appraised_on
            row.version += 1
            changes.append((before, row, ["grade", "category", "note", "appraised_on"]))
    bulk_create_audited(MemberAppraisal, created, actor)
    bulk_update_audited(MemberAppraisal, changes, actor)
    for row in removed:
        row.delete()  # audited: clearing a grade is rare
    return GradesSaved(len(created), len(changes), len(removed))


# --- 不合格: the follow-up ----------------------------------------------------------------------------


def correction_months() -> tuple[int, int]:
    rules = rules_in_force("unqualified_correction_months", "unqualified_correction_max_months")
    return int(rules["unqualified_correction_months"]), int(rules["unqualified_correction_max_months"])


def _depart(actor: Any, member: Member, reason: str, day: dt.date, document_no: str, note: str) -> Any:
    """The leaving-the-Party record, through members' own service (its rules: the document, the day …)."""
    if not member.is_current:
        raise ValidationError({"disposal": f"{member.name}已离开党组织"})
    return member_depart(
        actor=actor,
        member=member,
        reason=reason,
        day=day,
        document_no=document_no,
        note=note or "民主评议不合格",
    )


LEAVE_FOR = {Disposal.PERSUADE: LeaveReason.PERSUADED, Disposal.REMOVE: LeaveReason.REMOVED}
RESULT_FOR = {Disposal.PERSUADE: FollowUpResult.PERSUADED, Disposal.REMOVE: FollowUpResult.REMOVED}


@service
def follow_up_decide(
    *,
    actor: Any,
    appraisal: MemberAppraisal,
    disposal: str,
    decided_on: dt.date,
    deadline: dt.date | None = None,
    document_no: str = "",
    note: str = "",
) -> AppraisalFollowUp:
    """Decide what happens to a member appraised 不合格.

    限期改正: the deadline defaults to ``unqualified_correction_months`` (6)
    after the decision and is at most ``unqualified_correction_max_months``
    (12).  劝其退党 and 除名 take the member off the roll through the members
    app's leaving record (``member_depart``), linked here.
    """
    check_can_edit(actor, appraisal.organization)
    if appraisal.category != GradeCategory.UNQUALIFIED:
        raise ValidationError({"disposal": "只有评为不合格的党员需要处置"})
    if AppraisalFollowUp.objects.filter(appraisal=appraisal).exists():
        raise ValidationError({"disposal": "该党员已登记处置"})
    if disposal not in Disposal.values:
        raise ValidationError({"disposal": "请选择处置方式"})
    not_in_future(decided_on, "decided_on", "决定日期")
    if decided_on < appraisal.appraised_on:
        raise ValidationError({"decided_on": "决定日期不能早于评议日期"})
    member = appraisal.member
    follow_up = AppraisalFollowUp(
        appraisal=appraisal,
        organization=appraisal.organization,
        disposal=disposal,
        decided_on=decided_on,
        document_no=(document_no or "").strip(),
        note=(note or "").strip(),
    )
    if disposal == Disposal.CORRECTION:
        if not member.is_current:
            raise ValidationError({"disposal": f"{member.name}已离开党组织"})
        usual, longest = correction_months()
        follow_up.deadline = deadline or add_months(decided_on, usual)
        if follow_up.deadline <= decided_on:
            raise ValidationError({"deadline": "改正期限应晚于决定日期"})
        if follow_up.deadline > add_months(decided_on, longest):
            raise ValidationError({"deadline": f"限期改正最长{longest}个月"})
    else:
        follow_up.departure = _depart(
            actor, member, LEAVE_FOR[disposal], decided_on, follow_up.document_no, follow_up.note
        )
        follow_up.result, follow_up.closed_on = RESULT_FOR[disposal], decided_on
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@service
def follow_up_conclude(
    *,
    actor: Any,
    follow_up: AppraisalFollowUp,
    result: str,
    day: dt.date,
    document_no: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> AppraisalFollowUp:
    """End a 限期改正: corrected, or not corrected and so 劝退 or 除名 (the member leaves the roll)."""
    lock_for_update(AppraisalFollowUp, follow_up, expected_version=expected_version)
    check_can_edit(actor, follow_up.organization)
    if not follow_up.is_open:
        raise ValidationError("该处置已办结")
    if result not in (FollowUpResult.CORRECTED, FollowUpResult.PERSUADED, FollowUpResult.REMOVED):
        raise ValidationError({"result": "请选择处置结果"})
    not_in_future(day, "day", "办结日期")
    if day < follow_up.decided_on:
        raise ValidationError({"day": "办结日期不能早于决定日期"})
    note = (note or "").strip()[:200]
    document_no = (document_no or "").strip()
    changed = ["result", "closed_on", *(["note"] if note else []), *(["document_no"] if document_no else [])]
    follow_up.result, follow_up.closed_on = result, day
    follow_up.note = note or follow_up.note
    follow_up.document_no = document_no or follow_up.document_no
    follow_up.full_clean()
    # Closed first: the member's leaving (below) then finds no open follow-up to end (close_follow_ups_on_leaving).
    save_changed(follow_up, changed)
    if result != FollowUpResult.CORRECTED:
        disposal = Disposal.PERSUADE if result == FollowUpResult.PERSUADED else Disposal.REMOVE
        member = follow_up.appraisal.member
        follow_up.departure = _depart(actor, member, LEAVE_FOR[disposal], day, follow_up.document_no, note)
        save_changed(follow_up, ["departure"])
    return follow_up


def close_follow_ups_on_leaving(member: Member, day: dt.date, reason: str, actor: Any) -> None:
    """A member who leaves the roll another way (death, transfer out …) ends their open 限期改正."""
    for follow_up in AppraisalFollowUp.objects.filter(appraisal__member=member, closed_on__isnull=True):
        lock_for_update(AppraisalFollowUp, follow_up)
        if follow_up.closed_on is not None:
            continue
        follow_up.result, follow_up.closed_on = FollowUpResult.LEFT, day
        save_changed(follow_up, ["result", "closed_on"])


# --- team appraisal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamEntry:
    organization: Organization
    satisfied: int | None
    basically_satisfied: int | None
    dissatisfied: int | None
    note: str = ""
    version: int = 0


@service
def team_votes_save(*, actor: Any, round: AppraisalRound, entries: Sequence[TeamEntry]) -> int:
    """Record members' votes (满意 / 基本满意 / 不满意) on the teams of ``round``'s committees and branches.

    Each team's votes are entered by someone whose scope holds it (a branch enters its own
    team's votes in the county's round), checked per team.
    """
    if not round.is_open:
        raise ValidationError("本次评议已结束，不能再修改测评结果")
    existing = {
        t.organization_id: t for t in round.team_appraisals.select_for_update(of=("self",)).order_by("pk")
    }
    saved = 0
    for entry in entries:
        org = entry.organization
        check_can_edit(actor, org)
        if org.kind not in TEAM_KINDS or not org.path.startswith(round.organization.path):
            raise ValidationError({f"satisfied_{org.pk}": f"{org.name}不在本次测评范围内"})
        votes = (entry.satisfied, entry.basically_satisfied, entry.dissatisfied)
        row = existing.get(org.pk)
        if row is not None and row.version != entry.version:
            raise stale_record(row, entry.version)
        if all(v is None for v in votes):
            continue
        if any(v is None or v < 0 for v in votes):
            raise ValidationError(
                {f"satisfied_{org.pk}": f"{org.name}：请填写满意、基本满意、不满意三项票数"}
            )
        fields = dict(zip(("satisfied", "basically_satisfied", "dissatisfied"), votes, strict=True))
        fields["note"] = (entry.note or "").strip()[:200]
        if row is None:
            row = TeamAppraisal(round=round, organization=org, **fields)
            row.full_clean()
            row.save()
            saved += 1
            continue
        changed = [f for f, value in fields.items() if value != getattr(row, f)]
        if changed:
            for f in changed:
                setattr(row, f, fields[f])
            row.full_clean()
            save_changed(row, changed)
            saved += 1
    return saved
