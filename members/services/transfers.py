"""Writes for members in motion: the 介绍信 lifecycle, certificates, mobile members, leaving, lost contact.

Who may do what:

- a 介绍信 out of the county or to another organization inside it is issued,
  voided and re-issued by the sending side (scope over the member's branch);
- a letter coming into the county is recorded by the receiving side;
- acceptance is the receiving side's act (scope over the receiving
  organization): inside the county it moves the member's history on the
  acceptance date, into the county it creates (or re-activates) the member;
- the receipt (回执) of a letter out of the county is recorded by the sending
  side, and the member leaves the county's roll on the receipt date — until
  then the sending branch stays responsible for them.

A member coming back into the county whose ID number is on file as having
transferred out is re-activated (same record, profile refreshed from the
letter, a new TRANSFER_IN period) rather than duplicated; one who left for any
other reason (death, 出党, 停止党籍) cannot return by a transfer — 恢复党籍 is a
different procedure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import add_months
from core.idcard import parse_id_number
from core.scopes import check_can_edit
from organizations.models import Organization
from organizations.rules import get_rule

from ..choices import LeaveReason, PeriodReason
from ..models import (
    Certificate,
    Departure,
    LostContact,
    Member,
    MemberPeriod,
    MobileRegistration,
    Transfer,
    TransferKind,
    TransferStatus,
)
from ..selectors.transfers import county_of
from .member import (
    LEAVING_HANDLERS,
    MOVE_CHECKS,
    MOVED_HANDLERS,
    build_member,
    member_leave,
    member_move,
    member_update,
    register_hook,
    validate_dates,
    validate_holding_org,
    validate_identity,
)

#: Member fields a transfer into the county carries (the letter's person data).
PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "status",
    "joined_on",
    "full_on",
    "education",
    "occupation",
    "phone",
    "work_unit",
)

#: Leaving handled by the leaving page; transfers out and 取消预备资格 have their own procedures.
DEPARTURE_REASONS = (
    LeaveReason.DEATH,
    LeaveReason.WITHDRAWAL,
    LeaveReason.PERSUADED,
    LeaveReason.REMOVED,
    LeaveReason.EXPELLED,
    LeaveReason.SUSPENDED,
)
#: Decisions of a Party organization: they carry the decision's document number.
DECIDED_REASONS = (LeaveReason.PERSUADED, LeaveReason.REMOVED, LeaveReason.EXPELLED, LeaveReason.SUSPENDED)


def _not_in_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise ValidationError({field: "日期不能晚于今天"})


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def validity_days_or_default(validity_days: int | None) -> int:
    """The letter's validity: the configured default, at most the configured maximum."""
    if validity_days is None:
        return int(get_rule("letter_validity_days"))
    maximum = int(get_rule("letter_validity_max_days"))
    if validity_days < 1:
        raise ValidationError({"validity_days": "有效期至少1天"})
    if validity_days > maximum:
        raise ValidationError({"validity_days": f"介绍信有效期最长{maximum}天"})
    return validity_days


def _current_member(member: Member) -> None:
    if not member.is_current:
        raise ValidationError({"member": "该党员已离开党组织"})


def _no_open_transfer(member: Member) -> None:
    open_letter = Transfer.objects.pending().filter(member=member).first()
    if open_letter is not None:
        raise ValidationError(
            {"member": f"该党员已有办理中的组织关系转接（介绍信{open_letter.letter_no}），请先办结或作废"}
        )


