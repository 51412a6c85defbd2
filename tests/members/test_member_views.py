"""Member pages: detail, register, edit, move, and who may reach them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path, reverse

from core.fieldcrypto import id_hash_q
from members.models import Member, MemberPeriod
from members.services.member import member_leave, member_move
from members.views import member as member_views

pytestmark = pytest.mark.django_db

# A URL configuration holding only the member pages, for the sub-navigation test.
urlpatterns = [path("members/", include((member_views.urls, "members")))]

NEW_MEMBER = {
    "organization": None,  # set per test
    "status": "FULL",
    "name": "王强",
    "id_number": "513101198201130014",
    "gender": "",
    "birth_date": "",
    "ethnicity": "瑶族",
    "education": "BACHELOR",
    "occupation": "CIVIL_SERVANT",
    "joined_on": "2005-07-01",
    "full_on": "2006-07-01",
    "phone": "13800000000",
}


def member_entries(member: Member) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(member).order_by("timestamp", "pk"))


def edit_data(member: Member, **overrides) -> dict:
    data = {
        "name": member.name,
        "id_number": member.id_number,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat(),
        "ethnicity": member.ethnicity,
        "education": member.education,
        "occupation": member.occupation,
        "joined_on": member.joined_on.isoformat(),
        "full_on": member.full_on.isoformat() if member.full_on else "",
        "phone": member.phone,
        "work_unit": member.work_unit,
        "version": member.version,
    }
    for flag in ("is_frontline", "is_retired", "is_rural", "is_hardship", "is_mobile"):
        if getattr(member, flag):
            data[flag] = "on"
    data.update(overrides)
    return data


# --- detail -------------------------------------------------------------------


def test_detail_shows_only_the_masked_id_number_even_to_a_user_who_may_edit(client, county_staff, member_a):
    # The full number comes only from the recorded 查看完整号码 (tests/test_access_records.py).
    client.force_login(county_staff)
    html = client.get(member_a.get_absolute_url()).content.decode()
    assert "11010519491231002X" not in html
    assert member_a.masked_id_number in html


def test_detail_masks_the_id_number_for_an_auditor(client, auditor, member_a):
    client.force_login(auditor)
    html = client.get(member_a.get_absolute_url()).content.decode()
    assert "11010519491231002X" not in html
    assert "110105************" in html
    assert reverse("members:edit", args=[member_a.pk]) not in html


def test_detail_shows_party_age_counted_from_full_membership(client, secretary_a, member_a):
    client.force_login(secretary_a)
    response = client.get(member_a.get_absolute_url())
    assert f"{member_a.party_age_years}年" in response.content.decode()


def test_detail_shows_the_history_and_the_change_record(client, committee_staff, member_a, tree):
    member_move(
        actor=committee_staff,
        member=member_a,
        to_org=tree.branch_b,
        day=dt.date(2020, 3, 1),
        document_no="新组〔2020〕3号",
    )
    client.force_login(committee_staff)
    response = client.get(member_a.get_absolute_url())
    html = response.content.decode()
    assert [p.organization.name for p in response.context["periods"]] == [
        "各甫村党支部",
        "各甫村党支部",
        "新华社区党支部",
    ]
    assert "县内组织关系调整" in html and "新组〔2020〕3号" in html and "2020-03-01" in html
    assert "修改记录" in html


def test_detail_query_count(client, django_assert_num_queries, committee_staff, member_a):
    client.force_login(committee_staff)
    # 1 session, 2 user, 3 the user's organization, 4 the member with its
    # organization, 5 its 转正记录 (none for a full member registered as such:
    # no 预备期与转正 card), 6 its periods with their organizations, 7 its audit
    # entries with their actors and content types (related records are
    # stored by name: showing them costs nothing more, however many entries).
    with django_assert_num_queries(7):
        client.get(member_a.get_absolute_url())


# --- register -----------------------------------------------------------------


def test_registering_a_member_saves_the_member_with_history_and_redirects_to_it(client, secretary_a, tree):
    client.force_login(secretary_a)
    response = client.post(reverse("members:create"), {**NEW_MEMBER, "organization": tree.branch_a.pk})
    member = Member.objects.get(id_hash_q("id_number", "513101198201130014"))
    assert response.status_code == 302
    assert response.url == member.get_absolute_url()
    assert (member.gender, member.birth_date, member.organization) == (
        "M",
        dt.date(1982, 1, 13),
        tree.branch_a,
    )
    assert [p.status for p in member.periods.order_by("start_on")] == ["PROBATIONARY", "FULL"]


def test_registering_a_member_writes_an_audit_entry_with_the_id_number_masked(client, secretary_a, tree):
    client.force_login(secretary_a)
    client.post(reverse("members:create"), {**NEW_MEMBER, "organization": tree.branch_a.pk})
    member = Member.objects.get(name="王强")
    [entry] = member_entries(member)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == secretary_a
    assert entry.remote_addr == "127.0.0.1"
    assert "513101198201130014" not in json.dumps(entry.changes, ensure_ascii=False)
    assert "513101************" in json.dumps(entry.changes, ensure_ascii=False)


def test_registering_a_member_with_bad_input_writes_nothing_and_names_the_field(client, secretary_a, tree):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:create"),
        {**NEW_MEMBER, "organization": tree.branch_a.pk, "id_number": "110105195001010014"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["公民身份号码校验位错误"]
    assert not Member.objects.exists()
    assert not MemberPeriod.objects.exists()


def test_registering_into_another_branch_is_refused(client, secretary_a, tree):
    client.force_login(secretary_a)
    response = client.post(reverse("members:create"), {**NEW_MEMBER, "organization": tree.branch_b.pk})
    assert "organization" in response.context["form"].errors
    assert not Member.objects.exists()


# --- edit -----------------------------------------------------------------------


def test_editing_a_member_saves_through_the_service_and_audits_the_change_masked(
    client, secretary_a, member_a
):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:edit", args=[member_a.pk]),
        edit_data(member_a, phone="13900000000", work_unit="各甫村委会 主任"),
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.phone, member_a.work_unit) == ("13900000000", "各甫村委会 主任")
    entry = member_entries(member_a)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == secretary_a
    assert set(entry.changes_dict) == {"phone", "work_unit", "version"}  # the version counts the save


def test_correcting_an_id_number_keeps_both_numbers_masked_in_the_audit_entry(client, secretary_a, tree):
    client.force_login(secretary_a)
    client.post(reverse("members:create"), {**NEW_MEMBER, "organization": tree.branch_a.pk})
    member = Member.objects.get(name="王强")
    client.post(
        reverse("members:edit", args=[member.pk]),
        edit_data(member, id_number="440524188001010014", gender="", birth_date="", joined_on="1921-07-01",
                  full_on="1922-07-01"),
    )  # fmt: skip
    entry = member_entries(member)[-1]
    text = json.dumps(entry.changes, ensure_ascii=False)
    assert entry.action == LogEntry.Action.UPDATE
    assert "513101198201130014" not in text and "440524188001010014" not in text
    assert entry.changes_dict["id_number"] == ["513101************", "440524************"]


def test_correcting_the_join_date_re_dates_the_history(client, secretary_a, member_a):
    client.force_login(secretary_a)
    client.post(reverse("members:edit", args=[member_a.pk]), edit_data(member_a, joined_on="1975-06-01"))
    periods = list(member_a.periods.order_by("start_on"))
    assert periods[0].start_on == dt.date(1975, 6, 1)


def test_an_edit_the_service_refuses_is_shown_on_the_form_and_writes_nothing(
    client, committee_staff, member_a, tree
):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    entries_before = LogEntry.objects.count()
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:edit", args=[member_a.pk]),
        edit_data(member_a, joined_on="1975-06-01", phone="13812345678"),
    )
    assert response.status_code == 200
    assert "已有组织关系变动记录" in response.content.decode()
    member_a.refresh_from_db()
    assert (member_a.joined_on, member_a.phone) == (dt.date(1975, 7, 1), "")
    assert LogEntry.objects.count() == entries_before


def test_a_member_who_has_left_cannot_be_edited(client, secretary_a, member_a):
    member_leave(actor=secretary_a, member=member_a, day=dt.date(2024, 1, 1), reason="DEATH")
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:edit", args=[member_a.pk]), edit_data(member_a, phone="13812345678")
    )
    assert "已离开党组织的党员档案不能修改" in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.phone == ""


# --- move -----------------------------------------------------------------------


def test_moving_a_member_closes_the_old_period_and_opens_one_in_the_new_branch(
    client, committee_staff, member_a, tree
):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:move", args=[member_a.pk]),
        {"to_org": tree.branch_b.pk, "day": "2025-05-01", "document_no": "新组〔2025〕8号"},
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b
    last_two = list(member_a.periods.order_by("start_on", "id"))[-2:]
    assert [(p.organization, p.start_on, p.end_on) for p in last_two] == [
        (tree.branch_a, dt.date(1976, 7, 1), dt.date(2025, 5, 1)),
        (tree.branch_b, dt.date(2025, 5, 1), None),
    ]
    assert last_two[1].document_no == "新组〔2025〕8号"
    entry = member_entries(member_a)[-1]
    assert entry.actor == committee_staff and "organization" in entry.changes_dict
    detail = client.get(member_a.get_absolute_url()).content.decode()
    assert "新华社区党支部" in detail and "2025-05-01" in detail


def test_moving_before_the_current_period_began_is_refused_on_the_date(
    client, committee_staff, member_a, tree
):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:move", args=[member_a.pk]), {"to_org": tree.branch_a.pk, "day": "2019-01-01"}
    )
    assert "日期早于该党员当前组织关系的起始日期" in response.context["form"].errors["day"][0]
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b
    assert member_a.periods.count() == 3


def test_moving_out_of_the_users_scope_is_refused(client, committee_staff, member_a, tree):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:move", args=[member_a.pk]), {"to_org": tree.branch_c.pk, "day": "2025-05-01"}
    )
    assert "to_org" in response.context["form"].errors
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_a


def test_the_move_button_is_offered_to_committee_staff_but_not_to_a_branch_secretary(
    client, committee_staff, secretary_a, member_a
):
    move_url = reverse("members:move", args=[member_a.pk])
    client.force_login(committee_staff)
    assert move_url in client.get(member_a.get_absolute_url()).content.decode()
    client.force_login(secretary_a)
    assert move_url not in client.get(member_a.get_absolute_url()).content.decode()


# --- who may reach the pages ----------------------------------------------------


# Anonymous → log-in, outsider → 404, auditor → 403/405, insiders → 200: tests/test_scope_matrix.py.
# Here: what a refused request leaves behind.


def test_an_outsider_posting_an_edit_gets_not_found_and_changes_nothing(client, secretary_b, member_a):
    client.force_login(secretary_b)
    response = client.post(
        reverse("members:edit", args=[member_a.pk]), edit_data(member_a, phone="13812345678")
    )
    assert response.status_code == 404
    member_a.refresh_from_db()
    assert member_a.phone == ""


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["members:create", "members:edit", "members:move"])
def test_an_auditor_is_forbidden_every_write_page(client, auditor, member_a, tree, name, method):
    client.force_login(auditor)
    url = reverse(name, args=[] if name == "members:create" else [member_a.pk])
    data = {**NEW_MEMBER, "organization": tree.branch_a.pk, "to_org": tree.branch_b.pk, "day": "2025-01-01"}
    entries_before = LogEntry.objects.count()
    response = getattr(client, method)(url, data)
    assert response.status_code == 403
    assert Member.objects.count() == 1
    assert LogEntry.objects.count() == entries_before


def test_the_edit_page_has_breadcrumbs_back_to_the_list(client, secretary_a, member_a):
    client.force_login(secretary_a)
    response = client.get(reverse("members:edit", args=[member_a.pk]))
    assert response.context["breadcrumbs"][0] == ("党员名册", reverse("members:list"))
    assert "修改党员信息" in response.content.decode()


# --- sub-navigation -------------------------------------------------------------


@pytest.mark.urls("tests.members.test_member_views")
def test_sub_navigation_shows_only_the_tabs_whose_pages_exist(secretary_a):
    request = RequestFactory().get("/members/")
    request.user = secretary_a
    html = render_to_string("members/_subnav.html", {"active": "list"}, request=request)
    assert "党员名册" in html
    assert 'aria-current="page"' in html
    for missing in ("发展党员", "组织关系转接", "走访慰问", "导入导出"):
        assert missing not in html


def test_detail_query_count_does_not_grow_with_the_change_history(
    client, django_assert_num_queries, committee_staff, member_a, tree
):
    from members.services.member import member_move, member_update

    member_update(actor=committee_staff, member=member_a, phone="13800000001")
    member_update(actor=committee_staff, member=member_a, phone="13800000002")
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    client.force_login(committee_staff)
    with django_assert_num_queries(7):  # the same seven queries as with one entry
        client.get(member_a.get_absolute_url())


def test_the_import_tab_is_not_offered_to_read_only_users(client, auditor, secretary_a):
    client.force_login(auditor)
    assert "导入导出" not in client.get(reverse("members:list")).content.decode()
    client.force_login(secretary_a)
    assert "导入导出" in client.get(reverse("members:list")).content.decode()
