"""The training pages as a clerk uses them: the roll call, the lists and their query counts, exports."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_session
from training.models import Attendance
from training.selectors.attendance import digest

from .conftest import more_members

pytestmark = pytest.mark.django_db


def roll_url(session, org=None) -> str:
    url = reverse("training:session_attendance", kwargs={"pk": session.pk})
    return f"{url}?org={org.code}" if org is not None else url


# --- the roll call -------------------------------------------------------------------------------------


def test_a_branch_not_yet_recorded_comes_with_everyone_ticked(client, tree, secretary_a, admin_user):
    members = more_members(tree.branch_a, admin_user, 5)
    session = make_session(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    page = client.get(roll_url(session))
    assert page.status_code == 200
    assert page.context["ticked"] == {m.pk for m in members}
    html = page.content.decode()
    assert "已默认<strong>全部到会</strong>" in html
    assert html.count('name="present"') == 5


def test_saving_the_roll_with_two_unticked_records_the_others_and_goes_back_to_the_session(
    client, tree, secretary_a, admin_user
):
    members = more_members(tree.branch_a, admin_user, 5)
    session = make_session(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.post(
        roll_url(session),
        {"org": tree.branch_a.code, "loaded": digest([]), "present": [m.pk for m in members[2:]]},
    )
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert set(session.attendances.values_list("member", flat=True)) == {m.pk for m in members[2:]}
    page = client.get(session.get_absolute_url())
    assert "已保存各甫村党支部：到会3人，未到2人" in page.content.decode()


def test_a_committee_session_starts_a_branch_with_nobody_ticked_unless_asked(
    client, tree, committee_staff, admin_user, member_b
):
    """Its attendees are some members of many branches: the clerk ticks them, or 全部到会 for a whole branch."""
    members = more_members(tree.branch_a, admin_user, 3)
    session = make_session(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    assert client.get(roll_url(session, tree.branch_a)).context["ticked"] == set()
    everyone = client.get(roll_url(session, tree.branch_a) + "&start=all")
    assert everyone.context["ticked"] == {m.pk for m in members}
    assert 'name="start" value="all"' in everyone.content.decode()


def test_a_committee_session_moves_on_to_the_next_branch_not_yet_recorded(
    client, tree, committee_staff, admin_user
):
    a = more_members(tree.branch_a, admin_user, 3)
    more_members(tree.branch_b, admin_user, 2, start=40)
    session = make_session(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    first = client.get(roll_url(session))
    assert first.context["unit"].org == tree.branch_a
    response = client.post(
        roll_url(session), {"org": tree.branch_a.code, "loaded": digest([]), "present": [a[0].pk]}
    )
    assert response["Location"] == roll_url(session, tree.branch_b)


def test_a_roll_saved_by_someone_else_meanwhile_is_refused_and_shown_as_saved(
    client, tree, secretary_a, admin_user
):
    members = more_members(tree.branch_a, admin_user, 3)
    session = make_session(tree.branch_a, actor=secretary_a, present=members[:1])
    client.force_login(secretary_a)
    page = client.post(
        roll_url(session),
        {"org": tree.branch_a.code, "loaded": digest([]), "present": [m.pk for m in members]},
    )
    assert page.status_code == 200
    assert "已被他人修改" in page.content.decode()
    assert page.context["ticked"] == {members[0].pk}
    assert page.context["loaded"] == digest([members[0].pk])
    assert session.attendances.count() == 1


def test_a_member_of_another_branch_posted_into_the_roll_is_refused(
    client, tree, committee_staff, admin_user, member_b
):
    members = more_members(tree.branch_a, admin_user, 2)
    session = make_session(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    page = client.post(
        roll_url(session, tree.branch_a),
        {"org": tree.branch_a.code, "loaded": digest([]), "present": [members[0].pk, member_b.pk]},
    )
    assert "不在该组织的名单中" in page.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("size", [2, 30])
def test_the_roll_costs_the_same_queries_for_2_or_30_members(
    client, tree, secretary_a, admin_user, size, django_assert_num_queries
):
    members = more_members(tree.branch_a, admin_user, size)
    session = make_session(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    client.get(roll_url(session))
    ContentType.objects.get_for_model(Attendance)  # cached for the life of a server process
    with django_assert_num_queries(9):
        # 1 the log-in session, 2 the user, 3 the user's organization (the menu); 4 the training session
        # with its organizer; the units: 5 members per organization on the day, 6 attendance per
        # organization, 7 the organizations; the unit's roll: 8 its ticks, 9 its members on the day
        client.get(roll_url(session))
    with django_assert_num_queries(19):
        # the page's 9 reads; the save: 10 SAVEPOINT, 11 the session locked, 12 its organizer (the scope
        # check), 13 the submitted-period check (core.periodlock, registered by reports), 14 this unit's
        # list, 15 the ticked members on the day, 16 any listed under another unit, 17 the insert,
        # 18 the audit rows, 19 RELEASE
        client.post(
            roll_url(session),
            {"org": tree.branch_a.code, "loaded": digest([]), "present": [m.pk for m in members]},
        )
    assert session.attendances.count() == size


# --- lists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sessions", [1, 3])
def test_the_session_list_costs_the_same_queries_for_more_sessions_and_attendees(
    client, tree, county_staff, admin_user, sessions, django_assert_num_queries
):
    members = more_members(tree.branch_a, admin_user, 4)
    for i in range(sessions):
        make_session(tree.branch_a, actor=county_staff, present=members[: i + 2], title=f"第{i + 1}期")
    client.force_login(county_staff)
    client.get(reverse("training:session_list"))
    with django_assert_num_queries(8):
        # 1 the log-in session, 2 the user, 3 the user's organization; 4 the person-times total; 5 the
        # count; 6 the organizations of the filter; 7 the page (organizer and person-times joined in);
        # 8 the page's topics
        page = client.get(reverse("training:session_list"))
    assert [row.person_times for row in page.context["page_obj"]] == list(range(sessions + 1, 1, -1))


def test_the_session_register_exports_its_rows(client, tree, county_staff, member_a):
    make_session(tree.branch_a, actor=county_staff, present=[member_a], topic_text="《党章》、养猪")
    client.force_login(county_staff)
    response = client.get(reverse("training:session_list") + "?format=xlsx")
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert (
        row["培训名称"] == "党员冬春训"
        and row["参训党员（人次）"] == 1
        and row["篇目/课程"] == "《党章》、养猪"
    )
    assert row["开始日期"].date() == dt.date(2026, 3, 10)


def test_the_attendance_register_is_scoped_by_the_attendees_branch(
    client, tree, county_staff, secretary_a, secretary_b, member_a, member_b
):
    """A branch sees its members at the committee's sessions; the other branch does not see them."""
    make_session(tree.committee, actor=county_staff, present=[member_a, member_b])
    client.force_login(secretary_a)
    names = [a.member.name for a in client.get(reverse("training:attendance_list")).context["page_obj"]]
    assert names == [member_a.name]
    client.force_login(secretary_b)
    names = [a.member.name for a in client.get(reverse("training:attendance_list")).context["page_obj"]]
    assert names == [member_b.name]
    response = client.get(reverse("training:attendance_list") + "?format=xlsx")
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[2]][1] == member_b.name and ws.max_row == 2


