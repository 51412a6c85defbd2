"""Writes for remittances (上缴) and the returns to retired-cadre branches (返还老干支部)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.money import parse_amount
from core.periodlock import check_period_open
from core.scopes import check_can_edit
from core.versioning import lock_for_update
from organizations.models import Organization

from .. import months as m
from ..choices import LedgerPurpose
from ..models import Remittance, RetainedFundEntry
from ..selectors.remittance import reconcile, retired_returns
from .ledger import post_entry

ZERO = Decimal("0.00")


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _post_retained(actor: Any, rec: Any, day: dt.date, remittance: Remittance | None) -> None:
    """Bring the ledger's retained share of the quarter in line with what the quarter keeps."""
    difference = rec.retained - rec.retained_posted
    if not difference:
        return
    what = f"{rec.label}留存党费（{rec.share.normalize():f}%）"
    post_entry(
        actor=actor,
        organization=rec.organization,
        entry_on=day,
        purpose=LedgerPurpose.RETAINED_SHARE,
        amount=difference,
        description=what if not rec.retained_posted else f"{what}调整",
        year=rec.year,
        quarter=rec.quarter,
        remittance=remittance,
    )


@service
def dues_remit(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    quarter: int,
    amount: Any,
    special_amount: Any = "0",
    remitted_on: dt.date,
    to_external: str = "",
    reference: str = "",
    note: str = "",
) -> Remittance:
    """Remit a quarter's dues to the level above; the organization's retained share goes into its ledger."""
    check_can_edit(actor, organization)
    lock_for_update(Organization, organization)  # one remittance of an organization at a time
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "季度应为1至4"})
    first, _ = m.quarter_span(year, quarter)
    if remitted_on > dt.date.today():
        raise ValidationError({"remitted_on": "上缴日期不能晚于今天"})
    if remitted_on < first:
        raise ValidationError({"remitted_on": f"上缴日期不能早于{m.quarter_label(year, quarter)}开始"})
    check_period_open(organization, remitted_on, "remitted_on")
    ordinary = parse_amount(amount, label="上缴党费", field="amount")
    special = parse_amount(special_amount or "0", label="特殊党费", field="special_amount")
    if not ordinary and not special:
        raise ValidationError({"amount": "上缴金额应大于0"})
    rec = reconcile(organization, year, quarter)
    if ordinary > rec.outstanding_ordinary:
        raise ValidationError(
            {"amount": f"超过{rec.label}应上缴的党费（尚应上缴{max(rec.outstanding_ordinary, ZERO)}元）"}
        )
    if special > rec.outstanding_special:
        raise ValidationError(
            {
                "special_amount": f"超过{rec.label}应上缴的特殊党费（尚应上缴{max(rec.outstanding_special, ZERO)}元）"
            }
        )
    parent = organization.parent
    to_external = (to_external or "").strip()
    if parent is None and not to_external:
        raise ValidationError({"to_external": "请填写接收上缴党费的上级党组织"})
    remittance = Remittance(
        from_org=organization,
        to_org=parent,
        to_external="" if parent is not None else to_external,
        year=year,
        quarter=quarter,
        amount=ordinary,
        special_amount=special,
        remitted_on=remitted_on,
        reference=(reference or "").strip(),
        note=(note or "").strip(),
        recorded_by=_actor(actor),
    )
    remittance.full_clean()
    remittance.save()
    _post_retained(actor, rec, remitted_on, remittance)
    return remittance


@service
def dues_void_remittance(
    *, actor: Any, remittance: Remittance, reason: str, day: dt.date | None = None
) -> Remittance:
    """Void a remittance recorded by mistake; with no remittance left for the quarter, its retained share is reversed."""
    remittance = Remittance.objects.select_for_update().select_related("from_org").get(pk=remittance.pk)
    check_can_edit(actor, remittance.from_org)
    check_period_open(remittance.from_org, remittance.remitted_on)  # it counted in that period
    if remittance.voided_on is not None:
        raise ValidationError("该上缴记录已作废")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因"})
    day = day or dt.date.today()
    remittance.voided_on = day
    remittance.void_reason = reason[:200]
    remittance.voided_by = _actor(actor)
    remittance.save(update_fields=["voided_on", "void_reason", "voided_by"])
    rec = reconcile(remittance.from_org, remittance.year, remittance.quarter)
    if not rec.remitted_total and rec.retained_posted:
        first = (
            RetainedFundEntry.objects.filter(
                organization=remittance.from_org,
                purpose=LedgerPurpose.RETAINED_SHARE,
                year=remittance.year,
                quarter=remittance.quarter,
                reverses__isnull=True,
            )
            .order_by("id")
            .first()
        )
        post_entry(
            actor=actor,
            organization=remittance.from_org,
            entry_on=max(day, remittance.remitted_on),
            purpose=LedgerPurpose.RETAINED_SHARE,
            amount=-rec.retained_posted,
            description=f"冲正{rec.label}留存党费（上缴记录作废：{reason}）"[:200],
            year=remittance.year,
            quarter=remittance.quarter,
            reverses=first,
        )
    return remittance


@service
def dues_return_to_retired(
    *, actor: Any, organization: Organization, year: int, day: dt.date
) -> list[RetainedFundEntry]:
    """Return the configured share of what each retired-cadre branch remitted in ``year`` (返还老干支部).

    An expenditure in ``organization``'s ledger and an income in the branch's,
    per branch; what was returned already for the year is not returned again.
    """
    check_can_edit(actor, organization)
    lock_for_update(Organization, organization)
    if day > dt.date.today():
        raise ValidationError({"day": "日期不能晚于今天"})
    if day.year < year:
        raise ValidationError({"day": f"返还日期应在{year}年或以后"})
    check_period_open(organization, day, "day")
    entries = []
    for row in retired_returns(organization, year):
        if row.to_return <= 0:
            continue
        what = f"{year}年老干支部活动经费（上交党费{row.remitted}元的{row.rate.normalize():f}%）"
        entries.append(
            post_entry(
                actor=actor,
                organization=organization,
                entry_on=day,
                purpose=LedgerPurpose.RETURN_RETIRED,
                amount=-row.to_return,
                description=f"返还{row.branch.name}{what}",
                year=year,
                counterpart=row.branch,
            )
        )
        entries.append(
            post_entry(
                actor=actor,
                organization=row.branch,
                entry_on=day,
                purpose=LedgerPurpose.RETURNED,
                amount=row.to_return,
                description=f"{organization.name}返还{what}",
                year=year,
                counterpart=organization,
            )
        )
    if not entries:
        raise ValidationError(f"{year}年没有需要返还的老干支部党费（或已返还）")
    return entries
