"""目标管理责任书: issuing in bulk with exemptions, the rate they produce, signing, the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.choices import AgreementLevel, AgreementStatus, Exemption
from assessments.models import AgreementItem, TargetAgreement
from assessments.selectors.agreements import agreement_figures, member_sheet, subtree_progress
from assessments.services.agreements import (
    agreements_exempt,
    agreements_issue_to_members,
    agreements_sign,
    agreements_unexempt,
)
from organizations.models import RuleSetting
from tests.factories import SIGN_DAY, make_member, make_template, sign_members, sign_orgs

pytestmark = pytest.mark.django_db

YEAR = 2026
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def issue_as_the_screen_does(org, actor, template, signed_on=SIGN_DAY):
    """What 生成责任书 on the branch screen does with the default ticks: the rule-exempt are recorded as exempt."""
    sheet = member_sheet(org, YEAR)
    return agreements_issue_to_members(
        actor=actor,
        organization=org,
        year=YEAR,
        template=template,
        members=[r.member for r in sheet.to_issue if not r.suggested],
        exempt=[(r.member, *r.suggested) for r in sheet.to_issue if r.suggested],
        signed_on=signed_on,
    )


def test_the_rules_suggest_exempting_old_rural_and_retired_members(tree, branch_a_members):
    sheet = member_sheet(tree.branch_a, YEAR)
    suggested = {r.member.name: r.suggested for r in sheet.rows}
    assert suggested["张桂芳"][0] == Exemption.RURAL_ELDERLY  # rural, 76
    assert suggested["农德才"] == (
        Exemption.RURAL_ELDERLY,
        "年满60岁的农村党员",
    )  # rural, just 60: 以上 includes 60
    assert suggested["梁志刚"][0] == Exemption.RETIRED  # retired, not rural
    assert suggested["黄文军"] is None and suggested["陆秀兰"] is None and suggested["韦小红"] is None


def test_bulk_issue_lists_the_exempt_with_their_reason_and_gives_the_rate(
    tree, secretary_a, branch_a_members
):
    template = make_template(tree.branch_a, actor=secretary_a)
    issued = issue_as_the_screen_does(tree.branch_a, secretary_a, template)

    assert len(issued.agreements) == 3 and len(issued.exempted) == 3
    rows = {a.member.name: a for a in TargetAgreement.objects.filter(year=YEAR).select_related("member")}
    assert len(rows) == 6  # nobody silently skipped
    assert rows["农德才"].status == AgreementStatus.EXEMPT
    assert rows["农德才"].exemption_note == "年满60岁的农村党员"
    assert rows["梁志刚"].get_exemption_display() == "离退休党员"
    assert rows["黄文军"].status == AgreementStatus.SIGNED and rows["黄文军"].signed_on == SIGN_DAY
    # Items are copied to the signing members only.
    assert AgreementItem.objects.filter(agreement__member__name="黄文军").count() == 4
    assert not AgreementItem.objects.filter(agreement__exemption__gt="").exists()

    sheet = member_sheet(tree.branch_a, YEAR)
    assert (sheet.signed, sheet.exempt, sheet.pending, sheet.missing) == (3, 3, 0, 0)
    assert sheet.rate == Decimal("50.00")
    figures = agreement_figures(tree.county, START, END)
    assert (figures.members_signed, figures.members_total) == (3, 6)
    assert figures.members_rate == Decimal("50.00")


def test_the_exemption_age_is_a_rule(tree, secretary_a, branch_a_members):
    RuleSetting.objects.create(key="agreement_exempt_rural_age", value="65")
    suggested = {r.member.name: r.suggested for r in member_sheet(tree.branch_a, YEAR).rows}
    assert suggested["农德才"] is None  # 60 is no longer old enough
    assert suggested["张桂芳"] == (Exemption.RURAL_ELDERLY, "年满65岁的农村党员")


def test_exempt_retired_members_can_be_switched_off(tree, branch_a_members):
    RuleSetting.objects.create(key="agreement_exempt_retired", value="0")
    suggested = {r.member.name: r.suggested for r in member_sheet(tree.branch_a, YEAR).rows}
    assert suggested["梁志刚"] is None


def test_a_member_the_rules_exempt_may_sign_all_the_same(tree, secretary_a, branch_a_members):
    template = make_template(tree.branch_a, actor=secretary_a)
    old = branch_a_members[3]  # 农德才, 60
    sign_members(tree.branch_a, [old], actor=secretary_a, template=template)
    assert TargetAgreement.objects.get(member=old).status == AgreementStatus.SIGNED


def test_issue_refuses_a_member_who_already_has_the_years_agreement_and_writes_nothing(
    tree, secretary_a, branch_a_members
):
    template = make_template(tree.branch_a, actor=secretary_a)
    sign_members(tree.branch_a, branch_a_members[1:2], actor=secretary_a, template=template)
    before = (TargetAgreement.objects.count(), AgreementItem.objects.count(), LogEntry.objects.count())
    with pytest.raises(ValidationError, match="黄文军本年度已有目标管理责任书"):
        sign_members(tree.branch_a, branch_a_members[1:3], actor=secretary_a, template=template)
    assert (
        TargetAgreement.objects.count(),
        AgreementItem.objects.count(),
        LogEntry.objects.count(),
    ) == before


def test_issue_refuses_a_member_of_another_branch(
    tree, secretary_a, branch_a_members, member_b, committee_staff
):
    template = make_template(
        tree.committee, actor=committee_staff
    )  # a committee's template serves its branches
    with pytest.raises(ValidationError, match="李明不是各甫村党支部的党员"):
        sign_members(tree.branch_a, [member_b], actor=committee_staff, template=template)


def test_issue_refuses_a_template_of_another_year_or_level(tree, secretary_a, branch_a_members):
    last_year = make_template(tree.branch_a, actor=secretary_a, year=2025)
    with pytest.raises(ValidationError, match="2026年度、签订对象为党员的模板"):
        sign_members(tree.branch_a, branch_a_members[1:2], actor=secretary_a, template=last_year, year=2026)


def test_a_branch_secretary_cannot_issue_for_another_branch(tree, secretary_b, branch_a_members, secretary_a):
    template = make_template(tree.branch_a, actor=secretary_a)
    with pytest.raises(Http404):
        sign_members(tree.branch_a, branch_a_members[1:2], actor=secretary_b, template=template)


def test_issue_writes_an_audit_row_per_agreement_and_item_as_the_actor(tree, secretary_a, branch_a_members):
    template = make_template(tree.branch_a, actor=secretary_a)
    start = LogEntry.objects.count()
    sign_members(tree.branch_a, branch_a_members[1:3], actor=secretary_a, template=template)
    entries = LogEntry.objects.order_by("pk")[start:]
    assert len(entries) == 2 + 2 * 4
    assert {e.actor_id for e in entries} == {secretary_a.pk}
    created = [e for e in entries if e.content_type.model == "targetagreement"]
    assert created[0].changes_dict["signed_on"][1] == "2026-02-20"


def test_signing_later_and_exempting_and_unexempting(tree, secretary_a, branch_a_members):
    template = make_template(tree.branch_a, actor=secretary_a)
    issued = sign_members(
        tree.branch_a, branch_a_members[1:4], actor=secretary_a, template=template, signed_on=None
    )
    pending = issued.agreements
    assert all(a.status == AgreementStatus.PENDING for a in pending)

    agreements_sign(actor=secretary_a, agreements=pending[:2], signed_on=dt.date(2026, 3, 2))
    assert TargetAgreement.objects.filter(signed_on=dt.date(2026, 3, 2)).count() == 2

    agreements_exempt(actor=secretary_a, agreements=pending[2:], reason=Exemption.ILLNESS, note="长期卧病")
    exempt = TargetAgreement.objects.get(pk=pending[2].pk)
    assert exempt.status == AgreementStatus.EXEMPT and exempt.version == 2
    assert not exempt.items.exists()

    agreements_unexempt(actor=secretary_a, agreements=[exempt], template=template)
    exempt.refresh_from_db()
    assert exempt.status == AgreementStatus.PENDING and exempt.items.count() == 4


def test_signed_agreements_cannot_be_exempted(tree, secretary_a, branch_a_members):
    issued = sign_members(tree.branch_a, branch_a_members[1:2], actor=secretary_a)
    with pytest.raises(ValidationError, match="已签订责任书，不能改为免签"):
        agreements_exempt(actor=secretary_a, agreements=issued.agreements, reason=Exemption.OTHER)


def test_an_exempt_member_cannot_be_signed(tree, secretary_a, branch_a_members):
    issued = agreements_issue_to_members(
        actor=secretary_a,
        organization=tree.branch_a,
        year=YEAR,
        template=None,
        members=[],
        exempt=[(branch_a_members[4], Exemption.RETIRED, "")],
    )
    with pytest.raises(ValidationError, match="梁志刚为免签党员"):
        agreements_sign(actor=secretary_a, agreements=issued.exempted, signed_on=SIGN_DAY)


def test_the_signing_day_must_be_in_the_year_or_the_december_before(tree, secretary_a, branch_a_members):
    template = make_template(tree.branch_a, actor=secretary_a)
    sign_members(
        tree.branch_a,
        branch_a_members[1:2],
        actor=secretary_a,
        template=template,
        signed_on=dt.date(2025, 12, 28),
    )
    with pytest.raises(ValidationError, match="签订日期应在2026年内"):
        sign_members(
            tree.branch_a,
            branch_a_members[2:3],
            actor=secretary_a,
            template=template,
            signed_on=dt.date(2025, 6, 1),
        )


def test_organizations_sign_level_by_level_and_are_counted_by_kind(
    tree, county_staff, committee_staff, branch_a_members
):
    sign_orgs(tree.county, [tree.committee, tree.other_committee], actor=county_staff)
    sign_orgs(tree.committee, [tree.branch_a], actor=committee_staff, signed_on=None)  # branch B not yet
    figures = agreement_figures(tree.county, START, END)
    assert (figures.committees_signed, figures.branches_signed) == (2, 0)

    progress = subtree_progress(tree.committee, YEAR)
    statuses = {r.org.name: r.status for r in progress.rows}
    assert statuses == {"各甫村党支部": AgreementStatus.PENDING, "新华社区党支部": AgreementStatus.NONE}
    assert TargetAgreement.objects.filter(level=AgreementLevel.ORGANIZATION).count() == 3


def test_a_committee_cannot_issue_to_an_organization_outside_its_subtree(tree, committee_staff):
    with pytest.raises(ValidationError, match="睦伦村党支部不是新华镇党委的下级党组织"):
        sign_orgs(tree.committee, [tree.branch_c], actor=committee_staff)


def test_progress_counts_each_partys_members_and_their_signing(
    tree, committee_staff, secretary_a, branch_a_members, member_b
):
    issue_as_the_screen_does(tree.branch_a, secretary_a, make_template(tree.committee, actor=committee_staff))
    progress = subtree_progress(tree.committee, YEAR)
    rows = {r.org.name: r for r in progress.rows}
    a, b = rows["各甫村党支部"], rows["新华社区党支部"]
    assert (a.members, a.signed, a.exempt, a.missing) == (6, 3, 3, 0)
    assert (b.members, b.signed, b.missing) == (1, 0, 1)
    assert (progress.total.members, progress.total.signed) == (7, 3)


def test_members_signed_count_where_they_signed_when_a_branch_moves_later(
    tree, secretary_a, branch_a_members, admin_user
):
    """The dated tree: branch A moves to the other committee in November; 2026's figure for 新华镇 keeps its signatures."""
    from organizations.services import org_move

    issue_as_the_screen_does(tree.branch_a, secretary_a, make_template(tree.branch_a, actor=secretary_a))
    org_move(actor=admin_user, org=tree.branch_a, new_parent=tree.other_committee, day=dt.date(2026, 11, 25))
    assert agreement_figures(tree.committee, START, END).members_signed == 3
    assert agreement_figures(tree.other_committee, START, END).members_signed == 0


def test_a_new_member_later_in_the_year_shows_as_not_issued(tree, secretary_a, branch_a_members, admin_user):
    issue_as_the_screen_does(tree.branch_a, secretary_a, make_template(tree.branch_a, actor=secretary_a))
    make_member(
        tree.branch_a,
        actor=admin_user,
        seq=31,
        name="罗新",
        birth_date=dt.date(1999, 1, 1),
        joined_on=dt.date(2026, 7, 1),
        full_on=None,
        status="PROBATIONARY",
    )
    sheet = member_sheet(tree.branch_a, YEAR)
    assert [r.member.name for r in sheet.to_issue] == ["罗新"]
