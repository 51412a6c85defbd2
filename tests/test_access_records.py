"""Exports and full-ID reveals are recorded (core.access); the access records page (访问记录) is scoped."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AccessKind, AccessRecord
from organizations.choices import OrgCategory, OrgKind, Role
from tests.factories import make_care_visit, make_org, make_user

pytestmark = pytest.mark.django_db

CARE = reverse("members:care_list")
ACCESS = reverse("audit:access")
HTMX = {"HTTP_HX_REQUEST": "true"}


def reveal_url(member) -> str:
    return reverse("members:reveal_id", args=[member.pk])


def sheet_rows(response) -> list[tuple]:
    return list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))


def record(user, kind=AccessKind.EXPORT, *, what="党员名册", at=None, org=None) -> AccessRecord:
    """A record as ``record_access`` writes it, at a chosen time (the page's filters read ``at``)."""
    org = org or user.organization
    return AccessRecord.objects.create(
        kind=kind,
        at=at or timezone.now(),
        user=user,
        username=user.username,
        user_name=user.full_name,
        organization_path=org.path,
        organization_name=org.name,
        what=what,
    )


# --- exports ------------------------------------------------------------------------


def test_a_list_export_writes_one_record_with_the_row_count_and_filters(client, tree, secretary_a, member_a):
    make_care_visit(tree.branch_a, actor=secretary_a, entries=[(member_a, "100.00")])
    make_care_visit(tree.branch_a, actor=secretary_a, entries=[(member_a, "200.00")])
    make_care_visit(tree.branch_a, actor=secretary_a, occasion="SPRING_FESTIVAL")
    client.force_login(secretary_a)

    response = client.get(CARE, {"occasion": "JULY_FIRST", "format": "xlsx"})

    assert len(sheet_rows(response)) == 1 + 2  # header and the two 七一 visits
    entry = AccessRecord.objects.get()
    assert entry.kind == AccessKind.EXPORT
    assert entry.what == "走访慰问记录"
    assert entry.rows == 2
    assert entry.filters == "慰问时机：七一"
    assert entry.query == "occasion=JULY_FIRST&format=xlsx"
    assert (entry.user, entry.username, entry.organization_name) == (
        secretary_a,
        "secretary_a",
        "各甫村党支部",
    )
    assert entry.organization_path == tree.branch_a.path
    assert entry.ip == "127.0.0.1"
    assert entry.page == CARE


def test_an_export_with_a_bad_filter_is_recorded_with_no_rows(client, secretary_a):
    client.force_login(secretary_a)
    client.get(CARE, {"occasion": "X", "format": "xlsx"})
    entry = AccessRecord.objects.get()
    assert (entry.rows, entry.filters) == (0, "筛选条件有误，未导出数据")


def test_looking_at_a_list_records_nothing(client, secretary_a):
    client.force_login(secretary_a)
    assert client.get(CARE, {"occasion": "JULY_FIRST"}).status_code == 200
    assert not AccessRecord.objects.exists()


def test_the_member_export_writes_a_record_with_its_rows_and_filters(
    client, county_staff, member_a, member_b, member_c
):
    client.force_login(county_staff)
    women = sum(m.gender == "F" for m in (member_a, member_b, member_c))

    response = client.get(reverse("members:export"), {"gender": "F"})

    assert len(sheet_rows(response)) == 1 + women
    entry = AccessRecord.objects.get()
    assert (entry.kind, entry.what, entry.rows) == (AccessKind.EXPORT, "党员名册", women)
    assert "性别：女" in entry.filters
    assert entry.query == "gender=F"


# --- revealing a full ID number ------------------------------------------------------


def test_the_member_page_shows_the_masked_number_and_the_button_to_county_staff(
    client, county_staff, member_a
):
    client.force_login(county_staff)
    page = client.get(member_a.get_absolute_url()).content.decode()
    assert member_a.id_number not in page
    assert member_a.masked_id_number in page
    assert "查看完整号码" in page and reveal_url(member_a) in page
    assert not AccessRecord.objects.exists()  # showing the page reveals nothing


def test_a_reveal_by_county_staff_returns_the_number_and_writes_a_record(client, county_staff, member_a):
    client.force_login(county_staff)

    response = client.post(reveal_url(member_a), **HTMX)

    assert response.status_code == 200
    assert member_a.id_number in response.content.decode()
    assert "<html" not in response.content.decode()  # only the cell, for htmx to swap
    entry = AccessRecord.objects.get()
    assert entry.kind == AccessKind.REVEAL_ID
    assert entry.user == county_staff
    assert member_a.name in entry.what and "公民身份号码" in entry.what
    assert entry.page == reveal_url(member_a)


def test_a_reveal_without_htmx_shows_the_page_with_the_number(client, committee_staff, member_a):
    client.force_login(committee_staff)
    response = client.post(reveal_url(member_a))
    assert response.status_code == 200
    assert member_a.id_number in response.content.decode()
    assert response.context["member"] == member_a
    assert AccessRecord.objects.filter(kind=AccessKind.REVEAL_ID, user=committee_staff).count() == 1


def test_a_branch_secretarys_reveal_is_refused_and_writes_nothing(client, secretary_a, member_a):
    client.force_login(secretary_a)
    page = client.get(member_a.get_absolute_url()).content.decode()
    assert member_a.id_number not in page
    assert "查看完整号码" not in page

    assert client.post(reveal_url(member_a), **HTMX).status_code == 403
    assert not AccessRecord.objects.exists()


def test_a_reveal_outside_ones_scope_is_not_found_and_writes_nothing(client, secretary_b, member_a):
    client.force_login(secretary_b)
    assert client.post(reveal_url(member_a), **HTMX).status_code == 404
    assert not AccessRecord.objects.exists()


def test_an_auditor_never_sees_the_full_number(client, auditor, member_a):
    auditor.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))  # not even when granted
    client.force_login(auditor)
    page = client.get(member_a.get_absolute_url()).content.decode()
    assert member_a.id_number not in page
    assert "查看完整号码" not in page

    response = client.post(reveal_url(member_a), **HTMX)
    assert response.status_code == 403
    assert member_a.id_number not in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_the_permission_lets_a_granted_branch_secretary_reveal(client, secretary_a, member_a):
    secretary_a.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    client.force_login(secretary_a)
    response = client.post(reveal_url(member_a), **HTMX)
    assert member_a.id_number in response.content.decode()
    assert AccessRecord.objects.get().user == secretary_a


