"""The organization-tree import: everything or nothing, and every bad row named."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.xlsx import RowError
from organizations.choices import OrgCategory, OrgEventKind, OrgKind
from organizations.importers import HEADERS, REQUIRED, import_orgs, template_workbook
from organizations.models import Organization, OrgEvent
from organizations.services import org_dissolve

from .conftest import xlsx_file


def errors_by_row(report) -> dict[int, list[RowError]]:
    found: dict[int, list[RowError]] = {}
    for error in report.errors:
        found.setdefault(error.row, []).append(error)
    return found


def test_a_valid_file_creates_every_organization_with_its_history(tree, committee_staff):
    source = xlsx_file(
        [
            ("C01T01Z", "新华镇机关党总支", "党总支", "机关", "C01T01", dt.date(2010, 5, 4)),
            ("C01T01Z01", "新华镇政府党支部", "党支部", "机关", "C01T01Z", "2010-06-01"),
            ("C01T01Z02", "新华镇卫生院党支部", "党支部", "事业单位", "C01T01Z", "2011年7月1日"),
        ]
    )
    report = import_orgs(source, actor=committee_staff)
    assert report.ok, report.errors
    assert (report.rows, report.created) == (3, 3)
    general = Organization.objects.get(code="C01T01Z")
    assert (general.kind, general.category, general.parent) == (
        OrgKind.GENERAL_BRANCH,
        OrgCategory.ORGAN,
        tree.committee,
    )
    clinic = Organization.objects.get(code="C01T01Z02")
    assert clinic.parent == general
    assert clinic.path.startswith(general.path)
    assert clinic.established_on == dt.date(2011, 7, 1)
    assert (
        OrgEvent.objects.filter(kind=OrgEventKind.ESTABLISH, organization__code__startswith="C01T01Z").count()
        == 3
    )
    assert LogEntry.objects.get_for_object(clinic).get().actor == committee_staff


def test_a_parent_may_come_in_a_later_row(tree, committee_staff):
    source = xlsx_file(
        [
            ("K1", "小组甲", "党小组", "村", "B9", "2015-01-01"),
            ("B9", "新设党支部", "党支部", "村", "GB9", "2014-01-01"),
            ("GB9", "新设党总支", "党总支", "村", "C01T01", "2013-01-01"),
        ]
    )
    report = import_orgs(source, actor=committee_staff)
    assert report.ok, report.errors
    group = Organization.objects.get(code="K1")
    assert [o.code for o in group.ancestors()] == ["C01", "C01T01", "GB9", "B9"]


def test_several_bad_rows_write_nothing_and_each_is_named(tree, committee_staff):
    before = Organization.objects.count()
    source = xlsx_file(
        [
            ("OK1", "正确的党支部", "党支部", "村", "C01T01", "2015-01-01"),  # row 2: fine
            ("OK1", "重复代码", "党支部", "村", "C01T01", "2015-01-01"),  # row 3: duplicate in file
            ("C01T01B01", "代码已存在", "党支部", "村", "C01T01", "2015-01-01"),  # row 4: in database
            ("BAD5", "类型不对", "支部", "村", "C01T01", "2015-01-01"),  # row 5: unknown kind
            ("BAD6", "类别不对", "党支部", "农村", "C01T01", "2015-01-01"),  # row 6: unknown category
            ("BAD7", "上级不存在", "党支部", "村", "NOPE", "2015-01-01"),  # row 7: unknown parent
            ("BAD8", "上级不合规", "党委", "乡镇", "C01T01B02", "2015-01-01"),  # row 8: kind under branch
            ("BAD9", "日期不对", "党支部", "村", "C01T01", "2015-13-01"),  # row 9: bad date
            ("BAD10", "范围之外", "党支部", "村", "C01T02", "2015-01-01"),  # row 10: out of scope
            ("", "", "党支部", "村", "C01T01", ""),  # row 11: empty code, name, date
        ]
    )
    report = import_orgs(source, actor=committee_staff)
    assert not report.ok
    assert report.created == 0
    assert Organization.objects.count() == before
    rows = errors_by_row(report)
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert rows[3][0].column == "党组织代码" and "与第2行重复" in rows[3][0].message
    assert "已存在" in rows[4][0].message
    assert rows[5][0].column == "组织类型" and "未知的组织类型“支部”" in rows[5][0].message
    assert rows[6][0].column == "组织类别" and "农村" in rows[6][0].message
    assert rows[7][0].column == "上级党组织代码" and "NOPE" in rows[7][0].message
    assert rows[8][0].column == "上级党组织代码" and "基层党委不能设在党支部" in rows[8][0].message
    assert rows[9][0].column == "成立日期"
    assert "不在您的管理范围内" in rows[10][0].message
    assert {e.column for e in rows[11]} == {"党组织代码", "党组织名称", "成立日期"}


def test_a_cycle_in_the_file_is_named_on_every_row_of_it(tree, committee_staff):
    source = xlsx_file(
        [
            ("A1", "甲", "基层党委", "村", "A2", "2015-01-01"),
            ("A2", "乙", "基层党委", "村", "A1", "2015-01-01"),
            ("A3", "丙", "党支部", "村", "A3", "2015-01-01"),
        ]
    )
    report = import_orgs(source, actor=committee_staff)
    rows = errors_by_row(report)
    assert "上级关系形成循环：A1 → A2 → A1" in rows[2][0].message
    assert "循环" in rows[3][0].message
    assert rows[4][0].message == "上级党组织不能是自身"
    assert not Organization.objects.filter(code__in=["A1", "A2", "A3"]).exists()


def test_a_dissolved_parent_is_refused(tree, committee_staff):
    org_dissolve(actor=committee_staff, org=tree.branch_b, day=dt.date(2020, 1, 1), reason="撤并")
    report = import_orgs(
        xlsx_file([("G1", "小组", "党小组", "社区", "C01T01B02", "2021-01-01")]), actor=committee_staff
    )
    assert "已于2020-01-01撤销" in report.errors[0].message


def test_a_child_established_before_its_parent_is_refused(tree, committee_staff):
    source = xlsx_file(
        [
            ("P1", "新党总支", "党总支", "村", "C01T01", "2015-01-01"),
            ("P2", "新党支部", "党支部", "村", "P1", "2014-01-01"),
        ]
    )
    report = import_orgs(source, actor=committee_staff)
    assert [(e.row, e.column) for e in report.errors] == [(3, "成立日期")]


def test_only_an_administrator_imports_a_root(tree, county_staff, admin_user):
    row = ("P9", "富宁县委（新）", "县委", "机关", "", "2015-01-01")
    report = import_orgs(xlsx_file([row]), actor=county_staff)
    assert report.errors[0].column == "上级党组织代码"
    assert import_orgs(xlsx_file([row]), actor=admin_user).ok


def test_a_missing_column_is_reported_before_any_row(committee_staff, tree):
    source = xlsx_file([("X", "名称", "党支部", "村", "C01T01")], headers=REQUIRED[:-1])
    report = import_orgs(source, actor=committee_staff)
    assert [(e.row, e.column) for e in report.errors] == [(1, "成立日期")]


def test_a_file_that_is_not_a_spreadsheet_is_reported(committee_staff, tree):
    report = import_orgs(BytesIO(b"not a zip"), actor=committee_staff)
    assert report.errors[0].row == 0
    assert "无法读取文件" in report.errors[0].message


def test_an_auditor_cannot_import(auditor, tree):
    report = import_orgs(xlsx_file([("Z1", "名称", "党支部", "村", "C01T01", "2015-01-01")]), actor=auditor)
    assert "只读" in report.errors[0].message
    assert not Organization.objects.filter(code="Z1").exists()


def test_the_template_has_the_headers_and_a_sheet_of_instructions():
    wb = load_workbook(BytesIO(template_workbook()))
    assert [c.value for c in wb.worksheets[0][1]] == list(HEADERS)
    assert wb.worksheets[1].title == "填写说明"
    assert wb.worksheets[0].max_row == 1


def test_the_command_imports_a_file(tmp_path, tree, committee_staff, capsys):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(
        xlsx_file([("CMD1", "命令行导入党支部", "党支部", "村", "C01T01", "2015-01-01")]).getvalue()
    )
    call_command("import_orgs", str(path), "--user", "committee")
    assert "新建党组织 1 个" in capsys.readouterr().out
    assert Organization.objects.get(code="CMD1").parent == tree.committee


def test_the_command_prints_every_bad_row_and_fails(tmp_path, tree, committee_staff, capsys):
    path = tmp_path / "orgs.xlsx"
    rows = [
        ("CMD1", "甲", "支部", "村", "C01T01", "2015-01-01"),
        ("CMD2", "乙", "党支部", "村", "NOPE", "2015-01-01"),
    ]
    path.write_bytes(xlsx_file(rows).getvalue())
    with pytest.raises(CommandError, match="共 2 处错误"):
        call_command("import_orgs", str(path), "--user", "committee")
    err = capsys.readouterr().err
    assert "第2行“组织类型”列" in err
    assert "第3行“上级党组织代码”列" in err
    assert not Organization.objects.filter(code__startswith="CMD").exists()


def test_the_command_refuses_an_unknown_user(tmp_path, tree):
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_orgs", str(tmp_path / "x.xlsx"), "--user", "nobody")


# --- on the task queue: the job page, progress, the error format of the member import ---------


def test_the_import_page_queues_a_task_and_its_job_page_shows_the_outcome(client, tree, committee_staff):
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from organizations.models import OrgImportJob

    client.force_login(committee_staff)
    upload = xlsx_file([("W1", "网页导入党支部", "党支部", "村", "C01T01", "2015-01-01")])

    response = client.post(reverse("organizations:import"), {"file": upload})

    job = OrgImportJob.objects.get()
    assert response["Location"] == reverse("organizations:import_job", args=[job.pk])
    assert (job.status, job.created_count, job.processed, job.created_by) == (
        "SUCCEEDED",
        1,
        1,
        committee_staff,
    )
    assert job.upload == "" and job.task_id  # the upload went through storage and is gone
    assert default_storage.listdir("imports/organizations")[1] == []
    page = client.get(response["Location"]).content.decode()
    assert "新建党组织 <strong>1</strong> 个" in page and "hx-trigger" not in page
    assert (
        "o.xlsx" not in page and job.file_name in client.get(reverse("organizations:import")).content.decode()
    )


def test_progress_is_ticked_while_reading_then_writing(tree, committee_staff, monkeypatch):
    from organizations import importers

    monkeypatch.setattr(importers, "TICK_EVERY", 2)
    rows = [(f"P{i}", f"党支部{i}", "党支部", "村", "C01T01", "2015-01-01") for i in range(5)]
    ticks: list[tuple[str, int, int]] = []

    report = import_orgs(xlsx_file(rows), actor=committee_staff, progress=lambda *t: ticks.append(t))

    assert report.ok and report.created == 5
    assert ticks == [("VALIDATING", 2, 0), ("VALIDATING", 4, 0), ("VALIDATING", 5, 5), ("WRITING", 5, 5)]


def test_a_running_org_import_polls_with_a_progress_bar(client, tree, committee_staff):
    from django.urls import reverse

    from organizations.models import OrgImportJob

    job = OrgImportJob.objects.create(
        created_by=committee_staff, organization=tree.committee, file_name="o.xlsx", status="VALIDATING"
    )
    OrgImportJob.objects.filter(pk=job.pk).update(processed=200)
    client.force_login(committee_staff)

    fragment = client.get(reverse("organizations:import_job_progress", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in fragment and "已读取 200 行" in fragment


def test_identical_org_errors_read_as_one_line_like_the_member_import(client, tree, committee_staff):
    from django.urls import reverse

    rows = [(f"E{i}", f"甲{i}", "支部子", "村", "C01T01", "2015-01-01") for i in range(300)]
    client.force_login(committee_staff)

    page = client.post(
        reverse("organizations:import"), {"file": xlsx_file(rows)}, follow=True
    ).content.decode()

    assert "共 300 处错误" in page
    assert "<strong>第2–301行</strong>“组织类型”列：未知的组织类型“支部子”" in page and "（共300行）" in page
    assert not Organization.objects.filter(code__startswith="E").exists()


def test_an_org_import_whose_worker_died_is_shown_as_failed(client, tree, committee_staff):
    from django.urls import reverse
    from django.utils import timezone

    from core.importjobs import STALE_AFTER
    from organizations.models import OrgImportJob

    job = OrgImportJob.objects.create(
        created_by=committee_staff, organization=tree.committee, file_name="o.xlsx", status="WRITING"
    )
    OrgImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    client.force_login(committee_staff)

    fragment = client.get(reverse("organizations:import_job_progress", args=[job.pk])).content.decode()

    assert "失败：后台任务中断，请重新导入" in fragment and "hx-trigger" not in fragment


def test_another_committee_gets_404_for_an_org_import_job(client, tree, committee_staff, secretary_a):
    from django.urls import reverse

    from organizations.models import OrgImportJob

    job = OrgImportJob.objects.create(
        created_by=committee_staff, organization=tree.committee, file_name="o.xlsx"
    )
    client.force_login(secretary_a)

    assert client.get(reverse("organizations:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("organizations:import_job_progress", args=[job.pk])).status_code == 404


def test_the_recent_org_imports_cost_the_same_queries_for_one_job_or_many(client, tree, committee_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from organizations.models import OrgImportJob

    client.force_login(committee_staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("organizations:import")).status_code == 200
        return len(captured)

    OrgImportJob.objects.create(created_by=committee_staff, organization=tree.committee, file_name="1.xlsx")
    one = queries()
    for n in range(2, 6):
        OrgImportJob.objects.create(
            created_by=committee_staff, organization=tree.committee, file_name=f"{n}.xlsx"
        )

    # The jobs and their uploaders come in one query, however many are listed.
    assert queries() == one
