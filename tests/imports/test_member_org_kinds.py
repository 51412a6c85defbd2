"""The member and organization imports as kinds of the shared importer: the command and /imports/ serve them."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.models import RecordImportJob
from core.recordimports import get_kind, run_import
from members.models import Member
from organizations.models import Organization
from tests.members.test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db


def members(actor, rows, confirm=None):
    return run_import(get_kind("members"), actor=actor, source=workbook(rows), confirmed_digest=confirm)


def orgs_file(rows) -> BytesIO:
    kind = get_kind("organizations")
    return BytesIO(kind.workbook({"党组织信息": rows}))


# --- members ------------------------------------------------------------------------------------------


def test_a_valid_member_file_registers_every_member(tree, secretary_a):
    report = members(secretary_a, [import_row(1), import_row(2)])
    assert report.ok, report.errors
    assert (report.new, report.created) == (2, 2)
    assert Member.objects.filter(name__startswith="黄文").count() == 2


def test_a_member_file_good_except_its_last_row_writes_nothing(tree, secretary_a):
    report = members(secretary_a, [import_row(1), import_row(2, 民族="")])
    assert [(e.row, e.column) for e in report.errors] == [(3, "民族")]
    assert report.bad_rows["党员信息"]["rows"][0][0] == 3  # errors.xlsx holds the bad row
    assert not Member.objects.filter(name__startswith="黄文").exists()


def test_a_member_row_outside_the_importers_scope_is_an_error(tree, secretary_b):
    report = members(secretary_b, [import_row(1)])
    assert [e.row for e in report.errors] == [2]
    assert not Member.objects.filter(name__startswith="黄文").exists()


def test_a_changed_phone_is_previewed_then_written_and_audited(tree, secretary_a):
    members(secretary_a, [import_row(1)])
    rows = [import_row(1, 手机号码="13900000000")]
    report = members(secretary_a, rows)
    assert report.needs_confirmation and report.changed == 1
    [[row, label, changes]] = report.preview
    assert row == 2 and label.startswith("黄文1") and ["手机号码", "13800000001", "13900000000"] in changes
    member = Member.objects.get(name="黄文1")
    before = LogEntry.objects.get_for_object(member).count()
    assert members(secretary_a, rows, confirm=report.digest).updated == 1
    member.refresh_from_db()
    assert member.phone == "13900000000"
    assert LogEntry.objects.get_for_object(member).count() == before + 1


def test_members_export_then_import_changes_nothing(tree, secretary_a):
    members(secretary_a, [import_row(1), import_row(2)])
    kind = get_kind("members")
    report = run_import(kind, actor=secretary_a, source=BytesIO(kind.export(secretary_a)))
    assert report.ok, report.errors
    assert (report.new, report.changed) == (0, 0) and report.unchanged >= 2


def test_the_shared_command_imports_members(tree, secretary_a, tmp_path, capsys):
    path = tmp_path / "m.xlsx"
    path.write_bytes(workbook([import_row(1)]).getvalue())
    call_command("import_records", "members", str(path), "--user", secretary_a.username)
    assert "新增 1 条" in capsys.readouterr().out
    assert Member.objects.filter(name="黄文1").exists()


# --- organizations -------------------------------------------------------------------------------------

GENERAL = ["C01T01Z", "新华镇机关党总支", "党总支", "机关", "C01T01", dt.date(2010, 5, 4), "", ""]
CLINIC = ["C01T01Z02", "新华镇卫生院党支部", "党支部", "事业单位", "C01T01Z", dt.date(2011, 7, 1), "", ""]


def test_a_valid_organization_file_creates_them(tree, committee_staff):
    report = run_import(get_kind("organizations"), actor=committee_staff, source=orgs_file([GENERAL, CLINIC]))
    assert report.ok, report.errors
    assert report.created == 2
    assert Organization.objects.get(code="C01T01Z02").parent.code == "C01T01Z"


def test_an_organization_file_good_except_its_last_row_writes_nothing(tree, committee_staff):
    bad = [*CLINIC[:5], "某年某月", "", ""]
    report = run_import(get_kind("organizations"), actor=committee_staff, source=orgs_file([GENERAL, bad]))
    assert [e.row for e in report.errors] == [3]
    assert not Organization.objects.filter(code__startswith="C01T01Z").exists()


def test_an_organization_under_a_parent_out_of_scope_is_refused(tree, committee_staff):
    row = ["C01T02Z", "睦伦乡机关党总支", "党总支", "机关", "C01T02", dt.date(2010, 5, 4), "", ""]
    report = run_import(get_kind("organizations"), actor=committee_staff, source=orgs_file([row]))
    assert [e.row for e in report.errors] == [2]
    assert not Organization.objects.filter(code="C01T02Z").exists()


def test_the_organizations_export_has_the_template_layout_and_is_refused_again_not_duplicated(
    tree, committee_staff
):
    kind = get_kind("organizations")
    content = kind.export(committee_staff)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]][:6] == [
        "党组织代码",
        "党组织名称",
        "组织类型",
        "组织类别",
        "上级党组织代码",
        "成立日期",
    ]
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} == {
        "C01T01",
        "C01T01B01",
        "C01T01B02",
    }
    count = Organization.objects.count()
    report = run_import(kind, actor=committee_staff, source=BytesIO(content))
    assert not report.ok and Organization.objects.count() == count  # the sheet creates; it never updates


def test_the_shared_page_serves_the_organization_kind(client, tree, committee_staff):
    client.force_login(committee_staff)
    upload = orgs_file([GENERAL])
    upload.name = "党组织.xlsx"
    client.post(reverse("imports:kind", args=["organizations"]), {"file": upload})
    job = RecordImportJob.objects.get()
    assert (job.kind, job.status, job.created_count) == ("organizations", "SUCCEEDED", 1)


def test_the_shared_command_refuses_an_unknown_kind(tree, committee_staff, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(orgs_file([GENERAL]).getvalue())
    with pytest.raises(CommandError, match="未知的导入类别"):
        call_command("import_records", "nonsense", str(path), "--user", committee_staff.username)
