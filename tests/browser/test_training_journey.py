"""A committee clerk records a session and its 200 attendees, branch by branch, on a phone-sized screen.

A branch that came whole is marked with 全部到会 and the absent unticked
(tapping the names); the counter follows, 保存 moves on to the next branch
and, after the last, back to the session with its person-times.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import log_in
from tests.factories import make_member
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.browser


def members(org, actor, count: int, start: int) -> list:
    return [
        make_member(
            org,
            actor=actor,
            name=f"党员{start + i:03d}",
            gender="M" if i % 3 else "F",
            birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=(start + i) * 29),
            seq=start + i,
            joined_on=dt.date(2000, 7, 1),
            full_on=dt.date(2001, 7, 1),
        )
        for i in range(count)
    ]


def test_a_committee_clerk_records_200_attendees_branch_by_branch(
    browser: Browser, live_server, tree, admin_user, committee_staff
):
    members(tree.branch_a, admin_user, 120, 100)
    members(tree.branch_b, admin_user, 80, 300)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, committee_staff.username)

    page.goto("/training/sessions/new/")
    expect(page.get_by_label("举办单位")).to_have_value(str(tree.committee.pk))
    page.get_by_label("培训名称").fill("冬季农村党员实用技术培训")
    page.get_by_label("培训类别").select_option(label="科技培训（农村实用技术）")
    page.get_by_label("培训形式").select_option(label="专题培训")
    page.get_by_label("篇目/课程").fill("甘蔗栽培、养猪")
    page.get_by_label("开始日期").fill(dt.date.today().isoformat())
    page.get_by_label("学时").fill("6")
    page.get_by_role("button", name="保存，下一步登记参训党员").click()

    # Branch A came whole: 全部到会, then the three absent are unticked by tapping their names.
    expect(page.get_by_role("heading", name="各甫村党支部")).to_be_visible()
    expect(page.locator("[data-roll-count]")).to_have_text("到会 0 / 120 人")
    page.get_by_role("button", name="全部到会").click()
    expect(page.locator("[data-roll-count]")).to_have_text("到会 120 / 120 人")
    for name in ("党员101", "党员150", "党员219"):
        page.locator(".roll-item", has_text=name).tap()
    expect(page.locator("[data-roll-count]")).to_have_text("到会 117 / 120 人")
    page.get_by_role("button", name="保存，下一个组织").click()

    # Branch B next, everyone ticked at once; the search box finds the one absent.
    expect(page.get_by_text("已保存各甫村党支部：到会117人，未到3人")).to_be_visible()
    expect(page.get_by_role("heading", name="新华社区党支部")).to_be_visible()
    page.get_by_role("button", name="全部到会").click()
    page.get_by_label("在本页名单中筛选").fill("党员37")
    expect(page.locator(".roll-item:visible")).to_have_count(10)
    page.locator(".roll-item", has_text="党员375").tap()
    page.get_by_label("在本页名单中筛选").fill("")
    expect(page.locator("[data-roll-count]")).to_have_text("到会 79 / 80 人")
    page.get_by_role("button", name="保存").click()

    # Back on the session: 196 person-times from two branches.
    expect(page.get_by_text("已保存新华社区党支部：到会79人，未到1人")).to_be_visible()
    session = TrainingSession.objects.get()
    assert page.url.endswith(session.get_absolute_url())
    expect(page.get_by_text("196", exact=True)).to_be_visible()
    assert Attendance.objects.filter(session=session).count() == 196
    assert not Attendance.objects.filter(
        member__name__in=["党员101", "党员150", "党员219", "党员375"]
    ).exists()
    context.close()
