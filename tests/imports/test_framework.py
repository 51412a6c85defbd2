"""The shared record importer: a new kind needs only its declaration; pages, task, preview, errors.xlsx, command."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Holiday, HolidayKind, RecordImportJob
from core.recordimports import (
    Change,
    Column,
    Diff,
    ImportKind,
    ImportSheet,
    Row,
    RowProblem,
    register_kind,
    run_import,
    unregister_kind,
)
from core.xlsx import cell_date, cell_text

pytestmark = pytest.mark.django_db

KINDS = {label: value for value, label in HolidayKind.choices}


class HolidaysKind(ImportKind):
    """A kind declared in a test: the holiday calendar, one row per day."""

    key = "test_holidays"
    label = "节假日（测试）"
    sheets = (
        ImportSheet(
            "节假日",
            (
                Column("日期", required=True, help="必填"),
                Column("类别", required=True, choices=tuple(KINDS)),
                Column("节日", required=True),
            ),
        ),
    )
    notes = ("每行一天。",)

    def parse_row(self, row: Row, context: None) -> Holiday:
        try:
            day = cell_date(row["日期"])
        except ValueError as exc:
            raise RowProblem("日期", str(exc)) from None
        kind = KINDS.get(cell_text(row["类别"]))
        if kind is None:
            raise RowProblem("类别", "请从下拉列表选择类别")
        holiday = Holiday(day=day, kind=kind, name=cell_text(row["节日"]))
        holiday.row = row.number
        return holiday

    def diff(self, items: list[Holiday], context: None) -> Diff:
        existing = Holiday.objects.in_bulk([h.day for h in items], field_name="day")
        diff = Diff()
        for item in items:
            old = existing.get(item.day)
            if old is None:
                diff.new.append(item)
            elif old.name != item.name:
                diff.changed.append(
                    Change(item.row, f"{item.day}", [("节日", old.name, item.name)], item, old)
                )
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor, context) -> tuple[int, int]:
        Holiday.objects.bulk_create(diff.new)
        for change in diff.changed:
            change.existing.name = change.item.name
            change.existing.save(update_fields=["name"])
        return len(diff.new), len(diff.changed)

    def export_rows(self, user, filters):
        rows = ([h.day, h.get_kind_display(), h.name] for h in Holiday.objects.filter(day__year=2031))
        return {"节假日": rows}


@pytest.fixture
def holidays_kind():
    kind = register_kind(HolidaysKind)
    yield kind
    unregister_kind(kind.key)


def upload(kind, rows) -> BytesIO:
    content = BytesIO(kind.workbook({"节假日": rows}))
    content.name = "节假日.xlsx"
    return content


def test_a_kind_declared_in_a_test_imports_through_the_shared_pages(holidays_kind, client, county_staff):
    client.force_login(county_staff)
    index = client.get(reverse("imports:index")).content.decode()
    assert holidays_kind.label in index and reverse("imports:kind", args=["test_holidays"]) in index

    template = load_workbook(BytesIO(client.get(reverse("imports:template", args=["test_holidays"])).content))
    assert template.sheetnames[:2] == ["节假日", "说明"]
    assert [c.value for c in template["节假日"][1]] == ["日期", "类别", "节日"]

    rows = [[dt.date(2031, 1, 1), "法定节假日", "元旦"], [dt.date(2031, 1, 2), "法定节假日", "元旦"]]
    response = client.post(
        reverse("imports:kind", args=["test_holidays"]), {"file": upload(holidays_kind, rows)}
    )
    job = RecordImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])
    assert (job.kind, job.status, job.created_count) == ("test_holidays", "SUCCEEDED", 2)
    assert Holiday.objects.filter(day__year=2031).count() == 2
    assert "导入成功" in client.get(response.url).content.decode()

    # An update: the preview on the page, then the confirmation writes it.
    rows[1][2] = "元旦假期"
    client.post(reverse("imports:kind", args=["test_holidays"]), {"file": upload(holidays_kind, rows)})
    job = RecordImportJob.objects.latest("pk")
    assert (job.status, job.new_count, job.changed_count, job.unchanged_count) == ("PREVIEW", 0, 1, 1)
    page = client.get(reverse("imports:job_progress", args=[job.pk])).content.decode()
    assert "元旦假期" in page and "确认导入" in page
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.updated_count) == ("SUCCEEDED", 1)
    assert Holiday.objects.get(day=dt.date(2031, 1, 2)).name == "元旦假期"

    # Export → import: nothing changes.
    exported = client.get(reverse("imports:export", args=["test_holidays"])).content
    report = run_import(holidays_kind, actor=county_staff, source=BytesIO(exported))
    assert report.ok and (report.new, report.changed, report.unchanged) == (0, 0, 2)


def test_bad_rows_are_all_listed_nothing_is_written_and_errors_xlsx_holds_them(
    holidays_kind, client, county_staff
):
    client.force_login(county_staff)
    rows = [
        [dt.date(2031, 5, 1), "法定节假日", "劳动节"],
        ["2031-13-01", "法定节假日", "坏日期"],
        [dt.date(2031, 5, 3), "放假", "劳动节"],
    ]
    client.post(reverse("imports:kind", args=["test_holidays"]), {"file": upload(holidays_kind, rows)})
    job = RecordImportJob.objects.get()
    assert job.status == "REJECTED" and [e[:2] for e in job.errors] == [[3, "日期"], [4, "类别"]]
    assert not Holiday.objects.filter(day__year=2031).exists()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "第3行" in page and "第4行" in page
    book = load_workbook(BytesIO(client.get(reverse("imports:job_errors", args=[job.pk])).content))
    sheet = book["节假日"]
    assert [c.value for c in sheet[1]] == ["日期", "类别", "节日", "错误说明", "原行号"]
    assert [r[-1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [3, 4]
    assert "日期格式不正确" in sheet.cell(row=2, column=4).value


def test_the_command_imports_a_declared_kind(holidays_kind, county_staff, tmp_path, capsys):
    path = tmp_path / "h.xlsx"
    path.write_bytes(upload(holidays_kind, [[dt.date(2031, 10, 1), "法定节假日", "国庆节"]]).getvalue())
    call_command("import_records", "test_holidays", str(path), "--user", county_staff.username)
    assert "导入成功" in capsys.readouterr().out
    assert Holiday.objects.filter(day=dt.date(2031, 10, 1)).exists()


def test_a_kind_without_key_or_sheets_is_refused():
    class Nameless(ImportKind):
        pass

    with pytest.raises(ValueError):
        register_kind(Nameless)


def test_the_bulk_create_diff_is_auditlogs_own(tree, member_a, secretary_a):
    """core.bulkaudit.created_diff gives model_instance_diff(None, obj) exactly (masks, foreign keys, defaults)."""
    from auditlog.diff import model_instance_diff

    from core.bulkaudit import created_diff
    from dues.models import DuesPayment
    from members.models import Member

    payment = DuesPayment(
        member=member_a,
        organization=tree.branch_a,
        month=dt.date(2026, 1, 1),
        amount="1.00",
        paid_on=dt.date(2026, 1, 5),
    )
    for obj in (payment, Member.objects.get(pk=member_a.pk), tree.branch_a):
        for use_json in (False, True):
            assert created_diff(obj, use_json) == model_instance_diff(
                None, obj, use_json_for_changes=use_json
            )


class TwoSheetsKind(ImportKind):
    """Two sheets sharing row numbers: a ``check`` error names the sheet its column is on."""

    key = "test_two_sheets"
    label = "两张表（测试）"
    sheets = (
        ImportSheet("活动", (Column("编号", required=True), Column("名称", required=True))),
        ImportSheet("人员", (Column("编号", required=True), Column("姓名", required=True))),
    )

    def parse_row(self, row: Row, context: None) -> SimpleNamespace:
        assert "编号" in row and "备注" not in row
        return SimpleNamespace(sheet=row.sheet, row=row.number)

    def check(self, items, context):
        from core.xlsx import RowError

        return [RowError(item.row, "姓名", "查无此人") for item in items if item.sheet == "人员"]

    def diff(self, items, context) -> Diff:
        return Diff(new=list(items))

    def write(self, diff, *, actor, context):
        return len(diff.new), 0

    def export_rows(self, user, filters):
        return {"活动": [], "人员": []}


def test_a_check_error_names_the_sheet_of_its_column(county_staff):
    kind = register_kind(TwoSheetsKind)
    try:
        content = BytesIO(kind.workbook({"活动": [["A1", "培训"]], "人员": [["A1", "张三"]]}))
        report = run_import(kind, actor=county_staff, source=content)
    finally:
        unregister_kind(kind.key)
    assert [str(e) for e in report.errors] == ["第2行“人员·姓名”列：查无此人"]
