"""No existence oracle: registering an ID number held by a record outside the user's scope says one thing.

Whether the person is on another branch's roll, has died, was expelled or
has a letter pending elsewhere, a secretary registering their number (a
transfer into the county, a member, an applicant) reads only
"该公民身份号码无法在此登记，请联系上级组织部门".  Inside the user's scope the
precise reason stays: they can open that record anyway.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.forms.member import MemberCreateForm
from members.models import Applicant, Member, Transfer
from members.services.development import applicant_create
from members.services.member import ID_NUMBER_UNAVAILABLE, member_leave, member_register, member_update
from members.services.transfers import transfer_issue, transfer_record_incoming, transfer_record_receipt
from tests.factories import CAST_MEMBERS, member_fields, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 6, 15)
#: member_b of the cast (branch B): 李明, born 1880.
LI_MING = CAST_MEMBERS["member_b"]
HINTS = ("在册", "死亡", "出党", "停止党籍", "已登记", "正在培养", "待接收")


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def letter_person(**overrides) -> dict:
    """The person of a letter into the county: member_b's particulars unless overridden."""
    fields = dict(
        name=LI_MING["name"],
        gender=LI_MING["gender"],
        ethnicity="汉族",
        birth_date=LI_MING["birth_date"],
        id_number=LI_MING["id_number"],
        status="FULL",
        joined_on=LI_MING["joined_on"],
        full_on=LI_MING["full_on"],
        education="COLLEGE",
        occupation="PROFESSIONAL",
        phone="",
        work_unit="",
    )
    fields.update(overrides)
    return fields


def record_in(actor, to_org, **person_fields) -> Transfer:
    return transfer_record_incoming(
        actor=actor,
        to_org=to_org,
        letter_no="右组转〔2026〕33号",
        from_external="中共百色市右江区委组织部",
        issued_on=dt.date(2026, 6, 2),
        person=letter_person(**person_fields),
    )


