"""A member whose name and 工作单位 are script runs no script on any page that shows them.

The probe of issue 7: a member named ``黄'+alert(document.domain)+'`` broke out
of the care page's inline ``confirm('…')``. Every page that shows the member
is opened in Chromium; an ``alert`` (or any dialog but the page's own
confirmation, with the name as plain text) fails the test, and so does a
Content-Security-Policy violation in the console: the pages use only our
static scripts and styles, so the policy never has to refuse anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_care_visit, make_certificate, make_member, make_transfer

pytestmark = pytest.mark.browser

NAME = "黄'+alert(document.domain)+'"
WORK_UNIT = "</script><script>alert(1)</script>"
CONFIRM_REMOVAL = f"确定将{NAME}移出慰问名单？"


@dataclass
class Watch:
    """What the page did that it must not: dialogs, CSP violations, script errors."""

    expected_confirm: str | None = None
    dialogs: list[str] = field(default_factory=list)
    confirms: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def on_dialog(self, dialog: Dialog) -> None:
        if dialog.type == "confirm" and dialog.message == self.expected_confirm:
            self.confirms.append(dialog.message)
        else:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(message.text)

    def on_page_error(self, error: Exception) -> None:
        self.violations.append(f"script error: {error}")

    def assert_clean(self, where: str) -> None:
        assert self.dialogs == [], f"{where}: a dialog opened: {self.dialogs}"
        assert self.violations == [], f"{where}: {self.violations}"


@pytest.fixture
def watch(page: Page) -> Iterator[Watch]:
    watch = Watch()
    page.on("dialog", watch.on_dialog)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    yield watch
    watch.assert_clean("after the test")


def open_page(page: Page, watch: Watch, url: str, *, shows: tuple[str, ...] = (NAME,)) -> None:
    """Open ``url``, let its scripts run, and check the payloads are shown as text and ran nothing."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    text = page.locator("body").inner_text()
    for value in shows:
        assert value in text, f"{url} should show {value!r} as text"
    watch.assert_clean(url)


@pytest.fixture
def payload_member(tree, county_staff):
    """A member registered with the script-bearing name (the 工作单位 is set through the edit form)."""
    return make_member(
        tree.branch_a,
        actor=county_staff,
        name=NAME,
        gender="M",
        birth_date=dt.date(1950, 3, 4),
        seq=11,
        is_hardship=True,
    )


def test_a_script_bearing_member_runs_no_script_on_any_page_that_shows_them(
    page: Page, watch: Watch, tree, county_staff, payload_member
) -> None:
    member = payload_member
    log_in(page, county_staff.username)

    # Update through the edit form: the 工作单位 closes a script element if anything pastes it into one.
    page.goto(reverse("members:edit", args=[member.pk]))
    watch.assert_clean("edit form")
    page.get_by_label("工作单位及职务").fill(WORK_UNIT)
    page.get_by_role("button", name=re.compile("保存")).click()
    page.wait_for_url(f"**{member.get_absolute_url()}")
    member.refresh_from_db()
    assert member.work_unit == WORK_UNIT

    # The roster (and its search), the record with its history, the forms.
    open_page(page, watch, reverse("members:list"))
    open_page(page, watch, reverse("members:list") + "?q=黄")
    open_page(page, watch, member.get_absolute_url(), shows=(NAME, WORK_UNIT))
    assert page.locator("body").inner_text().count(WORK_UNIT) >= 2  # the field and the history's new value
    open_page(page, watch, reverse("members:edit", args=[member.pk]), shows=())
    expect(page.locator("input[name=name]")).to_have_value(NAME)
    expect(page.locator("input[name=work_unit]")).to_have_value(WORK_UNIT)
    open_page(page, watch, reverse("members:move", args=[member.pk]))

    # Care visits: the candidates to pick (select-all by data-check-all), then a visit with the member on it.
    picking = make_care_visit(tree.branch_a, actor=county_staff)
    open_page(page, watch, reverse("members:care_add_members", args=[picking.pk]) + "?all=1")
    page.get_by_label("全选").check()
    for box in page.locator("input[name=pick]").all():
        expect(box).to_be_checked()
    watch.assert_clean("select all")
    visit = make_care_visit(tree.branch_a, actor=county_staff, entries=[(member, "200.00")])
    open_page(page, watch, reverse("members:care_detail", args=[visit.pk]))
    # 移出 asks with the name as plain text; dismissing it keeps the member on the list.
    watch.expected_confirm = CONFIRM_REMOVAL
    page.get_by_role("button", name="移出").click()
    page.wait_for_timeout(300)
    assert watch.confirms == [CONFIRM_REMOVAL]
    assert page.url.endswith(reverse("members:care_detail", args=[visit.pk]))
    assert visit.recipients.filter(member=member).exists()
    watch.expected_confirm = None
    open_page(page, watch, reverse("members:care_list"), shows=())

    # The member picker's htmx results.
    open_page(page, watch, reverse("members:transfer_issue"), shows=())
    page.get_by_label("查找党员").first.fill("黄")
    expect(page.locator(".member-picker .list-group").first).to_contain_text(NAME)
    watch.assert_clean("member picker")

    # A 证明信 and a 介绍信 with their printable sheets.
    certificate = make_certificate(member, actor=county_staff)
    open_page(page, watch, reverse("members:certificate_list"))
    open_page(page, watch, reverse("members:certificate_detail", args=[certificate.pk]))
    open_page(page, watch, reverse("members:certificate_print", args=[certificate.pk]))
    transfer = make_transfer(member, actor=county_staff)
    open_page(page, watch, reverse("members:transfer_list"))
    open_page(page, watch, reverse("members:transfer_detail", args=[transfer.pk]))
    open_page(page, watch, reverse("members:transfer_print", args=[transfer.pk]))
    open_page(page, watch, member.get_absolute_url())
    open_page(page, watch, reverse("home"), shows=())


def test_the_admin_works_under_the_policy_with_a_script_bearing_member(
    page: Page, watch: Watch, admin_user, payload_member
) -> None:
    """Django's admin uses only its static scripts: the changelist's select-all and the change form's widgets run."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(admin_user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    open_page(page, watch, reverse("admin:members_member_changelist"))
    open_page(page, watch, reverse("admin:organizations_user_changelist"), shows=())
    page.locator("#action-toggle").check()  # admin/js/actions.js
    boxes = page.locator("input.action-select")
    assert boxes.count() > 1
    for box in boxes.all():
        expect(box).to_be_checked()
    watch.assert_clean("admin changelist select-all")

    open_page(page, watch, reverse("admin:members_member_change", args=[payload_member.pk]), shows=())
    expect(page.locator("#id_name")).to_have_value(NAME)
    # admin/js/admin/DateTimeShortcuts.js adds 今天 and the calendar button beside each date field.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    watch.assert_clean("admin change form")
    open_page(page, watch, reverse("admin:organizations_user_change", args=[admin_user.pk]), shows=())
    open_page(page, watch, reverse("admin:auditlog_logentry_changelist"), shows=())
    watch.assert_clean("admin audit log")
