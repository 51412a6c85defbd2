"""Pieces the training models share: who recorded a row, and one attendee of an event."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.scopes import ScopedQuerySet
from members.models import Member
from organizations.models import Organization


def recorded_by() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class AttendeeBase(models.Model):
    """A member present at an event, placed in the organization they belonged to on its day.

    The organization is where the member stood on the event's day, so figures by
    branch stay right after a move, and the scope is the member's: a branch
    secretary sees their members' attendance at the county's sessions too.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)ss"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
