"""Every spreadsheet the system hands out opens ready to read and to print (core.sheets).

The writer's rules are tested on their own first; then every download is
opened again with openpyxl: each URL of the scope matrix's list
(``tests/pages.py``) that answers with an .xlsx (the templates, the member
export, an import's error report) and each list page's ``?format=xlsx``, so a
new template, export or list is checked without being named here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.sheets import (
    CHOICES_SHEET,
    DATE,
    SAMPLE_ROWS,
    ColumnSpec,
    Sheet,
    display_width,
    neutralise,
    write_workbook,
)
from core.xlsx import XLSX_MIME
from tests.pages import page_cases
from tests.test_scope_matrix import Cast


def opened(content: bytes) -> Any:
    return load_workbook(BytesIO(content))


def widths(ws: Worksheet) -> dict[str, float]:
    return {letter: dim.width for letter, dim in ws.column_dimensions.items()}


# --- the writer ----------------------------------------------------------------------------------


def test_columns_are_as_wide_as_their_content_an_id_22_and_a_date_12():
    content = write_workbook(
        Sheet(
            "党员名册",
            ["姓名", "公民身份号码", "入党日期", "工作单位及职务"],
            [["张桂芳", "11010519491231002X", dt.date(1975, 7, 1), "富宁县新华镇各甫村村民委员会主任"]],
        )
    )
    ws = opened(content)["党员名册"]
    assert widths(ws) == {
        "A": 8,
        "B": 22,
        "C": 12,
        "D": display_width("富宁县新华镇各甫村村民委员会主任") + 2,
    }


def test_a_long_text_is_capped_and_an_empty_column_still_fits_its_header():
    content = write_workbook(Sheet("说明", ["备注", "空列标题很长"], [["字" * 200, None]]))
    assert widths(opened(content)["说明"]) == {"A": 60, "B": display_width("空列标题很长") + 3}


def test_the_header_row_is_bold_frozen_and_filtered_over_every_row():
    rows = [[f"党员{i}", i] for i in range(SAMPLE_ROWS + 20)]  # past the rows measured: the rest stream
    ws = opened(write_workbook(Sheet("党员名册", ["姓名", "序号"], rows)))["党员名册"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:B{len(rows) + 1}"
    assert ws["A1"].font.b and ws.max_row == len(rows) + 1
    assert ws.cell(row=len(rows) + 1, column=1).value == f"党员{len(rows) - 1}"


def test_dates_are_date_cells_and_aware_times_are_local():
    at = dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)
    ws = opened(write_workbook(Sheet("记录", ["日期", "时间"], [[dt.date(2026, 3, 1), at]])))["记录"]
    day, time = ws["A2"], ws["B2"]
    assert day.is_date and day.value == dt.datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert time.is_date and time.value == dt.datetime(2026, 3, 1, 9, 30)  # Asia/Shanghai
    assert time.number_format == "yyyy-mm-dd hh:mm" and widths(ws)["B"] == 17


def test_id_numbers_are_text_money_has_two_places_and_other_objects_their_text():
    class Person:
        def __str__(self) -> str:
            return "王强"

    ws = opened(
        write_workbook(
            Sheet(
                "明细",
                ["公民身份号码", "金额", "经办人"],
                [["440524188001010014", Decimal("1200.50"), Person()], ["532628************", None, None]],
            )
        )
    )["明细"]
    assert ws["A2"].value == "440524188001010014" and ws["A2"].data_type == "s"
    assert ws["A2"].number_format == "@" and ws.column_dimensions["A"].number_format == "@"
    assert ws["B2"].value == 1200.5 and ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].value == "王强"


def test_a_cell_that_would_run_as_a_formula_is_inert():
    ws = opened(write_workbook(Sheet("明细", ["姓名"], [["=HYPERLINK(1)"], ["-3"]])))["明细"]
    assert ws["A2"].value == "'=HYPERLINK(1)" and ws["A3"].value == "'-3"
    assert neutralise("正常") == "正常" and neutralise(5) == 5


def test_print_setup_a4_header_repeated_fit_to_width_portrait_when_narrow():
    ws = opened(write_workbook(Sheet("错误明细", ["行号", "列", "原因"], [[2, "姓名", "不能为空"]])))[
        "错误明细"
    ]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "portrait"
    assert ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert "&P" in ws.oddFooter.center.text


def test_a_wide_sheet_prints_landscape():
    headers = [f"第{i}列的标题" for i in range(12)]
    ws = opened(write_workbook(Sheet("名册", headers, [])))["名册"]
    assert ws.page_setup.orientation == "landscape"


def test_choice_columns_get_a_dropdown_from_a_hidden_sheet_of_lists():
    content = write_workbook(
        Sheet(
            "党组织信息",
            [ColumnSpec("组织类型", choices=("党委", "党支部")), ColumnSpec("成立日期", kind=DATE)],
        )
    )
    wb = opened(content)
    ws = wb["党组织信息"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and str(validation.sqref) == "A2:A5000"
    assert validation.formula1 == f"'{CHOICES_SHEET}'!$A$2:$A$3" and validation.showErrorMessage
    assert [c.value for c in wb[CHOICES_SHEET]["A"]] == ["组织类型", "党委", "党支部"]
    assert wb[CHOICES_SHEET].sheet_state == "hidden"
    assert ws.column_dimensions["B"].number_format == "yyyy-mm-dd"  # a date typed in later shows as one


# --- every download --------------------------------------------------------------------------------

#: Headers of columns that hold dates (anything but a date cell there is a defect).
DATE_HEADER_ENDINGS = ("日期", "有效期至", "公示开始", "公示截止", "完成日期")


@pytest.fixture
def cast(request, tree, county_staff, committee_staff, secretary_a, secretary_b, auditor, member_a) -> Cast:
    return Cast(request)


def downloads(cast: Cast) -> dict[str, bytes]:
    """URL → .xlsx of every download and every list export of the URL list, as county staff."""
    client = Client()
    client.force_login(cast.county_staff)
    found: dict[str, bytes] = {}
    for case in page_cases(cast):
        for url in (case.url, case.url + ("&" if "?" in case.url else "?") + "format=xlsx"):
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"] == XLSX_MIME:
                found[url] = response.content
                break  # a download answers ?format=xlsx with the same file
    return found


def layout_problems(url: str, content: bytes) -> list[str]:
    """What keeps this file from opening ready to read: checked on each visible sheet."""
    problems: list[str] = []
    wb = opened(content)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        where = f"{url} [{ws.title}]"
        headers = [c.value for c in ws[1]]
        if not any("\u4e00" <= ch <= "\u9fff" for ch in ws.title):
            problems.append(f"{where}: 工作表名不是中文")
        if ws.freeze_panes != "A2":
            problems.append(f"{where}: 表头未冻结")
        if str(ws.page_setup.paperSize) != ws.PAPERSIZE_A4 or ws.page_setup.fitToWidth != 1:
            problems.append(f"{where}: 打印设置不是 A4、按页宽缩放")
        if ws.print_title_rows != "$1:$1":
            problems.append(f"{where}: 打印时不重复表头")
        for index, header in enumerate(headers, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            width = ws.column_dimensions[letter].width
            if not header:
                continue
            if not width or width < display_width(str(header)):
                problems.append(f"{where}: “{header}”列宽 {width} 容不下表头")
            cells = [row[index - 1] for row in ws.iter_rows(min_row=2) if row[index - 1].value is not None]
            if "身份号码" in str(header):
                if width < 20 or any(c.data_type != "s" or c.number_format != "@" for c in cells):
                    problems.append(f"{where}: “{header}”不是文本格式、宽 22 的列")
            if str(header).endswith(DATE_HEADER_ENDINGS) or any(c.is_date for c in cells):
                if any(not c.is_date or "yy" not in c.number_format for c in cells) or width < 12:
                    problems.append(f"{where}: “{header}”不全是日期单元格，或列宽不足 12")
    first = wb.worksheets[0]
    if not (first.auto_filter.ref or "").startswith("A1:"):
        problems.append(f"{url} [{first.title}]: 没有筛选按钮")
    return problems


@pytest.mark.django_db
def test_every_template_and_export_opens_ready_to_read_and_print(cast: Cast):
    files = downloads(cast)
    names = "\n".join(files)
    # the templates, the roster export, and list exports of both apps (with rows to check)
    for url in (reverse("members:import_template"), reverse("organizations:import_template")):
        assert url in files, f"{url} not among the downloads:\n{names}"
    assert any(u.startswith(reverse("members:export")) for u in files)
    assert sum("format=xlsx" in u for u in files) >= 12, names
    problems = [p for url, content in files.items() for p in layout_problems(url, content)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_list_exports_carry_their_rows_as_typed_cells(cast: Cast):
    """The checks above only bite on rows: the transfer export has a date and an ID number to check."""
    client = Client()
    client.force_login(cast.county_staff)
    page_cases(cast)  # builds a letter, among the other records of the pages
    ws = opened(client.get(reverse("members:transfer_list") + "?format=xlsx").content).worksheets[0]
    headers = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(headers, ws[2], strict=True)}
    assert row["开具日期"].is_date and row["开具日期"].value.date() == timezone.localdate()
    assert row["公民身份号码"].data_type == "s" and len(row["公民身份号码"].value) == 18


@pytest.mark.django_db
def test_the_member_template_has_a_dropdown_for_every_choice_column(client, secretary_a):
    client.force_login(secretary_a)
    wb = opened(client.get(reverse("members:import_template")).content)
    ws = wb["党员信息"]
    headers = [c.value for c in ws[1]]
    validated = {
        headers[ws[str(v.sqref).split(":")[0]].column - 1] for v in ws.data_validations.dataValidation
    }
    assert validated == {"性别", "民族", "学历", "人员类别", "党员类型"} | {
        h for h in headers if h.startswith("是否")
    }
    assert ws.column_dimensions["D"].width == 22 and ws.column_dimensions["E"].width == 12
    assert ws.column_dimensions["D"].number_format == "@"


@pytest.mark.django_db
def test_the_organization_template_offers_the_kinds_and_categories_and_a_date_column(client, secretary_a):
    from organizations.choices import OrgCategory, OrgKind

    client.force_login(secretary_a)
    wb = opened(client.get(reverse("organizations:import_template")).content)
    ws = wb["党组织信息"]
    headers = [c.value for c in ws[1]]
    lists = {c[0].value: [x.value for x in c[1:] if x.value] for c in wb[CHOICES_SHEET].iter_cols()}
    by_column = {
        headers[ws[str(v.sqref).split(":")[0]].column - 1]: v.formula1
        for v in ws.data_validations.dataValidation
    }
    assert {"组织类型", "组织类别"} <= set(by_column)
    assert lists["组织类型"] == list(OrgKind.labels) and lists["组织类别"] == list(OrgCategory.labels)
    established = ws.cell(row=1, column=headers.index("成立日期") + 1).column_letter
    assert ws.column_dimensions[established].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[established].width == 12
