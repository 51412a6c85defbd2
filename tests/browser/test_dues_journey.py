"""A branch secretary records a month of dues for the whole branch on one screen: keyboard on a desk, thumbs on a phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dues.models import DuesPayment
from tests.browser.conftest import log_in
from tests.factories import make_assessment, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def branch_of_five(tree, admin_user, secretary_a):
    members = []
    for i, name in enumerate(("陆文华", "农丽萍", "黄志明", "韦小兰", "李国强")):
        member = make_member(
            tree.branch_a,
            actor=admin_user,
            name=name,
            birth_date=dt.date(1960, 3, 1) + dt.timedelta(days=40 * i),
            seq=60 + i,
            joined_on=dt.date(1990, 7, 1),
            full_on=dt.date(1991, 7, 1),
        )
        make_assessment(member, actor=secretary_a, effective_from=dt.date.today().replace(month=1, day=1))
        members.append(member)
    return sorted(members, key=lambda m: m.name)  # the grid's order: 农丽萍, 李国强, 陆文华, 韦小兰, 黄志明


def cell(page: Page, member, month: dt.date):
    return page.locator(f'input[name="p{member.pk}_{month:%Y%m}"]')


def test_the_month_is_prefilled_the_keyboard_moves_and_one_save_records_it(
    page, tree, secretary_a, branch_of_five
):
    this_month = dt.date.today().replace(day=1)
    log_in(page, secretary_a.username)
    page.goto(f"/dues/grid/{tree.branch_a.code}/")
    first, second = cell(page, branch_of_five[0], this_month), cell(page, branch_of_five[1], this_month)
    expect(first).to_have_value("1.00")  # the amount due, prefilled
    expect(page.locator("[data-grid-sum]")).to_have_text("5.00")
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused()
    page.keyboard.press(
        "Backspace"
    )  # 李国强 has not paid: his cell is emptied (the value is selected on arrival)
    expect(second).to_have_value("")
    expect(page.locator("[data-grid-sum]")).to_have_text("4.00")
    if this_month.month > 1:  # a month owed back: "=" fills the amount due
        earlier = cell(page, branch_of_five[2], this_month.replace(month=this_month.month - 1))
        earlier.focus()
        page.keyboard.press("=")
        expect(earlier).to_have_value("1.00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已登记4名党员")
    paid = set(DuesPayment.objects.filter(month=this_month).values_list("member__name", flat=True))
    assert paid == {"农丽萍", "陆文华", "韦小兰", "黄志明"}


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_on_a_phone_only_the_month_being_collected_shows_and_the_save_button_stays_in_reach(
    phone, tree, secretary_a, branch_of_five
):
    this_month = dt.date.today().replace(day=1)
    log_in(phone, secretary_a.username)
    phone.goto(f"/dues/grid/{tree.branch_a.code}/")
    expect(cell(phone, branch_of_five[0], this_month)).to_be_visible()
    other = this_month.replace(month=12 if this_month.month != 12 else 11)
    expect(cell(phone, branch_of_five[0], other)).to_be_hidden()
    save = phone.get_by_role("button", name="保存")
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # the sticky bar: on screen without scrolling
    assert box["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    save.tap()
    expect(phone.get_by_role("alert")).to_contain_text("已登记5名党员")
