"""Writes to member records: each keeps ``Member`` and its ``MemberPeriod`` history in step.

This is the core module of the members app: the other service modules build
on it, never the reverse.  Records they keep per member must still follow a
change of branch or end when the member leaves, whichever page or procedure
caused it (the move page, an accepted 介绍信, a merge, 出党/死亡, a receipt from
outside the county, 取消预备资格).  So the core changes of branch and the one
way of leaving call the hooks below, which those modules register from
``MembersConfig.ready()`` (as ``organizations.hooks.CLOSING_HANDLERS`` does one
level down).  Each hook runs inside the calling service's transaction and
writes one row at a time, so every change is audited:

- ``MOVE_CHECKS``: ``check(member, to_org, day)`` before a move made on the
  move page (not one an accepted letter or a merge makes); raise
  ``ValidationError`` to refuse it.  Nothing is written yet.
- ``MOVED_HANDLERS``: ``handler(member, from_org, day, actor)`` after any
  change of branch (``member.organization`` is already the new one): open
  records the old branch kept follow the member.
- ``LEAVING_HANDLERS``: ``handler(member, day, reason, actor)`` when a member
  leaves, once the leaving is validated and while the member is still
  current: open records end on ``day``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from core.audit import service
from core.dates import add_months, add_years
from core.fieldcrypto import id_hash_q
from core.idcard import parse_id_number
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.choices import MEMBER_HOLDING_KINDS, OrgKind
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import LeaveReason, MemberStatus, PeriodReason
from ..models import Member, MemberPeriod, age_on

MOVE_CHECKS: list[Callable[[Member, Organization, dt.date], None]] = []
MOVED_HANDLERS: list[Callable[[Member, Organization, dt.date, Any], None]] = []
LEAVING_HANDLERS: list[Callable[[Member, dt.date, str, Any], None]] = []


def register_hook(hooks: list[Callable[..., None]], hook: Callable[..., None]) -> None:
    """Add ``hook`` to one of the lists above once (``ready()`` may run more than once)."""
    if hook not in hooks:
        hooks.append(hook)


#: Profile fields a correction may change; organization and status change
#: only through the dated services below, so history stays true.
PROFILE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "occupation",
    "is_frontline",
    "phone",
    "work_unit",
    "joined_on",
    "full_on",
    "is_retired",
    "is_rural",
    "is_hardship",
    "is_mobile",
)


#: What ``member_update`` may change: the profile, and the 党小组 of the member's branch
#: (编入党小组, step 19 of the pipeline, or a later change within the branch: no dated history).
EDITABLE_FIELDS = (*PROFILE_FIELDS, "party_group")


#: What registering an ID number held by a record outside the actor's scope says, whatever that
#: record is (in the county, left, dead, transferred out): nothing about where or whether.
ID_NUMBER_UNAVAILABLE = "该公民身份号码无法在此登记，请联系上级组织部门"


def refuse_id_number(actor: Any, holders: QuerySet[Any], precise: str) -> None:
    """Refuse an ID number held by ``holders`` (a scoped queryset): ``precise`` when the actor may see one.

    Outside the actor's scope the message is :data:`ID_NUMBER_UNAVAILABLE`, so
    registering a number cannot be used to learn whether a person is on file
    elsewhere, has left or has died (as a record page outside scope is 404).  Without an
    ``actor`` (a step no user asked for) the message is the generic one.
    """
    if not holders.exists():
        return
    if actor is not None and holders.visible_to(actor).exists():
        raise ValidationError({"id_number": precise})
    raise ValidationError({"id_number": ID_NUMBER_UNAVAILABLE})


def check_id_number_free(actor: Any, id_number: str, *, member: Member | None = None) -> None:
    """No other member record holds ``id_number`` (the member being corrected aside; matched by its keyed hash)."""
    holders = Member.objects.filter(id_hash_q("id_number", id_number))
    if member is not None and member.pk:
        holders = holders.exclude(pk=member.pk)
    refuse_id_number(actor, holders, "该公民身份号码已登记")


def validate_holding_org(org: Organization, day: dt.date, field: str = "organization") -> None:
    if org.kind not in MEMBER_HOLDING_KINDS:
        raise ValidationError({field: f"“{org.name}”是{org.get_kind_display()}，不能直接管理党员"})
    if not org.develops_members:
        raise ValidationError(
            {
                field: f"“{org.name}”是{org.get_form_display()}，党员的组织关系仍在原党支部，"
                "不在此登记党员，也不发展党员"
            }
        )
    if not org.existed_on(day):
        raise ValidationError({field: f"“{org.name}”在{day:%Y-%m-%d}不存在或已撤销"})


def validate_party_group(
    group: Organization | None, organization: Organization, field: str = "party_group"
) -> None:
    """A member's 党小组 is an active 党小组 of the member's own branch (none is fine)."""
    if group is None:
        return
    if group.kind != OrgKind.GROUP or group.parent_id != organization.pk:
        raise ValidationError({field: f"“{group.name}”不是“{organization.name}”下设的党小组"})
    if not group.is_active:
        raise ValidationError({field: f"“{group.name}”已于{group.dissolved_on:%Y-%m-%d}撤销"})


def validate_identity(member: Member) -> None:
    """Birth date and gender must agree with the ID number."""
    try:
        info = parse_id_number(member.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    member.id_number = info.number
    if member.birth_date and member.birth_date != info.birth_date:
        raise ValidationError({"birth_date": "出生日期与公民身份号码不一致"})
    if member.gender and (member.gender == "M") != info.is_male:
        raise ValidationError({"gender": "性别与公民身份号码不一致"})


def validate_dates(member: Member) -> None:
    # age_on, not birth_date.replace(year=+18): that raises for 29 February.
    if member.joined_on and member.birth_date and age_on(member.birth_date, member.joined_on) < 18:
        raise ValidationError({"joined_on": "入党时应年满18周岁"})
    if member.status == MemberStatus.FULL and not member.full_on:
        raise ValidationError({"full_on": "正式党员须填写转正日期"})
    if member.status == MemberStatus.PROBATIONARY and member.full_on:
        raise ValidationError({"full_on": "预备党员不应有转正日期"})
    if member.full_on and member.joined_on and member.full_on < add_years(member.joined_on, 1):
        raise ValidationError(
            {
                "full_on": f"转正日期应在入党满一年之后（预备期一年，不早于{add_years(member.joined_on, 1):%Y-%m-%d}）"
            }
        )
    today = dt.date.today()
    for field in ("joined_on", "full_on"):
        value = getattr(member, field)
        if value and value > today:
            raise ValidationError({field: "日期不能晚于今天"})


def _open_period(member: Member, day: dt.date, reason: str, document_no: str = "") -> MemberPeriod:
    return MemberPeriod.objects.create(
        member=member,
        organization=member.organization,
        status=member.status,
        start_on=day,
        start_reason=reason,
        document_no=document_no,
    )


def _close_period(member: Member, day: dt.date, reason: str) -> MemberPeriod:
    current = MemberPeriod.objects.get(member=member, end_on__isnull=True)
    if day < current.start_on:
        raise ValidationError({"day": f"日期早于该党员当前组织关系的起始日期（{current.start_on:%Y-%m-%d}）"})
    current.end_on = day
    current.end_reason = reason
    current.save(update_fields=["end_on", "end_reason"])
    return current


def validate_probation_current(
    member: Member, today: dt.date | None = None, *, overdue_months: int | None = None
) -> None:
    """A 预备党员 put on record must still be able to become a full member.

    Probation is one year from admission, extended at most once by up to a
    year, and the committee decides within six months: past that (the
    ``probation_overdue_months`` after the first year) the record is wrong —
    the member was confirmed, or the probation cancelled, and that is what to enter.
    """
    if member.status != MemberStatus.PROBATIONARY or not member.joined_on:
        return
    ended = add_years(member.joined_on, 1)
    if overdue_months is None:
        overdue_months = int(get_rule("probation_overdue_months"))
    limit = add_months(ended, overdue_months)
    if (today or dt.date.today()) > limit:
        raise ValidationError(
            {
                "status": f"入党日期{member.joined_on:%Y-%m-%d}，预备期已于{ended:%Y-%m-%d}期满，"
                f"延长预备期及审批也应在{limit:%Y-%m-%d}前完成，不能仍登记为预备党员："
                "请登记为正式党员并填写转正日期，或办理取消预备资格"
            }
        )


def build_member(*, organization: Organization, on_record: bool = True, **fields: Any) -> Member:
    """An unsaved, fully validated ``Member`` (shared by the form service, imports and admission).

    ``on_record``: the member is put on record from earlier papers (registration,
    import, a letter into the county), so a probation long over is refused
    (``validate_probation_current``).  An admission at step 15 is not: its
    probation is followed by the pipeline's own steps, however far back the
    meeting is entered, and the worklist flags it while undecided.
    """
    member = Member(organization=organization, **fields)
    validate_identity(member)
    validate_dates(member)
    if on_record:
        validate_probation_current(member)
    member.full_clean()
    validate_holding_org(organization, dt.date.today())
    validate_party_group(member.party_group, organization)
    return member


def write_initial_periods(member: Member, reason: str = PeriodReason.REGISTERED) -> list[MemberPeriod]:
    """History of a member registered from records: probationary from joining, full from 转正."""
    periods = []
    if member.full_on and member.full_on > member.joined_on:
        periods.append(
            MemberPeriod(
                member=member,
                organization=member.organization,
                status=MemberStatus.PROBATIONARY,
                start_on=member.joined_on,
                end_on=member.full_on,
                start_reason=reason,
                end_reason=PeriodReason.CONFIRMED,
            )
        )
        periods.append(
            MemberPeriod(
                member=member,
                organization=member.organization,
                status=MemberStatus.FULL,
                start_on=member.full_on,
                start_reason=PeriodReason.CONFIRMED,
            )
        )
    else:
        periods.append(
            MemberPeriod(
                member=member,
                organization=member.organization,
                status=member.status,
                start_on=member.joined_on,
                start_reason=reason,
            )
        )
    return periods


@service
def member_register(*, actor: Any, organization: Organization, **fields: Any) -> Member:
    """Register (建档) an existing member with their history from the dates on record."""
    check_can_edit(actor, organization)
    try:
        number = parse_id_number(fields.get("id_number")).number
    except ValidationError:
        number = ""  # build_member says what is wrong with it, on the field
    if number:
        check_id_number_free(actor, number)
    member = build_member(organization=organization, **fields)
    member.save()
    for period in write_initial_periods(member):
        period.save()
    return member


@service
def member_update(
    *, actor: Any, member: Member, expected_version: int | None = None, **changes: Any
) -> Member:
    """Correct a member's profile fields or 党小组 (not branch or status, which have their own services).

    ``changes`` are the fields the user changed; the row is locked and only
    those are written.  ``expected_version`` is the version the user's form
    was loaded with (None: no form, e.g. an import): a record saved since is
    refused (``core.versioning.StaleRecord``), nothing written.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"member_update cannot change {sorted(unknown)}")
    lock_for_update(Member, member, expected_version=expected_version)
    check_can_edit(actor, member.organization)
    if not member.is_current:
        raise ValidationError("已离开党组织的党员档案不能修改")
    changed = [f for f, value in changes.items() if value != getattr(member, f)]
    if not changed:
        return member  # nothing to write, so no new version
    dates_changed = any(f in changed for f in ("joined_on", "full_on"))
    for field in changed:
        setattr(member, field, changes[field])
    if "party_group" in changed:
        validate_party_group(member.party_group, member.organization)
    validate_identity(member)
    check_id_number_free(actor, member.id_number, member=member)
    validate_dates(member)
    member.full_clean()
    save_changed(member, changed)
    if dates_changed:
        _rewrite_registered_history(member)
    return member


