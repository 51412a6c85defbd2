"""Django admin of the organizations app: scoped changelists and choices, history kept by the services."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from organizations.choices import OrgCategory, OrgEventKind, PostTitle, Role
from organizations.models import LeadershipPost, Organization, OrgEvent, RuleSetting, User
from organizations.services import post_appoint

from ..conftest import make_user


def grant_staff(user: User, *codenames: str) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache


ORG_PERMS = ("view_organization", "change_organization", "add_organization", "delete_organization")
POST_PERMS = ("view_leadershippost", "change_leadershippost", "add_leadershippost")
USER_PERMS = ("view_user", "change_user", "add_user")


@pytest.fixture
def committee_admin(committee_staff) -> User:
    return grant_staff(
        committee_staff, *ORG_PERMS, *POST_PERMS, *USER_PERMS, "view_orgevent", "view_rulesetting"
    )


def changelist_names(response) -> set[str]:
    return {str(obj) for obj in response.context["cl"].result_list}


def test_the_organization_changelist_shows_only_the_scope(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert changelist_names(response) == {"新华镇党委", "各甫村党支部", "新华社区党支部"}


def test_an_organization_outside_the_scope_is_not_found_in_admin(client, tree, committee_admin):
    client.force_login(committee_admin)
    url = reverse("admin:organizations_organization_change", args=[tree.branch_c.pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin's "does not exist" redirect to its index
    assert response.url == reverse("admin:index")


def test_history_bearing_fields_are_read_only_in_admin(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_organization_change", args=[tree.branch_a.pk]))
    form_fields = set(response.context["adminform"].form.fields)
    assert {"kind", "parent", "path", "dissolved_on", "name", "successor"}.isdisjoint(form_fields)
    assert {"category", "term_started_on"} <= form_fields


def test_an_admin_change_goes_through_the_service(client, tree, committee_admin):
    client.force_login(committee_admin)
    url = reverse("admin:organizations_organization_change", args=[tree.branch_a.pk])
    response = client.post(
        url,
        {
            "category": OrgCategory.COMMUNITY,
            "form": "REGULAR",
            "term_years": "",
            "term_started_on": "2023-05-01",
            "sort_order": "0",
            "kind": "COMMITTEE",  # read-only: ignored
            "version": 1,
        },
    )
    assert response.status_code == 302
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    assert (branch.category, branch.kind) == (OrgCategory.COMMUNITY, "BRANCH")
    assert OrgEvent.objects.filter(organization=branch, kind=OrgEventKind.TERM).exists()
    assert LogEntry.objects.get_for_object(branch).filter(actor=committee_admin).exists()


def test_organizations_are_neither_added_nor_deleted_in_admin(client, tree, committee_admin):
    client.force_login(committee_admin)
    assert client.get(reverse("admin:organizations_organization_add")).status_code == 403
    url = reverse("admin:organizations_organization_delete", args=[tree.branch_a.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=tree.branch_a.pk).exists()


def test_org_events_are_read_only_in_admin(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_orgevent_changelist"))
    assert {e.organization.code for e in response.context["cl"].result_list} == {
        "C01T01",
        "C01T01B01",
        "C01T01B02",
    }
    assert client.get(reverse("admin:organizations_orgevent_add")).status_code == 403


def test_post_choices_are_limited_to_the_scope(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_leadershippost_add"))
    choices = response.context["adminform"].form.fields["organization"].queryset
    assert {o.code for o in choices} == {"C01T01", "C01T01B01", "C01T01B02"}


def test_a_post_added_in_admin_goes_through_the_service(client, tree, committee_admin, admin_user):
    previous = post_appoint(
        actor=admin_user,
        org=tree.branch_a,
        title=PostTitle.SECRETARY,
        holder_name="农光明",
        start_on=dt.date(2020, 1, 1),
    )
    client.force_login(committee_admin)
    response = client.post(
        reverse("admin:organizations_leadershippost_add"),
        {
            "organization": tree.branch_a.pk,
            "title": PostTitle.SECRETARY,
            "holder_name": "黄丽",
            "holder_id_number": "",
            "start_on": "2024-01-01",
            "end_on": "",
            "document_no": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    previous.refresh_from_db()
    assert previous.end_on == dt.date(2024, 1, 1)  # the service's rule, not a bare save
    assert LeadershipPost.objects.filter(holder_name="黄丽").exists()


def test_a_post_before_the_organization_existed_is_refused_on_the_admin_form(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.post(
        reverse("admin:organizations_leadershippost_add"),
        {
            "organization": tree.branch_a.pk,
            "title": PostTitle.SECRETARY,
            "holder_name": "黄丽",
            "start_on": "1990-01-01",
        },
    )
    assert response.status_code == 200
    assert "start_on" in response.context["adminform"].form.errors
    assert not LeadershipPost.objects.exists()


def test_the_user_changelist_shows_users_of_the_scope(
    client, tree, committee_admin, secretary_a, county_staff
):
    make_user("other_secretary", Role.BRANCH_SECRETARY, tree.branch_c)
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_user_changelist"))
    assert changelist_names(response) == {"committee", "secretary_a"}


def test_a_superuser_sees_every_user(client, tree, admin_user, secretary_a, county_staff):
    client.force_login(admin_user)
    response = client.get(reverse("admin:organizations_user_changelist"))
    assert {"admin", "secretary_a", "county"} <= changelist_names(response)


def test_a_scoped_admin_cannot_grant_superuser_rights(client, tree, committee_admin, secretary_a):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_user_change", args=[secretary_a.pk]))
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert {o.code for o in form.fields["organization"].queryset} == {"C01T01", "C01T01B01", "C01T01B02"}
    assert Role.ADMIN not in dict(form.fields["role"].choices)


def test_an_auditor_changes_nothing_in_admin(client, tree, auditor):
    auditor = grant_staff(auditor, *ORG_PERMS, *POST_PERMS)
    client.force_login(auditor)
    assert client.get(reverse("admin:organizations_organization_changelist")).status_code == 200
    url = reverse("admin:organizations_organization_change", args=[tree.branch_a.pk])
    client.post(url, {"category": OrgCategory.COMMUNITY, "sort_order": "0"})
    assert Organization.objects.get(pk=tree.branch_a.pk).category == OrgCategory.VILLAGE
    assert client.get(reverse("admin:organizations_leadershippost_add")).status_code == 403


def test_only_an_administrator_changes_rule_settings(client, tree, committee_admin, admin_user):
    client.force_login(committee_admin)
    assert client.get(reverse("admin:organizations_rulesetting_add")).status_code == 403
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:organizations_rulesetting_add"),
        {"key": "branch_max_members", "value": "四十", "note": ""},
    )
    assert response.context["adminform"].form.errors["value"] == ["取值格式不正确（应为整数）"]
    client.post(
        reverse("admin:organizations_rulesetting_add"),
        {"key": "branch_max_members", "value": "40", "note": ""},
    )
    assert RuleSetting.objects.get(key="branch_max_members").note == "党支部党员数上限（超过提示）"
