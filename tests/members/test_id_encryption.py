"""Resident ID numbers encrypted at rest (issue 7 item 6): no plain number on disk, lookups, uniqueness, rotation."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.fieldcrypto import (
    UnreadableValue,
    current_key_id,
    generate_key,
    id_hash_q,
    key_id_of,
    lookup_hash,
    rows_not_under_current_key,
)
from core.idcard import check_char
from core.security import DEV_FIELD_ENCRYPTION_KEY
from members.models import Applicant, Member, Transfer
from members.services.member import member_register
from members.services.transfers import transfer_issue
from tests.factories import member_fields

from .test_imports_support import import_row

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MEMBER_A_ID = "11010519491231002X"  # the cast's 张桂芳


def stored(model, pk, column="id_number") -> str:
    """The value in the database column, as the database holds it (no decryption)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# --- at rest ---------------------------------------------------------------------------------------------

#: Run in a subprocess on a SQLite file: migrate has run; build the cast's tree and import ``ROWS`` members
#: through the import job (as the page does), some typed full-width or as 15-digit numbers.
IMPORT_PROBE = r"""
import datetime as dt, json
import django
django.setup()
from django.db import connection
from members.models import ImportJob, Member
from members.services.imports.jobs import start_member_import
from tests.factories import make_admin, make_cast_user, make_tree
from tests.members.test_imports_support import import_row, workbook

admin = make_admin()
tree = make_tree(admin)
county = make_cast_user("county_staff", tree)
rows = [import_row(seq, 姓名=f"导入{seq}号") for seq in range(1, 121)]
full_width = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
rows[0]["公民身份号码"] = rows[0]["公民身份号码"].translate(full_width)
old = rows[1]["公民身份号码"]
rows[1]["公民身份号码"] = old[:6] + old[8:17]  # the 15-digit first-generation form of the same person
job = start_member_import(actor=county, upload=workbook(rows), file_name="党员.xlsx")
job.refresh_from_db()
connection.close()
print(json.dumps({"status": job.status, "members": Member.objects.count(), "typed": [r["公民身份号码"] for r in rows]}))
"""


def _subprocess_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS")}
    return {
        **env,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "partyorg.settings",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def test_no_plain_id_number_is_in_the_sqlite_file_after_an_import(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = _subprocess_env(f"sqlite:///{database}")
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE], **run)
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert (result["status"], result["members"]) == ("SUCCEEDED", 120)

    # The database file and whatever SQLite keeps beside it (the WAL holds recent pages until a checkpoint).
    files = [p for p in tmp_path.iterdir() if p.name.startswith("db.sqlite3")]
    data = b"".join(p.read_bytes() for p in files)
    assert "导入120号".encode() in data  # the rows are in these bytes: the check below reads the right file
    numbers = [import_row(seq)["公民身份号码"] for seq in range(1, 121)]
    numbers += [r for r in result["typed"] if r not in numbers]  # the full-width and 15-digit forms as typed
    leaked = [n for n in numbers if n.encode() in data or n[:17].encode() in data]
    assert leaked == []


def test_the_column_holds_ciphertext_under_the_current_key_and_the_attribute_the_number(member_a):
    token = stored(Member, member_a.pk)
    assert MEMBER_A_ID not in token and key_id_of(token) == current_key_id()
    assert Member.objects.get(pk=member_a.pk).id_number == MEMBER_A_ID
    assert stored(Member, member_a.pk, "id_number_hash") == lookup_hash(MEMBER_A_ID)


def test_equal_numbers_do_not_look_equal_in_the_database(member_a, secretary_a, tree):
    letter = transfer_issue(
        actor=secretary_a, kind="OUT", member=member_a, issued_on=dt.date(2026, 6, 1), to_external="县外"
    )
    assert stored(Transfer, letter.pk, "person_id_number") != stored(
        Member, member_a.pk
    )  # a fresh nonce each
    assert Transfer.objects.filter(id_hash_q("person_id_number", MEMBER_A_ID)).get() == letter


def test_a_plain_lookup_on_an_encrypted_column_fails_loudly_rather_than_finding_nothing(member_a):
    with pytest.raises(FieldError, match="encrypted at rest"):
        Member.objects.filter(id_number=MEMBER_A_ID).exists()
    with pytest.raises(FieldError):
        Member.objects.filter(id_number__endswith="002X").exists()


