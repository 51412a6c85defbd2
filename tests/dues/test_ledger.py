"""The retained-dues ledger: append-only, corrections as reversals, a running balance, care visits posting themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dues.models import RetainedFundEntry
from dues.services.ledger import ledger_record, ledger_reverse
from members.services.care import (
    care_visit_add_members,
    care_visit_remove_member,
    care_visit_set_amount,
    care_visit_update,
)
from tests.factories import make_care_visit, make_ledger_entry

pytestmark = pytest.mark.django_db


def entries(org) -> list[tuple[str, Decimal]]:
    return list(
        RetainedFundEntry.objects.filter(organization=org).order_by("id").values_list("purpose", "amount")
    )


def test_an_expenditure_is_negative_and_an_opening_balance_positive(tree, county_staff, today):
    make_ledger_entry(
        tree.county, actor=county_staff, purpose="OPENING", amount="120000", description="2025年结余"
    )
    make_ledger_entry(
        tree.county,
        actor=county_staff,
        amount="60000",
        description="为10个乡镇的8个党委和47个党支部配备电教设备55套",
        document_no="富组发〔2026〕12号",
    )
    assert entries(tree.county) == [("OPENING", Decimal("120000.00")), ("AV_EQUIPMENT", Decimal("-60000.00"))]


def test_a_reversal_is_a_new_entry_of_the_opposite_amount_and_the_original_stays(tree, county_staff, today):
    wrong = make_ledger_entry(
        tree.county, actor=county_staff, amount="6000", description="电教设备（金额多写一个0）"
    )
    reversal = ledger_reverse(actor=county_staff, entry=wrong, reason="金额登记错误")
    wrong.refresh_from_db()
    assert (wrong.amount, reversal.amount, reversal.reverses) == (
        Decimal("-6000.00"),
        Decimal("6000.00"),
        wrong,
    )
    assert "冲正" in reversal.description and "金额登记错误" in reversal.description
    assert sum(a for _, a in entries(tree.county)) == 0
    with pytest.raises(ValidationError, match="已冲正"):
        ledger_reverse(actor=county_staff, entry=wrong, reason="再冲一次")
    with pytest.raises(ValidationError, match="冲正记录不能再冲正"):
        ledger_reverse(actor=county_staff, entry=reversal, reason="撤销冲正")


def test_an_entry_by_hand_is_refused_for_the_automatic_items_and_without_a_purpose(tree, county_staff, today):
    for purpose in ("RETAINED_SHARE", "RETURN_RETIRED"):
        with pytest.raises(ValidationError, match="由系统自动记账"):
            ledger_record(
                actor=county_staff,
                organization=tree.county,
                entry_on=today,
                purpose=purpose,
                amount="1",
                description="x",
            )
    with pytest.raises(ValidationError, match="请填写摘要"):
        ledger_record(
            actor=county_staff,
            organization=tree.county,
            entry_on=today,
            purpose="OTHER",
            amount="1",
            description=" ",
        )
    assert not RetainedFundEntry.objects.exists()


def test_a_care_visit_paid_from_retained_dues_posts_its_money_to_the_organizer_s_ledger(
    tree, member_a, secretary_a, admin_user, today
):
    from tests.factories import make_member

    second = make_member(
        tree.branch_a,
        actor=admin_user,
        name="黄志明",
        gender="M",
        birth_date=dt.date(1950, 2, 3),
        seq=7,
        joined_on=dt.date(1975, 7, 1),
        full_on=dt.date(1976, 7, 1),
    )
    visit = make_care_visit(tree.branch_a, actor=secretary_a, entries=[(member_a, "100.00")])
    assert entries(tree.branch_a) == [("CARE", Decimal("-100.00"))]
    entry = RetainedFundEntry.objects.get()
    assert entry.care_visit == visit and entry.entry_on == visit.visited_on
    care_visit_add_members(actor=secretary_a, visit=visit, entries=[(second, "200.00")])
    recipient = visit.recipients.get(member=member_a)
    care_visit_set_amount(actor=secretary_a, recipient=recipient, amount="80.00")
    assert entries(tree.branch_a) == [
        ("CARE", Decimal("-100.00")),
        ("CARE", Decimal("-200.00")),  # added members: a further expenditure
        ("CARE", Decimal("20.00")),  # an amount lowered: a reversing entry, nothing edited
    ]
    care_visit_remove_member(actor=secretary_a, recipient=visit.recipients.get(member=second))
    care_visit_update(actor=secretary_a, visit=visit, funding="FISCAL")  # paid from the budget after all
    assert sum(a for _, a in entries(tree.branch_a)) == 0
    assert RetainedFundEntry.objects.filter(reverses__isnull=False).count() == 3


def test_a_care_visit_paid_otherwise_posts_nothing(tree, member_a, secretary_a, today):
    make_care_visit(tree.branch_a, actor=secretary_a, funding="FISCAL", entries=[(member_a, "100.00")])
    assert not RetainedFundEntry.objects.exists()


def test_a_care_visit_s_entry_is_corrected_through_the_visit_not_reversed_by_hand(
    tree, member_a, secretary_a, today
):
    make_care_visit(tree.branch_a, actor=secretary_a, entries=[(member_a, "100.00")])
    with pytest.raises(ValidationError, match="请修改走访慰问中的慰问金"):
        ledger_reverse(actor=secretary_a, entry=RetainedFundEntry.objects.get(), reason="x")


def test_the_ledger_page_shows_the_running_balance_across_the_period(
    client, tree, county_staff, django_assert_num_queries
):
    for day, purpose, amount in (
        (dt.date(2026, 1, 5), "OPENING", "120000"),
        (dt.date(2026, 3, 10), "AV_EQUIPMENT", "60000"),
        (dt.date(2026, 7, 1), "CARE", "20000"),
    ):
        ledger_record(
            actor=county_staff,
            organization=tree.county,
            entry_on=day,
            purpose=purpose,
            amount=amount,
            description="x",
        )
    client.force_login(county_staff)
    with django_assert_num_queries(7):
        # 1 the session, 2 the user, 3 the user's organization (whose ledger), 4 its balance, 5 the count,
        # 6 the organizations of the filter's choices, 7 the page, each row with its balance (a subquery)
        response = client.get(reverse("dues:ledger"), {"start": "2026-03-01"})
    rows = list(response.context["page_obj"])
    assert [(r.entry_on.month, r.balance) for r in rows] == [
        (3, Decimal("60000.00")),
        (7, Decimal("40000.00")),
    ]
    assert response.context["balance"] == Decimal("40000.00")


def test_another_branch_s_ledger_is_not_found(client, tree, secretary_a, secretary_b, today):
    entry = make_ledger_entry(tree.branch_a, actor=secretary_a, purpose="OPENING")
    client.force_login(secretary_b)
    assert client.get(reverse("dues:ledger_reverse", args=[entry.pk])).status_code == 404
    assert client.post(reverse("dues:ledger_reverse", args=[entry.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("dues:ledger"), {"org": tree.branch_a.code}).context["listing"].count == 0
    assert RetainedFundEntry.objects.count() == 1


def test_av_equipment_from_retained_dues_is_the_buyers_expenditure_and_corrections_reverse(
    tree, county_staff
):
    """core.spending: training records the purchase, the recorder's ledger books it; nothing is edited."""
    from tests.factories import make_equipment
    from training.services.av import equipment_update

    equipment = make_equipment(tree.branch_a, actor=county_staff, amount=Decimal("1200.00"))
    make_equipment(tree.branch_b, actor=county_staff, funding="FISCAL")  # not from dues: no entry
    source = f"training.av#{equipment.pk}"
    [entry] = RetainedFundEntry.objects.filter(source__startswith="training.av")
    # the county department recorded (and paid for) a set delivered to the branch: the county's ledger
    assert (entry.organization, entry.amount, entry.purpose) == (
        tree.county,
        Decimal("-1200.00"),
        "AV_EQUIPMENT",
    )
    equipment_update(actor=county_staff, equipment=equipment, expected_version=1, amount=Decimal("1500.00"))
    equipment_update(actor=county_staff, equipment=equipment, expected_version=2, amount=Decimal("1000.00"))
    amounts = list(
        RetainedFundEntry.objects.filter(source=source).order_by("id").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("-1200.00"), Decimal("-300.00"), Decimal("500.00")]
    assert RetainedFundEntry.objects.filter(source=source).last().reverses == entry
    equipment_update(actor=county_staff, equipment=equipment, expected_version=3, funding="FISCAL")
    assert sum(RetainedFundEntry.objects.filter(source=source).values_list("amount", flat=True)) == 0


def test_a_branch_recording_its_own_purchase_spends_its_own_retained_dues(tree, secretary_a):
    from tests.factories import make_equipment

    make_equipment(tree.branch_a, actor=secretary_a, amount=Decimal("900.00"))
    [entry] = RetainedFundEntry.objects.filter(source__startswith="training.av")
    assert (entry.organization, entry.amount) == (tree.branch_a, Decimal("-900.00"))
