"""Writes for payments: a month's dues for many members in one save, back payments, special payments, voiding.

The grid saves in a constant number of queries: the rows are inserted with
``bulk_create`` and their audit rows built by ``core.bulkaudit`` (the same
content auditlog writes one save at a time), in the service's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.audit import service
from core.bulkaudit import AuditContext, PendingCreates
from core.money import parse_amount
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from members.models import Member
from members.services.transfers.letters import letters_follow_dues
from organizations.models import Organization

from .. import months as m
from ..choices import MONTHLY_KINDS, PaymentKind
from ..models import DuesPayment, ReceiptSequence
from ..selectors.levy import Standards, load_terms

#: A one-off payment of this much or more is a special payment, remitted whole (中组发〔2008〕3号).
SPECIAL_THRESHOLD = Decimal("1000.00")
ZERO = Decimal("0.00")


def locked_receipts(org: Organization, year: int) -> ReceiptSequence:
    """The organization's receipt numbers for ``year``, locked until the transaction ends.

    Locking it first also makes two saves of one organization's dues take
    turns: the second reads the payments the first wrote.
    """
    sequence = ReceiptSequence.objects.select_for_update().filter(organization=org, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(organization=org, year=year)
        except IntegrityError:
            pass  # created meanwhile by a concurrent save
        sequence = ReceiptSequence.objects.select_for_update().get(organization=org, year=year)
    return sequence


def receipt_no(sequence: ReceiptSequence) -> str:
    """The next receipt number: 2026-0007 (its organization's name is printed beside it)."""
    sequence.last_number += 1
    return f"{sequence.year}-{sequence.last_number:04d}"


def _not_in_future(day: dt.date, field: str = "paid_on") -> None:
    if day > dt.date.today():
        raise ValidationError({field: "交纳日期不能晚于今天"})


def _amount(raw: Any, who: str, what: str) -> Decimal:
    try:
        return parse_amount(raw, label=what, who=who)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["amount"][0]) from None


def _insert(payments: list[DuesPayment], actor: Any) -> None:
    """Insert the payments and their audit rows; a concurrent save of the same month is refused whole."""
    audit = PendingCreates(payments, AuditContext.current(actor))
    try:
        with transaction.atomic():
            DuesPayment.objects.bulk_create(payments)
    except IntegrityError:
        raise ValidationError(
            "其中有党员的党费刚刚已由他人登记，本次未保存。请刷新页面核对后重新提交。"
        ) from None
    audit.insert()


