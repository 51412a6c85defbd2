"""Roles are privileges: nobody raises or moves their own account; roles are given only from above, in scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.choices import Role
from organizations.models import User
from organizations.roles import assignable_roles, check_user_change, may_manage_user
from tests.factories import PASSWORD, make_user

USER_PERMS = ("view_user", "change_user", "add_user", "delete_user")


def grant_staff(user: User) -> User:
    """``user`` with admin access to user accounts (is_staff set directly, as only a superuser may)."""
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=USER_PERMS))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def change_url(user: User) -> str:
    return reverse("admin:organizations_user_change", args=[user.pk])


def form_data(user: User, **changes: Any) -> dict[str, Any]:
    """The admin change form as it comes, with ``changes`` typed in."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "organization": user.organization_id or "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def committee_admin(committee_staff) -> User:
    return grant_staff(committee_staff)


@pytest.fixture
def county_admin(county_staff) -> User:
    return grant_staff(county_staff)


# --- one's own account ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_nobody_changes_their_own_role(client, committee_admin):
    client.force_login(committee_admin)
    form = client.get(change_url(committee_admin)).context["adminform"].form
    assert "role" not in form.fields
    client.post(change_url(committee_admin), form_data(committee_admin, role=Role.COUNTY_STAFF))
    assert fresh(committee_admin).role == Role.COMMITTEE_STAFF


@pytest.mark.django_db
def test_nobody_changes_their_own_organization(client, tree, committee_admin):
    client.force_login(committee_admin)
    client.post(change_url(committee_admin), form_data(committee_admin, organization=tree.branch_a.pk))
    assert fresh(committee_admin).organization == tree.committee


@pytest.mark.django_db
def test_one_still_changes_ones_own_name(client, committee_admin):
    client.force_login(committee_admin)
    response = client.post(change_url(committee_admin), form_data(committee_admin, full_name="王组织员"))
    assert response.status_code == 302
    assert fresh(committee_admin).full_name == "王组织员"


@pytest.mark.django_db
def test_not_even_a_superuser_changes_their_own_flags_or_role(client, tree, admin_user):
    client.force_login(admin_user)
    form = client.get(change_url(admin_user)).context["adminform"].form
    assert not {"role", "organization", "is_active", "is_staff", "is_superuser"} & set(form.fields)
    client.post(
        change_url(admin_user),
        form_data(admin_user, is_superuser="", is_staff="", role=Role.AUDITOR, organization=tree.branch_a.pk),
    )
    admin_user = fresh(admin_user)
    assert admin_user.is_superuser and admin_user.is_staff and admin_user.role == Role.ADMIN
    assert admin_user.organization is None


@pytest.mark.django_db
def test_nobody_deletes_their_own_account(client, committee_admin):
    client.force_login(committee_admin)
    client.post(reverse("admin:organizations_user_delete", args=[committee_admin.pk]), {"post": "yes"})
    assert User.objects.filter(pk=committee_admin.pk).exists()


@pytest.mark.django_db
def test_the_bulk_delete_action_spares_ones_own_and_a_peers_account(client, tree, committee_admin):
    peer = make_user("peer", Role.COMMITTEE_STAFF, tree.committee)
    client.force_login(committee_admin)
    client.post(
        reverse("admin:organizations_user_changelist"),
        {"action": "delete_selected", "_selected_action": [committee_admin.pk, peer.pk], "post": "yes"},
    )
    assert User.objects.filter(pk__in=[committee_admin.pk, peer.pk]).count() == 2


# --- flags -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scoped_staff_cannot_set_the_staff_flag(client, committee_admin, secretary_a):
    client.force_login(committee_admin)
    assert "is_staff" not in client.get(change_url(secretary_a)).context["adminform"].form.fields
    client.post(change_url(secretary_a), form_data(secretary_a, is_staff="on", is_superuser="on"))
    secretary_a = fresh(secretary_a)
    assert not secretary_a.is_staff and not secretary_a.is_superuser


@pytest.mark.django_db
def test_a_superuser_sets_the_staff_flag(client, admin_user, secretary_a):
    client.force_login(admin_user)
    response = client.post(change_url(secretary_a), form_data(secretary_a, is_staff="on"))
    assert response.status_code == 302
    assert fresh(secretary_a).is_staff


# --- roles from above, in scope ------------------------------------------------------------------


@pytest.mark.django_db
def test_committee_staff_cannot_make_someone_county_staff(client, committee_admin, secretary_a):
    client.force_login(committee_admin)
    form = client.get(change_url(secretary_a)).context["adminform"].form
    assert {v for v, _ in form.fields["role"].choices if v} == {Role.BRANCH_SECRETARY, Role.AUDITOR}
    for role in (Role.COUNTY_STAFF, Role.COMMITTEE_STAFF, Role.ADMIN):
        response = client.post(change_url(secretary_a), form_data(secretary_a, role=role))
        assert "role" in response.context["adminform"].form.errors
    assert fresh(secretary_a).role == Role.BRANCH_SECRETARY


@pytest.mark.django_db
def test_committee_staff_cannot_assign_an_organization_outside_their_scope(
    client, tree, committee_admin, secretary_a
):
    client.force_login(committee_admin)
    response = client.post(change_url(secretary_a), form_data(secretary_a, organization=tree.branch_c.pk))
    assert "organization" in response.context["adminform"].form.errors
    assert fresh(secretary_a).organization == tree.branch_a