def id_message(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return " ".join(exc.value.message_dict["id_number"])


def assert_generic(message: str) -> None:
    assert message == ID_NUMBER_UNAVAILABLE
    assert not any(hint in message for hint in HINTS)


# --- a transfer into the county ------------------------------------------------------------------


def test_a_transfer_in_of_someone_on_another_branchs_roll_gets_the_generic_message(
    tree, member_b, secretary_a
):
    assert_generic(id_message(record_in, secretary_a, tree.branch_a))
    assert not Transfer.objects.exists()


def test_a_transfer_in_of_someone_in_scope_still_says_they_are_on_the_roll(tree, member_b, committee_staff):
    assert "在本县在册" in id_message(record_in, committee_staff, tree.branch_a)


@pytest.mark.parametrize("reason", ["DEATH", "EXPELLED", "SUSPENDED"])
def test_a_transfer_in_of_someone_outside_scope_who_died_or_left_gets_the_generic_message(
    tree, member_b, admin_user, secretary_a, reason
):
    member_leave(actor=admin_user, member=member_b, day=dt.date(2026, 1, 10), reason=reason)
    assert_generic(id_message(record_in, secretary_a, tree.branch_a))
    assert not Transfer.objects.exists()


def test_a_transfer_in_of_someone_in_scope_who_died_says_so(tree, member_b, admin_user, secretary_b):
    member_leave(actor=admin_user, member=member_b, day=dt.date(2026, 1, 10), reason="DEATH")
    assert "已因死亡" in id_message(record_in, secretary_b, tree.branch_b)


def test_a_transfer_in_of_someone_who_transferred_out_elsewhere_is_recorded_like_anyone_else(
    tree, member_b, secretary_a, secretary_b
):
    out = transfer_issue(
        actor=secretary_b, kind="OUT", member=member_b, issued_on=dt.date(2026, 1, 5), to_external="外县"
    )
    transfer_record_receipt(actor=secretary_b, transfer=out, day=dt.date(2026, 1, 20))
    transfer = record_in(secretary_a, tree.branch_a)  # no refusal, so nothing to read from one
    assert transfer.to_org == tree.branch_a


def test_a_letter_pending_for_another_branch_is_not_revealed(tree, secretary_a, secretary_b):
    number = "532627198001010011"
    someone = dict(
        name="黄文军",
        gender="M",
        birth_date=dt.date(1980, 1, 1),
        id_number=number,
        joined_on=dt.date(2003, 7, 1),
        full_on=dt.date(2004, 7, 1),
    )
    record_in(secretary_b, tree.branch_b, **someone)
    assert_generic(id_message(record_in, secretary_a, tree.branch_a, **someone))
    assert "待接收" in id_message(record_in, secretary_b, tree.branch_b, **someone)


def test_the_transfer_in_page_shows_the_generic_message(client, tree, member_b, admin_user, secretary_a):
    member_leave(actor=admin_user, member=member_b, day=dt.date(2026, 1, 10), reason="DEATH")
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:transfer_incoming"),
        {
            "to_org": tree.branch_a.pk,
            "letter_no": "右组转〔2026〕33号",
            "from_external": "中共百色市右江区委组织部",
            "issued_on": "2026-06-02",
            "validity_days": "30",
            "name": LI_MING["name"],
            "id_number": LI_MING["id_number"],
            "ethnicity": "汉族",
            "status": "FULL",
            "joined_on": "1921-07-01",
            "full_on": "1922-07-01",
            "education": "COLLEGE",
            "occupation": "PROFESSIONAL",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ID_NUMBER_UNAVAILABLE in page
    assert "死亡" not in page
    assert not Transfer.objects.exists()


# --- registering a member ------------------------------------------------------------------------


def li_ming_fields() -> dict:
    return member_fields(**{k: v for k, v in LI_MING.items() if k != "ethnicity"})


def test_registering_a_member_with_an_id_held_outside_scope_gets_the_generic_message(
    tree, member_b, secretary_a
):
    assert_generic(
        id_message(member_register, actor=secretary_a, organization=tree.branch_a, **li_ming_fields())
    )
    assert Member.objects.count() == 1


def test_registering_a_member_with_the_id_of_a_dead_member_elsewhere_gets_the_generic_message(
    tree, member_b, admin_user, secretary_a
):
    member_leave(actor=admin_user, member=member_b, day=dt.date(2026, 1, 10), reason="DEATH")
    assert_generic(
        id_message(member_register, actor=secretary_a, organization=tree.branch_a, **li_ming_fields())
    )


def test_registering_a_member_with_an_id_held_in_scope_says_it_is_registered(tree, member_b, committee_staff):
    message = id_message(
        member_register, actor=committee_staff, organization=tree.branch_a, **li_ming_fields()
    )
    assert message == "该公民身份号码已登记"


def test_the_member_form_gives_the_generic_message_for_an_id_held_outside_scope(tree, member_b, secretary_a):
    data = {
        "organization": tree.branch_a.pk,
        "status": "FULL",
        "name": "李明",
        "id_number": LI_MING["id_number"],
        "ethnicity": "汉族",
        "education": "HIGH_SCHOOL",
        "occupation": "FARMER",
        "joined_on": "1921-07-01",
        "full_on": "1922-07-01",
    }
    form = MemberCreateForm(data, user=secretary_a)
    assert not form.is_valid()
    assert form.errors["id_number"] == [ID_NUMBER_UNAVAILABLE]


def test_correcting_a_members_id_to_one_held_outside_scope_gets_the_generic_message(
    tree, member_a, member_b, secretary_a
):
    message = id_message(
        member_update,
        actor=secretary_a,
        member=member_a,
        id_number=LI_MING["id_number"],
        gender="M",
        birth_date=LI_MING["birth_date"],
    )
    assert_generic(message)


# --- registering an applicant --------------------------------------------------------------------


def test_an_applicant_with_the_id_of_a_member_outside_scope_gets_the_generic_message(
    tree, member_c, secretary_a
):
    fields = person(
        id_number=CAST_MEMBERS["member_c"]["id_number"], birth_date=CAST_MEMBERS["member_c"]["birth_date"]
    )
    message = id_message(
        applicant_create,
        actor=secretary_a,
        organization=tree.branch_a,
        applied_on=dt.date(2026, 3, 1),
        **fields,
    )
    assert_generic(message)
    assert not Applicant.objects.exists()


def test_an_applicant_in_training_on_another_branch_is_not_revealed(tree, secretary_a, secretary_b):
    applicant_create(
        actor=secretary_b, organization=tree.branch_b, applied_on=dt.date(2026, 3, 1), **person()
    )
    message = id_message(
        applicant_create,
        actor=secretary_a,
        organization=tree.branch_a,
        applied_on=dt.date(2026, 3, 1),
        **person(),
    )
    assert_generic(message)
    again = id_message(
        applicant_create,
        actor=secretary_b,
        organization=tree.branch_b,
        applied_on=dt.date(2026, 3, 2),
        **person(),
    )
    assert "正在培养中" in again


def test_the_applicant_page_shows_the_generic_message(client, tree, secretary_a, secretary_b):
    applicant_create(
        actor=secretary_b, organization=tree.branch_b, applied_on=dt.date(2026, 3, 1), **person()
    )
    fields = person()
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:applicant_create"),
        {
            "organization": tree.branch_a.pk,
            "applied_on": "2026-03-01",
            **{k: v for k, v in fields.items() if not isinstance(v, bool | dt.date)},
            "birth_date": fields["birth_date"].isoformat(),
            "is_rural": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ID_NUMBER_UNAVAILABLE in page
    assert "正在培养中" not in page
    assert Applicant.objects.count() == 1
