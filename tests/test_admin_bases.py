"""Every scoped model's admin builds on the one scoped base, so no changelist forgets the scope."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.admin import ScopedAdmin
from organizations.choices import COMMITTEE_KINDS


def scoped_registrations() -> list[tuple[type, admin.ModelAdmin]]:
    """The registered admins whose model's default manager can be scoped with ``visible_to``."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model._default_manager.get_queryset(), "visible_to")
    ]


def test_the_scoped_models_are_found() -> None:
    names = {model._meta.label for model, _ in scoped_registrations()}
    assert {"members.Member", "members.Applicant", "organizations.Organization"} <= names


@pytest.mark.parametrize(
    ("model", "model_admin"),
    scoped_registrations(),
    ids=lambda value: value._meta.label if isinstance(value, type) else "",
)
def test_every_scoped_models_admin_inherits_the_shared_scoped_admin(
    model: type, model_admin: admin.ModelAdmin
) -> None:
    assert isinstance(model_admin, ScopedAdmin), (
        f"{type(model_admin).__name__}（{model._meta.label}）应继承 core.admin.ScopedAdmin"
    )


@pytest.mark.django_db
def test_choices_an_admin_narrows_itself_are_kept_by_the_scoped_base(client, county_staff, tree) -> None:
    """The plan admin offers committees only: the base's scope does not widen a subclass's own choices."""
    county_staff.is_staff = True
    county_staff.save()
    county_staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="members", codename__endswith="developmentplan")
    )
    client.force_login(county_staff)
    form = client.get(reverse("admin:members_developmentplan_add")).context["adminform"].form
    kinds = {org.kind for org in form.fields["committee"].queryset}
    assert kinds and kinds <= set(COMMITTEE_KINDS)