def test_the_audit_log_keeps_neither_the_number_nor_its_hash(member_a):
    from auditlog.models import LogEntry

    changes = LogEntry.objects.get_for_object(member_a).get().changes_dict
    assert changes["id_number"][1] == "110105************"
    assert not any(name.endswith("_hash") for name in changes)


# --- lookups by a full number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        MEMBER_A_ID,
        "11010519491231002x",
        "１１０１０５ １９４９１２３１ ００２Ｘ",
        "110105-19491231-002X",
        "110105491231002",
    ],
    ids=["as stored", "lower-case x", "full-width with spaces", "dashes", "15-digit form"],
)
def test_the_member_list_finds_a_member_by_the_whole_number_however_typed(
    client, county_staff, member_a, typed
):
    client.force_login(county_staff)
    response = client.get(reverse("members:list"), {"q": typed})
    assert response.status_code == 200
    assert [m.pk for m in response.context["page_obj"].object_list] == [member_a.pk]


def test_the_member_list_finds_a_member_by_the_last_characters(client, county_staff, member_a, member_b):
    client.force_login(county_staff)
    for ending in ("002X", "002x", "31002X", "１２３１００２Ｘ"):
        rows = client.get(reverse("members:list"), {"q": ending}).context["page_obj"].object_list
        assert [m.pk for m in rows] == [member_a.pk], ending


def test_a_whole_number_that_cannot_exist_says_why_in_the_member_list(client, county_staff, member_a):
    client.force_login(county_staff)
    response = client.get(reverse("members:list"), {"q": "110105195001010014"})
    assert "校验位错误" in response.content.decode()


def test_a_number_registered_twice_is_refused_by_its_hash_whatever_its_typed_form(
    secretary_a, tree, member_a
):
    with pytest.raises(ValidationError) as exc:
        member_register(
            actor=secretary_a,
            organization=tree.branch_a,
            **member_fields(name="张桂芳二", id_number="１１０１０５１９４９１２３１００２ｘ"),
        )
    assert exc.value.message_dict["id_number"] == ["该公民身份号码已登记"]


def test_a_fifteen_digit_number_is_stored_as_eighteen(secretary_a, tree):
    member = member_register(
        actor=secretary_a,
        organization=tree.branch_a,
        **member_fields(id_number="110105491231002"),
    )
    member.refresh_from_db()
    assert member.id_number == MEMBER_A_ID
    assert Member.objects.filter(id_hash_q("id_number", "110105491231002")).get() == member


# --- uniqueness through the hash -------------------------------------------------------------------------


def test_the_database_refuses_a_second_member_with_the_same_number(member_a, tree):
    twin = Member(**{**member_fields(name="重号"), "organization": tree.branch_b})
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # no service, no full_clean: the unique hash column alone


def test_full_clean_names_the_duplicate_in_chinese(member_a, tree):
    twin = Member(
        **{**member_fields(name="重号", id_number="11010519491231002x"), "organization": tree.branch_b}
    )
    with pytest.raises(ValidationError) as exc:
        twin.full_clean()
    assert exc.value.message_dict["id_number_hash"] == ["该公民身份号码已登记"]
    assert twin.id_number == MEMBER_A_ID  # full_clean stores the canonical number


