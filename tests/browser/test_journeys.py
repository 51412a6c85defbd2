"""Key journeys end to end in a real browser: log in, see only one's scope, get 404 outside it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_the_login_page_is_in_chinese(page: Page) -> None:
    page.goto("/members/")
    assert "/login/" in page.url  # anonymous visitors are sent to log in
    assert "登录" in page.title()
    assert page.get_by_role("heading", name="用户登录").is_visible()
    assert page.get_by_label("用户名").is_visible()
    assert page.get_by_label("密码").is_visible()


def test_a_wrong_password_is_refused_in_chinese(page: Page, secretary_a) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(secretary_a.username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码错误" in page.content()


def test_a_branch_secretary_sees_only_the_members_of_their_branch(
    page: Page, secretary_a, member_a, member_b, member_c
) -> None:
    log_in(page, secretary_a.username)
    page.goto("/members/")
    body = page.locator("body").inner_text()
    assert member_a.name in body
    assert member_b.name not in body
    assert member_c.name not in body
    assert member_a.id_number not in body  # ID numbers are masked in lists


def test_a_branch_secretary_opening_another_branchs_member_gets_the_not_found_page(
    page: Page, secretary_a, member_a, member_b
) -> None:
    log_in(page, secretary_a.username)
    response = page.goto(member_b.get_absolute_url())
    assert response.status == 404
    assert "未找到" in page.locator("body").inner_text()
    assert member_b.name not in page.content()
    # … while their own member opens normally.
    assert page.goto(member_a.get_absolute_url()).status == 200


def test_county_staff_see_the_organization_tree(page: Page, county_staff, tree) -> None:
    log_in(page, county_staff.username)
    response = page.goto("/organizations/")
    assert response.status == 200
    body = page.locator("body").inner_text()
    for name in ("富宁县委", "新华镇党委", "睦伦乡党委"):
        assert name in body