def _rewrite_registered_history(member: Member) -> None:
    """A corrected join/转正 date re-dates the history, if it is still the single registered span."""
    periods = list(member.periods.order_by("start_on"))
    moved = any(p.organization_id != member.organization_id for p in periods)
    if moved or any(
        p.start_reason not in (PeriodReason.REGISTERED, PeriodReason.ADMITTED, PeriodReason.CONFIRMED)
        for p in periods
    ):
        raise ValidationError("该党员已有组织关系变动记录，入党/转正日期请通过更正记录办理")
    reason = periods[0].start_reason if periods else PeriodReason.REGISTERED
    for p in periods:
        p.delete()
    for p in write_initial_periods(member, reason):
        p.save()


@service
def member_move(
    *,
    actor: Any,
    member: Member,
    to_org: Organization,
    day: dt.date,
    reason: str = PeriodReason.MOVED,
    document_no: str = "",
    sender_agreed: bool = False,
) -> Member:
    """Move a member to another organization inside the county on ``day``.

    ``sender_agreed``: the sending side already agreed in writing (a 介绍信 it
    issued, now accepted), so only the receiving side's scope is checked.
    """
    # Locked first: an edit or another move of this member waits, so the record and its history agree.
    lock_for_update(Member, member)
    if not sender_agreed:
        check_can_edit(actor, member.organization)
    check_can_edit(actor, to_org)
    if not member.is_current:
        raise ValidationError("该党员已离开党组织")
    if to_org.pk == member.organization_id:
        raise ValidationError({"to_org": "转入党组织与当前党组织相同"})
    validate_holding_org(to_org, day, "to_org")
    if not sender_agreed:
        for check in MOVE_CHECKS:
            check(member, to_org, day)
    _change_branch(member, to_org, day, reason, actor, document_no)
    return member


