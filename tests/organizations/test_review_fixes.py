"""Fixes from the code review: approval authority is set from above."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.choices import OrgCategory
from organizations.forms import OrgUpdateForm
from organizations.models import Organization, User
from organizations.services import org_update

ORG_PERMS = ("view_organization", "change_organization")


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
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on", "sort_order": "3"},
    )
    assert response.status_code == 302
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    assert (branch.can_approve_members, branch.sort_order) == (False, 3)


def test_county_staff_set_the_flag_on_the_edit_page(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("organizations:edit", args=[tree.branch_a.code]),
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on"},
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
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on", "term_years": "", "sort_order": "0"},
    )
    assert response.status_code == 302
    assert approval_of(tree.branch_a) is False


def test_the_admin_lets_county_staff_set_the_flag_below_the_county(client, tree, county_staff):
    client.force_login(grant_staff(county_staff, *ORG_PERMS))
    url = reverse("admin:organizations_organization_change", args=[tree.branch_a.pk])
    assert "can_approve_members" in client.get(url).context["adminform"].form.fields
    response = client.post(
        url,
        {"category": OrgCategory.VILLAGE, "can_approve_members": "on", "term_years": "", "sort_order": "0"},
    )
    assert response.status_code == 302
    assert approval_of(tree.branch_a) is True
