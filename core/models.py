"""Reference tables every app reads: the national holiday calendar."""

from __future__ import annotations

from django.db import models


class HolidayKind(models.TextChoices):
    DAY_OFF = "DAY_OFF", "法定节假日"
    WORKDAY = "WORKDAY", "调休上班"


class Holiday(models.Model):
    """A day the State Council's holiday schedule moves: a day off, or a weekend day made a working day (调休)."""

    day = models.DateField("日期", unique=True, error_messages={"unique": "该日期已登记"})
    kind = models.CharField("类别", max_length=16, choices=HolidayKind.choices)
    name = models.CharField("节日", max_length=30, help_text="如：国庆节、春节")

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
