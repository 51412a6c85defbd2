"""AV education: coverage of township committees and village branches at a date, deliveries, the dues hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from organizations.models import Organization
from tests.factories import make_equipment, make_org
from training import hooks
from training.choices import EquipmentStatus
from training.models import AVEquipment
from training.selectors.av import av_figures, coverage, working_on
from training.services.av import equipment_event_record, equipment_update

pytestmark = pytest.mark.django_db


def covered(day: dt.date) -> set[str]:
    return {row.org.name for row in coverage(Organization.objects.all(), day) if row.covered}


def test_coverage_on_a_day_counts_working_equipment_of_township_committees_and_village_branches(
    tree, county_staff
):
    make_equipment(tree.committee, actor=county_staff, delivered_on=dt.date(2024, 3, 1))
    village = make_equipment(tree.branch_a, actor=county_staff, delivered_on=dt.date(2025, 5, 20))
    make_equipment(tree.branch_b, actor=county_staff)  # a community branch: not in the coverage
    equipment_event_record(
        actor=county_staff, equipment=village, kind="BROKEN", happened_on=dt.date(2026, 2, 1)
    )
    equipment_event_record(
        actor=county_staff, equipment=village, kind="REPAIRED", happened_on=dt.date(2026, 3, 1)
    )
    assert covered(dt.date(2024, 1, 1)) == set()
    assert covered(dt.date(2025, 5, 19)) == {"新华镇党委"}
    assert covered(dt.date(2025, 5, 20)) == {"新华镇党委", "各甫村党支部"}
    assert covered(dt.date(2026, 2, 15)) == {"新华镇党委"}  # broken that day
    assert covered(dt.date(2026, 3, 1)) == {"新华镇党委", "各甫村党支部"}  # repaired
    rows = {r.org.name: r for r in coverage(Organization.objects.all(), dt.date(2026, 3, 1))}
    assert set(rows) == {"新华镇党委", "睦伦乡党委", "各甫村党支部", "睦伦村党支部"}
    assert not rows["睦伦村党支部"].covered


def test_scrapped_equipment_no_longer_covers_and_a_second_set_still_does(tree, county_staff):
    old = make_equipment(tree.branch_a, actor=county_staff, delivered_on=dt.date(2020, 1, 1))
    make_equipment(tree.branch_a, actor=county_staff, delivered_on=dt.date(2026, 4, 1))
    equipment_event_record(
        actor=county_staff, equipment=old, kind="SCRAPPED", happened_on=dt.date(2026, 1, 10)
    )
    assert "各甫村党支部" not in covered(dt.date(2026, 2, 1))
    assert working_on(AVEquipment.objects.all(), dt.date(2026, 4, 1)) == {tree.branch_a.pk: 1}


def test_av_figures_count_deliveries_in_the_period_and_coverage_at_its_end(tree, county_staff):
    make_equipment(tree.committee, actor=county_staff, delivered_on=dt.date(2024, 3, 1))
    make_equipment(tree.branch_a, actor=county_staff, sets=2, amount=Decimal("2400.00"))
    make_equipment(tree.branch_c, actor=county_staff, amount=Decimal("1100.50"), funding="FISCAL")
    make_equipment(tree.other_committee, actor=county_staff, delivered_on=dt.date(2025, 12, 1))
    figures = av_figures(tree.county, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (figures.sets_delivered, figures.amount) == (4, Decimal("4700.50"))
    assert (figures.committees_equipped, figures.branches_equipped) == (1, 2)
    assert (figures.township_committees_covered, figures.village_branches_covered) == (2, 2)
    assert (figures.township_committees, figures.village_branches) == (2, 2)
    committee = av_figures(tree.committee, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert (
        committee.sets_delivered,
        committee.township_committees_covered,
        committee.village_branches_covered,
    ) == (
        2,
        1,
        1,
    )


def test_a_breakdown_is_followed_by_a_repair_or_a_scrapping_never_the_reverse(tree, county_staff):
    equipment = make_equipment(tree.branch_a, actor=county_staff)
    with pytest.raises(ValidationError, match="不能登记“修复启用”"):
        equipment_event_record(
            actor=county_staff, equipment=equipment, kind="REPAIRED", happened_on=dt.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match="不能早于配发日期"):
        equipment_event_record(
            actor=county_staff, equipment=equipment, kind="BROKEN", happened_on=dt.date(2025, 1, 1)
        )
    equipment_event_record(
        actor=county_staff, equipment=equipment, kind="SCRAPPED", happened_on=dt.date(2026, 1, 1)
    )
    equipment.refresh_from_db()
    assert (equipment.status, equipment.status_on, equipment.version) == (
        EquipmentStatus.SCRAPPED,
        dt.date(2026, 1, 1),
        2,
    )
    with pytest.raises(ValidationError, match="不能登记"):
        equipment_event_record(
            actor=county_staff, equipment=equipment, kind="BROKEN", happened_on=dt.date(2026, 2, 1)
        )


def test_equipment_goes_to_a_branch_or_committee_not_a_party_group(tree, county_staff):
    from organizations.choices import OrgKind

    group = make_org(tree.branch_a, "C01T01B01G1", "第一党小组", actor=county_staff, kind=OrgKind.GROUP)
    with pytest.raises(ValidationError, match="党小组"):
        make_equipment(group, actor=county_staff)


@pytest.fixture
def ledger(monkeypatch):
    """A stand-in for the dues app's retained-dues ledger, registered as it would from its ready()."""
    from core import spending

    calls: list[tuple] = []

    def book(*, spending, before, actor):
        calls.append((spending.record_id, spending, before))
        if spending.amount > Decimal("50000"):
            raise ValidationError({"amount": "留存党费余额不足"})

    monkeypatch.setattr(spending, "_handlers", [])
    spending.register_spending_handler(book)
    spending.register_spending_handler(book)
    return calls


def test_a_retained_dues_purchase_is_handed_to_the_dues_ledger_once_and_its_corrections_too(
    tree, county_staff, ledger
):
    assert hooks.ledger_connected()
    equipment = make_equipment(tree.branch_a, actor=county_staff)
    make_equipment(tree.branch_b, actor=county_staff, funding="FISCAL")
    assert len(ledger) == 1 and ledger[0][2] is None and ledger[0][1].from_retained_dues
    assert ledger[0][1].source == hooks.AV_SOURCE and ledger[0][0] == equipment.pk
    equipment_update(actor=county_staff, equipment=equipment, expected_version=1, amount=Decimal("1500.00"))
    assert len(ledger) == 2
    before, now = ledger[1][2], ledger[1][1]
    assert (before.amount, now.amount) == (Decimal("1200.00"), Decimal("1500.00"))
    equipment_update(actor=county_staff, equipment=equipment, expected_version=2, note="村委会保管")
    assert len(ledger) == 2  # no money changed: nothing to book


def test_the_ledger_may_refuse_a_purchase_and_nothing_is_saved(tree, county_staff, ledger):
    with pytest.raises(ValidationError, match="留存党费余额不足"):
        make_equipment(tree.branch_a, actor=county_staff, amount=Decimal("60000.00"))
    assert not AVEquipment.objects.exists()