def _build_outgoing(
    *,
    actor: Any,
    kind: str,
    member: Member,
    letter_no: str,
    issued_on: dt.date,
    to_org: Organization | None,
    to_external: str,
    validity_days: int | None,
    dues_paid_until: dt.date | None,
    reason: str,
    note: str,
    replaces: Transfer | None = None,
) -> Transfer:
    """A validated, saved letter from the member's branch (out of the county or inside it)."""
    if kind not in (TransferKind.OUT, TransferKind.INTERNAL):
        raise ValidationError({"kind": "请选择转出县外或县内转接"})
    _current_member(member)
    _no_open_transfer(member)
    letter_no = _required(letter_no, "letter_no", "请填写介绍信编号")
    _not_in_future(issued_on, "issued_on")
    if issued_on < member.joined_on:
        raise ValidationError({"issued_on": "开具日期不能早于入党日期"})
    days = validity_days_or_default(validity_days)
    if kind == TransferKind.OUT:
        to_external = _required(to_external, "to_external", "请填写县外接收党组织")
        to_org = None
    else:
        if to_org is None:
            raise ValidationError({"to_org": "请选择县内接收党组织"})
        if county_of(to_org).pk != county_of(member.organization).pk:
            raise ValidationError({"to_org": "接收党组织不在本县，请改为“转出县外”"})
        if to_org.pk == member.organization_id:
            raise ValidationError({"to_org": "接收党组织与该党员所在党组织相同"})
        validate_holding_org(to_org, issued_on, "to_org")
        to_external = ""
    transfer = Transfer(
        kind=kind,
        letter_no=letter_no,
        member=member,
        person_name=member.name,
        person_gender=member.gender,
        person_ethnicity=member.ethnicity,
        person_birth_date=member.birth_date,
        person_id_number=member.id_number,
        person_status=member.status,
        person_joined_on=member.joined_on,
        person_full_on=member.full_on,
        person_education=member.education,
        person_occupation=member.occupation,
        person_phone=member.phone,
        person_work_unit=member.work_unit,
        from_org=member.organization,
        to_org=to_org,
        to_external=to_external,
        issued_on=issued_on,
        validity_days=days,
        valid_until=issued_on + dt.timedelta(days=days),
        dues_paid_until=dues_paid_until,
        reason=reason.strip(),
        note=note.strip(),
        replaces=replaces,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


@service
def transfer_issue(
    *,
    actor: Any,
    kind: str,
    member: Member,
    letter_no: str,
    issued_on: dt.date,
    to_org: Organization | None = None,
    to_external: str = "",
    validity_days: int | None = None,
    dues_paid_until: dt.date | None = None,
    reason: str = "",
    note: str = "",
) -> Transfer:
    """Issue a 介绍信 for a member: out of the county, or to another organization inside it."""
    check_can_edit(actor, member.organization)
    return _build_outgoing(
        actor=actor,
        kind=kind,
        member=member,
        letter_no=letter_no,
        issued_on=issued_on,
        to_org=to_org,
        to_external=to_external,
        validity_days=validity_days,
        dues_paid_until=dues_paid_until,
        reason=reason,
        note=note,
    )


def _returning_member(id_number: str) -> Member | None:
    """The member on file with this ID, if they may come back by a transfer; refuses otherwise."""
    existing = Member.objects.filter(id_number=id_number).first()
    if existing is None:
        return None
    if existing.is_current:
        raise ValidationError(
            {"id_number": "该公民身份号码的党员在本县在册，不能登记为县外转入（县内调动请办理县内转接）"}
        )
    if existing.leave_reason != LeaveReason.TRANSFERRED_OUT:
        raise ValidationError(
            {"id_number": "该公民身份号码的党员已因死亡、出党或停止党籍离开党组织，不能通过组织关系转入恢复"}
        )
    return existing


def _incoming_candidate(to_org: Organization, person: dict[str, Any]) -> tuple[Member, Member | None]:
    """The member a letter into the county would create (unsaved, validated) and the returning record, if any."""
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields {sorted(unknown)}")
    try:
        id_number = parse_id_number(person.get("id_number")).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    fields = {**person, "id_number": id_number}
    for key in ("phone", "work_unit"):
        fields[key] = (fields.get(key) or "").strip()
    fields["name"] = _required(fields.get("name", ""), "name", "请填写姓名")
    returning = _returning_member(id_number)
    if returning is None:
        return build_member(organization=to_org, **fields), None
    candidate = Member(organization=to_org, **fields)
    validate_identity(candidate)
    validate_dates(candidate)
    candidate.full_clean(validate_unique=False)
    return candidate, returning


@service
def transfer_record_incoming(
    *,
    actor: Any,
    to_org: Organization,
    letter_no: str,
    from_external: str,
    issued_on: dt.date,
    person: dict[str, Any],
    validity_days: int | None = None,
    dues_paid_until: dt.date | None = None,
    reason: str = "",
    note: str = "",
) -> Transfer:
    """Record a 介绍信 coming into the county and the person it introduces (accepted separately)."""
    check_can_edit(actor, to_org)
    validate_holding_org(to_org, dt.date.today(), "to_org")
    letter_no = _required(letter_no, "letter_no", "请填写介绍信编号")
    from_external = _required(from_external, "from_external", "请填写县外转出党组织")
    _not_in_future(issued_on, "issued_on")
    days = validity_days_or_default(validity_days)
    candidate, _ = _incoming_candidate(to_org, person)
    if Transfer.objects.pending().filter(kind=TransferKind.IN, person_id_number=candidate.id_number).exists():
        raise ValidationError({"id_number": "该党员已有待接收的转入介绍信"})
    if issued_on < candidate.joined_on:
        raise ValidationError({"issued_on": "开具日期不能早于入党日期"})
    transfer = Transfer(
        kind=TransferKind.IN,
        letter_no=letter_no,
        person_name=candidate.name,
        person_gender=candidate.gender,
        person_ethnicity=candidate.ethnicity,
        person_birth_date=candidate.birth_date,
        person_id_number=candidate.id_number,
        person_status=candidate.status,
        person_joined_on=candidate.joined_on,
        person_full_on=candidate.full_on,
        person_education=candidate.education,
        person_occupation=candidate.occupation,
        person_phone=candidate.phone,
        person_work_unit=candidate.work_unit,
        from_external=from_external,
        to_org=to_org,
        issued_on=issued_on,
        validity_days=days,
        valid_until=issued_on + dt.timedelta(days=days),
        dues_paid_until=dues_paid_until,
        reason=reason.strip(),
        note=note.strip(),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


def person_of(transfer: Transfer) -> dict[str, Any]:
    """The Member fields a letter into the county carries."""
    return {field: getattr(transfer, f"person_{field}") for field in PERSON_FIELDS}


def _admit_incoming(transfer: Transfer, day: dt.date) -> Member:
    """Create the member a letter into the county introduces (or re-activate a returning one) on ``day``."""
    to_org = transfer.to_org
    candidate, returning = _incoming_candidate(to_org, person_of(transfer))
    if day < candidate.joined_on:
        raise ValidationError({"day": "接收日期不能早于入党日期"})
    if candidate.full_on and day < candidate.full_on:
        raise ValidationError({"day": "接收日期早于转正日期，请按转入时的党员类型登记"})
    validate_holding_org(to_org, day, "day")
    if returning is None:
        member = candidate
    else:
        if day < returning.left_on:
            raise ValidationError(
                {"day": f"接收日期早于该党员转出本县的日期（{returning.left_on:%Y-%m-%d}）"}
            )
        member = returning
        for field in PERSON_FIELDS:
            setattr(member, field, getattr(candidate, field))
        member.organization = to_org
        member.left_on = None
        member.leave_reason = ""
        member.leave_note = ""
        member.is_mobile = False
        member.full_clean(validate_unique=False)
    member.save()
    MemberPeriod.objects.create(
        member=member,
        organization=to_org,
        status=member.status,
        start_on=day,
        start_reason=PeriodReason.TRANSFER_IN,
        document_no=transfer.letter_no,
    )
    return member


def _pending(transfer: Transfer) -> Transfer:
    """The letter re-read inside the transaction; refuses one already completed or voided."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org")
        .get(pk=transfer.pk)
    )
    if not transfer.is_pending:
        raise ValidationError(f"介绍信{transfer.letter_no}{transfer.get_status_display()}，不能再办理")
    return transfer


def _sending_side(transfer: Transfer) -> Organization:
    """The organization that issued (or, into the county, recorded) the letter."""
    return transfer.to_org if transfer.kind == TransferKind.IN else transfer.from_org


@service
def transfer_accept(*, actor: Any, transfer: Transfer, day: dt.date) -> Transfer:
    """The receiving side accepts a letter: the member moves (inside the county) or joins (into it) on ``day``."""
    if transfer.kind == TransferKind.OUT:
        raise ValidationError("转出县外的介绍信由县外党组织接收，请在回执返回后登记回执")
    check_can_edit(actor, transfer.to_org)
    transfer = _pending(transfer)
    _not_in_future(day, "day")
    if day < transfer.issued_on:
        raise ValidationError({"day": "接收日期不能早于介绍信开具日期"})
    if day > transfer.valid_until:
        raise ValidationError(
            {"day": f"介绍信已于{transfer.valid_until:%Y-%m-%d}过期，请由转出方重新开具后再接收"}
        )
    if transfer.kind == TransferKind.INTERNAL:
        member = transfer.member
        if member.organization_id != transfer.from_org_id or not member.is_current:
            raise ValidationError("该党员的组织关系已发生变化，本介绍信不能再接收，请转出方作废")
        # The letter the sending side issued is its written agreement; the
        # receiving side's scope is what member_move checks here.
        member_move(
            actor=actor,
            member=member,
            to_org=transfer.to_org,
            day=day,
            reason=PeriodReason.MOVED,
            document_no=transfer.letter_no,
            sender_agreed=True,
        )
    else:
        member = _admit_incoming(transfer, day)
        transfer.member = member
    transfer.accepted_on = day
    transfer.accepted_by = actor if getattr(actor, "pk", None) else None
    # Accepting is what the receipt confirms: inside the county it is the
    # receipt; into the county the receipt goes back to the sender that day.
    transfer.receipt_on = day
    transfer.completed_on = day
    transfer.status = TransferStatus.COMPLETED
    transfer.save()
    return transfer


@service
def transfer_record_receipt(*, actor: Any, transfer: Transfer, day: dt.date, note: str = "") -> Transfer:
    """The receipt of a letter out of the county came back: the member leaves the county's roll on ``day``."""
    if transfer.kind != TransferKind.OUT:
        raise ValidationError("只有转出县外的介绍信需要登记回执；县内转接和转入由接收方办理接收")
    check_can_edit(actor, transfer.from_org)
    transfer = _pending(transfer)
    _not_in_future(day, "day")
    if day < transfer.issued_on:
        raise ValidationError({"day": "回执日期不能早于介绍信开具日期"})
    member_leave(
        actor=actor,
        member=transfer.member,
        day=day,
        reason=LeaveReason.TRANSFERRED_OUT,
        note=f"介绍信{transfer.letter_no}，转至{transfer.to_external}"[:200],
    )
    transfer.receipt_on = day
    transfer.completed_on = day
    transfer.status = TransferStatus.COMPLETED
    if note.strip():
        transfer.note = f"{transfer.note} 回执：{note.strip()}".strip()[:200]
    transfer.full_clean()
    transfer.save()
    return transfer


@service
def transfer_void(*, actor: Any, transfer: Transfer, reason: str, day: dt.date | None = None) -> Transfer:
    """Void (作废) an open letter; only the side that issued or recorded it may."""
    check_can_edit(actor, _sending_side(transfer))
    transfer = _pending(transfer)
    reason = _required(reason, "void_reason", "请填写作废原因")
    day = day or dt.date.today()
    _not_in_future(day, "voided_on")
    if day < transfer.issued_on:
        raise ValidationError({"voided_on": "作废日期不能早于介绍信开具日期"})
    transfer.status = TransferStatus.VOID
    transfer.voided_on = day
    transfer.void_reason = reason[:200]
    transfer.save()
    return transfer


@service
def transfer_reissue(
    *,
    actor: Any,
    transfer: Transfer,
    letter_no: str,
    issued_on: dt.date,
    validity_days: int | None = None,
    note: str = "",
) -> Transfer:
    """Re-issue an expired letter: the old one is voided and a new one goes to the same destination."""
    if transfer.kind == TransferKind.IN:
        raise ValidationError("转入介绍信由县外转出方重开，请作废后重新登记")
    check_can_edit(actor, transfer.from_org)
    old = _pending(transfer)
    if issued_on <= old.valid_until:
        raise ValidationError({"issued_on": f"原介绍信有效期至{old.valid_until:%Y-%m-%d}，过期后才能重开"})
    old.status = TransferStatus.VOID
    old.voided_on = issued_on
    old.void_reason = f"逾期未办结，重开介绍信{letter_no.strip()}"[:200]
    old.save()
    return _build_outgoing(
        actor=actor,
        kind=old.kind,
        member=old.member,
        letter_no=letter_no,
        issued_on=issued_on,
        to_org=old.to_org,
        to_external=old.to_external,
        validity_days=validity_days,
        dues_paid_until=old.dues_paid_until,
        reason=old.reason,
        note=note or old.note,
        replaces=old,
    )


# --- 证明信 / 党员身份证明 -------------------------------------------------------


@service
def certificate_issue(
    *,
    actor: Any,
    member: Member,
    number: str,
    issued_on: dt.date,
    destination: str,
    reason: str,
    valid_until: dt.date,
) -> Certificate:
    """Issue a 党员身份证明 for an absence of at most six months (configurable)."""
    check_can_edit(actor, member.organization)
    _current_member(member)
    number = _required(number, "number", "请填写证明编号")
    destination = _required(destination, "destination", "请填写前往地点（单位）")
    reason = _required(reason, "reason", "请填写外出事由")
    _not_in_future(issued_on, "issued_on")
    if valid_until < issued_on:
        raise ValidationError({"valid_until": "有效期截止日期不能早于出具日期"})
    months = int(get_rule("certificate_max_months"))
    if valid_until > add_months(issued_on, months):
        raise ValidationError(
            {
                "valid_until": f"党员身份证明有效期不能超过{months}个月；外出超过{months}个月的应开具组织关系介绍信"
            }
        )
    certificate = Certificate(
        member=member,
        organization=member.organization,
        number=number,
        issued_on=issued_on,
        destination=destination,
        reason=reason,
        valid_until=valid_until,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    certificate.full_clean()
    certificate.save()
    return certificate


# --- 流动党员 --------------------------------------------------------------------


@service
def mobile_register(
    *,
    actor: Any,
    member: Member,
    destination: str,
    contact: str,
    since: dt.date,
    work_unit: str = "",
    card_no: str = "",
    note: str = "",
) -> MobileRegistration:
    """Register a member as 流动党员, managed by their home branch; marks the member mobile."""
    check_can_edit(actor, member.organization)
    _current_member(member)
    if MobileRegistration.objects.filter(member=member, until__isnull=True).exists():
        raise ValidationError({"member": "该党员已登记为流动党员，请先登记返回"})
    destination = _required(destination, "destination", "请填写流入地点")
    contact = _required(contact, "contact", "请填写联系方式")
    _not_in_future(since, "since")
    registration = MobileRegistration(
        member=member,
        organization=member.organization,
        destination=destination,
        work_unit=work_unit.strip(),
        contact=contact,
        since=since,
        card_no=card_no.strip(),
        note=note.strip(),
    )
    registration.full_clean()
    registration.save()
    member_update(actor=actor, member=member, is_mobile=True)
    return registration


def _end_mobile(
    actor: Any, registration: MobileRegistration, until: dt.date, note: str
) -> MobileRegistration:
    if not registration.is_open:
        raise ValidationError("该流动党员登记已结束")
    _not_in_future(until, "until")
    if until < registration.since:
        raise ValidationError({"until": "返回日期不能早于外出日期"})
    registration.until = until
    if note.strip():
        registration.note = f"{registration.note} {note.strip()}".strip()[:200]
    registration.full_clean()
    registration.save()
    member = registration.member
    if member.is_current and member.is_mobile:
        member_update(actor=actor, member=member, is_mobile=False)
    return registration


@service
def mobile_end(
    *, actor: Any, registration: MobileRegistration, until: dt.date, note: str = ""
) -> MobileRegistration:
    """A mobile member came back (or the registration ends): clears the member's mobile flag."""
    check_can_edit(actor, registration.organization)
    return _end_mobile(actor, registration, until, note)


# --- 出党、死亡、停止党籍 ----------------------------------------------------------


@service
def member_depart(
    *,
    actor: Any,
    member: Member,
    reason: str,
    day: dt.date,
    document_no: str = "",
    note: str = "",
) -> Departure:
    """Record a member's death, 退党, 劝退, 除名, 开除党籍 or 停止党籍; the member leaves on ``day``."""
    check_can_edit(actor, member.organization)
    _current_member(member)
    if reason not in DEPARTURE_REASONS:
        raise ValidationError(
            {"reason": "请选择处置方式（转出县外请开具介绍信，取消预备资格请在发展党员中办理）"}
        )
    document_no = document_no.strip()
    if reason in DECIDED_REASONS and not document_no:
        raise ValidationError({"document_no": f"{LeaveReason(reason).label}须填写处理决定文号"})
    _not_in_future(day, "day")
    departure = Departure(
        member=member,
        organization=member.organization,
        reason=reason,
        day=day,
        document_no=document_no,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    departure.full_clean()
    # member_leave ends the open mobile registration and lost-contact record
    # (end_records_on_leaving), as for every other way of leaving.
    member_leave(
        actor=actor,
        member=member,
        day=day,
        reason=reason,
        note=" ".join(p for p in (document_no, note.strip()) if p)[:200],
    )
    departure.save()
    return departure


@service
def member_remove_after_suspension(
    *, actor: Any, member: Member, day: dt.date, document_no: str, note: str = ""
) -> Departure:
    """除名 of a member whose 党籍 was suspended (停止党籍) and who did not return."""
    check_can_edit(actor, member.organization)
    if member.is_current or member.leave_reason != LeaveReason.SUSPENDED:
        raise ValidationError("只有已停止党籍的党员才能在此办理除名")
    document_no = _required(document_no, "document_no", "除名须填写处理决定文号")
    _not_in_future(day, "day")
    if day < member.left_on:
        raise ValidationError({"day": f"除名日期不能早于停止党籍日期（{member.left_on:%Y-%m-%d}）"})
    departure = Departure(
        member=member,
        organization=member.organization,
        reason=LeaveReason.REMOVED,
        day=day,
        document_no=document_no,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    departure.full_clean()
    departure.save()
    # The member already left the roll on the suspension date (the history and
    # the change table count them there); only the standing reason changes.
    member.leave_reason = LeaveReason.REMOVED
    member.leave_note = " ".join(p for p in (document_no, note.strip()) if p)[:200]
    member.save(update_fields=["leave_reason", "leave_note", "updated_at"])
    return departure


# --- 失联党员 --------------------------------------------------------------------


@service
def lost_contact_record(*, actor: Any, member: Member, since: dt.date, measures: str = "") -> LostContact:
    """Record that the branch lost contact with a member since ``since``."""
    check_can_edit(actor, member.organization)
    _current_member(member)
    if LostContact.objects.filter(member=member, resolved_on__isnull=True).exists():
        raise ValidationError({"member": "该党员已登记为失联党员"})
    _not_in_future(since, "since")
    record = LostContact(
        member=member, organization=member.organization, since=since, measures=measures.strip()
    )
    record.full_clean()
    record.save()
    return record


def _open_record(record: LostContact) -> LostContact:
    record = LostContact.objects.select_related("member").get(pk=record.pk)
    if not record.is_open:
        raise ValidationError("该失联记录已结束")
    return record


@service
def lost_contact_update(
    *,
    actor: Any,
    record: LostContact,
    measures: str,
    correction_notified_on: dt.date | None = None,
) -> LostContact:
    """Update the measures taken and the date the 限期改正 notice was given."""
    check_can_edit(actor, record.organization)
    record = _open_record(record)
    if correction_notified_on is not None:
        _not_in_future(correction_notified_on, "correction_notified_on")
        if correction_notified_on < record.since:
            raise ValidationError({"correction_notified_on": "限期改正通知日期不能早于失去联系日期"})
    record.measures = measures.strip()
    record.correction_notified_on = correction_notified_on
    record.full_clean()
    record.save()
    return record


@service
def lost_contact_resolve(*, actor: Any, record: LostContact, day: dt.date, resolution: str) -> LostContact:
    """Contact is back (or the case is closed) on ``day``."""
    check_can_edit(actor, record.organization)
    record = _open_record(record)
    resolution = _required(resolution, "resolution", "请填写处置结果")
    _not_in_future(day, "day")
    if day < record.since:
        raise ValidationError({"day": "恢复联系日期不能早于失去联系日期"})
    record.resolved_on = day
    record.resolution = resolution[:200]
    record.full_clean()
    record.save()
    return record


# --- what follows the member (hooks of members.services.member) --------------------


def refuse_move_with_open_letter(member: Member, to_org: Organization, day: dt.date) -> None:
    """A move on the move page would strand an open 介绍信 (its acceptance or receipt could no longer be recorded)."""
    open_letter = Transfer.objects.pending().filter(member=member).first()
    if open_letter is not None:
        raise ValidationError(
            f"该党员有办理中的组织关系转接（介绍信{open_letter.letter_no}，{open_letter.waiting_for}），"
            "请先办结或作废该介绍信"
        )


def records_follow_member(member: Member, from_org: Organization, day: dt.date, actor: Any) -> None:
    """The open 流动党员 registration and 失联 record move with the member to the new branch."""
    for registration in MobileRegistration.objects.filter(member=member, until__isnull=True):
        registration.organization = member.organization
        registration.save(update_fields=["organization"])
    for record in LostContact.objects.filter(member=member, resolved_on__isnull=True):
        record.organization = member.organization
        record.save(update_fields=["organization", "updated_at"])


def end_records_on_leaving(member: Member, day: dt.date, reason: str, actor: Any) -> None:
    """Leaving ends the open 流动党员 registration (clearing the flag) and the open 失联 record on ``day``.

    A record opened after ``day`` (the leaving was dated back) ends on its own start date.
    """
    label = LeaveReason(reason).label
    for registration in MobileRegistration.objects.filter(member=member, until__isnull=True):
        registration.member = member  # the flag is cleared on the caller's instance
        _end_mobile(actor, registration, max(day, registration.since), f"因{label}结束")
    for record in LostContact.objects.filter(member=member, resolved_on__isnull=True):
        record.resolved_on = max(day, record.since)
        record.resolution = label
        record.save(update_fields=["resolved_on", "resolution", "updated_at"])


def register_member_hooks() -> None:
    """Called from ``MembersConfig.ready()``: these records follow every move and leaving."""
    register_hook(MOVE_CHECKS, refuse_move_with_open_letter)
    register_hook(MOVED_HANDLERS, records_follow_member)
    register_hook(LEAVING_HANDLERS, end_records_on_leaving)
