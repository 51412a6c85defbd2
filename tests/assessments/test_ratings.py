"""三级联创: the level above rates township committees (六个好) and village branches (五个好)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.selectors.ratings import rating_figures, unrated
from tests.factories import make_rating

pytestmark = pytest.mark.django_db


def test_ratings_use_the_standard_of_the_organization(tree, committee_staff, county_staff):
    village = make_rating(tree.branch_a, actor=committee_staff)
    township = make_rating(tree.committee, actor=county_staff)
    assert (village.short_standard, village.total_criteria) == ("五个好", 5)
    assert (township.short_standard, township.total_criteria) == ("六个好", 6)
    figures = rating_figures(tree.county, 2026)
    assert (figures.townships_rated, figures.villages_rated, figures.villages_achieved) == (1, 1, 1)


def test_achieved_needs_every_criterion(tree, committee_staff):
    with pytest.raises(ValidationError, match="评为达标须达到全部“五个好”标准"):
        make_rating(tree.branch_a, actor=committee_staff, criteria=["team", "members"])
    rating = make_rating(
        tree.branch_a,
        actor=committee_staff,
        criteria=["team", "members", "mechanism", "results"],
        result="BASIC",
    )
    assert rating.checklist()[-1] == ("农民群众反映好", False)


def test_a_branch_does_not_rate_itself(tree, secretary_a):
    with pytest.raises(PermissionDenied):
        make_rating(tree.branch_a, actor=secretary_a)


def test_only_townships_and_villages_are_rated(tree, county_staff):
    with pytest.raises(ValidationError, match="三级联创评定乡镇党委"):
        make_rating(tree.branch_b, actor=county_staff)  # a community branch


def test_who_is_still_to_be_rated(tree, committee_staff):
    assert [o.name for o in unrated(committee_staff, 2026)] == ["各甫村党支部"]
    make_rating(tree.branch_a, actor=committee_staff)
    assert not unrated(committee_staff, 2026).exists()
