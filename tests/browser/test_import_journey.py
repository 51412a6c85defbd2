"""The member import end to end in the browser: a county clerk fills in the downloaded template.

The first upload has one bad row: the page lists it (row, column, reason) and
nothing is written.  The corrected file imports every row, and the members
appear in the roster.  Then the clerk changes a phone number in the same
file and uploads it again: the page previews the change (old → new) and
writes it only when confirmed.

The upload queues the import on the task queue (the database backend here,
so the task waits); the job page shows its progress and polls with htmx
until the outcome is there.  The page is seen waiting (排队中, 0%), then the
test runs the worker (``db_worker --batch``) itself and the open page must
pick up the outcome on its own.  (A worker in a second thread would race the
live server on the in-memory SQLite test database, whose table locks ignore
the busy timeout.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from core.idcard import check_char
from members.models import ImportJob, Member
from members.services.imports import HEADERS
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

BAD_ID = "110105195001010014"  # the check character should be "5"


def id_number(birth: dt.date, order: str) -> str:
    first17 = f"452628{birth:%Y%m%d}{order}"
    return first17 + check_char(first17)


def rows(third_id: str) -> list[dict[str, Any]]:
    """Three members: full in branch A (by code), probationary in branch C (by name path), full in branch B."""
    common = {"学历": "高中/中技", "人员类别": "农牧渔民", "是否生产一线": "是", "是否离退休": "否"}
    return [
        {
            **common,
            "姓名": "陆永福",
            "性别": "男",
            "民族": "壮族",
            "公民身份号码": id_number(dt.date(1968, 2, 3), "013"),
            "出生日期": dt.date(1968, 2, 3),
            "所在党组织": "C01T01B01",
            "党员类型": "正式党员",
            "入党日期": dt.date(1995, 7, 1),
            "转正日期": dt.date(1996, 7, 1),
        },
        {
            **common,
            "姓名": "罗美兰",
            "性别": "女",
            "民族": "瑶族",
            "公民身份号码": id_number(dt.date(1990, 11, 30), "024"),
            "出生日期": dt.date(1990, 11, 30),
            "所在党组织": "富宁县委/睦伦乡党委/睦伦村党支部",
            "党员类型": "预备党员",
            "入党日期": dt.date(2025, 7, 1),
        },
        {
            **common,
            "姓名": "何建国",
            "性别": "男",
            "民族": "汉族",
            "公民身份号码": third_id,
            "出生日期": dt.date(1950, 1, 1),
            "所在党组织": "C01T01B02",
            "党员类型": "正式党员",
            "入党日期": dt.date(1978, 7, 1),
            "转正日期": dt.date(1979, 7, 1),
        },
    ]


def fill_template(template: Path, data: list[dict[str, Any]], target: Path) -> Path:
    """The downloaded template with ``data`` written below its header row, as a clerk would."""
    wb = load_workbook(template)
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(data, start=2):
        for c, header in enumerate(headers, start=1):
            if header in row:
                sheet.cell(row=r, column=c, value=row[header])
    wb.save(target)
    return target


class Worker:
    """The task worker, run on demand: every queued import runs to its end."""

    def release(self) -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def workers(settings) -> Worker:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    return Worker()


def upload(page: Page, file: Path, workers: Worker) -> None:
    """Upload ``file``, see the job waiting with its progress bar, then let the import run."""
    page.goto("/members/import/")
    page.get_by_label("党员信息表").set_input_files(file)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/members/import/*/")
    expect(page.locator("#import-progress")).to_contain_text("排队中")
    expect(page.get_by_role("progressbar", name="导入进度")).to_have_attribute("aria-valuenow", "0")
    workers.release()


def test_a_county_clerk_gets_a_precise_list_of_what_to_fix_then_imports_everything(
    page: Page, tree, county_staff, workers: Worker, tmp_path: Path
) -> None:
    log_in(page, county_staff.username)
    page.goto("/members/")
    page.get_by_role("link", name="导入导出").click()
    expect(page.locator(".card-header", has_text="批量导入党员")).to_be_visible()

    # The template comes from the import page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="党员信息导入模板").click()
    download = download_info.value
    assert download.suggested_filename == "党员信息导入模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)
    assert [c.value for c in load_workbook(template).worksheets[0][1]] == list(HEADERS)

    # One bad row (row 4: a wrong check character) → the page lists it and nothing is written.
    upload(page, fill_template(template, rows(BAD_ID), tmp_path / "党员名册-有误.xlsx"), workers)
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("校验未通过，未导入任何数据。共 1 处错误")
    errors = page.locator("#import-errors li")
    expect(errors).to_have_count(1)
    expect(errors).to_have_text("第4行“公民身份号码”列：公民身份号码校验位错误")
    assert Member.objects.count() == 0
    assert ImportJob.objects.get().status == "REJECTED"

    # The corrected file imports all three rows; the roster shows them where they belong.
    good_id = id_number(dt.date(1950, 1, 1), "035")
    upload(page, fill_template(template, rows(good_id), tmp_path / "党员名册.xlsx"), workers)
    expect(progress).to_contain_text("导入成功：新增党员 3 名")
    progress.get_by_role("link", name="查看党员名册").click()
    roster = page.locator("tbody tr")
    expect(roster.filter(has_text="陆永福")).to_contain_text("各甫村党支部")
    expect(roster.filter(has_text="罗美兰")).to_contain_text("睦伦村党支部")
    expect(roster.filter(has_text="罗美兰")).to_contain_text("预备党员")
    expect(roster.filter(has_text="何建国")).to_contain_text("新华社区党支部")
    expect(roster.filter(has_text="何建国")).not_to_contain_text(good_id)  # masked in lists
    assert Member.objects.count() == 3

    # The same file with one phone number changed: a preview first, written once confirmed.
    changed = rows(good_id)
    changed[0]["手机号码"] = "13912345678"
    upload(page, fill_template(template, changed, tmp_path / "党员名册-改手机.xlsx"), workers)
    expect(progress).to_contain_text("新增党员 0 名，更新 1 名，2 名无变化")
    expect(page.locator("#import-changes")).to_contain_text("陆永福")
    expect(page.locator("#import-changes")).to_contain_text("手机号码：（空） → 13912345678")
    assert Member.objects.get(name="陆永福").phone == ""
    page.get_by_role("button", name="确认导入").click()
    expect(progress).to_contain_text("排队中")
    workers.release()
    expect(progress).to_contain_text("更新 1 名")
    assert Member.objects.get(name="陆永福").phone == "13912345678"

    # Both uploads are on the import page, with their outcome.
    page.goto("/members/import/")
    recent = page.locator(".card", has=page.locator(".card-header", has_text="最近的导入")).locator(
        "tbody tr"
    )
    expect(recent.filter(has_text="党员名册-有误.xlsx"), workers).to_contain_text("校验未通过")
    expect(recent.filter(has_text="党员名册.xlsx"), workers).to_contain_text("导入成功")
