"""证明信 / 党员身份证明 for an absence of six months or less."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.dates import add_months
from core.scopes import check_can_edit
from organizations.models import DocumentKind, Organization
from organizations.rules import get_rule
from organizations.services import next_document_no

from ...models import Certificate, Member
from ...selectors.transfers import county_of
from .common import current_member, not_in_future, required


def next_certificate_no(org: Organization, year: int) -> str:
    """The next number of the county's 证明信 series (富组证〔2026〕5号); hand-typed numbers are skipped."""

    used = set(Certificate.objects.filter(number__contains=f"〔{year}〕").values_list("number", flat=True))
    return next_document_no(
        organization=county_of(org), kind=DocumentKind.CERTIFICATE, year=year, taken=used.__contains__
    )


@service
def certificate_issue(
    *,
    actor: Any,
    member: Member,
    issued_on: dt.date,
    destination: str,
    reason: str,
    valid_until: dt.date,
) -> Certificate:
    """Issue a 党员身份证明 for an absence of at most six months (configurable), numbered automatically."""
    check_can_edit(actor, member.organization)
    current_member(member)
    destination = required(destination, "destination", "请填写前往地点（单位）")
    reason = required(reason, "reason", "请填写外出事由")
    not_in_future(issued_on, "issued_on")
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
        number=next_certificate_no(member.organization, issued_on.year),
        issued_on=issued_on,
        destination=destination,
        reason=reason,
        valid_until=valid_until,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    certificate.full_clean()
    certificate.save()
    return certificate