def _change_branch(
    member: Member, to_org: Organization, day: dt.date, reason: str, actor: Any, document_no: str = ""
) -> None:
    """The member's branch becomes ``to_org`` on ``day``: history, record, and what follows them."""
    from_org = member.organization
    _close_period(member, day, reason)
    member.organization = to_org
    member.party_group = None  # a 党小组 belongs to the branch left behind
    # A new version: a profile form loaded before the move is refused and shows the move.
    save_changed(member, ["organization", "party_group"])
    _open_period(member, day, reason, document_no)
    for handler in MOVED_HANDLERS:
        handler(member, from_org, day, actor)


@service
def member_confirm(*, actor: Any, member: Member, day: dt.date, document_no: str = "") -> Member:
    """A probationary member becomes a full member (转正) on ``day``; a form loaded before this goes stale.

    ``day`` is the end of the probation, which the approval may follow by
    months: a member who moved (or arrived from outside the county) since
    then was a full member from ``day`` in every organization of the history
    after it, so the history is re-dated (``_confirm_history``).
    """
    lock_for_update(Member, member)
    check_can_edit(actor, member.organization)
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"status": "该党员不是预备党员"})
    if day < member.joined_on:
        raise ValidationError({"full_on": "转正日期不能早于入党日期"})
    _confirm_history(member, day, document_no)
    member.status = MemberStatus.FULL
    member.full_on = day
    save_changed(member, ["status", "full_on"])
    return member


