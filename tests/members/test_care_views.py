"""Pages of care visits (走访慰问)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import CareVisit, CareVisitMember
from members.services.care import care_visit_create
from members.services.member import member_register

from ..conftest import member_fields

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 7, 1)


# Who may open each page (anonymous, outsider, auditor, insiders) is tests/test_scope_matrix.py's job.


# --- query counts ----------------------------------------------------------------------


@pytest.fixture
def two_visits(tree, member_a, member_b, committee_staff, admin_user):
    extra = member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="陆秀英",
            gender="F",
            birth_date=dt.date(1950, 3, 15),
            id_number="532627195003150022",
            joined_on=dt.date(1980, 7, 1),
            full_on=dt.date(1981, 7, 1),
        ),
    )
    return [
        care_visit_create(
            actor=committee_staff,
            organization=tree.committee,
            visited_on=day,
            occasion=occasion,
            visitors="党委书记",
            funding="FISCAL",
            entries=[(member_a, "100"), (member_b, "80"), (extra, "60")],
        )
        for day, occasion in ((DAY, "JULY_FIRST"), (dt.date(2026, 2, 10), "SPRING_FESTIVAL"))
    ]


def test_the_visit_list_runs_a_fixed_number_of_queries(
    client, two_visits, committee_staff, django_assert_num_queries
):
    client.force_login(committee_staff)
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 the user's organization, 4 totals of the filtered visits,
        # 5 COUNT for the paginator, 6 the organization filter's choices,
        # 7 the page of visits with organizer and per-visit totals
        response = client.get(reverse("members:care_list"))
    assert len(response.context["page_obj"]) == 2
    assert response.context["totals"]["amount"] == Decimal("480.00")


def test_the_visit_page_runs_a_fixed_number_of_queries(
    client, two_visits, committee_staff, django_assert_num_queries
):
    client.force_login(committee_staff)
    with django_assert_num_queries(8):
        # 1 session, 2 user, 3 the user's organization, 4 the visit with its organizer,
        # 5 totals (members, branches, money), 6 COUNT, 7 the page of members with organizations,
        # 8 the change history with actors and content types (related records are stored
        # by name, so showing an entry costs no further query)
        response = client.get(reverse("members:care_detail", args=[two_visits[0].pk]))
    assert len(response.context["page_obj"]) == 3


def test_the_candidate_page_runs_a_fixed_number_of_queries(
    client, tree, two_visits, committee_staff, django_assert_num_queries
):
    visit = care_visit_create(
        actor=committee_staff,
        organization=tree.committee,
        visited_on=DAY,
        occasion="DOUBLE_NINTH",
        visitors="党委书记",
        funding="OTHER",
    )
    client.force_login(committee_staff)
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 the user's organization, 4 the visit, 5 the old-age rule,
        # 6 COUNT of candidates, 7 the page of candidates with their organizations
        response = client.get(reverse("members:care_add_members", args=[visit.pk]))
    assert len(response.context["page_obj"]) == 3


# --- pages at work -----------------------------------------------------------------------


def test_recording_a_visit_leads_to_choosing_members(client, tree, member_a, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:care_new"),
        {
            "organization": tree.committee.pk,
            "visited_on": DAY.isoformat(),
            "occasion": "JULY_FIRST",
            "visitors": "县委领导",
            "funding": "RETAINED_DUES",
        },
    )
    visit = CareVisit.objects.get()
    assert response["Location"] == reverse("members:care_add_members", args=[visit.pk])
    response = client.post(
        response["Location"], {"pick": [member_a.pk], "default_amount": "100", f"amount_{member_a.pk}": ""}
    )
    assert response.status_code == 302
    assert visit.recipients.get().amount == Decimal("100.00")


def test_a_negative_amount_on_the_page_adds_nobody(client, tree, member_a, member_b, committee_staff):
    visit = care_visit_create(
        actor=committee_staff,
        organization=tree.committee,
        visited_on=DAY,
        occasion="JULY_FIRST",
        visitors="党委书记",
        funding="FISCAL",
    )
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:care_add_members", args=[visit.pk]),
        {"pick": [member_a.pk, member_b.pk], "default_amount": "50", f"amount_{member_b.pk}": "-10"},
    )
    assert response.status_code == 200
    assert "李明：慰问金不能为负数" in response.context["form"].non_field_errors()
    assert not CareVisitMember.objects.exists()


def test_the_list_filters_by_occasion_and_period(client, two_visits, committee_staff):
    client.force_login(committee_staff)
    response = client.get(reverse("members:care_list"), {"occasion": "SPRING_FESTIVAL"})
    assert [v.occasion for v in response.context["page_obj"]] == ["SPRING_FESTIVAL"]
    response = client.get(reverse("members:care_list"), {"start": "2026-06-01", "end": "2026-12-31"})
    assert [v.visited_on for v in response.context["page_obj"]] == [DAY]
