"""三会一课 and 主题党日 compliance: windows of N months from January, counted once ended, on a frozen day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from organizations.choices import OrgKind
from organizations.models import Organization, RuleSetting
from tests.factories import make_lecture, make_meeting, make_org
from training.periods import Period
from training.selectors.compliance import branch_compliance, compliance_branches, windows_of

from .conftest import more_members

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 10)
YEAR = Period(2026)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0), tick=False)


def row_of(user, org, period=YEAR, today=TODAY):
    rows = branch_compliance(compliance_branches(user, period, today), period, today)
    return next(r for r in rows if r.org == org)


def meetings(org, actor, kind, *days):
    with on(TODAY):
        for day in days:
            make_meeting(org, actor=actor, kind=kind, held_on=day, expected=10, present=9)


def test_windows_are_months_or_quarters_from_january_that_overlap_the_period():
    assert windows_of(Period(2026), 3) == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]
    assert windows_of(Period(2026, "Q3"), 1) == [
        (dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
        (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    ]
    assert windows_of(Period(2026, "H2"), 6) == [(dt.date(2026, 7, 1), dt.date(2026, 12, 31))]


def test_a_month_without_a_theme_day_makes_the_branch_behind_once_the_month_has_ended(
    tree, secretary_a, county_staff
):
    meetings(
        tree.branch_a,
        secretary_a,
        "ACTIVITY_DAY",
        dt.date(2026, 1, 8),
        dt.date(2026, 2, 8),
        dt.date(2026, 4, 8),
    )
    row = row_of(county_staff, tree.branch_a)
    day = row.activity_day
    assert (day.due, day.met, day.held) == (4, 3, 3)  # January–April ended; May is still open
    assert day.behind and day.missed_labels == ["3月"]
    assert day.text == "3/4"
    assert "主题党日" in row.behind_kinds
    # On the last day of April, April has not ended yet: only March is missing.
    assert row_of(county_staff, tree.branch_a, today=dt.date(2026, 4, 30)).activity_day.due == 3


def test_a_quarterly_assembly_held_in_the_quarter_is_on_time_and_the_current_quarter_is_open(
    tree, secretary_a, county_staff
):
    meetings(tree.branch_a, secretary_a, "ASSEMBLY", dt.date(2026, 2, 20))
    row = row_of(county_staff, tree.branch_a)
    assert (row.assembly.due, row.assembly.met, row.assembly.behind) == (1, 1, False)
    # Branch B held none: behind for the first quarter.
    other = row_of(county_staff, tree.branch_b)
    assert other.assembly.behind and other.assembly.missed_labels == ["1–3月"]
    # Before the first quarter ended nothing is due yet.
    early = row_of(county_staff, tree.branch_b, today=dt.date(2026, 3, 31))
    assert early.assembly.due == 0 and early.assembly.text == "进行中"


def test_the_frequencies_are_rules_an_administrator_may_change(tree, secretary_a, county_staff):
    RuleSetting.objects.create(key="meeting_interval_assembly_months", value="6")
    assert row_of(county_staff, tree.branch_b).assembly.due == 0  # the first half-year is still open
    assert row_of(county_staff, tree.branch_b, today=dt.date(2026, 7, 2)).assembly.due == 1


def test_a_branch_committee_meets_monthly_only_where_the_branch_has_one(
    tree, secretary_a, county_staff, admin_user
):
    more_members(tree.branch_a, admin_user, 7)
    assert row_of(county_staff, tree.branch_a).committee.applies
    assert row_of(county_staff, tree.branch_a).committee.due == 4
    small = row_of(county_staff, tree.branch_b)
    assert not small.committee.applies and small.committee.text == "不适用" and not small.committee.behind


def test_each_party_group_meets_monthly(tree, secretary_a, county_staff):
    first = make_org(tree.branch_a, "C01T01B01G1", "第一党小组", actor=county_staff, kind=OrgKind.GROUP)
    second = make_org(tree.branch_a, "C01T01B01G2", "第二党小组", actor=county_staff, kind=OrgKind.GROUP)
    meetings(first, secretary_a, "GROUP", *(dt.date(2026, m, 3) for m in (1, 2, 3, 4)))
    meetings(second, secretary_a, "GROUP", dt.date(2026, 1, 3))
    group = row_of(county_staff, tree.branch_a).group
    assert (group.units, group.due, group.met, group.behind) == (2, 8, 5, True)
    assert not row_of(county_staff, tree.branch_b).group.applies


def test_a_party_lecture_hosted_by_the_branch_counts_as_its_party_class(tree, secretary_a, county_staff):
    with on(TODAY):
        make_lecture(tree.branch_a, actor=secretary_a, given_on=dt.date(2026, 2, 14))
    meetings(
        tree.branch_b, secretary_a.__class__.objects.get(username="admin"), "LECTURE", dt.date(2026, 3, 1)
    )
    assert not row_of(county_staff, tree.branch_a).lecture.behind
    assert not row_of(county_staff, tree.branch_b).lecture.behind
    assert row_of(county_staff, tree.branch_c).lecture.behind


def test_a_branch_established_in_april_owes_nothing_for_the_first_quarter(tree, county_staff):
    new = make_org(
        tree.committee, "C01T01B09", "新建村党支部", actor=county_staff, established_on=dt.date(2026, 4, 15)
    )
    row = row_of(county_staff, new)
    assert row.assembly.due == 0
    assert row.activity_day.due == 1  # April (from its 15th)
    assert Organization.objects.get(pk=new.pk).established_on == dt.date(2026, 4, 15)


def test_a_meeting_is_recorded_where_its_kind_is_held(tree, secretary_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="党小组会应登记在党小组名下"):
        make_meeting(tree.branch_a, actor=secretary_a, kind="GROUP")
    with pytest.raises(ValidationError, match="实到人数不能多于应到人数"):
        make_meeting(tree.branch_a, actor=secretary_a, expected=5, present=6)


def test_the_compliance_page_lists_only_the_branches_behind_when_asked(
    client, tree, secretary_a, county_staff
):
    from django.urls import reverse

    for kind, days in (
        ("ASSEMBLY", [dt.date(2026, 2, 1)]),
        ("LECTURE", [dt.date(2026, 2, 1)]),
        ("ACTIVITY_DAY", [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]),
    ):
        meetings(tree.branch_a, secretary_a, kind, *days)
    client.force_login(county_staff)
    with on(TODAY):
        page = client.get(reverse("training:compliance"), {"year": "2026", "behind": "on"})
    names = [r.org.name for r in page.context["page_obj"]]
    assert names == ["新华社区党支部", "睦伦村党支部"]
    with on(TODAY):
        export = client.get(reverse("training:compliance"), {"year": "2026", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
