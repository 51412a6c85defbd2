"""The amount due, month by month: from the standards and the base in force, while a member of the county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dues import months as m
from dues.selectors.arrears import shortfalls_of
from dues.selectors.levy import member_levies
from dues.services.payments import dues_record_back_payments
from members.services.member import member_move
from members.services.transfers import transfer_accept, transfer_record_incoming
from tests.factories import make_assessment, make_member, make_payments

pytestmark = pytest.mark.django_db

JAN, DEC = dt.date(2026, 1, 1), dt.date(2026, 12, 1)


def due_by_month(member) -> dict[int, Decimal | None]:
    return {m.from_index(levy.month).month: levy.amount for levy in member_levies(member.pk, JAN, DEC)}


def test_a_probationary_member_owes_from_the_month_of_admission(tree, admin_user, secretary_a, today):
    newcomer = make_member(
        tree.branch_a,
        actor=admin_user,
        name="陆文华",
        gender="M",
        birth_date=dt.date(1998, 5, 4),
        seq=3,
        status="PROBATIONARY",
        joined_on=dt.date(2026, 3, 20),  # the admission meeting (step 15)
        full_on=None,
    )
    make_assessment(newcomer, actor=secretary_a, effective_from=JAN)  # assessed from January all the same
    due = due_by_month(newcomer)
    assert min(due) == 3  # March, the month of admission: from the day of step 15
    assert due[3] == Decimal("1.00") and 2 not in due


def test_a_member_not_assessed_owes_nothing_known_until_assessed(tree, member_a, secretary_a, today):
    assert due_by_month(member_a) == {}
    make_assessment(member_a, actor=secretary_a, effective_from=dt.date(2026, 4, 1))
    assert sorted(due_by_month(member_a)) == list(range(4, 13))


def test_a_raise_from_an_earlier_month_changes_those_months_due_and_creates_the_back_payment(
    tree, admin_user, secretary_a, today
):
    teacher = make_member(
        tree.branch_a,
        actor=admin_user,
        name="农丽萍",
        birth_date=dt.date(1985, 3, 8),
        seq=4,
        occupation="PROFESSIONAL",
        is_rural=False,
        joined_on=dt.date(2010, 7, 1),
        full_on=dt.date(2011, 7, 1),
    )
    make_assessment(teacher, actor=secretary_a, category="IN_SERVICE", income="4800.00")  # 1% → 48.00
    make_payments(
        tree.branch_a,
        actor=secretary_a,
        entries=[(teacher, dt.date(2026, month, 1), "48.00") for month in range(1, 11)],
        paid_on=dt.date(2026, 10, 30),
    )
    assert shortfalls_of(tree.branch_a, until=today) == []
    # The salary rise of July, recorded in November: 5600 → 1.5% = 84.00 from July.
    raise_ = make_assessment(
        teacher,
        actor=secretary_a,
        category="IN_SERVICE",
        income="5600.00",
        effective_from=dt.date(2026, 7, 1),
    )
    due = due_by_month(teacher)
    assert due[6] == Decimal("48.00") and due[7] == Decimal("84.00") and due[12] == Decimal("84.00")
    owed = shortfalls_of(tree.branch_a, until=today)
    assert [(s.month.month, s.due, s.paid, s.owed) for s in owed] == [
        (month, Decimal("84.00"), Decimal("48.00"), Decimal("36.00")) for month in (7, 8, 9, 10)
    ]
    assert {s.basis_id for s in owed} == {raise_.pk}
    payments = dues_record_back_payments(
        actor=secretary_a, organization=tree.branch_a, shortfalls=owed, paid_on=today
    )
    assert [(p.kind, p.month.month, p.amount) for p in payments] == [
        ("BACK", month, Decimal("36.00")) for month in (7, 8, 9, 10)
    ]
    assert len({p.receipt_no for p in payments}) == 1
    assert shortfalls_of(tree.branch_a, until=today) == []


def test_a_member_who_moved_owes_each_month_where_they_were_on_its_first_day(
    tree, member_a, admin_user, secretary_a, today
):
    make_assessment(member_a, actor=admin_user)
    member_move(actor=admin_user, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 5, 15))
    orgs = {
        m.from_index(levy.month).month: levy.organization_id for levy in member_levies(member_a.pk, JAN, DEC)
    }
    assert orgs[5] == tree.branch_a.pk  # on 1 May still in branch A
    assert orgs[6] == tree.branch_b.pk


def test_a_member_transferred_in_pays_from_the_month_after_the_letter_says(tree, secretary_a, today):
    letter = transfer_record_incoming(
        actor=secretary_a,
        to_org=tree.branch_a,
        letter_no="右组转〔2026〕33号",
        from_external="中共百色市右江区委组织部",
        issued_on=dt.date(2026, 6, 2),
        dues_paid_until=dt.date(2026, 7, 1),  # paid up to July where they came from
        person=dict(
            name="覃海军",
            gender="M",
            ethnicity="壮族",
            birth_date=dt.date(1980, 1, 1),
            id_number="532627198001010011",
            status="FULL",
            joined_on=dt.date(2003, 7, 1),
            full_on=dt.date(2004, 7, 1),
            education="COLLEGE",
            occupation="PROFESSIONAL",
            phone="13800000000",
            work_unit="富宁县人民医院 医生",
        ),
    )
    letter = transfer_accept(actor=secretary_a, transfer=letter, day=dt.date(2026, 6, 20))
    make_assessment(letter.member, actor=secretary_a, category="IN_SERVICE", income="4000.00")
    assert min(due_by_month(letter.member)) == 8  # August: the month after the letter's July
