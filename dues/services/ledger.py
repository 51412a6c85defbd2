"""Writes for the retained-dues ledger (留存党费台账): append-only entries and their reversals.

Nothing here edits or deletes an entry.  An expenditure or income recorded
by mistake is corrected by a reversing entry (冲正) of the opposite amount;
a care visit paid from retained dues keeps its expenditure equal to the
money given, posting the difference whenever the visit changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum

from core.audit import service
from core.money import parse_amount, round_yuan
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.spending import Spending
from core.versioning import lock_for_update
from members.models import CareFunding, CareVisit
from organizations.models import Organization

from ..choices import MANUAL_EXPENSES, MANUAL_INCOME, LedgerPurpose
from ..models import RetainedFundEntry

ZERO = Decimal("0.00")


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def post_entry(
    *,
    actor: Any,
    organization: Organization,
    entry_on: dt.date,
    purpose: str,
    amount: Decimal,
    description: str,
    **links: Any,
) -> RetainedFundEntry:
    """Write one entry (``amount`` signed: income +, expenditure −); callers have checked the scope."""
    entry = RetainedFundEntry(
        organization=organization,
        entry_on=entry_on,
        purpose=purpose,
        amount=amount,
        description=description[:200],
        recorded_by=_actor(actor),
        **links,
    )
    entry.full_clean()
    entry.save()
    return entry


@service
def ledger_record(
    *,
    actor: Any,
    organization: Organization,
    entry_on: dt.date,
    purpose: str,
    amount: Any,
    description: str,
    document_no: str = "",
) -> RetainedFundEntry:
    """Record an expenditure (电教设备, 慰问, 培训资料, 其他) or an income (上年结余, 其他) by hand."""
    check_can_edit(actor, organization)
    if purpose not in (*MANUAL_EXPENSES, *MANUAL_INCOME):
        raise ValidationError({"purpose": "请选择支出或收入项目（留存分成、返还由系统自动记账）"})
    value = parse_amount(amount, label="金额")
    if value <= 0:
        raise ValidationError({"amount": "金额应大于0"})
    if entry_on > dt.date.today():
        raise ValidationError({"entry_on": "日期不能晚于今天"})
    check_period_open(organization, entry_on, "entry_on")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写摘要（用途）"})
    return post_entry(
        actor=actor,
        organization=organization,
        entry_on=entry_on,
        purpose=purpose,
        amount=value if purpose in MANUAL_INCOME else -value,
        description=description,
        document_no=(document_no or "").strip(),
    )


@service
def ledger_reverse(
    *, actor: Any, entry: RetainedFundEntry, reason: str, day: dt.date | None = None
) -> RetainedFundEntry:
    """Reverse (冲正) an entry: a new entry of the opposite amount; the original stays as it was."""
    entry = RetainedFundEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)
    check_can_edit(actor, entry.organization)
    if entry.reverses_id is not None:
        raise ValidationError("冲正记录不能再冲正；如有错误请重新登记")
    if entry.reversals.exists():
        raise ValidationError("该记录已冲正")
    if entry.care_visit_id is not None:
        raise ValidationError("走访慰问的支出随慰问记录自动调整，请修改走访慰问中的慰问金")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲正原因"})
    day = day or dt.date.today()
    if day < entry.entry_on:
        raise ValidationError({"day": "冲正日期不能早于原记录日期"})
    return post_entry(
        actor=actor,
        organization=entry.organization,
        entry_on=day,
        purpose=entry.purpose,
        amount=-entry.amount,
        description=f"冲正{entry.entry_on:%Y-%m-%d}“{entry.description}”：{reason}",
        document_no=entry.document_no,
        year=entry.year,
        quarter=entry.quarter,
        reverses=entry,
        remittance=entry.remittance,
        counterpart=entry.counterpart,
    )


def care_visit_posted(visit: CareVisit) -> Decimal:
    """What the ledger holds for a visit now (its expenditure net of reversals, as a positive sum)."""
    total = RetainedFundEntry.objects.filter(care_visit=visit).aggregate(total=Sum("amount"))["total"]
    return -round_yuan(total or ZERO)  # SQLite sums money as floats: back to the cent


def follow_care_visit(visit: CareVisit, actor: Any) -> None:
    """A care visit paid from retained dues: the organizer's ledger spends what the visit gave.

    Registered with ``members.hooks`` and called inside each care-visit service.
    The visit row is locked so two changes at once post each difference once.
    A rise (members added, an amount raised) is a further expenditure; a fall
    (a member removed, an amount lowered, the funding changed) a reversing
    entry for the difference; nothing is ever edited.
    """
    visit = lock_for_update(CareVisit, visit.pk)
    given = round_yuan(visit.recipients.aggregate(total=Sum("amount"))["total"] or ZERO)
    wanted = given if visit.funding == CareFunding.RETAINED_DUES else ZERO
    posted = care_visit_posted(visit)
    difference = wanted - posted
    if not difference:
        return
    first = RetainedFundEntry.objects.filter(care_visit=visit, reverses__isnull=True).order_by("id").first()
    what = f"{visit.visited_on:%Y-%m-%d} {visit.get_occasion_display()}走访慰问"
    if difference > 0:
        description = f"{what}，慰问困难党员、老党员" if first is None else f"{what}，追加慰问对象或慰问金"
        post_entry(
            actor=actor,
            organization=visit.organization,
            entry_on=visit.visited_on if first is None else max(visit.visited_on, dt.date.today()),
            purpose=LedgerPurpose.CARE,
            amount=-difference,
            description=description,
            care_visit=visit,
        )
    else:
        post_entry(
            actor=actor,
            organization=visit.organization,
            entry_on=max(visit.visited_on, dt.date.today()),
            purpose=LedgerPurpose.CARE,
            amount=-difference,
            description=f"冲减{what}慰问金{-difference}元"
            + ("（改为其他经费）" if visit.funding != CareFunding.RETAINED_DUES else ""),
            care_visit=visit,
            reverses=first,
        )


def _payer(spending: Spending, actor: Any) -> Organization:
    """Whose retained dues paid: the organization that recorded the purchase, when it is the buyer or above it.

    The county organization department buys sets for township committees and
    village branches (the reference's 6万元): the county's ledger spends it. A
    branch recording its own purchase spends its own. Once booked, a purchase
    stays with the ledger that booked it, whoever corrects it later.
    """
    booked = RetainedFundEntry.objects.filter(source=f"{spending.source}#{spending.record_id}").order_by("id")
    first = booked.select_related("organization").first()
    if first is not None:
        return first.organization
    buyer = Organization.objects.get(pk=spending.organization_id)
    recorder = getattr(actor, "organization", None)
    if recorder is not None and buyer.path.startswith(recorder.path):
        return recorder
    return buyer


def follow_spending(*, spending: Spending, before: Spending | None, actor: Any) -> None:
    """A purchase another app records (AV equipment) paid from retained dues: the payer's ledger spends it.

    Registered with ``core.spending`` and called inside the recording service's
    transaction.  As with care visits, nothing is edited: the entries for the
    purchase net to what it should cost the payer now (its amount when paid from
    retained dues, nothing otherwise); a rise posts a further expenditure, a fall
    or a change of funding a reversing entry.
    """
    source = f"{spending.source}#{spending.record_id}"
    purpose = LedgerPurpose.AV_EQUIPMENT if spending.source == "training.av" else LedgerPurpose.OTHER
    payer = _payer(spending, actor)
    entries = RetainedFundEntry.objects.select_for_update().filter(source=source, organization=payer)
    posted = -round_yuan(entries.aggregate(total=Sum("amount"))["total"] or ZERO)
    wanted = round_yuan(spending.amount) if spending.from_retained_dues else ZERO
    difference = wanted - posted
    if not difference:
        return
    first = entries.filter(reverses__isnull=True).order_by("id").first()
    if difference > 0:
        post_entry(
            actor=actor,
            organization=payer,
            entry_on=spending.spent_on if first is None else max(spending.spent_on, dt.date.today()),
            purpose=purpose,
            amount=-difference,
            description=spending.description if first is None else f"{spending.description}（追加）",
            source=source,
        )
    else:
        post_entry(
            actor=actor,
            organization=payer,
            entry_on=max(spending.spent_on, dt.date.today()),
            purpose=purpose,
            amount=-difference,
            description=f"冲减{spending.description}{-difference}元",
            source=source,
            reverses=first,
        )
