"""Remittance: each level keeps its share and remits the rest, special payments go up whole; the 40% return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dues.models import RemittanceRule, RetainedFundEntry
from dues.selectors.remittance import reconcile, retired_returns
from dues.services.payments import dues_record_special
from dues.services.remittances import dues_remit, dues_return_to_retired, dues_void_remittance
from organizations.choices import OrgCategory
from tests.factories import make_assessment, make_member, make_org, make_payments

pytestmark = pytest.mark.django_db

Q3 = (2026, 3)


def ledger(org) -> list[tuple[str, Decimal]]:
    return list(
        RetainedFundEntry.objects.filter(organization=org).order_by("id").values_list("purpose", "amount")
    )


@pytest.fixture
def shares():
    """Branches keep 10 %, committees 40 %, the county 50 %; 40 % goes back to retired-cadre branches."""
    RemittanceRule.objects.update(
        branch_retains=Decimal("10"), committee_retains=Decimal("40"), county_retains=Decimal("50")
    )


@pytest.fixture
def collected(tree, member_a, admin_user, secretary_a, shares, today):
    """Branch A collected 1,000.00 元 of ordinary dues in the third quarter (a member paying 100 a month … ×10)."""
    teacher = make_member(
        tree.branch_a,
        actor=admin_user,
        name="农丽萍",
        birth_date=dt.date(1975, 3, 8),
        seq=4,
        occupation="PROFESSIONAL",
        joined_on=dt.date(2000, 7, 1),
        full_on=dt.date(2001, 7, 1),
    )
    make_assessment(teacher, actor=secretary_a, category="IN_SERVICE", income="10000.00")  # 150.00 a month
    make_payments(
        tree.branch_a,
        actor=secretary_a,
        entries=[(teacher, dt.date(2026, m, 1), "150.00") for m in (7, 8, 9)]
        + [(teacher, dt.date(2026, m, 1), "150.00") for m in (4, 5)]
        + [(teacher, dt.date(2026, 6, 1), "250.00")],  # 1,000.00 in all, paid on 15 August
        paid_on=dt.date(2026, 8, 15),
    )
    return teacher


def test_a_branch_keeps_its_share_and_remits_the_rest(tree, collected, secretary_a):
    rec = reconcile(tree.branch_a, *Q3)
    assert (rec.collected, rec.share, rec.retained, rec.due, rec.outstanding) == (
        Decimal("1000.00"),
        Decimal("10.00"),
        Decimal("100.00"),
        Decimal("900.00"),
        Decimal("900.00"),
    )
    remittance = dues_remit(
        actor=secretary_a,
        organization=tree.branch_a,
        year=2026,
        quarter=3,
        amount="900",
        remitted_on=dt.date(2026, 10, 8),
    )
    assert remittance.to_org == tree.committee
    assert ledger(tree.branch_a) == [("RETAINED_SHARE", Decimal("100.00"))]
    assert reconcile(tree.branch_a, *Q3).outstanding == 0


def test_the_committee_keeps_its_share_of_what_its_branches_remitted_and_so_on_up(
    tree, collected, secretary_a, committee_staff, county_staff
):
    dues_remit(
        actor=secretary_a,
        organization=tree.branch_a,
        year=2026,
        quarter=3,
        amount="900",
        remitted_on=dt.date(2026, 10, 8),
    )
    committee = reconcile(tree.committee, *Q3)
    assert (committee.received, committee.retained, committee.due) == (
        Decimal("900.00"),
        Decimal("360.00"),
        Decimal("540.00"),
    )
    dues_remit(
        actor=committee_staff,
        organization=tree.committee,
        year=2026,
        quarter=3,
        amount="540",
        remitted_on=dt.date(2026, 10, 20),
    )
    county = reconcile(tree.county, *Q3)
    assert (county.received, county.retained, county.due) == (
        Decimal("540.00"),
        Decimal("270.00"),
        Decimal("270.00"),
    )
    out = dues_remit(
        actor=county_staff,
        organization=tree.county,
        year=2026,
        quarter=3,
        amount="270",
        remitted_on=dt.date(2026, 11, 5),
        to_external="中共文山州委组织部",
    )
    assert (out.to_org, out.to_name) == (None, "中共文山州委组织部")
    assert ledger(tree.committee) == [("RETAINED_SHARE", Decimal("360.00"))]
    assert ledger(tree.county) == [("RETAINED_SHARE", Decimal("270.00"))]


def test_a_special_payment_goes_up_whole(tree, collected, secretary_a, today):
    dues_record_special(
        actor=secretary_a,
        organization=tree.branch_a,
        member=collected,
        amount="2000",
        paid_on=dt.date(2026, 9, 1),
    )
    rec = reconcile(tree.branch_a, *Q3)
    assert (rec.retained, rec.due, rec.due_special, rec.to_remit) == (
        Decimal("100.00"),
        Decimal("900.00"),
        Decimal("2000.00"),
        Decimal("2900.00"),
    )
    with pytest.raises(ValidationError, match="超过2026年第三季度应上缴的特殊党费"):
        dues_remit(
            actor=secretary_a,
            organization=tree.branch_a,
            year=2026,
            quarter=3,
            amount="900",
            special_amount="2000.01",
            remitted_on=today,
        )
    dues_remit(
        actor=secretary_a,
        organization=tree.branch_a,
        year=2026,
        quarter=3,
        amount="900",
        special_amount="2000",
        remitted_on=today,
    )
    assert reconcile(tree.committee, *Q3).due_special == Decimal("2000.00")  # passed on whole, none kept


def test_more_than_is_outstanding_is_refused(tree, collected, secretary_a, today):
    dues_remit(
        actor=secretary_a, organization=tree.branch_a, year=2026, quarter=3, amount="500", remitted_on=today
    )
    with pytest.raises(ValidationError, match="尚应上缴400.00元"):
        dues_remit(
            actor=secretary_a,
            organization=tree.branch_a,
            year=2026,
            quarter=3,
            amount="500",
            remitted_on=today,
        )
    assert ledger(tree.branch_a) == [
        ("RETAINED_SHARE", Decimal("100.00"))
    ]  # posted once, at the first remittance


def test_a_remittance_dated_before_its_quarter_or_in_the_future_is_refused(
    tree, collected, secretary_a, today
):
    for day, message in (
        (dt.date(2026, 6, 30), "不能早于2026年第三季度开始"),
        (dt.date(2026, 11, 21), "不能晚于今天"),
    ):
        with pytest.raises(ValidationError, match=message):
            dues_remit(
                actor=secretary_a,
                organization=tree.branch_a,
                year=2026,
                quarter=3,
                amount="900",
                remitted_on=day,
            )


def test_voiding_the_quarter_s_remittance_reverses_its_retained_share(tree, collected, secretary_a, today):
    remittance = dues_remit(
        actor=secretary_a, organization=tree.branch_a, year=2026, quarter=3, amount="900", remitted_on=today
    )
    dues_void_remittance(actor=secretary_a, remittance=remittance, reason="金额填错")
    assert ledger(tree.branch_a) == [
        ("RETAINED_SHARE", Decimal("100.00")),
        ("RETAINED_SHARE", Decimal("-100.00")),
    ]
    assert reconcile(tree.branch_a, *Q3).outstanding == Decimal("900.00")


def test_the_county_returns_forty_percent_of_what_retired_cadre_branches_remitted(
    tree, admin_user, county_staff, shares, today
):
    retired = make_org(
        tree.committee, "C01T01B09", "县老干部党支部", actor=admin_user, category=OrgCategory.RETIRED
    )
    veteran = make_member(
        retired,
        actor=admin_user,
        name="李国华",
        gender="M",
        birth_date=dt.date(1945, 6, 1),
        seq=9,
        occupation="RETIRED",
        is_retired=True,
        is_rural=False,
        joined_on=dt.date(1970, 7, 1),
        full_on=dt.date(1971, 7, 1),
    )
    make_assessment(veteran, actor=admin_user, category="RETIRED", income="6000.00")  # 1 % → 60.00
    make_payments(
        retired,
        actor=admin_user,
        entries=[(veteran, dt.date(2026, m, 1), "60.00") for m in range(1, 11)],
        paid_on=dt.date(2026, 10, 10),
    )
    dues_remit(
        actor=admin_user, organization=retired, year=2026, quarter=4, amount="540", remitted_on=today
    )  # 600 − 10 %
    [row] = retired_returns(tree.county, 2026)
    assert (row.branch, row.remitted, row.rate, row.amount) == (
        retired,
        Decimal("540.00"),
        Decimal("40.00"),
        Decimal("216.00"),
    )
    dues_return_to_retired(actor=county_staff, organization=tree.county, year=2026, day=today)
    assert ledger(tree.county) == [("RETURN_RETIRED", Decimal("-216.00"))]
    assert ledger(retired)[-1] == ("RETURNED", Decimal("216.00"))
    with pytest.raises(ValidationError, match="已返还"):
        dues_return_to_retired(actor=county_staff, organization=tree.county, year=2026, day=today)