@pytest.mark.django_db
def test_committee_staff_move_a_secretary_within_their_scope(client, tree, committee_admin, secretary_a):
    client.force_login(committee_admin)
    response = client.post(change_url(secretary_a), form_data(secretary_a, organization=tree.branch_b.pk))
    assert response.status_code == 302
    assert fresh(secretary_a).organization == tree.branch_b


@pytest.mark.django_db
def test_committee_staff_cannot_change_a_peers_account(client, tree, committee_admin):
    peer = make_user("peer", Role.COMMITTEE_STAFF, tree.committee)
    client.force_login(committee_admin)
    response = client.post(change_url(peer), form_data(peer, role=Role.BRANCH_SECRETARY))
    assert response.status_code == 403
    assert fresh(peer).role == Role.COMMITTEE_STAFF
    password_url = reverse("admin:auth_user_password_change", args=[peer.pk])
    response = client.post(
        password_url,
        {"password1": "taken-over-2026", "password2": "taken-over-2026", "usable_password": "true"},
    )
    assert response.status_code in (403, 404)
    assert fresh(peer).check_password(PASSWORD)


@pytest.mark.django_db
def test_committee_staff_cannot_create_county_staff(client, tree, committee_admin):
    client.force_login(committee_admin)
    response = client.post(
        reverse("admin:organizations_user_add"),
        {
            "username": "new_county",
            "password1": "Xinhua-2026-pass",
            "password2": "Xinhua-2026-pass",
            "usable_password": "true",
            "full_name": "新干事",
            "role": Role.COUNTY_STAFF,
            "organization": tree.committee.pk,
        },
    )
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_county").exists()


@pytest.mark.django_db
def test_county_staff_give_the_roles_below_theirs(client, tree, county_admin, secretary_a):
    client.force_login(county_admin)
    form = client.get(change_url(secretary_a)).context["adminform"].form
    offered = {v for v, _ in form.fields["role"].choices if v}
    assert offered == {Role.COMMITTEE_STAFF, Role.BRANCH_SECRETARY, Role.AUDITOR}
    response = client.post(
        change_url(secretary_a),
        form_data(secretary_a, role=Role.COMMITTEE_STAFF, organization=tree.committee.pk),
    )
    assert response.status_code == 302
    assert fresh(secretary_a).role == Role.COMMITTEE_STAFF


@pytest.mark.django_db
def test_a_superuser_gives_any_role(client, admin_user, secretary_a):
    client.force_login(admin_user)
    client.post(change_url(secretary_a), form_data(secretary_a, role=Role.COUNTY_STAFF))
    assert fresh(secretary_a).role == Role.COUNTY_STAFF


@pytest.mark.django_db
def test_an_auditor_assigns_nothing(client, auditor, secretary_a):
    assert assignable_roles(auditor) == []
    assert not may_manage_user(auditor, secretary_a)
    client.force_login(grant_staff(auditor))
    response = client.post(change_url(secretary_a), form_data(secretary_a, role=Role.AUDITOR))
    assert response.status_code == 403
    assert fresh(secretary_a).role == Role.BRANCH_SECRETARY


# --- the rule itself, for any other place that writes accounts -----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": Role.COUNTY_STAFF}, "不能修改自己账号"),
        ({"organization": None}, "不能修改自己账号"),
        ({"is_staff": True}, "不能修改自己账号"),
        ({"is_active": False}, "不能修改自己账号"),
    ],
)
def test_the_rule_refuses_a_change_of_ones_own_privileges(committee_staff, changes, message):
    with pytest.raises(PermissionDenied, match=message):
        check_user_change(actor=committee_staff, target=committee_staff, changes=changes)


@pytest.mark.django_db
def test_the_rule_refuses_a_role_not_below_the_actors(committee_staff, secretary_a):
    with pytest.raises(PermissionDenied, match="只能授予低于自己的角色"):
        check_user_change(actor=committee_staff, target=secretary_a, changes={"role": Role.COMMITTEE_STAFF})


@pytest.mark.django_db
def test_the_rule_refuses_an_organization_outside_the_scope(tree, committee_staff, secretary_a):
    with pytest.raises(PermissionDenied, match="管辖范围"):
        check_user_change(actor=committee_staff, target=secretary_a, changes={"organization": tree.branch_c})


@pytest.mark.django_db
def test_the_rule_refuses_the_staff_flag_from_a_non_superuser(county_staff, secretary_a):
    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        check_user_change(actor=county_staff, target=secretary_a, changes={"is_staff": True})


@pytest.mark.django_db
def test_the_rule_refuses_a_new_account_above_the_actor(tree, committee_staff):
    with pytest.raises(PermissionDenied, match="只能授予低于自己的角色"):
        check_user_change(
            actor=committee_staff,
            target=None,
            changes={"role": Role.COMMITTEE_STAFF, "organization": tree.branch_a},
        )


@pytest.mark.django_db
def test_the_rule_lets_a_superuser_change_anyone_elses_account(tree, admin_user, county_staff):
    check_user_change(
        actor=admin_user,
        target=county_staff,
        changes={"role": Role.ADMIN, "is_staff": True, "is_superuser": True, "organization": None},
    )