def test_a_reveal_is_a_post(client, county_staff, member_a):
    client.force_login(county_staff)
    assert client.get(reveal_url(member_a)).status_code == 405
    assert not AccessRecord.objects.exists()


# --- the access records page -----------------------------------------------------------


@pytest.fixture
def other_county(admin_user):
    """A second county with its own staff, whose records the first county must not see."""
    county = make_org(
        None, "C02", "另一县委", actor=admin_user, kind=OrgKind.COUNTY_COMMITTEE, category=OrgCategory.ORGAN
    )
    return make_user("county2", Role.COUNTY_STAFF, county)


def usernames(response) -> list[str]:
    return [r.username for r in response.context["page_obj"].object_list]


def test_county_staff_see_their_countys_records_only(
    client, county_staff, secretary_a, committee_staff, other_county
):
    record(secretary_a)
    record(committee_staff)
    record(other_county)
    client.force_login(county_staff)
    assert sorted(usernames(client.get(ACCESS))) == ["committee", "secretary_a"]


def test_a_superuser_sees_every_record(client, admin_user, secretary_a, other_county, tree):
    record(secretary_a)
    record(other_county)
    client.force_login(admin_user)
    assert sorted(usernames(client.get(ACCESS))) == ["county2", "secretary_a"]


def test_the_countys_auditor_reads_the_records(client, auditor, secretary_a):
    record(secretary_a)
    client.force_login(auditor)
    assert usernames(client.get(ACCESS)) == ["secretary_a"]


@pytest.mark.parametrize("role", ["committee_staff", "secretary_a"])
def test_accounts_below_the_county_may_not_open_the_records(client, request, role, secretary_a):
    record(secretary_a)
    client.force_login(request.getfixturevalue(role))
    assert client.get(ACCESS).status_code == 403


def test_the_records_filter_by_user_kind_and_period(client, county_staff, secretary_a, committee_staff):
    may_day = timezone.make_aware(dt.datetime(2026, 5, 1, 10, 0))
    june_day = timezone.make_aware(dt.datetime(2026, 6, 1, 10, 0))
    record(secretary_a, at=may_day)
    record(secretary_a, AccessKind.REVEAL_ID, at=june_day)
    record(committee_staff, at=june_day)
    client.force_login(county_staff)

    assert usernames(client.get(ACCESS, {"who": "secretary_a"})) == ["secretary_a", "secretary_a"]
    assert usernames(client.get(ACCESS, {"kind": "REVEAL_ID"})) == ["secretary_a"]
    assert sorted(usernames(client.get(ACCESS, {"start": "2026-06-01", "end": "2026-06-30"}))) == [
        "committee",
        "secretary_a",
    ]
    assert usernames(client.get(ACCESS, {"end": "2026-05-31"})) == ["secretary_a"]


def test_exporting_the_records_is_itself_recorded(client, county_staff, secretary_a):
    record(secretary_a)
    client.force_login(county_staff)

    rows = sheet_rows(client.get(ACCESS, {"kind": "EXPORT", "format": "xlsx"}))

    assert rows[1][1] == "secretary_a"
    latest = AccessRecord.objects.latest("pk")
    assert (latest.user, latest.what, latest.rows, latest.filters) == (
        county_staff,
        "访问记录",
        1,
        "类别：导出",
    )


def test_the_records_page_runs_a_fixed_number_of_queries(
    client, county_staff, secretary_a, committee_staff, django_assert_num_queries
):
    for _ in range(3):
        record(secretary_a)
        record(committee_staff)
    client.force_login(county_staff)
    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the user's organization (the scope),
        # 4 COUNT for the paginator, 5 the page of records (names are copied on the record: no joins)
        response = client.get(ACCESS)
    assert len(response.context["page_obj"]) == 6


def test_the_menu_offers_the_records_to_the_county_only(client, county_staff, secretary_a):
    client.force_login(county_staff)
    assert ACCESS in client.get(reverse("home")).content.decode()
    client.force_login(secretary_a)
    assert ACCESS not in client.get(reverse("home")).content.decode()
