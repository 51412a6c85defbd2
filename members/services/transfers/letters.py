"""The 介绍信 lifecycle: issue, accept, receipt, void, re-issue.

Who may do what:

- a 介绍信 out of the county or to another organization inside it is issued,
  voided and re-issued by the sending side (scope over the member's branch);
  its number comes from the county's yearly sequence (富组转〔2026〕88号, the
  prefix set in admin), and a re-issued letter gets a new number;
- a letter coming into the county is recorded by the receiving side
  (:mod:`.incoming`);
- acceptance is the receiving side's act (scope over the receiving
  organization): inside the county it moves the member's history on the
  acceptance date, into the county it creates (or re-activates) the member;
- the receipt (回执) of a letter out of the county is recorded by the sending
  side, and the member leaves the county's roll on the receipt date — until
  then the sending branch stays responsible for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.versioning import lock_for_update, save_changed
from organizations.models import DocumentKind, Organization
from organizations.services import next_document_no

from ...choices import LeaveReason, PeriodReason
from ...hooks import dues_paid_until
from ...models import Member, Transfer, TransferKind, TransferStatus
from ...models.person import TRANSFER_PERSON_FIELDS, person_snapshot
from ...selectors.transfers import county_of
from ..member import member_leave, member_move, validate_holding_org
from .common import current_member, not_in_future, required, validity_days_or_default
from .incoming import admit_incoming


def _no_open_transfer(member: Member, replaces: Transfer | None) -> None:
    open_letters = Transfer.objects.pending().filter(member=member)
    if replaces is not None:
        open_letters = open_letters.exclude(pk=replaces.pk)
    open_letter = open_letters.first()
    if open_letter is not None:
        raise ValidationError(
            {"member": f"该党员已有办理中的组织关系转接（介绍信{open_letter.letter_no}），请先办结或作废"}
        )


def _build_outgoing(
    *,
    actor: Any,
    kind: str,
    member: Member,
    issued_on: dt.date,
    to_org: Organization | None,
    to_external: str,
    validity_days: int | None,
    reason: str,
    note: str,
    replaces: Transfer | None = None,
) -> Transfer:
    """A validated, saved letter from the member's branch (out of the county or inside it)."""
    if kind not in (TransferKind.OUT, TransferKind.INTERNAL):
        raise ValidationError({"kind": "请选择转出县外或县内转接"})
    lock_for_update(Member, member)  # two letters for one member at once: the second sees the first
    current_member(member)
    _no_open_transfer(member, replaces)
    not_in_future(issued_on, "issued_on")
    if issued_on < member.joined_on:
        raise ValidationError({"issued_on": "开具日期不能早于入党日期"})
    days = validity_days_or_default(validity_days)
    if kind == TransferKind.OUT:
        to_external = required(to_external, "to_external", "请填写县外接收党组织")
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
        letter_no=next_letter_no(member.organization, issued_on.year),
        member=member,
        **person_snapshot(member, TRANSFER_PERSON_FIELDS, prefix="person_"),
        from_org=member.organization,
        to_org=to_org,
        to_external=to_external,
        issued_on=issued_on,
        validity_days=days,
        valid_until=issued_on + dt.timedelta(days=days),
        # 党费缴到 is computed from the payments (members.hooks; the dues app), never typed in.
        dues_paid_until=dues_paid_until(member),
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
    issued_on: dt.date,
    to_org: Organization | None = None,
    to_external: str = "",
    validity_days: int | None = None,
    reason: str = "",
    note: str = "",
) -> Transfer:
    """Issue a 介绍信 for a member, out of the county or inside it; numbered, with 党费缴到 from the payments."""
    check_can_edit(actor, member.organization)
    return _build_outgoing(
        actor=actor,
        kind=kind,
        member=member,
        issued_on=issued_on,
        to_org=to_org,
        to_external=to_external,
        validity_days=validity_days,
        reason=reason,
        note=note,
    )


def letters_follow_dues(*, actor: Any, member_ids: list[int]) -> None:
    """The pending letters out of these members show 党费缴到 as the payments now say (one query when none).

    Called by the dues services inside their transaction, after a payment is
    recorded or voided (the member pays up before the letter is handed over).
    """
    pending = (
        Transfer.objects.pending()
        .exclude(kind=TransferKind.IN)
        .filter(member_id__in=member_ids)
        .select_related("member")
        .select_for_update(of=("self",))
    )
    for transfer in pending:
        paid_until = dues_paid_until(transfer.member)
        if paid_until != transfer.dues_paid_until:
            transfer.dues_paid_until = paid_until
            save_changed(transfer, ["dues_paid_until"])


