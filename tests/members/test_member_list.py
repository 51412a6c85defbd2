"""The member list (党员名册): search, filters, members on a past date, masking, query count."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from core.idcard import check_char
from members.selectors.member import filter_members
from members.services.member import member_leave, member_move, member_register
from tests.conftest import member_fields

pytestmark = pytest.mark.django_db

LIST = reverse("members:list")


def id_for(birth: dt.date, seq: int, male: bool = True) -> str:
    """A valid ID number for ``birth`` (odd 17th digit: male)."""
    body = f"452600{birth:%Y%m%d}{seq % 100:02d}{1 if male else 2}"
    return body + check_char(body)


def register(actor, org, *, name: str, birth: dt.date, seq: int, male: bool = True, **extra):
    joined = extra.pop("joined_on", birth.replace(year=birth.year + 20))
    status = extra.pop("status", "FULL")
    return member_register(
        actor=actor,
        organization=org,
        **member_fields(
            name=name,
            gender="M" if male else "F",
            birth_date=birth,
            id_number=id_for(birth, seq, male),
            ethnicity=extra.pop("ethnicity", "汉族"),
            status=status,
            joined_on=joined,
            full_on=None if status == "PROBATIONARY" else joined.replace(year=joined.year + 1),
            **extra,
        ),
    )


def names(user, query: str) -> list[str]:
    form, members = filter_members(user, QueryDict(query))
    assert form.is_valid() or not form.is_bound, form.errors
    return sorted(m.name for m in members)


def test_name_search_finds_members_by_part_of_their_name(county_staff, member_a, member_b, member_c):
    assert names(county_staff, "q=桂芳") == ["张桂芳"]


def test_id_search_with_the_last_four_characters_finds_every_member_ending_so(
    county_staff, member_a, member_b, member_c
):
    assert names(county_staff, "q=0014") == ["李明", "王强"]
    assert names(county_staff, "q=010014") == ["李明"]


def test_id_search_accepts_a_lower_case_check_character(county_staff, member_a, member_b):
    assert names(county_staff, "q=002x") == ["张桂芳"]


def test_id_search_with_the_full_number_finds_exactly_that_member(county_staff, member_a, member_b, member_c):
    assert names(county_staff, "q=513101198201130014") == ["王强"]


def test_id_search_shorter_than_four_characters_is_refused_with_a_message(county_staff, member_b):
    form, members = filter_members(county_staff, QueryDict("q=014"))
    assert "至少输入后4位" in form.errors["q"][0]
    assert list(members) == []


def test_search_never_reaches_beyond_the_users_scope(secretary_a, member_a, member_b):
    assert names(secretary_a, "q=李明") == []
    assert names(secretary_a, "q=440524188001010014") == []


def test_status_filter_separates_probationary_from_full_members(secretary_a, member_a, tree):
    register(
        secretary_a,
        tree.branch_a,
        name="预备甲",
        birth=dt.date(2000, 5, 5),
        seq=1,
        status="PROBATIONARY",
        joined_on=dt.date(2025, 7, 1),
    )
    assert names(secretary_a, "status=PROBATIONARY") == ["预备甲"]
    assert names(secretary_a, "status=FULL") == ["张桂芳"]


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (dt.date(1996, 6, 15), "-30"),  # 30th birthday today: still 30
        (dt.date(1995, 6, 16), "-30"),  # turns 31 tomorrow
        (dt.date(1995, 6, 15), "31-35"),  # 31st birthday today
        (dt.date(1991, 6, 15), "31-35"),  # 35th birthday today
        (dt.date(1990, 6, 16), "31-35"),  # turns 36 tomorrow
        (dt.date(1990, 6, 15), "36-40"),  # 36th birthday today
        (dt.date(1965, 6, 16), "56-60"),  # turns 61 tomorrow
        (dt.date(1965, 6, 15), "61-"),  # 61st birthday today
    ],
)
def test_age_band_counts_whole_years_on_today_at_its_boundaries(secretary_a, tree, birth, band):
    register(secretary_a, tree.branch_a, name="测试", birth=birth, seq=7)
    assert names(secretary_a, f"age_band={band}") == ["测试"]
    others = ["-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60", "61-"]
    others.remove(band)
    assert all(names(secretary_a, f"age_band={b}") == [] for b in others)


@time_machine.travel(dt.date(2028, 2, 29), tick=False)
def test_age_band_treats_a_29_february_today_like_age_on_does(secretary_a, tree):
    register(secretary_a, tree.branch_a, name="二月", birth=dt.date(1997, 2, 28), seq=3)
    register(secretary_a, tree.branch_a, name="三月", birth=dt.date(1997, 3, 1), seq=4)
    assert names(secretary_a, "age_band=31-35") == ["二月"]
    assert names(secretary_a, "age_band=-30") == ["三月"]


def test_organization_filter_takes_the_whole_subtree(county_staff, member_a, member_b, member_c):
    assert names(county_staff, "org=C01T01") == ["张桂芳", "李明"]
    assert names(county_staff, "org=C01T01B01") == ["张桂芳"]
    assert names(county_staff, "org=C01T02") == ["王强"]


def test_organization_filter_refuses_an_organization_outside_the_scope(secretary_a, member_a, member_b):
    form, members = filter_members(secretary_a, QueryDict("org=C01T01B02"))
    assert "org" in form.errors
    assert list(members) == []


def test_organization_choices_are_the_organizations_the_user_sees(committee_staff, tree):
    form, _ = filter_members(committee_staff, QueryDict())
    codes = [org.code for org in form.fields["org"].queryset]
    assert codes == ["C01T01", "C01T01B01", "C01T01B02"]


def test_gender_filter(county_staff, member_a, member_b, member_c):
    assert names(county_staff, "gender=F") == ["张桂芳"]


def test_minority_filter_keeps_every_ethnicity_but_han(county_staff, member_a, member_b, member_c):
    assert names(county_staff, "ethnicity=少数民族") == ["张桂芳", "王强"]
    assert names(county_staff, "ethnicity=瑶族") == ["王强"]


def test_education_and_occupation_filters(county_staff, member_a, tree):
    register(county_staff, tree.branch_a, name="教师", birth=dt.date(1980, 1, 1), seq=2,
             education="BACHELOR", occupation="PROFESSIONAL")  # fmt: skip
    assert names(county_staff, "education=BACHELOR") == ["教师"]
    assert names(county_staff, "occupation=FARMER") == ["张桂芳"]


@pytest.mark.parametrize(
    ("flag", "field"),
    [
        ("retired", "is_retired"),
        ("rural", "is_rural"),
        ("hardship", "is_hardship"),
        ("mobile", "is_mobile"),
        ("frontline", "is_frontline"),
    ],
)
def test_flag_filter_keeps_only_members_with_the_flag(secretary_a, tree, flag, field):
    register(secretary_a, tree.branch_a, name="有", birth=dt.date(1970, 1, 1), seq=1, **{field: True})
    register(secretary_a, tree.branch_a, name="无", birth=dt.date(1970, 1, 2), seq=2, **{field: False})
    assert names(secretary_a, f"{flag}=on") == ["有"]


def test_members_who_left_are_listed_only_when_asked_for(secretary_a, member_a, tree):
    gone = register(secretary_a, tree.branch_a, name="已故", birth=dt.date(1930, 1, 1), seq=5)
    member_leave(actor=secretary_a, member=gone, day=dt.date(2024, 3, 1), reason="DEATH")
    assert names(secretary_a, "") == ["张桂芳"]
    assert names(secretary_a, "include_left=on") == ["已故", "张桂芳"]


def test_members_on_a_past_date_follow_a_move_between_branches(committee_staff, member_a, member_b, tree):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    assert names(committee_staff, "org=C01T01B01&on=2020-02-29") == ["张桂芳"]
    assert names(committee_staff, "org=C01T01B01&on=2020-03-01") == []
    assert names(committee_staff, "org=C01T01B02&on=2020-02-29") == ["李明"]
    assert names(committee_staff, "org=C01T01B02&on=2020-03-01") == ["张桂芳", "李明"]
    # today's list, with no date, already has her in branch B
    assert names(committee_staff, "org=C01T01B01") == []


def test_members_on_a_past_date_show_the_organization_of_that_day(committee_staff, member_a, tree):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    _, members = filter_members(committee_staff, QueryDict("on=2019-01-01"))
    assert [m.organization_on_name for m in members] == ["各甫村党支部"]


def test_a_branch_secretary_sees_her_branch_as_it_was_after_a_member_moved_away(
    secretary_a, committee_staff, member_a, tree
):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    assert names(secretary_a, "on=2020-01-01") == ["张桂芳"]
    assert names(secretary_a, "") == []


def test_members_on_a_past_date_have_their_status_of_that_day(secretary_a, member_a, client):
    # member_a joined 1975-07-01 and became a full member on 1976-07-01
    client.force_login(secretary_a)
    response = client.get(LIST, {"on": "1976-01-01", "status": "PROBATIONARY"})
    assert [m.name for m in response.context["page_obj"]] == ["张桂芳"]
    assert "预备党员" in response.content.decode()
    assert names(secretary_a, "on=1976-07-01&status=FULL") == ["张桂芳"]


def test_members_on_a_past_date_exclude_later_joiners_and_include_those_who_left_since(
    secretary_a, member_a, tree
):
    gone = register(secretary_a, tree.branch_a, name="已故", birth=dt.date(1930, 1, 1), seq=5)
    member_leave(actor=secretary_a, member=gone, day=dt.date(2024, 3, 1), reason="DEATH")
    assert names(secretary_a, "on=1960-01-01") == ["已故"]
    assert names(secretary_a, "on=2024-02-29") == ["已故", "张桂芳"]
    assert names(secretary_a, "on=2024-03-01") == ["张桂芳"]


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_members_on_a_future_date_are_refused(secretary_a, member_a):
    form, members = filter_members(secretary_a, QueryDict("on=2026-06-16"))
    assert form.errors["on"] == ["历史日期不能晚于今天"]
    assert list(members) == []


@time_machine.travel(dt.date(2026, 6, 15), tick=False)
def test_age_band_on_a_past_date_is_the_age_on_that_day(secretary_a, tree):
    register(secretary_a, tree.branch_a, name="测试", birth=dt.date(1985, 1, 1), seq=9)
    assert names(secretary_a, "age_band=41-45") == ["测试"]  # 41 today
    assert names(secretary_a, "age_band=31-35&on=2016-06-30") == ["测试"]  # 31 then


def test_list_page_masks_id_numbers(client, county_staff, member_a, member_b):
    client.force_login(county_staff)
    html = client.get(LIST).content.decode()
    assert "440524************" in html
    assert "110105************" in html
    assert "440524188001010014" not in html
    assert "11010519491231002X" not in html


def test_list_page_shows_the_members_tab_and_the_filter_form(client, secretary_a, member_a):
    client.force_login(secretary_a)
    html = client.get(LIST).content.decode()
    assert "党员名册" in html
    assert 'name="q"' in html
    assert "张桂芳" in html


def test_list_page_paginates_in_the_database(client, secretary_a, tree):
    for seq in range(55):
        register(secretary_a, tree.branch_a, name=f"党员{seq:02d}", birth=dt.date(1970, 1, 1), seq=seq)
    client.force_login(secretary_a)
    page = client.get(LIST, {"page": 2}).context["page_obj"]
    assert page.paginator.count == 55
    assert len(page.object_list) == 5


@pytest.mark.parametrize("query", [{}, {"on": "2020-01-01", "org": "C01T01B01"}])
def test_list_page_query_count_does_not_grow_with_the_rows(
    client, django_assert_num_queries, secretary_a, tree, query
):
    for seq in range(2):
        register(secretary_a, tree.branch_a, name=f"甲{seq:02d}", birth=dt.date(1970, 1, 1), seq=seq)
    client.force_login(secretary_a)

    def get_list(rows: int) -> None:
        # 1 the session, 2 the user, 3 the user's organization (scope root),
        # [with ?org=: the filter's organization, looked up by code,]
        # 4 COUNT(*) for the paginator, 5 the page of members joined to their
        # organizations and 党小组 (or their periods of that day), 6 the organization
        # choices of the filter form, 7 its 党小组 choices.  Nothing per row.
        expected = 8 if "org" in query else 7
        with django_assert_num_queries(expected):
            response = client.get(LIST, query)
        assert len(response.context["page_obj"].object_list) == rows

    get_list(2)
    for seq in range(2, 20):
        register(secretary_a, tree.branch_a, name=f"甲{seq:02d}", birth=dt.date(1970, 1, 1), seq=seq)
    get_list(20)


def test_auditor_searching_by_an_id_ending_finds_nothing(client, auditor, member_a):
    """Masked IDs stay masked: the mask shows no ending, so an auditor may search a whole number only."""
    client.force_login(auditor)
    assert "张桂芳" not in client.get("/members/?q=002X").content.decode()
    assert "张桂芳" not in client.get("/members/?q=231002X").content.decode()
    assert "张桂芳" in client.get("/members/?q=11010519491231002X").content.decode()
