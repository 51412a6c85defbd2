"""Year-end scoring: a score per item, the total, the grade from configurable bands, reward or penalty, ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.models import AssessmentScore
from assessments.selectors.agreements import ranking
from assessments.services.agreements import agreement_score, grade_for
from core.versioning import StaleRecord
from organizations.models import RuleSetting
from organizations.rules import GradeBands
from tests.factories import make_org, sign_orgs

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)


def score(agreement, actor, points, **fields):
    items = list(agreement.items.order_by("order"))
    scores = {
        item.pk: (value, "扣分" if value < item.points else "")
        for item, value in zip(items, points, strict=True)
    }
    return agreement_score(actor=actor, agreement=agreement, scores=scores, scored_on=DAY, **fields)


@pytest.fixture
def county_agreements(tree, county_staff, admin_user):
    third = make_org(
        tree.county, "C01T03", "归朝镇党委", actor=admin_user, kind="COMMITTEE", category="TOWNSHIP"
    )
    fourth = make_org(
        tree.county, "C01T04", "剥隘镇党委", actor=admin_user, kind="COMMITTEE", category="TOWNSHIP"
    )
    return {
        a.subject.name: a
        for a in sign_orgs(
            tree.county, [tree.committee, tree.other_committee, third, fourth], actor=county_staff
        )
    }


def test_the_total_is_the_sum_of_the_items_and_the_grade_follows_the_bands(county_agreements, county_staff):
    s = score(county_agreements["新华镇党委"], county_staff, [Decimal("38.5"), Decimal("27"), Decimal("30")])
    assert s.total == Decimal("95.50")
    assert s.grade == "优秀"
    s = score(county_agreements["睦伦乡党委"], county_staff, [Decimal("30"), Decimal("20"), Decimal("25")])
    assert (s.total, s.grade) == (Decimal("75.00"), "合格")
    items = {i.order: i for i in county_agreements["新华镇党委"].items.all()}
    assert items[1].score == Decimal("38.50") and items[1].score_note == "扣分"


def test_grade_bands_are_a_rule_and_read_on_a_hundred_point_scale(county_agreements, county_staff):
    RuleSetting.objects.create(key="assessment_grade_bands", value="好:85，较好:70，一般:0")
    s = score(county_agreements["新华镇党委"], county_staff, [Decimal("30"), Decimal("25"), Decimal("20")])
    assert s.grade == "较好"
    bands = GradeBands("优秀:90,合格:60,不合格:0")
    assert grade_for(Decimal("45"), Decimal("50"), bands) == "优秀"  # 45 of 50 is 90 of 100
    assert grade_for(Decimal("29.9"), Decimal("50"), bands) == "不合格"


def test_malformed_bands_are_refused_and_the_default_used(county_agreements, county_staff):
    with pytest.raises(ValueError, match="最低分应为0"):
        GradeBands("优秀:90,合格:60")
    RuleSetting.objects.create(key="assessment_grade_bands", value="乱写")
    s = score(county_agreements["新华镇党委"], county_staff, [Decimal("40"), Decimal("30"), Decimal("30")])
    assert s.grade == "优秀"


def test_a_score_above_the_items_points_is_refused_and_nothing_written(county_agreements, county_staff):
    with pytest.raises(ValidationError, match="第1项的得分应在0至40.00分之间"):
        score(county_agreements["新华镇党委"], county_staff, [Decimal("41"), Decimal("30"), Decimal("30")])
    assert not AssessmentScore.objects.exists()
    assert not county_agreements["新华镇党委"].items.filter(score__isnull=False).exists()


def test_every_item_must_be_scored(county_agreements, county_staff):
    agreement = county_agreements["新华镇党委"]
    first = agreement.items.order_by("order").first()
    with pytest.raises(ValidationError, match="请填写第2项的得分"):
        agreement_score(actor=county_staff, agreement=agreement, scores={first.pk: (10, "")}, scored_on=DAY)


def test_a_reward_or_penalty_needs_its_content(county_agreements, county_staff):
    with pytest.raises(ValidationError, match="请填写奖励内容"):
        score(county_agreements["新华镇党委"], county_staff, [40, 30, 30], reward_kind="REWARD")
    s = score(
        county_agreements["新华镇党委"],
        county_staff,
        [40, 30, 30],
        reward_kind="REWARD",
        reward_note="通报表扬",
    )
    assert s.get_reward_kind_display() == "奖励"


def test_an_unsigned_agreement_cannot_be_scored(tree, county_staff):
    [agreement] = sign_orgs(tree.county, [tree.committee], actor=county_staff, signed_on=None)
    with pytest.raises(ValidationError, match="尚未签订"):
        score(agreement, county_staff, [40, 30, 30])


def test_the_committee_does_not_score_its_own_agreement_with_the_county(county_agreements, committee_staff):
    with pytest.raises(Http404):
        score(county_agreements["新华镇党委"], committee_staff, [40, 30, 30])


def test_rescoring_updates_the_score_and_a_stale_form_is_refused(county_agreements, county_staff):
    agreement = county_agreements["新华镇党委"]
    first = score(agreement, county_staff, [30, 30, 30])
    second = score(agreement, county_staff, [40, 30, 30], expected_version=first.version)
    assert (second.total, second.version) == (Decimal("100.00"), 2)
    with pytest.raises(StaleRecord):
        score(agreement, county_staff, [35, 30, 30], expected_version=1)
    with pytest.raises(StaleRecord):  # the form showed no score yet (0), but one was saved since
        score(agreement, county_staff, [35, 30, 30], expected_version=0)


def test_ranking_orders_by_total_with_shared_ranks_and_the_unscored_last(
    county_agreements, county_staff, tree
):
    score(county_agreements["新华镇党委"], county_staff, [35, 25, 25])  # 85
    score(county_agreements["睦伦乡党委"], county_staff, [40, 30, 25])  # 95
    score(county_agreements["归朝镇党委"], county_staff, [35, 25, 25])  # 85
    rows = ranking(tree.county, 2026)
    assert [(r.rank, r.agreement.subject.name) for r in rows] == [
        (1, "睦伦乡党委"),
        (2, "新华镇党委"),
        (2, "归朝镇党委"),
        (None, "剥隘镇党委"),
    ]


def test_ranking_of_the_branches_within_a_committee(tree, committee_staff, county_staff):
    agreements = {
        a.subject.name: a
        for a in sign_orgs(tree.committee, [tree.branch_a, tree.branch_b], actor=committee_staff)
    }
    score(agreements["新华社区党支部"], committee_staff, [40, 30, 28])
    score(agreements["各甫村党支部"], committee_staff, [30, 20, 20])
    assert [r.agreement.subject.name for r in ranking(tree.committee, 2026)] == [
        "新华社区党支部",
        "各甫村党支部",
    ]
    assert ranking(tree.county, 2026) == []  # the county issued none of these
