"""The written parts of a 工作总结: saved per organization and period as a draft, then made final."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.scopes import check_can_edit
from core.validators import check_text
from core.versioning import lock_for_update, save_changed
from organizations.models import Organization

from .models import NarrativeStatus, SummaryNarrative
from .periods import Period
from .summary import NARRATIVE, NARRATIVE_KEYS

MAX_PART_CHARS = 5000


def narrative_of(org: Organization, period: Period) -> SummaryNarrative | None:
    return SummaryNarrative.objects.filter(organization=org, period=period.key).first()


@service
def narrative_save(
    *,
    actor: Any,
    organization: Organization,
    period: Period,
    texts: dict[str, str],
    final: bool = False,
    expected_version: int | None = None,
) -> SummaryNarrative:
    """Save the written parts (only the known ones, each checked); ``final`` makes it the final version."""
    check_can_edit(actor, organization)
    unknown = set(texts) - set(NARRATIVE_KEYS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}")
    labels = {key: (heading or prompt) for key, heading, _, prompt in NARRATIVE}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, text in texts.items():
        text = (text or "").strip()
        try:
            check_text(text, labels[key], multiline=True)
            if len(text) > MAX_PART_CHARS:
                raise ValidationError(f"{labels[key]}不能超过{MAX_PART_CHARS}字（现有{len(text)}字）")
        except ValidationError as exc:
            errors[key] = exc.messages
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    status = NarrativeStatus.FINAL if final else NarrativeStatus.DRAFT
    narrative = narrative_of(organization, period)
    if narrative is None and expected_version:
        raise ValidationError("该工作总结已被删除，请刷新页面后重新编写")
    if narrative is None:
        narrative = SummaryNarrative(
            organization=organization, period=period.key, texts=cleaned, status=status, updated_by=actor
        )
        narrative.full_clean()
        narrative.save()
        return narrative
    lock_for_update(SummaryNarrative, narrative, expected_version=expected_version)
    narrative.texts = {**narrative.texts, **cleaned}
    narrative.status = status
    narrative.updated_by = actor
    save_changed(narrative, ["texts", "status", "updated_by"])
    return narrative
