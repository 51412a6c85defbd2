"""Admin search cannot read back the hidden digits of a masked ID number: it matches whole numbers only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.idcard import check_char
from members.services.development import applicant_create
from members.services.transfers import transfer_issue

pytestmark = pytest.mark.django_db

MEMBERS = reverse("admin:members_member_changelist")
APPLICANTS = reverse("admin:members_applicant_changelist")
TRANSFERS = reverse("admin:members_transfer_changelist")

#: member_a's ID 11010519491231002X is shown as 110105************; "0519491231" is hidden.
MEMBER_A_ID = "11010519491231002X"
HIDDEN_MIDDLE = "0519491231"

APPLICANT_BODY = "53262819980504001"
APPLICANT_ID = APPLICANT_BODY + check_char(APPLICANT_BODY)


@pytest.fixture(autouse=True)
def frozen():
    # tick=True: auditlog keys its per-actor signal on time.time().
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def make_staff(user, *codenames: str):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
    )
    return user


def found(client, url: str, q: str) -> list[str]:
    return [str(obj) for obj in client.get(url, {"q": q}).context["cl"].result_list]


@pytest.fixture
def applicant(tree, secretary_a):
    return applicant_create(
        actor=secretary_a,
        organization=tree.branch_a,
        applied_on=dt.date(2026, 3, 1),
        name="陆文华",
        gender="M",
        ethnicity="壮族",
        birth_date=dt.date(1998, 5, 4),
        id_number=APPLICANT_ID,
        education="HIGH_SCHOOL",
        occupation="FARMER",
    )


@pytest.fixture
def letter(admin_user, member_a):
    return transfer_issue(
        actor=admin_user,
        kind="OUT",
        member=member_a,
        issued_on=dt.date(2026, 6, 1),
        to_external="中共百色市右江区委组织部",
    )


def test_an_auditor_cannot_find_a_member_by_the_hidden_digits_of_the_id(client, auditor, member_a):
    client.force_login(make_staff(auditor, "view_member"))
    assert found(client, MEMBERS, HIDDEN_MIDDLE) == []


def test_an_auditor_finds_a_member_by_the_whole_id_number(client, auditor, member_a):
    client.force_login(make_staff(auditor, "view_member"))
    assert found(client, MEMBERS, MEMBER_A_ID.lower()) == ["张桂芳"]


def test_staff_who_see_the_whole_id_search_by_its_ending_but_not_its_middle(
    client, committee_staff, member_a
):
    # Encrypted at rest (core.fieldcrypto): an ending is found through the hash of its last 4 characters;
    # digits in the middle cannot be searched by anyone.
    client.force_login(make_staff(committee_staff, "view_member", "change_member"))
    assert found(client, MEMBERS, MEMBER_A_ID[-4:].lower()) == ["张桂芳"]
    assert found(client, MEMBERS, MEMBER_A_ID[-9:]) == ["张桂芳"]
    assert found(client, MEMBERS, "1" + MEMBER_A_ID[-8:]) == []
    assert found(client, MEMBERS, HIDDEN_MIDDLE) == []


def test_an_auditor_cannot_find_a_member_by_the_ending_of_the_id(client, auditor, member_a):
    client.force_login(make_staff(auditor, "view_member"))
    assert found(client, MEMBERS, MEMBER_A_ID[-4:]) == []


def test_applicants_are_searched_by_the_whole_id_number_only(client, committee_staff, applicant):
    client.force_login(make_staff(committee_staff, "view_applicant"))
    assert found(client, APPLICANTS, APPLICANT_ID[4:14]) == []
    assert found(client, APPLICANTS, APPLICANT_ID) == [str(applicant)]
    assert found(client, APPLICANTS, "陆文华") == [str(applicant)]


def test_transfers_are_searched_by_the_whole_id_number_only(client, committee_staff, letter):
    client.force_login(make_staff(committee_staff, "view_transfer"))
    assert found(client, TRANSFERS, HIDDEN_MIDDLE) == []
    assert found(client, TRANSFERS, MEMBER_A_ID) == [str(letter)]
    assert found(client, TRANSFERS, "张桂芳") == [str(letter)]