def next_letter_no(org: Organization, year: int) -> str:
    """The next number of the county's 介绍信 series; numbers typed in by hand before are skipped."""

    # One query for the year's numbers already on letters (the demo's, or typed before numbering
    # was automatic), so skipping a run of them costs nothing more.
    used = set(
        Transfer.objects.exclude(kind=TransferKind.IN)
        .filter(letter_no__contains=f"〔{year}〕")
        .values_list("letter_no", flat=True)
    )
    return next_document_no(
        organization=county_of(org), kind=DocumentKind.TRANSFER_LETTER, year=year, taken=used.__contains__
    )


def _pending(transfer: Transfer) -> Transfer:
    """The letter locked and re-read inside the transaction; refuses one already completed or voided.

    (``core.versioning.lock_for_update`` with the related rows the services read; ``of``
    because PostgreSQL cannot lock the nullable side of the outer joins.)
    """
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
def transfer_accept(
    *, actor: Any, transfer: Transfer, day: dt.date, restoration_document_no: str = ""
) -> Transfer:
    """The receiving side accepts a letter: the member moves (inside the county) or joins (into it) on ``day``.

    A letter into the county for a member whose 党籍 was suspended restores them
    (恢复党籍) with ``restoration_document_no``, the approval's number (``incoming``).
    """
    if transfer.kind == TransferKind.OUT:
        raise ValidationError("转出县外的介绍信由县外党组织接收，请在回执返回后登记回执")
    check_can_edit(actor, transfer.to_org)
    transfer = _pending(transfer)
    not_in_future(day, "day")
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
        member = admit_incoming(transfer, day, actor, restoration_document_no=restoration_document_no)
        transfer.member = member
    transfer.accepted_on = day
    transfer.accepted_by = actor if getattr(actor, "pk", None) else None
    # Accepting is what the receipt confirms: inside the county it is the
    # receipt; into the county the receipt goes back to the sender that day.
    transfer.receipt_on = day
    transfer.completed_on = day
    transfer.status = TransferStatus.COMPLETED
    save_changed(transfer, ["member", "accepted_on", "accepted_by", "receipt_on", "completed_on", "status"])
    return transfer


@service
def transfer_record_receipt(*, actor: Any, transfer: Transfer, day: dt.date, note: str = "") -> Transfer:
    """The receipt of a letter out of the county came back: the member leaves the county's roll on ``day``."""
    if transfer.kind != TransferKind.OUT:
        raise ValidationError("只有转出县外的介绍信需要登记回执；县内转接和转入由接收方办理接收")
    check_can_edit(actor, transfer.from_org)
    transfer = _pending(transfer)
    not_in_future(day, "day")
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
    save_changed(transfer, ["receipt_on", "completed_on", "status", "note"])
    return transfer


@service
def transfer_void(*, actor: Any, transfer: Transfer, reason: str, day: dt.date | None = None) -> Transfer:
    """Void (作废) an open letter; only the side that issued or recorded it may."""
    check_can_edit(actor, _sending_side(transfer))
    transfer = _pending(transfer)
    reason = required(reason, "void_reason", "请填写作废原因")
    day = day or dt.date.today()
    not_in_future(day, "voided_on")
    if day < transfer.issued_on:
        raise ValidationError({"voided_on": "作废日期不能早于介绍信开具日期"})
    transfer.status = TransferStatus.VOID
    transfer.voided_on = day
    transfer.void_reason = reason[:200]
    save_changed(transfer, ["status", "voided_on", "void_reason"])
    return transfer


@service
def transfer_reissue(
    *,
    actor: Any,
    transfer: Transfer,
    issued_on: dt.date,
    validity_days: int | None = None,
    note: str = "",
) -> Transfer:
    """Re-issue an expired letter under a new number: the old one is voided, the new one goes to the same destination."""
    if transfer.kind == TransferKind.IN:
        raise ValidationError("转入介绍信由县外转出方重开，请作废后重新登记")
    check_can_edit(actor, transfer.from_org)
    old = _pending(transfer)
    if issued_on <= old.valid_until:
        raise ValidationError({"issued_on": f"原介绍信有效期至{old.valid_until:%Y-%m-%d}，过期后才能重开"})
    new = _build_outgoing(
        actor=actor,
        kind=old.kind,
        member=old.member,
        issued_on=issued_on,
        to_org=old.to_org,
        to_external=old.to_external,
        validity_days=validity_days,
        reason=old.reason,
        note=note or old.note,
        replaces=old,
    )
    old.status = TransferStatus.VOID
    old.voided_on = issued_on
    old.void_reason = f"逾期未办结，重开介绍信{new.letter_no}"[:200]
    save_changed(old, ["status", "voided_on", "void_reason"])
    return new
