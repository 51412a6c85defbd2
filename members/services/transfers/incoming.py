"""Letters coming into the county: recording them and admitting the person they introduce.

A member coming back into the county whose ID number is on file as having
transferred out is re-activated (same record, profile refreshed from the
letter, a new TRANSFER_IN period) rather than duplicated.  One whose 党籍 was
suspended (停止党籍) is offered 恢复党籍: accepting the letter restores them,
with the approval's number (``restoration``; counted as 恢复党籍, not as a
transfer in).  One who left for any other reason (death, 出党, 除名) cannot
return by a transfer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.fieldcrypto import id_hash_q
from core.idcard import parse_id_number
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from ...choices import LeaveReason, PeriodReason
from ...models import Member, MemberPeriod, Transfer, TransferKind
from ...models.person import TRANSFER_PERSON_FIELDS, person_snapshot
from ..member import (
    build_member,
    refuse_id_number,
    validate_dates,
    validate_holding_org,
    validate_identity,
)
from .common import not_in_future, required, validity_days_or_default
from .restoration import DOCUMENT_REQUIRED, check_restorable, restore

#: Member fields a transfer into the county carries (the letter's person data).
PERSON_FIELDS = TRANSFER_PERSON_FIELDS


def _returning_member(id_number: str, actor: Any) -> Member | None:
    """The member on file with this ID, if they may come back by a transfer; refuses otherwise.

    The refusal says why only when ``actor`` may see that record: otherwise one
    message for all (refuse_id_number), whether the person is in the county,
    has left or has died.
    """
    existing = Member.objects.filter(id_hash_q("id_number", id_number)).first()
    if existing is None:
        return None
    if existing.is_current:
        precise = "该公民身份号码的党员在本县在册，不能登记为县外转入（县内调动请办理县内转接）"
    elif existing.leave_reason == LeaveReason.TRANSFERRED_OUT:
        return existing
    elif existing.leave_reason == LeaveReason.SUSPENDED:
        # 恢复党籍 is the decision of the branch that keeps the record (and its committee):
        # offered to those who see it; anyone else gets the one message for all.
        if actor is not None and Member.objects.visible_to(actor).filter(pk=existing.pk).exists():
            return existing
        precise = "该公民身份号码的党员已停止党籍，恢复党籍须由其所在党组织办理"
    else:
        precise = "该公民身份号码的党员已因死亡、出党或除名离开党组织，不能通过组织关系转入恢复"
    refuse_id_number(actor, Member.objects.filter(pk=existing.pk), precise)
    return None  # not reached: refuse_id_number raised


def _incoming_candidate(
    to_org: Organization, person: dict[str, Any], actor: Any = None
) -> tuple[Member, Member | None]:
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
    fields["name"] = required(fields.get("name", ""), "name", "请填写姓名")
    returning = _returning_member(id_number, actor)
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
    letter_no = required(letter_no, "letter_no", "请填写介绍信编号")
    from_external = required(from_external, "from_external", "请填写县外转出党组织")
    not_in_future(issued_on, "issued_on")
    days = validity_days_or_default(validity_days)
    candidate, _ = _incoming_candidate(to_org, person, actor)
    pending = Transfer.objects.pending().filter(
        id_hash_q("person_id_number", candidate.id_number), kind=TransferKind.IN
    )
    refuse_id_number(actor, pending, "该党员已有待接收的转入介绍信")
    if issued_on < candidate.joined_on:
        raise ValidationError({"issued_on": "开具日期不能早于入党日期"})
    transfer = Transfer(
        kind=TransferKind.IN,
        letter_no=letter_no,
        **person_snapshot(candidate, TRANSFER_PERSON_FIELDS, prefix="person_"),
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


#: What re-activating a member who comes back into the county changes besides the person fields.
RETURN_FIELDS = ("organization", "party_group", "left_on", "leave_reason", "leave_note", "is_mobile")


def admit_incoming(
    transfer: Transfer, day: dt.date, actor: Any = None, *, restoration_document_no: str = ""
) -> Member:
    """Create the member a letter into the county introduces (or re-activate a returning one) on ``day``.

    A returning member whose 党籍 was suspended is restored (恢复党籍) with
    ``restoration_document_no``, the approval's number.  Without ``actor`` a
    refusal of the ID number is the generic one (refuse_id_number).
    """
    to_org = transfer.to_org
    candidate, returning = _incoming_candidate(to_org, person_of(transfer), actor)
    if day < candidate.joined_on:
        raise ValidationError({"day": "接收日期不能早于入党日期"})
    if candidate.full_on and day < candidate.full_on:
        raise ValidationError({"day": "接收日期早于转正日期，请按转入时的党员类型登记"})
    validate_holding_org(to_org, day, "day")
    if returning is not None and returning.leave_reason == LeaveReason.SUSPENDED:
        return _restore_incoming(transfer, returning, candidate, day, actor, restoration_document_no)
    if returning is None:
        member = candidate
        member.save()
    else:
        lock_for_update(Member, returning)  # re-read as stored now; a form loaded before goes stale
        if day < returning.left_on:
            raise ValidationError(
                {"day": f"接收日期早于该党员转出本县的日期（{returning.left_on:%Y-%m-%d}）"}
            )
        member = returning
        for field in PERSON_FIELDS:
            setattr(member, field, getattr(candidate, field))
        member.organization = to_org
        member.party_group = None  # a 党小组 of the branch they once left
        member.left_on = None
        member.leave_reason = ""
        member.leave_note = ""
        member.is_mobile = False
        member.full_clean(validate_unique=False)
        save_changed(member, [*PERSON_FIELDS, *RETURN_FIELDS])
    MemberPeriod.objects.create(
        member=member,
        organization=to_org,
        status=member.status,
        start_on=day,
        start_reason=PeriodReason.TRANSFER_IN,
        document_no=transfer.letter_no,
    )
    return member


def _restore_incoming(
    transfer: Transfer, member: Member, candidate: Member, day: dt.date, actor: Any, document_no: str
) -> Member:
    """Accepting a letter for a suspended member restores them (恢复党籍) in the receiving branch."""
    lock_for_update(Member, member)  # re-read as stored now; a form loaded before goes stale
    check_restorable(member, day)
    document_no = required(
        document_no,
        "restoration_document_no",
        f"{member.name}已于{member.left_on:%Y-%m-%d}停止党籍，接收本介绍信即恢复其党籍：{DOCUMENT_REQUIRED}",
    )
    for field in PERSON_FIELDS:
        setattr(member, field, getattr(candidate, field))
    member.is_mobile = False
    restore(
        member,
        organization=transfer.to_org,
        day=day,
        document_no=document_no,
        note=f"随介绍信{transfer.letter_no}转入，恢复党籍",
        actor=actor,
        transfer=transfer,
        also_changed=(*PERSON_FIELDS, "is_mobile"),
    )
    return member
