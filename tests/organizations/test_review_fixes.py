"""Fixes from the code review: approval authority is set from above, superusers are out of scoped reach."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.choices import OrgCategory, OrgKind, Role
from organizations.forms import OrgUpdateForm
from organizations.models import Organization, User
from organizations.services import org_create, org_update

from ..conftest import PASSWORD, make_user

ORG_PERMS = ("view_organization", "change_organization")
USER_PERMS = ("view_user", "change_user", "add_user", "delete_user")


def grant_staff(user: User, *codenames: str) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def approval_of(org: Organization) -> bool:
    return Organization.objects.get(pk=org.pk).can_approve_members


def audit_rows(org: Organization) -> int:
    return LogEntry.objects.get_for_object(org).count()


# --- 1. Approval authority (具有审批发展党员权限) is set by the county, from above ---------------


def test_a_secretary_cannot_give_their_own_branch_approval_authority(tree, secretary_a):
    before = audit_rows(tree.branch_a)
    with pytest.raises(ValidationError) as refused:
        org_update(actor=secretary_a, org=tree.branch_a, can_approve_members=True)
    assert "can_approve_members" in refused.value.error_dict
    assert approval_of(tree.branch_a) is False
    assert audit_rows(tree.branch_a) == before


def test_committee_staff_cannot_give_a_branch_below_approval_authority(tree, committee_staff):
    before = audit_rows(tree.branch_a)
    with pytest.raises(ValidationError):
        org_update(actor=committee_staff, org=tree.branch_a, can_approve_members=True)
    assert approval_of(tree.branch_a) is False
    assert audit_rows(tree.branch_a) == before


def test_committee_staff_cannot_withdraw_their_own_committees_approval_authority(tree, committee_staff):
    with pytest.raises(ValidationError):
        org_update(actor=committee_staff, org=tree.committee, can_approve_members=False)
    assert approval_of(tree.committee) is True


def test_county_staff_cannot_set_approval_authority_on_the_county_itself(tree, county_staff):
    with pytest.raises(ValidationError):
        org_update(actor=county_staff, org=tree.county, can_approve_members=True)
    assert approval_of(tree.county) is False


def test_county_staff_set_approval_authority_below_the_county_with_an_audit_row(tree, county_staff):
    org_update(actor=county_staff, org=tree.branch_a, can_approve_members=True)
    assert approval_of(tree.branch_a) is True
    entry = LogEntry.objects.get_for_object(tree.branch_a).latest("timestamp")
    assert entry.actor == county_staff and "can_approve_members" in entry.changes_dict


def test_a_superuser_sets_approval_authority_anywhere(tree, admin_user):
    org_update(actor=admin_user, org=tree.county, can_approve_members=True)
    assert approval_of(tree.county) is True


def test_other_attributes_still_change_when_the_flag_is_passed_unchanged(tree, committee_staff):
    org_update(actor=committee_staff, org=tree.committee, can_approve_members=True, sort_order=5)
    assert Organization.objects.get(pk=tree.committee.pk).sort_order == 5


def test_the_edit_form_offers_the_flag_only_to_those_who_may_set_it(tree, secretary_a, county_staff):
    assert "can_approve_members" not in OrgUpdateForm(org=tree.branch_a, user=secretary_a).fields
    assert "can_approve_members" not in OrgUpdateForm(org=tree.county, user=county_staff).fields
    assert "can_approve_members" in OrgUpdateForm(org=tree.branch_a, user=county_staff).fields


def test_a_secretary_posting_the_flag_on_the_edit_page_changes_nothing_of_it(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("organizations:edit", args=[tree.branch_a.code]),
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on", "sort_order": "3", "version": 1},
    )
    assert response.status_code == 302
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    assert (branch.can_approve_members, branch.sort_order) == (False, 3)


def test_county_staff_set_the_flag_on_the_edit_page(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("organizations:edit", args=[tree.branch_a.code]),
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on", "version": 1},
    )
    assert response.status_code == 302
    assert approval_of(tree.branch_a) is True


def test_the_admin_hides_the_flag_from_committee_staff_and_ignores_it_when_posted(
    client, tree, committee_staff
):
    client.force_login(grant_staff(committee_staff, *ORG_PERMS))
    url = reverse("admin:organizations_organization_change", args=[tree.branch_a.pk])
    assert "can_approve_members" not in client.get(url).context["adminform"].form.fields
    response = client.post(
        url,
        {
            "category": OrgCategory.VILLAGE,
            "can_approve_members": "on",
            "form": "REGULAR",
            "term_years": "",
            "sort_order": "0",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert approval_of(tree.branch_a) is False


def test_the_admin_lets_county_staff_set_the_flag_below_the_county(client, tree, county_staff):
    client.force_login(grant_staff(county_staff, *ORG_PERMS))
    url = reverse("admin:organizations_organization_change", args=[tree.branch_a.pk])
    assert "can_approve_members" in client.get(url).context["adminform"].form.fields
    response = client.post(
        url,
        {
            "category": OrgCategory.VILLAGE,
            "can_approve_members": "on",
            "form": "REGULAR",
            "term_years": "",
            "sort_order": "0",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert approval_of(tree.branch_a) is True


# --- 3. Scoped admin staff cannot reach a superuser account ----------------------------------


@pytest.fixture
def scoped_superuser(tree) -> User:
    """A superuser who happens to be bound to a branch inside committee staff's scope."""
    return User.objects.create_superuser(
        username="root_a", password=PASSWORD, role=Role.ADMIN, organization=tree.branch_a
    )


