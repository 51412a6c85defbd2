"""Recording payments: one save for many members, each rule its own refusal, nothing written when refused."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from dues.models import DuesPayment
from dues.services.payments import (
    dues_record_payments,
    dues_record_special,
    dues_void_payment,
)
from tests.factories import make_assessment, make_member

pytestmark = pytest.mark.django_db

NOV, OCT = dt.date(2026, 11, 1), dt.date(2026, 10, 1)


@pytest.fixture
def assessed(member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)
    return member_a


def record(secretary, org, *entries, paid_on=None):
    return dues_record_payments(
        actor=secretary,
        organization=org,
        entries=[(member.pk, month, amount) for member, month, amount in entries],
        paid_on=paid_on or dt.date(2026, 11, 20),
    )


def refused(secretary, org, *entries, message: str) -> None:
    before = (DuesPayment.objects.count(), LogEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        record(secretary, org, *entries)
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert (DuesPayment.objects.count(), LogEntry.objects.count()) == before  # nothing written


def test_a_month_for_several_members_is_recorded_with_one_receipt_each_and_audited(
    tree, assessed, admin_user, secretary_a, today
):
    second = make_member(
        tree.branch_a,
        actor=admin_user,
        name="黄志明",
        birth_date=dt.date(1970, 2, 3),
        seq=7,
        gender="M",
        joined_on=dt.date(1995, 7, 1),
        full_on=dt.date(1996, 7, 1),
    )
    make_assessment(second, actor=secretary_a, amount="0.50")
    entries_before = LogEntry.objects.count()
    payments = record(
        secretary_a, tree.branch_a, (assessed, OCT, "1.00"), (assessed, NOV, "1"), (second, NOV, "0.50")
    )
    assert [(p.member.name, p.month, p.amount, p.due) for p in payments] == [
        ("张桂芳", OCT, Decimal("1.00"), Decimal("1.00")),
        ("张桂芳", NOV, Decimal("1.00"), Decimal("1.00")),
        ("黄志明", NOV, Decimal("0.50"), Decimal("0.50")),
    ]
    # Receipts numbered per branch and year, one per member of the save (in the order of their names).
    assert [p.receipt_no for p in payments] == ["2026-0001", "2026-0001", "2026-0002"]
    assert LogEntry.objects.count() == entries_before + 3
    entry = LogEntry.objects.order_by("-pk").first()
    assert entry.actor == secretary_a and entry.action == LogEntry.Action.CREATE


def test_receipt_numbers_run_on_per_branch(
    tree, assessed, member_b, admin_user, secretary_a, secretary_b, today
):
    make_assessment(member_b, actor=secretary_b)
    first = record(secretary_a, tree.branch_a, (assessed, OCT, "1.00"))[0]
    second = record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))[0]
    other = record(secretary_b, tree.branch_b, (member_b, NOV, "1.00"))[0]
    assert (first.receipt_no, second.receipt_no, other.receipt_no) == ("2026-0001", "2026-0002", "2026-0001")


def test_a_month_already_paid_is_refused(tree, assessed, secretary_a, today):
    record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))
    refused(secretary_a, tree.branch_a, (assessed, NOV, "1.00"), message="张桂芳 2026年11月的党费已登记")


def test_the_same_month_twice_in_one_save_is_refused(tree, assessed, secretary_a, today):
    refused(secretary_a, tree.branch_a, (assessed, NOV, "1.00"), (assessed, NOV, "1.00"), message="已登记")


def test_a_member_not_assessed_is_refused(tree, member_a, secretary_a, today):
    refused(secretary_a, tree.branch_a, (member_a, NOV, "1.00"), message="尚未核定党费标准")


def test_another_branch_s_dues_are_out_of_a_secretary_s_scope(tree, assessed, secretary_b, today):
    with pytest.raises(Http404):  # not "forbidden": branch A is not found from branch B
        record(secretary_b, tree.branch_a, (assessed, NOV, "1.00"))
    assert not DuesPayment.objects.exists()


def test_a_month_before_the_member_joined_the_branch_is_refused(
    tree, assessed, admin_user, secretary_a, today
):
    refused(
        admin_user,
        tree.branch_b,
        (assessed, NOV, "1.00"),
        message="该月不在新华社区党支部交纳党费",
    )


def test_an_amount_that_is_not_money_is_refused(tree, assessed, secretary_a, today):
    refused(secretary_a, tree.branch_a, (assessed, NOV, "1.234"), message="党费最多保留两位小数")
    refused(secretary_a, tree.branch_a, (assessed, NOV, "一元"), message="党费应为数字")
    refused(secretary_a, tree.branch_a, (assessed, NOV, 1.0), message="不使用浮点数")


def test_a_month_after_this_year_is_refused(tree, assessed, secretary_a, today):
    refused(
        secretary_a, tree.branch_a, (assessed, dt.date(2027, 1, 1), "1.00"), message="只能预交到2026年12月"
    )


def test_a_thousand_yuan_or_more_above_the_standard_belongs_on_the_special_page(
    tree, assessed, secretary_a, today
):
    refused(secretary_a, tree.branch_a, (assessed, NOV, "1000.00"), message="请登记为特殊党费")


def test_an_exempt_month_needs_no_payment(tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a, category="EXEMPT", note="经支委会讨论、新华镇党委批准免交")
    refused(secretary_a, tree.branch_a, (member_a, NOV, "0.20"), message="经批准免交")


def test_an_empty_save_is_refused(tree, secretary_a, today):
    with pytest.raises(ValidationError, match="没有填写任何党费金额"):
        dues_record_payments(actor=secretary_a, organization=tree.branch_a, entries=[], paid_on=today)


def test_the_auditor_may_not_record(tree, assessed, auditor, today):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record(auditor, tree.branch_a, (assessed, NOV, "1.00"))


def test_the_database_holds_one_live_payment_per_member_and_month(tree, assessed, secretary_a, today):
    payment = record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))[0]
    duplicate = DuesPayment(
        member=assessed, organization=tree.branch_a, month=NOV, amount=Decimal("1.00"), paid_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    dues_void_payment(actor=secretary_a, payment=payment, reason="金额登记错误")
    again = record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))[0]  # a voided one no longer counts
    assert again.pk != payment.pk
    assert DuesPayment.objects.filter(member=assessed, month=NOV).count() == 2


def test_voiding_keeps_the_row_with_who_and_why(tree, assessed, secretary_a, today):
    payment = record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))[0]
    with pytest.raises(ValidationError, match="请填写作废原因"):
        dues_void_payment(actor=secretary_a, payment=payment, reason=" ")
    dues_void_payment(actor=secretary_a, payment=payment, reason="月份填错")
    payment.refresh_from_db()
    assert (payment.voided_on, payment.void_reason, payment.voided_by) == (today, "月份填错", secretary_a)
    with pytest.raises(ValidationError, match="已作废"):
        dues_void_payment(actor=secretary_a, payment=payment, reason="再次")


def test_a_special_payment_is_a_thousand_yuan_or_more_and_settles_no_month(
    tree, assessed, secretary_a, today
):
    with pytest.raises(ValidationError, match="1000元以上"):
        dues_record_special(
            actor=secretary_a, organization=tree.branch_a, member=assessed, amount="999.99", paid_on=today
        )
    special = dues_record_special(
        actor=secretary_a, organization=tree.branch_a, member=assessed, amount="2000", paid_on=today
    )
    assert (special.kind, special.amount, special.month) == ("SPECIAL", Decimal("2000.00"), NOV)
    record(secretary_a, tree.branch_a, (assessed, NOV, "1.00"))  # November is still owed and payable
    with pytest.raises(ValidationError, match="当天已登记一笔特殊党费"):
        dues_record_special(
            actor=secretary_a, organization=tree.branch_a, member=assessed, amount="2000", paid_on=today
        )


# --- concurrency ----------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_month_at_once_record_it_once(tree, admin_user, secretary_a, committee_staff):
    """Two tabs (or a double submit) saving the same grid: one payment per member and month, the other is told."""
    members = [
        make_member(
            tree.branch_a,
            actor=admin_user,
            name=f"党员{'甲乙丙丁戊'[i]}",
            birth_date=dt.date(1960, 1, 1),
            seq=20 + i,
            joined_on=dt.date(1990, 7, 1),
            full_on=dt.date(1991, 7, 1),
        )
        for i in range(5)
    ]
    for member in members:
        make_assessment(member, actor=admin_user)
    day = dt.date.today()
    month = day.replace(day=1)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def save(actor) -> None:
        try:
            start.wait(5)
            dues_record_payments(
                actor=actor,
                organization=tree.branch_a,
                entries=[(member.pk, month, "1.00") for member in members],
                paid_on=day,
            )
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append("refused: " + "；".join(exc.messages))
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(actor,)) for actor in (secretary_a, committee_staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(o[:7] for o in outcomes) == ["refused", "saved"], outcomes
    assert DuesPayment.objects.filter(month=month).count() == len(members)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True)
def test_the_constraint_refuses_a_concurrent_insert_the_checks_did_not_see(tree, admin_user, member_a):
    """Below the service's checks, the database itself: a second transaction inserting the same month fails."""
    make_assessment(member_a, actor=admin_user)
    month = dt.date.today().replace(day=1)
    inserted, release = threading.Event(), threading.Event()
    result: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                DuesPayment.objects.create(
                    member=member_a,
                    organization=tree.branch_a,
                    month=month,
                    amount=Decimal("1.00"),
                    paid_on=dt.date.today(),
                )
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            inserted.wait(10)
            with transaction.atomic():
                DuesPayment.objects.create(
                    member=member_a,
                    organization=tree.branch_a,
                    month=month,
                    amount=Decimal("1.00"),
                    paid_on=dt.date.today(),
                )
            result.append("inserted")
        except IntegrityError:
            result.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second insert waits on the first one's uncommitted row"
    release.set()
    for thread in threads:
        thread.join(20)
    assert result == ["refused"]
    assert DuesPayment.objects.filter(member=member_a, month=month).count() == 1
