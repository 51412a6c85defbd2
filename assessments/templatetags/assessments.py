"""Links of the assessment pages that depend on who is looking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse

from ..selectors.common import home_org

register = template.Library()


@register.simple_tag
def home_sheet_url(user: Any, year: int | None = None) -> str:
    """The signing progress of the user's own organization (a branch's: its members' screen)."""
    org = home_org(user)
    if org is None:
        return reverse("assessments:agreement_list")
    name = "assessments:member_sheet" if org.kind == "BRANCH" else "assessments:org_sheet"
    return reverse(name, args=[org.code, year or dt.date.today().year])


@register.simple_tag
def home_ranking_url(user: Any, year: int | None = None) -> str:
    """The ranking of the agreements the user's organization issued, for the latest year already scored."""
    from ..models import AssessmentScore

    org = home_org(user)
    if org is None:
        return ""
    if year is None:
        scored = (
            AssessmentScore.objects.filter(agreement__organization=org)
            .order_by("-agreement__year")
            .values_list("agreement__year", flat=True)
            .first()
        )
        year = scored or dt.date.today().year
    return reverse("assessments:ranking", args=[org.code, year])


BADGES = {
    "SIGNED": "text-bg-success",
    "PENDING": "text-bg-warning",
    "EXEMPT": "text-bg-secondary",
    "NONE": "text-bg-light border",
}


@register.inclusion_tag("assessments/_status_badge.html")
def status_badge(status: str, note: str = "") -> dict[str, Any]:
    """The badge of an agreement status (已签订 / 待签订 / 免签 / 未生成)."""
    from ..choices import AgreementStatus

    return {"label": AgreementStatus(status).label, "css": BADGES.get(status, ""), "note": note}


@register.inclusion_tag("assessments/_status_badge.html")
def roster_badge(member: Any) -> dict[str, Any]:
    from ..choices import AgreementStatus, Exemption
    from ..selectors.agreements import roster_status

    status = roster_status(member)
    note = Exemption(member.agreement_exemption).label if member.agreement_exemption else ""
    return {"label": AgreementStatus(status).label, "css": BADGES[status], "note": note}


CN_DIGITS = "零一二三四五六七八九十"


@register.filter
def cn_number(value: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (the numbering of （一） headings)."""
    n = int(value)
    if n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


@register.filter
def sentence(value: str) -> str:
    """A clause without its closing punctuation, to go inside a longer sentence."""
    return (value or "").strip().rstrip("。；;，,.")