@pytest.fixture
def committee_admin(committee_staff) -> User:
    return grant_staff(committee_staff, *USER_PERMS)


def test_the_user_changelist_of_scoped_staff_leaves_out_superusers(client, committee_admin, scoped_superuser):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_user_changelist"))
    assert "root_a" not in {u.username for u in response.context["cl"].result_list}


def test_scoped_staff_cannot_open_a_superusers_change_page(client, committee_admin, scoped_superuser):
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_user_change", args=[scoped_superuser.pk]))
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_scoped_staff_cannot_change_a_superusers_password(client, committee_admin, scoped_superuser):
    client.force_login(committee_admin)
    url = reverse("admin:auth_user_password_change", args=[scoped_superuser.pk])
    response = client.post(
        url, {"password1": "taken-over-2026", "password2": "taken-over-2026", "usable_password": "true"}
    )
    assert response.status_code in (403, 404)
    assert User.objects.get(pk=scoped_superuser.pk).check_password(PASSWORD)


def test_scoped_staff_cannot_delete_a_superuser(client, committee_admin, scoped_superuser):
    client.force_login(committee_admin)
    response = client.post(
        reverse("admin:organizations_user_delete", args=[scoped_superuser.pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403, 404)
    assert User.objects.filter(pk=scoped_superuser.pk).exists()


def test_the_user_admin_refuses_change_and_delete_of_a_superuser_to_scoped_staff(
    rf, committee_admin, scoped_superuser
):
    from django.contrib import admin

    user_admin = admin.site._registry[User]
    request = rf.get("/")
    request.user = committee_admin
    assert not user_admin.has_change_permission(request, scoped_superuser)
    assert not user_admin.has_delete_permission(request, scoped_superuser)
    assert user_admin.has_change_permission(request, None)  # the changelist itself stays open


def test_scoped_staff_still_change_an_ordinary_user_of_their_scope(client, tree, committee_admin):
    ordinary = make_user("clerk_a", Role.BRANCH_SECRETARY, tree.branch_a)
    client.force_login(committee_admin)
    response = client.get(reverse("admin:organizations_user_change", args=[ordinary.pk]))
    assert response.status_code == 200


def test_a_superuser_still_changes_another_superuser(client, admin_user, scoped_superuser):
    client.force_login(admin_user)
    response = client.get(reverse("admin:organizations_user_change", args=[scoped_superuser.pk]))
    assert response.status_code == 200


def test_committee_staff_cannot_create_a_sub_organization_with_approval_authority(committee_staff, tree):
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=committee_staff,
            parent=tree.committee,
            code="T01X",
            name="新设党总支",
            kind=OrgKind.GENERAL_BRANCH,
            category=OrgCategory.VILLAGE,
            established_on=dt.date(2026, 1, 1),
            can_approve_members=True,
        )
    assert "can_approve_members" in exc.value.error_dict
    assert not Organization.objects.filter(code="T01X").exists()


def test_county_staff_may_create_a_committee_with_approval_authority(county_staff, tree):
    org = org_create(
        actor=county_staff,
        parent=tree.county,
        code="T03",
        name="新设党委",
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        established_on=dt.date(2026, 1, 1),
        can_approve_members=True,
    )
    assert org.can_approve_members is True


def test_the_create_form_offers_approval_authority_to_county_staff_only(
    client, committee_staff, county_staff, tree
):
    url = reverse("organizations:create_child", args=[tree.committee.code])
    client.force_login(committee_staff)
    assert "can_approve_members" not in client.get(url).content.decode()
    client.force_login(county_staff)
    assert "can_approve_members" in client.get(url).content.decode()
