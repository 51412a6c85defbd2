"""History views show history, not today's private data.

A branch secretary asking for her branch on a past day sees the members who
were in it then.  Of one who has since moved out of her scope (or left the
Party) she sees what that day's record says — name, status and organization
that day, join date — never today's ID number, phone, work unit, education
or occupation; no link to a detail page she cannot open.  The export says
the same.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from members.selectors.member import filter_members
from members.services.imports import HEADERS
from members.services.member import member_leave, member_move, member_update
from tests.factories import CAST_MEMBERS, make_member

pytestmark = pytest.mark.django_db

MOVED_ON = dt.date(2020, 3, 1)
BEFORE = "2020-01-01"
PHONE = "13912345678"


@pytest.fixture
def moved_away(tree, admin_user, member_a, committee_staff):
    """member_a (张桂芳) of branch A, with a phone and work unit today, moved to branch B on 2020-03-01."""
    member_update(actor=admin_user, member=member_a, phone=PHONE, work_unit="新华社区居委会 主任")
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=MOVED_ON)
    return member_a


@pytest.fixture
def stayed(tree, admin_user):
    """member_a2 (黄志明), still in branch A."""
    return make_member(tree.branch_a, actor=admin_user, **CAST_MEMBERS["member_a2"], phone="13800000002")


def test_a_member_who_moved_away_is_listed_on_a_past_day_by_name_without_todays_data(
    client, secretary_a, moved_away, stayed
):
    client.force_login(secretary_a)
    response = client.get(reverse("members:list"), {"on": BEFORE})
    page = response.content.decode()
    rows = {m.name: m for m in response.context["page_obj"]}
    assert set(rows) == {"张桂芳", "黄志明"}
    assert rows["张桂芳"].history_only and not rows["张桂芳"].visible_now
    assert not rows["黄志明"].history_only
    assert "张桂芳" in page and "各甫村党支部" in page
    assert moved_away.masked_id_number not in page and moved_away.id_number[-4:] not in page
    assert stayed.masked_id_number in page  # still hers: shown as every day
    assert moved_away.get_absolute_url() not in page  # the detail page is 404 for her
    assert stayed.get_absolute_url() in page


def test_the_past_day_export_leaves_todays_data_of_a_member_who_moved_away_empty(
    client, secretary_a, moved_away, stayed
):
    client.force_login(secretary_a)
    response = client.get(reverse("members:export"), {"on": BEFORE})
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == list(HEADERS)
    by_name = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    gone = by_name["张桂芳"]
    for column in ("公民身份号码", "出生日期", "手机号码", "工作单位及职务", "学历", "人员类别", "性别"):
        assert gone[column] in (None, ""), column
    assert gone["所在党组织"].endswith("各甫村党支部")
    assert gone["党员类型"] == "正式党员"
    assert gone["入党日期"].date() == dt.date(1975, 7, 1)
    assert PHONE.encode() not in response.content
    assert by_name["黄志明"]["公民身份号码"] == stayed.id_number
    assert by_name["黄志明"]["手机号码"] == "13800000002"


def test_todays_list_and_an_insider_still_see_everything(committee_staff, secretary_b, moved_away):
    _, members = filter_members(committee_staff, QueryDict(f"on={BEFORE}"))
    assert [(m.name, m.history_only) for m in members] == [("张桂芳", False)]
    _, members = filter_members(secretary_b, QueryDict(""))
    assert [(m.name, m.history_only) for m in members] == [("张桂芳", False)]


def test_a_member_who_left_the_party_is_shown_with_the_fields_of_that_day_only(
    client, secretary_a, admin_user, member_a
):
    member_leave(actor=admin_user, member=member_a, day=dt.date(2024, 3, 1), reason="DEATH")
    _, members = filter_members(secretary_a, QueryDict("on=2024-01-01"))
    [row] = members
    assert row.history_only and row.visible_now  # hers still: the record opens, the list shows that day


def test_a_filter_on_todays_data_does_not_match_a_member_who_moved_away(secretary_a, moved_away, stayed):
    # 张桂芳 is a farmer today: matching her by occupation would tell it.
    _, members = filter_members(secretary_a, QueryDict(f"on={BEFORE}&occupation=FARMER"))
    assert [m.name for m in members] == ["黄志明"]  # a farmer too, still hers
    _, members = filter_members(secretary_a, QueryDict(f"on={BEFORE}&q={moved_away.id_number}"))
    assert list(members) == []
    _, members = filter_members(secretary_a, QueryDict(f"on={BEFORE}&q=张桂"))
    assert [m.name for m in members] == ["张桂芳"]  # her name is that day's record too


def test_sorting_by_a_hidden_column_does_not_order_members_who_moved_away_by_it(
    client, tree, secretary_a, committee_staff, moved_away, stayed
):
    member_move(actor=committee_staff, member=stayed, to_org=tree.branch_b, day=MOVED_ON)
    client.force_login(secretary_a)
    orders = set()
    for sort in ("age", "-age", "education", "-education", "gender", "-gender"):
        response = client.get(reverse("members:list"), {"on": BEFORE, "sort": sort})
        orders.add(tuple(m.name for m in response.context["page_obj"]))
    assert orders == {("张桂芳", "黄志明")}  # registration order whichever way: 1949 and 1970 births untold