@service
def dues_record_payments(
    *,
    actor: Any,
    organization: Organization,
    entries: Iterable[tuple[int, dt.date, Any]],
    paid_on: dt.date,
    note: str = "",
) -> list[DuesPayment]:
    """Record monthly dues (按月交纳) of ``organization``'s members: (member id, month, amount) each, one receipt per member.

    Each month must be one the member owes to this organization, assessed and
    not yet paid; an amount of 1000 元 or more above the standard belongs on
    the special-payment page.  All or nothing.
    """
    check_can_edit(actor, organization)
    check_period_open(organization, paid_on, "paid_on")
    entries = [(int(member_id), m.month_of(month), raw) for member_id, month, raw in entries]
    if not entries:
        raise ValidationError("没有填写任何党费金额")
    _not_in_future(paid_on)
    sequence = locked_receipts(organization, paid_on.year)
    member_ids = sorted({member_id for member_id, _, _ in entries})
    lo = min(m.index(month) for _, month, _ in entries)
    hi = max(m.index(month) for _, month, _ in entries)
    people = {p.pk: p for p in Member.objects.filter(pk__in=member_ids).only("id", "name")}
    terms = load_terms(member_ids, lo, hi)
    standards = Standards.load()
    paid = set(
        DuesPayment.objects.live()
        .filter(member_id__in=member_ids, kind=PaymentKind.REGULAR, month__gte=m.from_index(lo))
        .filter(month__lte=m.from_index(hi))
        .values_list("member_id", "month")
    )
    last_month = dt.date(paid_on.year, 12, 1)
    errors: list[str] = []
    payments: list[DuesPayment] = []
    seen: set[tuple[int, dt.date]] = set()
    for member_id, month, raw in entries:
        person = people.get(member_id)
        if person is None:
            errors.append("所选党员不存在，请刷新页面")
            continue
        who = f"{person.name} {m.label(month)}"
        member_terms = terms.get(member_id)
        held = member_terms.months_held(m.index(month), m.index(month)) if member_terms else {}
        levy = (
            next(iter(member_terms.levies(standards, m.index(month), m.index(month))), None) if held else None
        )
        try:
            amount = _amount(raw, who, "党费")
            if held.get(m.index(month)) != organization.pk:
                raise ValidationError(f"{who}：该月不在{organization.name}交纳党费，不能在此登记")
            if levy is None or levy.amount is None:
                raise ValidationError(f"{who}：尚未核定党费标准，请先核定")
            if amount <= 0:
                raise ValidationError(f"{who}：金额应大于0")
            if levy.amount <= 0:
                raise ValidationError(f"{who}：经批准免交，无需登记")
            if (member_id, month) in paid or (member_id, month) in seen:
                raise ValidationError(f"{who}的党费已登记")
            if month > last_month:
                raise ValidationError(f"{who}：只能预交到{paid_on.year}年12月")
            if amount >= SPECIAL_THRESHOLD and amount > levy.amount:
                raise ValidationError(f"{who}：一次性交纳1000元以上的，请登记为特殊党费（全额上缴）")
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        seen.add((member_id, month))
        payments.append(
            DuesPayment(
                member=person,
                organization=organization,
                month=month,
                kind=PaymentKind.REGULAR,
                amount=amount,
                due=levy.amount,
                paid_on=paid_on,
                note=note.strip(),
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    if errors:
        raise ValidationError(errors)
    numbers: dict[int, str] = {}
    for payment in sorted(payments, key=lambda p: (p.member.name, p.member_id)):
        if payment.member_id not in numbers:
            numbers[payment.member_id] = receipt_no(sequence)
        payment.receipt_no = numbers[payment.member_id]
    _insert(payments, actor)
    sequence.save(update_fields=["last_number"])
    letters_follow_dues(actor=actor, member_ids=member_ids)
    return payments


@service
def dues_record_back_payments(
    *,
    actor: Any,
    organization: Organization,
    shortfalls: Iterable[Any],
    paid_on: dt.date,
) -> list[DuesPayment]:
    """补交: record what each month still owes after a base rose (``selectors.arrears.Shortfall`` rows).

    The shortfalls are recomputed here, under the organization's lock: a
    month paid up meanwhile (a double submit) records nothing twice.
    """
    from ..selectors.arrears import shortfalls_of

    check_can_edit(actor, organization)
    _not_in_future(paid_on)
    check_period_open(organization, paid_on, "paid_on")
    wanted = {(s.member_id, s.month) for s in shortfalls}
    if not wanted:
        raise ValidationError("请选择要补交的党员")
    sequence = locked_receipts(organization, paid_on.year)
    current = [
        s
        for s in shortfalls_of(organization, member_ids=sorted({mid for mid, _ in wanted}), until=paid_on)
        if (s.member_id, s.month) in wanted
    ]
    if not current:
        raise ValidationError("所选月份已补交，无需再登记")
    payments: list[DuesPayment] = []
    numbers: dict[int, str] = {}
    for s in sorted(current, key=lambda s: (s.member.name, s.member_id, s.month)):
        if s.member_id not in numbers:
            numbers[s.member_id] = receipt_no(sequence)
        payments.append(
            DuesPayment(
                member=s.member,
                organization=organization,
                month=s.month,
                kind=PaymentKind.BACK,
                amount=s.owed,
                due=s.due,
                paid_on=paid_on,
                basis_id=s.basis_id,
                receipt_no=numbers[s.member_id],
                note="基数调整后补交",
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    _insert(payments, actor)
    sequence.save(update_fields=["last_number"])
    return payments


@service
def dues_record_special(
    *,
    actor: Any,
    organization: Organization,
    member: Member,
    amount: Any,
    paid_on: dt.date,
    note: str = "",
) -> DuesPayment:
    """A special payment (一次性交纳1000元以上): settles no month and is remitted upward whole."""
    check_can_edit(actor, organization)
    value = _amount(amount, member.name, "特殊党费")
    if value < SPECIAL_THRESHOLD:
        raise ValidationError({"amount": "特殊党费为一次性交纳1000元以上的党费；按月交纳请在收缴登记中填写"})
    _not_in_future(paid_on)
    check_period_open(organization, paid_on, "paid_on")
    if member.organization_id != organization.pk and not member.organization.path.startswith(
        organization.path
    ):
        raise ValidationError({"member": f"{member.name}不是{organization.name}的党员"})
    if member.joined_on > paid_on or (member.left_on and member.left_on <= paid_on):
        raise ValidationError({"paid_on": f"{member.name}在交纳日期不是党员"})
    sequence = locked_receipts(organization, paid_on.year)
    payment = DuesPayment(
        member=member,
        organization=organization,
        month=m.month_of(paid_on),
        kind=PaymentKind.SPECIAL,
        amount=value,
        paid_on=paid_on,
        receipt_no=receipt_no(sequence),
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    payment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        raise ValidationError({"paid_on": f"{member.name}当天已登记一笔特殊党费"}) from None
    sequence.save(update_fields=["last_number"])
    return payment


@service
def dues_void_payment(
    *, actor: Any, payment: DuesPayment, reason: str, day: dt.date | None = None
) -> DuesPayment:
    """Void a payment recorded by mistake (作废): the row stays with who and why; the month owes again."""
    payment = (
        DuesPayment.objects.select_for_update().select_related("organization", "member").get(pk=payment.pk)
    )
    check_can_edit(actor, payment.organization)
    check_period_open(payment.organization, payment.paid_on)  # the payment counted in that period
    if payment.voided_on is not None:
        raise ValidationError("该记录已作废")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因"})
    payment.voided_on = day or dt.date.today()
    payment.void_reason = reason[:200]
    payment.voided_by = actor if getattr(actor, "pk", None) else None
    payment.save(update_fields=["voided_on", "void_reason", "voided_by"])
    if payment.kind in MONTHLY_KINDS:
        letters_follow_dues(actor=actor, member_ids=[payment.member_id])
    return payment