def _confirm_history(member: Member, day: dt.date, document_no: str) -> None:
    """Full from ``day``: the period in force that day splits there, every later one becomes full.

    Each row is saved on its own, so every change is audited.
    """
    later = list(
        MemberPeriod.objects.filter(member=member)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=day))
        .order_by("start_on", "id")
    )
    for period in later:
        if period.start_on < day:
            # In force on the day: probationary until it, full from it in the same organization.
            end_on, end_reason = period.end_on, period.end_reason
            period.end_on, period.end_reason = day, PeriodReason.CONFIRMED
            period.save(update_fields=["end_on", "end_reason"])
            MemberPeriod.objects.create(
                member=member,
                organization=period.organization,
                status=MemberStatus.FULL,
                start_on=day,
                end_on=end_on,
                start_reason=PeriodReason.CONFIRMED,
                end_reason=end_reason,
                document_no=document_no,
            )
        elif period.status != MemberStatus.FULL:
            period.status = MemberStatus.FULL
            period.save(update_fields=["status"])


#: What 停止党籍 of a 预备党员 is refused with, wherever it is asked for (the leaving page, lost contact …).
NO_SUSPENSION_ON_PROBATION = (
    "预备党员不适用停止党籍：预备期内不履行党员义务、不具备党员条件或失去联系的，"
    "应经支部大会讨论取消预备资格（在该党员档案的“预备期与转正”中办理）"
)
#: How the history's last period ends for each way of leaving (LEFT for the rest).
END_REASONS = {
    LeaveReason.TRANSFERRED_OUT: PeriodReason.TRANSFER_OUT,
    LeaveReason.NOT_APPROVED: PeriodReason.NOT_APPROVED,
}