def test_one_open_application_per_person_through_the_hash(tree):
    person = dict(
        name="陆文华",
        gender="M",
        birth_date=dt.date(1998, 5, 4),
        id_number="532628199805040011",
        education="HIGH_SCHOOL",
        occupation="FARMER",
        organization=tree.branch_a,
    )
    Applicant.objects.create(**person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.create(**{**person, "name": "陆文华二"})
    Applicant.objects.update(withdrawn_on=dt.date(2026, 1, 1), withdraw_reason="本人撤回")
    Applicant.objects.create(**person)  # a new application after the first ended


def test_bulk_create_fills_the_hashes_without_the_callers_help(tree):
    body = "45262819800101003"
    numbers = [body + check_char(body)]
    body = "45262819800101005"
    numbers.append(body + check_char(body))
    Member.objects.bulk_create(
        [
            Member(**{**member_fields(name=f"批量{i}", id_number=n), "organization": tree.branch_a})
            for i, n in enumerate(numbers)
        ]
    )
    for n in numbers:
        assert Member.objects.filter(id_hash_q("id_number", n)).count() == 1
        assert Member.objects.filter(id_hash_q("id_number", n[-4:], tail=4)).count() == 1


# --- key rotation ----------------------------------------------------------------------------------------


@pytest.fixture
def letter(member_a, secretary_a, tree):
    return transfer_issue(
        actor=secretary_a, kind="OUT", member=member_a, issued_on=dt.date(2026, 6, 1), to_external="县外"
    )


def test_rotation_re_encrypts_and_re_hashes_every_row_under_the_new_key(settings, member_a, member_b, letter):
    old_kid = current_key_id()
    new_key = generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, DEV_FIELD_ENCRYPTION_KEY]
    assert rows_not_under_current_key(Member, connection) == 2
    # Before the rotation: old rows still read and are still found (their hashes under the old key).
    assert Member.objects.filter(id_hash_q("id_number", MEMBER_A_ID)).get() == member_a
    versions = dict(Member.objects.values_list("pk", "version"))

    call_command("rotate_id_key", stdout=open(os.devnull, "w"))

    new_kid = current_key_id()
    assert new_kid != old_kid
    assert key_id_of(stored(Member, member_a.pk)) == new_kid
    assert key_id_of(stored(Transfer, letter.pk, "person_id_number")) == new_kid
    assert stored(Member, member_a.pk, "id_number_hash") == lookup_hash(MEMBER_A_ID)
    assert dict(Member.objects.values_list("pk", "version")) == versions  # not an edit: no version, no audit

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key dropped
    assert Member.objects.get(pk=member_a.pk).id_number == MEMBER_A_ID
    assert Member.objects.filter(id_hash_q("id_number", MEMBER_A_ID)).get() == member_a
    assert Transfer.objects.filter(id_hash_q("person_id_number", MEMBER_A_ID)).get() == letter

    settings.FIELD_ENCRYPTION_KEYS = [DEV_FIELD_ENCRYPTION_KEY]  # the old key alone no longer reads them
    with pytest.raises(UnreadableValue, match="不在 FIELD_ENCRYPTION_KEYS 中"):
        Member.objects.get(pk=member_a.pk)


def test_rotation_is_all_or_nothing(settings, member_a, member_b, letter):
    stranger_key = generate_key()
    before = {pk: stored(Member, pk) for pk in (member_a.pk, member_b.pk)}
    # One transfer's number under a key the server does not have: the rotation cannot read it.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_transfer SET person_id_number = %s WHERE id = %s",
            ["e1:00000000:" + stranger_key, letter.pk],
        )
    settings.FIELD_ENCRYPTION_KEYS = [generate_key(), DEV_FIELD_ENCRYPTION_KEY]
    with pytest.raises(CommandError, match="已全部撤销"):
        call_command("rotate_id_key", stdout=open(os.devnull, "w"))
    assert {pk: stored(Member, pk) for pk in before} == before  # members were rotated first: rolled back


def test_rotation_in_small_batches_reaches_every_row(settings, member_a, member_b, letter):
    settings.FIELD_ENCRYPTION_KEYS = [generate_key(), DEV_FIELD_ENCRYPTION_KEY]
    call_command("rotate_id_key", "--batch-size", "1", stdout=open(os.devnull, "w"))
    assert rows_not_under_current_key(Member, connection) == 0
    assert rows_not_under_current_key(Transfer, connection) == 0


def test_generate_prints_a_key_the_settings_accept(settings, capsys):
    call_command("rotate_id_key", "--generate")
    key = capsys.readouterr().out.strip()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    assert current_key_id()


def test_an_export_searched_by_a_whole_number_records_the_search_masked(client, county_staff, member_a):
    from core.models import AccessRecord

    client.force_login(county_staff)
    response = client.get(reverse("members:export"), {"q": "110105 19491231 002x"})
    assert response.status_code == 200
    entry = AccessRecord.objects.get()
    assert "110105************" in entry.filters and "110105************" in entry.query
    assert "19491231" not in entry.filters + entry.query


def test_a_uniqueness_refusal_on_the_hash_lands_on_the_number_field():
    from django import forms

    from core.forms import IdNumberField
    from core.views import apply_service_errors

    class PersonForm(forms.Form):
        id_number = IdNumberField()

    form = PersonForm({"id_number": MEMBER_A_ID})
    assert form.is_valid()
    apply_service_errors(form, ValidationError({"id_number_hash": ["该公民身份号码已登记"]}))
    assert form.errors == {"id_number": ["该公民身份号码已登记"]}
