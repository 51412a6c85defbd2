"""transfers.in / .out / .total and certificates.issued for a subtree and a period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from members.selectors.transfers import transfer_figures
from members.services.transfers import (
    certificate_issue,
    transfer_accept,
    transfer_issue,
    transfer_record_incoming,
    transfer_record_receipt,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


@pytest.fixture
def moves(tree, member_a, member_b, member_c, county_staff):
    """One of each: A → C inside the county, B out of the county, one person into branch C, one still open."""
    inside = transfer_issue(
        actor=county_staff,
        kind="INTERNAL",
        member=member_a,
        issued_on=dt.date(2026, 3, 1),
        to_org=tree.branch_c,
    )
    transfer_accept(actor=county_staff, transfer=inside, day=dt.date(2026, 3, 5))
    out = transfer_issue(
        actor=county_staff,
        kind="OUT",
        member=member_b,
        issued_on=dt.date(2026, 4, 1),
        to_external="中共百色市委组织部",
    )
    transfer_record_receipt(actor=county_staff, transfer=out, day=dt.date(2026, 4, 20))
    incoming = transfer_record_incoming(
        actor=county_staff,
        to_org=tree.branch_c,
        letter_no="入1",
        from_external="中共文山州委组织部",
        issued_on=dt.date(2026, 5, 1),
        person=dict(
            name="黄文军",
            gender="M",
            ethnicity="壮族",
            birth_date=dt.date(1980, 1, 1),
            id_number="532627198001010011",
            status="FULL",
            joined_on=dt.date(2003, 7, 1),
            full_on=dt.date(2004, 7, 1),
            education="COLLEGE",
            occupation="PROFESSIONAL",
        ),
    )
    transfer_accept(actor=county_staff, transfer=incoming, day=dt.date(2026, 5, 10))
    # still waiting for its receipt: not completed, not counted
    transfer_issue(
        actor=county_staff,
        kind="OUT",
        member=member_c,
        issued_on=dt.date(2026, 6, 1),
        to_external="中共昆明市委组织部",
    )


def test_for_the_county_only_letters_across_its_border_count(tree, moves):
    figures = transfer_figures(tree.county, *YEAR)
    assert (figures.transfers_in, figures.transfers_out, figures.total, figures.internal) == (1, 1, 2, 1)


def test_for_a_committee_a_move_to_another_committee_is_an_outgoing_transfer(tree, moves):
    xinhua = transfer_figures(tree.committee, *YEAR)  # lost A to 睦伦, B out of the county
    assert (xinhua.transfers_in, xinhua.transfers_out, xinhua.total) == (0, 2, 2)
    mulun = transfer_figures(tree.other_committee, *YEAR)  # gained A, and the newcomer
    assert (mulun.transfers_in, mulun.transfers_out, mulun.total) == (2, 0, 2)


def test_transfers_count_in_the_period_they_were_completed(tree, moves):
    first_quarter = transfer_figures(tree.county, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (first_quarter.total, first_quarter.internal) == (0, 1)
    april = transfer_figures(tree.county, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april.transfers_in, april.transfers_out) == (0, 1)


def test_certificates_issued_in_the_period_are_counted_by_subtree(tree, member_a, member_c, county_staff):
    for member, day in ((member_a, dt.date(2026, 2, 1)), (member_c, dt.date(2026, 3, 1))):
        certificate_issue(
            actor=county_staff,
            member=member,
            issued_on=day,
            destination="昆明",
            reason="就医",
            valid_until=day + dt.timedelta(days=30),
        )
    assert transfer_figures(tree.county, *YEAR).certificates_issued == 2
    assert transfer_figures(tree.committee, *YEAR).certificates_issued == 1
    assert transfer_figures(tree.county, dt.date(2026, 2, 15), dt.date(2026, 12, 31)).certificates_issued == 1


def test_transfer_figures_run_two_queries(tree, moves, django_assert_num_queries):
    with django_assert_num_queries(2):
        # 1 completed transfers counted three ways, 2 certificates issued
        transfer_figures(tree.county, *YEAR)
