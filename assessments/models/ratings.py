"""三级联创: yearly ratings of township committees (“六个好”) and village branches (“五个好”)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.scopes import ScopedQuerySet
from core.versioning import Versioned
from organizations.models import Organization

from ..choices import RATING_CRITERIA, RatingResult, RatingStandard


class StarRating(Versioned, models.Model):
    """An organization's 三级联创 rating of a year: the criteria met, the result, the day it was rated."""

    organization = models.ForeignKey(
        Organization, verbose_name="被评党组织", on_delete=models.PROTECT, related_name="star_ratings"
    )
    year = models.PositiveSmallIntegerField("年度")
    standard = models.CharField("创建标准", max_length=20, choices=RatingStandard.choices)
    # The keys of RATING_CRITERIA[standard] that were met, comma-separated in the checklist's order.
    criteria = models.CharField("达到的标准", max_length=200, blank=True)
    result = models.CharField("评定结果", max_length=20, choices=RatingResult.choices)
    rated_on = models.DateField("评定日期")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "三级联创评定"
        verbose_name_plural = "三级联创评定"
        ordering = ["-year", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="star_rating_one_per_year",
                violation_error_message="该党组织本年度已评定",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}{self.year}年度“{self.short_standard}”评定"

    def get_absolute_url(self) -> str:
        return reverse("assessments:rating_detail", args=[self.pk])

    @property
    def short_standard(self) -> str:
        return "六个好" if self.standard == RatingStandard.SIX_GOOD else "五个好"

    @property
    def met(self) -> list[str]:
        return [key for key in self.criteria.split(",") if key]

    def checklist(self) -> list[tuple[str, bool]]:
        """(criterion, met) for every criterion of the standard."""
        met = set(self.met)
        return [(label, key in met) for key, label in RATING_CRITERIA.get(self.standard, ())]

    @property
    def met_count(self) -> int:
        return len(self.met)

    @property
    def total_criteria(self) -> int:
        return len(RATING_CRITERIA.get(self.standard, ()))