def test_a_formula_in_a_title_is_exported_as_text(client, tree, county_staff):
    make_session(tree.branch_a, actor=county_staff, title='=HYPERLINK("http://x")')
    client.force_login(county_staff)
    ws = load_workbook(
        BytesIO(client.get(reverse("training:session_list") + "?format=xlsx").content)
    ).worksheets[0]
    assert ws["B2"].data_type == "s" and not str(ws["B2"].value).startswith("=")


def test_the_session_form_records_a_session_and_leads_to_the_roll(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("training:session_new"),
        {
            "organization": tree.branch_a.pk,
            "title": "农村实用技术培训",
            "kind": "TECHNICAL",
            "form": "FIELD",
            "topic_text": "甘蔗栽培、养猪",
            "start_on": "2026-03-12",
            "end_on": "",
            "hours": "6",
            "venue": "村委会",
            "non_member_count": "12",
            "note": "",
        },
    )
    assert response.status_code == 302
    session = tree.branch_a.training_sessions.get()
    assert response["Location"] == roll_url(session)
    assert session.end_on == session.start_on and session.level == "BRANCH"
    assert set(session.topic_text.split("、")) == {"甘蔗栽培", "养猪"}


def test_a_register_too_large_to_export_at_once_asks_for_a_narrower_period(
    client, tree, county_staff, member_a, member_a2, monkeypatch
):
    from training.views import sessions as views

    monkeypatch.setattr(views, "REGISTER_EXPORT_LIMIT", 1)
    make_session(tree.branch_a, actor=county_staff, present=[member_a, member_a2])
    client.force_login(county_staff)
    response = client.get(reverse("training:attendance_list"), {"format": "xlsx", "org": tree.branch_a.code})
    assert (
        response.status_code == 302
        and response["Location"] == f"{reverse('training:attendance_list')}?org=C01T01B01"
    )
    page = client.get(response["Location"])
    assert "一次最多导出1条" in page.content.decode()


# --- members found by name (the county's sessions: a few from each of many branches) ------------------


def test_members_found_by_name_across_branches_are_ticked_and_placed_in_their_own_branch(
    client, tree, county_staff, member_a, member_a2, member_b, member_c
):
    session = make_session(tree.county, actor=county_staff, present=[member_c])
    client.force_login(county_staff)
    url = roll_url(session) + "?" + urlencode({"q": "张"})  # member_a 张桂芳 only
    page = client.get(url)
    assert [m.name for m in page.context["members"]] == ["张桂芳"]
    assert page.context["members"][0].org_name == "各甫村党支部"
    response = client.post(url, {"loaded": digest([]), "present": [member_a.pk]})
    assert response.status_code == 302 and response["Location"] == url
    assert set(session.attendances.values_list("member", "organization")) == {
        (member_a.pk, tree.branch_a.pk),
        (member_c.pk, tree.branch_c.pk),  # not listed: untouched
    }
    # Unticking a found member takes them off; the others stay.
    client.post(url, {"loaded": digest([member_a.pk])})
    assert list(session.attendances.values_list("member", flat=True)) == [member_c.pk]


def test_a_search_only_lists_members_under_the_organizer(client, tree, committee_staff, member_a, member_c):
    session = make_session(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    url = roll_url(session) + "?" + urlencode({"q": "王"})
    page = client.get(url)  # member_c 王强 is in the other committee
    assert page.context["members"] == []
    response = client.post(url, {"loaded": digest([]), "present": [member_c.pk]})
    assert "不在该组织的名单中" in response.content.decode()
    assert not Attendance.objects.exists()
