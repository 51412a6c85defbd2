"""介绍信 and 证明信 are numbered by the services, in the county's yearly series, never twice.

The concurrency test needs PostgreSQL (SQLite serialises writers, so it proves
nothing there): ``DATABASE_URL=postgres://… pytest tests/members/test_transfers_numbering.py``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from members.models import Certificate, Transfer
from members.services.transfers import (
    certificate_issue,
    transfer_issue,
    transfer_reissue,
)
from organizations.models import DocumentKind, DocumentSequence, Organization
from organizations.services import document_prefix_set

pytestmark = pytest.mark.django_db
JUNE = lambda day: dt.date(2026, 6, day)  # noqa: E731


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def issue_out(actor, member, day: dt.date | None = None) -> Transfer:
    return transfer_issue(
        actor=actor, kind="OUT", member=member, issued_on=day or JUNE(1), to_external="中共百色市委组织部"
    )


def test_letters_from_different_branches_share_the_countys_series(
    frozen_today, tree, member_a, member_c, secretary_a, county_staff
):
    first = issue_out(secretary_a, member_a)
    second = transfer_issue(
        actor=county_staff, kind="INTERNAL", member=member_c, issued_on=JUNE(2), to_org=tree.branch_b
    )
    assert (first.letter_no, second.letter_no) == ("富组转〔2026〕1号", "富组转〔2026〕2号")
    assert DocumentSequence.objects.get().organization == tree.county


def test_the_year_of_the_issue_date_names_the_series(frozen_today, tree, member_a, secretary_a):
    assert issue_out(secretary_a, member_a, day=dt.date(2025, 12, 30)).letter_no == "富组转〔2025〕1号"


def test_a_prefix_set_by_the_county_numbers_the_next_letter(
    frozen_today, tree, member_a, secretary_a, county_staff
):
    document_prefix_set(
        actor=county_staff,
        organization=tree.county,
        kind=DocumentKind.TRANSFER_LETTER,
        year=2026,
        prefix="富组函〔2026〕",
    )
    assert issue_out(secretary_a, member_a).letter_no == "富组函〔2026〕1号"


def test_a_number_typed_on_an_older_letter_is_not_given_again(frozen_today, tree, member_a, secretary_a):
    old = issue_out(secretary_a, member_a)
    Transfer.objects.filter(pk=old.pk).update(
        letter_no="富组转〔2026〕2号", status="VOID"
    )  # as typed by hand
    assert issue_out(secretary_a, member_a).letter_no == "富组转〔2026〕3号"


def test_a_refused_letter_uses_up_no_number(frozen_today, tree, member_a, secretary_a):
    with pytest.raises(ValidationError):  # 有效期最长90天
        transfer_issue(
            actor=secretary_a,
            kind="OUT",
            member=member_a,
            issued_on=JUNE(1),
            to_external="中共百色市委组织部",
            validity_days=120,
        )
    assert issue_out(secretary_a, member_a).letter_no == "富组转〔2026〕1号"


def test_a_reissued_letter_gets_a_new_number(frozen_today, tree, member_a, secretary_a):
    old = issue_out(secretary_a, member_a, day=dt.date(2026, 4, 1))
    new = transfer_reissue(actor=secretary_a, transfer=old, issued_on=JUNE(10))
    old.refresh_from_db()
    assert (old.letter_no, old.status, new.letter_no) == ("富组转〔2026〕1号", "VOID", "富组转〔2026〕2号")
    assert new.replaces == old


def test_certificates_have_a_series_of_their_own(frozen_today, tree, member_a, secretary_a):
    issue_out(secretary_a, member_a)
    certificate = certificate_issue(
        actor=secretary_a,
        member=member_a,
        issued_on=JUNE(1),
        destination="昆明",
        reason="就医",
        valid_until=JUNE(30),
    )
    assert certificate.number == "富组证〔2026〕1号"


# --- pages -------------------------------------------------------------------------


def test_the_issue_form_no_longer_asks_for_a_number_and_the_page_shows_it_after(
    frozen_today, client, tree, member_a, secretary_a
):
    client.force_login(secretary_a)
    form = client.get(reverse("members:transfer_issue")).context["form"]
    assert "letter_no" not in form.fields
    response = client.post(
        reverse("members:transfer_issue"),
        {
            "member": member_a.pk,
            "kind": "OUT",
            "issued_on": "2026-06-01",
            "to_external": "中共百色市委组织部",
            "validity_days": "30",
        },
        follow=True,
    )
    assert "已开具介绍信富组转〔2026〕1号" in response.content.decode()


def test_the_certificate_and_reissue_forms_no_longer_ask_for_a_number(
    frozen_today, client, tree, member_a, secretary_a
):
    old = issue_out(secretary_a, member_a, day=dt.date(2026, 4, 1))
    client.force_login(secretary_a)
    assert "number" not in client.get(reverse("members:certificate_new")).context["form"].fields
    reissue = reverse("members:transfer_reissue", args=[old.pk])
    assert "letter_no" not in client.get(reissue).context["form"].fields
    response = client.post(reissue, {"issued_on": "2026-06-10", "validity_days": "30"})
    new = Transfer.objects.get(replaces=old)
    assert response["Location"] == new.get_absolute_url()
    assert new.letter_no == "富组转〔2026〕2号"


def test_a_hand_numbered_letter_without_hao_prints_with_di_and_hao(client, tree, member_a, secretary_a):
    transfer = issue_out(secretary_a, member_a, day=dt.date.today())
    Transfer.objects.filter(pk=transfer.pk).update(letter_no="88")  # an old letter typed as a bare number
    client.force_login(secretary_a)
    html = client.get(reverse("members:transfer_print", args=[transfer.pk])).content.decode()
    assert html.count("第88号") == 5 and "第 88 号" not in html


# --- two issues at once (PostgreSQL) -------------------------------------------------


def in_thread(work: Callable[[], None]) -> threading.Thread:
    """Run ``work`` in a thread with its own database connection, closed at the end."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_get_different_numbers(tree, member_a, member_b, admin_user):
    """The first issue holds its transaction open; the second waits for it and takes the next number.

    The series does not exist yet, so this also races the creation of its row
    (get-or-create): the second insert waits for the first to commit, fails on
    the unique constraint inside a savepoint and then reads the row, locked.
    """
    first_issued, release = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                numbers["first"] = issue_out(admin_user, member_a, day=dt.date.today()).letter_no
                first_issued.set()
                release.wait(10)  # still uncommitted: the second issue must wait for this commit
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            first_issued.set()

    def second() -> None:
        try:
            first_issued.wait(10)
            numbers["second"] = issue_out(admin_user, member_b, day=dt.date.today()).letter_no
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [in_thread(first), in_thread(second)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second issue should wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    year = dt.date.today().year
    assert numbers == {"first": f"富组转〔{year}〕1号", "second": f"富组转〔{year}〕2号"}
    assert sorted(Transfer.objects.values_list("letter_no", flat=True)) == [
        f"富组转〔{year}〕1号",
        f"富组转〔{year}〕2号",
    ]
    assert DocumentSequence.objects.get().last_number == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_certificates_started_together_never_share_a_number(tree, member_a, member_b, admin_user):
    """Several issues released at once by a barrier, each in its own connection, all commit."""
    start = threading.Barrier(4)
    errors: list[BaseException] = []
    members = [member_a, member_b, member_a, member_b]

    def issue(member) -> Callable[[], None]:
        def work() -> None:
            try:
                start.wait(10)
                certificate_issue(
                    actor=admin_user,
                    member=member,
                    issued_on=dt.date.today(),
                    destination="昆明",
                    reason="就医",
                    valid_until=dt.date.today(),
                )
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        return work

    for thread in [in_thread(issue(m)) for m in members]:
        thread.join(20)
    assert not errors, errors
    year = dt.date.today().year
    assert sorted(Certificate.objects.values_list("number", flat=True)) == sorted(
        f"富组证〔{year}〕{n}号" for n in range(1, 5)
    )


def test_the_seal_line_names_the_sender_with_zhonggong_once(client, tree, member_a, secretary_a, admin_user):
    transfer = issue_out(secretary_a, member_a, day=dt.date.today())
    client.force_login(secretary_a)
    url = reverse("members:transfer_print", args=[transfer.pk])
    assert "中共各甫村党支部（盖章）" in client.get(url).content.decode()
    Organization.objects.filter(pk=tree.branch_a.pk).update(name="中共各甫村支部委员会")
    html = client.get(url).content.decode()
    assert "中共各甫村支部委员会（盖章）" in html and "中共中共" not in html