@service
def member_leave(
    *,
    actor: Any,
    member: Member,
    day: dt.date,
    reason: str,
    note: str = "",
) -> Member:
    """A member leaves (death, 出党, 停止党籍, transfer out of the county, 取消预备资格, admission refused) on ``day``.

    Every way of leaving comes through here, so ``LEAVING_HANDLERS`` end the
    member's open records in one place.  The member is locked first and a form
    loaded before the leaving goes stale.
    """
    lock_for_update(Member, member)
    check_can_edit(actor, member.organization)
    if not member.is_current:
        raise ValidationError("该党员已离开党组织")
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": "请选择离开原因"})
    if reason == LeaveReason.SUSPENDED and member.status == MemberStatus.PROBATIONARY:
        raise ValidationError({"reason": NO_SUSPENSION_ON_PROBATION})
    if reason == LeaveReason.PROBATION_CANCELLED and member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"reason": "只有预备党员可以取消预备资格"})
    if day > dt.date.today():
        raise ValidationError({"day": "日期不能晚于今天"})
    end_reason = END_REASONS.get(reason, PeriodReason.LEFT)
    _close_period(member, day, end_reason)
    for handler in LEAVING_HANDLERS:
        handler(member, day, reason, actor)
    member.left_on = day
    member.leave_reason = reason
    member.leave_note = note
    save_changed(member, ["left_on", "leave_reason", "leave_note"])
    return member


def move_members_on_close(
    org: Organization, successor: Organization | None, day: dt.date, actor: Any
) -> None:
    """Closing handler: a merged organization's members move to the successor; a dissolved one must be empty."""
    if org.kind == OrgKind.GROUP:
        return  # a 党小组 keeps no members on its roll (release_group_on_close)
    members = Member.objects.current().filter(organization=org)
    if successor is None:
        count = members.count()
        if count:
            raise ValidationError(
                {"dissolved_on": f"该党组织尚有{count}名党员，请先转接其组织关系或改用“合并”"}
            )
        return
    validate_holding_org(successor, day, "successor")
    for member in members.select_related("organization"):
        lock_for_update(Member, member)
        _change_branch(member, successor, day, PeriodReason.MERGED, actor)


def release_group_on_close(
    org: Organization, successor: Organization | None, day: dt.date, actor: Any
) -> None:
    """Closing handler: the members placed in a closed 党小组 go to its successor group of the same branch, or to none."""
    if org.kind != OrgKind.GROUP:
        return
    keeps = successor if successor is not None and successor.kind == OrgKind.GROUP else None
    if keeps is not None and keeps.parent_id != org.parent_id:
        keeps = None  # a group of another branch cannot hold this branch's members
    for member in Member.objects.current().filter(party_group=org):
        lock_for_update(Member, member)
        member.party_group = keeps
        save_changed(member, ["party_group"])  # one by one, so each is audited


def refuse_moving_a_group_with_members(org: Organization, new_parent: Organization, day: dt.date) -> None:
    """Moving check: a 党小组 moved under another branch would take members of its old branch along."""
    if org.kind != OrgKind.GROUP:
        return
    placed = Member.objects.current().filter(party_group=org).count()
    if placed:
        raise ValidationError(
            {
                "parent": f"“{org.name}”编有{placed}名党员，请先将他们调整出该党小组（党员的组织关系在所在党支部）"
            }
        )
