"""The applicant page on a phone (390 px wide): its actions and the timeline's 记录 links are finger-sized."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from members.models.development import Step
from tests.browser.conftest import log_in
from tests.factories import make_applicant

pytestmark = pytest.mark.browser

#: The smallest comfortable tap target (Apple HIG 44 pt; WCAG 2.5.5 asks 44 CSS px).
TAP = 44


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


def assert_tappable(target: Locator) -> None:
    box = target.bounding_box()
    assert box is not None, target
    assert box["height"] >= TAP and box["width"] >= TAP, (target, box)


def test_a_secretary_on_a_phone_taps_the_applicants_actions_and_records_a_step(phone, tree, secretary_a):
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    log_in(phone, secretary_a.username)
    phone.goto(applicant.get_absolute_url())

    for name in ("修改信息", "终止发展"):
        assert_tappable(phone.get_by_role("link", name=name))
    next_step = phone.locator(".card", has=phone.locator(".card-header", has_text="办理下一步"))
    step_button = next_step.get_by_role("link", name=f"第{Step.TALK}步 党组织派人谈话")
    assert_tappable(step_button)
    assert step_button.bounding_box()["width"] > 300  # the whole width of the card: easy to hit
    record = phone.locator(".step-row").get_by_role("link", name="记录")
    expect(record).to_have_count(1)
    assert_tappable(record)

    # The timeline lies below the step panel on a phone: the form scrolls into view when it opens.
    record.scroll_into_view_if_needed()
    record.tap()
    form = phone.locator(f'#step-panel form[action$="/steps/{Step.TALK}/"]')
    expect(form).to_be_in_viewport()
    form.locator('[name="day"]').fill("2023-03-20")
    form.get_by_role("button", name="记录").tap()
    expect(phone.locator(".alert-success", has_text="已记录第2步“党组织派人谈话”")).to_be_visible()
