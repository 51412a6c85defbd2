"""Writes for 三级联创: the yearly rating of a township committee or a village branch, made by the level above."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from core.audit import service
from core.versioning import lock_for_update, save_changed
from organizations.choices import COMMITTEE_KINDS, OrgCategory, OrgKind
from organizations.models import Organization

from ..choices import RATING_CRITERIA, RatingResult, RatingStandard
from ..models import StarRating
from .common import check_superior, check_year, check_year_open, not_in_future

RATING_FIELDS = ("criteria", "result", "rated_on", "note")


def standard_for(org: Organization) -> str | None:
    """“六个好” for a township committee, “五个好” for a village branch; None for anything else."""
    if org.kind in COMMITTEE_KINDS and org.category == OrgCategory.TOWNSHIP:
        return RatingStandard.SIX_GOOD
    if org.kind == OrgKind.BRANCH and org.category == OrgCategory.VILLAGE:
        return RatingStandard.FIVE_GOOD
    return None


def clean_criteria(standard: str, criteria: Iterable[str]) -> str:
    keys = [key for key, _ in RATING_CRITERIA[standard]]
    chosen = set(criteria)
    unknown = chosen - set(keys)
    if unknown:
        raise ValidationError({"criteria": "所选标准不属于该创建标准"})
    return ",".join(key for key in keys if key in chosen)


def suggested_result(met: int, total: int) -> str:
    """All criteria met: 达标; all but one: 基本达标; else 未达标."""
    if met >= total:
        return RatingResult.ACHIEVED
    return RatingResult.BASIC if met == total - 1 else RatingResult.NOT_ACHIEVED


def _validate(rating: StarRating) -> None:
    check_year(rating.year)
    not_in_future(rating.rated_on, "rated_on", "评定日期")
    if rating.rated_on and rating.rated_on.year not in (rating.year, rating.year + 1):
        raise ValidationError({"rated_on": f"评定日期应在{rating.year}年或次年"})
    if rating.result not in RatingResult.values:
        raise ValidationError({"result": "请选择评定结果"})
    met = len(rating.met)
    if rating.result == RatingResult.ACHIEVED and met < rating.total_criteria:
        raise ValidationError({"result": f"评为达标须达到全部“{rating.short_standard}”标准"})
    rating.note = (rating.note or "").strip()
    rating.full_clean()


@service
def rating_record(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    criteria: Iterable[str],
    result: str,
    rated_on: dt.date,
    note: str = "",
) -> StarRating:
    """Rate ``organization`` for ``year`` against its standard (the level above rates it)."""
    check_superior(actor, organization, "三级联创评定")
    check_year_open(organization, year, "year")
    standard = standard_for(organization)
    if standard is None:
        raise ValidationError({"organization": "三级联创评定乡镇党委（“六个好”）和村党支部（“五个好”）"})
    rating = StarRating(
        organization=organization,
        year=year,
        standard=standard,
        criteria=clean_criteria(standard, criteria),
        result=result,
        rated_on=rated_on,
        note=note,
    )
    if StarRating.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": f"{organization.name}{year}年度已评定，请修改原记录"})
    _validate(rating)
    rating.save()
    return rating


@service
def rating_update(
    *, actor: Any, rating: StarRating, expected_version: int | None = None, **changes: Any
) -> StarRating:
    """Correct a rating's criteria, result, day or note."""
    unknown = set(changes) - set(RATING_FIELDS)
    if unknown:
        raise ValueError(f"rating_update cannot change {sorted(unknown)}")
    lock_for_update(StarRating, rating, expected_version=expected_version)
    check_superior(actor, rating.organization, "三级联创评定")
    check_year_open(rating.organization, rating.year)
    if "criteria" in changes:
        changes["criteria"] = clean_criteria(rating.standard, changes["criteria"])
    changed = [f for f, value in changes.items() if value != getattr(rating, f)]
    if not changed:
        return rating
    for f in changed:
        setattr(rating, f, changes[f])
    _validate(rating)
    save_changed(rating, changed)
    return rating
