"""Revealing a full ID number in the browser: masked until asked, asked once, swapped in by htmx, recorded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from core.models import AccessKind, AccessRecord
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_county_staff_reveal_a_members_id_number_after_confirming(page: Page, county_staff, member_a) -> None:
    log_in(page, county_staff.username)
    page.goto(member_a.get_absolute_url())
    cell = page.locator("#member-id-number")
    assert member_a.masked_id_number in cell.inner_text()
    assert member_a.id_number not in page.content()

    asked: list[str] = []

    def accept(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="查看完整号码").click()

    page.wait_for_function(
        "id => document.querySelector('#member-id-number').textContent.includes(id)", arg=member_a.id_number
    )
    assert asked == ["查看完整号码将记入访问记录，确定查看吗？"]
    assert page.url.endswith(member_a.get_absolute_url())  # the cell changed, not the page
    entry = AccessRecord.objects.get()
    assert (entry.kind, entry.user_id) == (AccessKind.REVEAL_ID, county_staff.pk)


def test_dismissing_the_question_reveals_and_records_nothing(page: Page, county_staff, member_a) -> None:
    log_in(page, county_staff.username)
    page.goto(member_a.get_absolute_url())
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="查看完整号码").click()
    page.wait_for_timeout(500)
    assert member_a.id_number not in page.content()
    assert not AccessRecord.objects.exists()
