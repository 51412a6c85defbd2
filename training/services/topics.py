"""The catalogues that grow as people type (篇目/课程, 讲课人单位): names split, cleaned, found or created."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from ..models import LecturerUnit, TrainingTopic

#: What people put between topics: 、，, ；; and line breaks.
SEPARATORS = re.compile(r"[、，,；;\n\r]+")
MAX_TOPICS = 20


def split_topics(text: str) -> list[str]:
    """“《党章》、养猪，甘蔗栽培” → ['《党章》', '养猪', '甘蔗栽培'] (stripped, duplicates dropped, order kept)."""
    names = [re.sub(r"\s+", " ", part).strip() for part in SEPARATORS.split(text or "")]
    return list(dict.fromkeys(name for name in names if name))


def topics_for(names: list[str], kind: str = "") -> list[TrainingTopic]:
    """The catalogue's topics of these names, the new ones added (two queries)."""
    if len(names) > MAX_TOPICS:
        raise ValidationError({"topic_text": f"篇目/课程最多{MAX_TOPICS}个"})
    for name in names:
        if len(name) > 100:
            raise ValidationError({"topic_text": f"篇目/课程“{name[:20]}…”过长（不超过100字）"})
    found = {t.name: t for t in TrainingTopic.objects.filter(name__in=names)}
    for name in names:
        if name not in found:
            topic = TrainingTopic(name=name, kind=kind)
            topic.full_clean()
            topic.save()
            found[name] = topic
    return [found[name] for name in names]


def unit_for(name: str) -> LecturerUnit | None:
    """The lecturer's unit of this name, added to the catalogue (as a county-level unit) when new."""
    name = re.sub(r"\s+", "", name or "")
    if not name:
        return None
    unit = LecturerUnit.objects.filter(name=name).first()
    if unit is None:
        unit = LecturerUnit(name=name)
        unit.full_clean()
        unit.save()
    return unit
