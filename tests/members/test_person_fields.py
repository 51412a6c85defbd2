"""One person-fields definition: Member and Applicant share it, Transfer's snapshot follows one list."""

from __future__ import annotations

from types import SimpleNamespace

from members.models import Applicant, Member, Transfer
from members.models.person import PERSON_FIELDS, TRANSFER_PERSON_FIELDS, PersonFields, person_snapshot


def test_member_and_applicant_take_the_shared_fields_from_one_definition() -> None:
    shared = [f.name for f in PersonFields._meta.fields]
    for model in (Member, Applicant):
        for name in shared:
            field, base = model._meta.get_field(name), PersonFields._meta.get_field(name)
            assert field.deconstruct()[1:] == base.deconstruct()[1:], (model, name)


def test_every_copied_person_field_exists_on_both_ends() -> None:
    for name in PERSON_FIELDS:
        Member._meta.get_field(name)
        Applicant._meta.get_field(name)
    for name in TRANSFER_PERSON_FIELDS:
        Member._meta.get_field(name)
        Transfer._meta.get_field(f"person_{name}")


def test_the_snapshot_copies_the_fields_under_the_receivers_names() -> None:
    member = SimpleNamespace(**{name: f"值{i}" for i, name in enumerate(TRANSFER_PERSON_FIELDS)})
    snapshot = person_snapshot(member, TRANSFER_PERSON_FIELDS, prefix="person_")
    assert snapshot["person_name"] == "值0"
    assert list(snapshot) == [f"person_{name}" for name in TRANSFER_PERSON_FIELDS]
