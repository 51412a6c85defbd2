"""Import update mode: an export, edited in Excel and imported again, updates the members after a preview."""

from __future__ import annotations

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import ImportJob, Member
from members.services import imports
from members.services.imports import import_members
from members.services.member import member_update
from organizations.choices import OrgCategory, OrgKind
from organizations.services import org_create
from tests.conftest import DAY0, PASSWORD

from .test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def exported(client) -> list[dict]:
    """The roster export as rows of {header: value}, the way a clerk opens it in Excel."""
    content = client.get(reverse("members:export")).content
    ws = load_workbook(BytesIO(content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def upload(client, rows: list[dict]):
    file = SimpleUploadedFile("党员名册.xlsx", workbook(rows).getvalue())
    return client.post(reverse("members:import"), {"file": file}, REMOTE_ADDR="10.1.2.3")


def test_export_carries_every_imported_column_including_rural_and_group(client, secretary_a, member_a, tree):
    group = org_create(
        actor=secretary_a,
        parent=tree.branch_a,
        code="C01T01B01G1",
        name="第一党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    Member.objects.filter(pk=member_a.pk).update(party_group=group)

    row = exported(login(client, secretary_a))[0]

    assert list(row) == list(imports.HEADERS)
    assert (row["是否农村党员"], row["所在党小组"]) == ("是", "第一党小组")


def test_a_changed_phone_number_is_previewed_then_updated_and_audited(client, secretary_a, member_a):
    login(client, secretary_a)
    rows = exported(client)
    rows[0]["手机号码"] = "13912345678"
    rows.append(import_row(7))  # and one new member

    response = upload(client, rows)

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("members:import_job", args=[job.pk])
    assert (job.status, job.new_count, job.changed_count, job.unchanged_count) == ("PREVIEW", 1, 1, 0)
    assert job.preview[0][0] == 2 and job.preview[0][3] == [["手机号码", "（空）", "13912345678"]]
    page = client.get(response["Location"]).content.decode()
    assert "新增党员 <strong>1</strong> 名，更新 <strong>1</strong> 名" in page
    assert "手机号码：<del" in page and "13912345678" in page and "确认导入" in page
    # Nothing is written before the confirmation, and the upload waits for it.
    assert Member.objects.get(pk=member_a.pk).phone == "" and Member.objects.count() == 1
    assert default_storage.exists(job.upload)
    stored = job.upload

    client.post(reverse("members:import_job_confirm", args=[job.pk]), REMOTE_ADDR="10.1.2.4")

    job.refresh_from_db()
    member_a.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == ("SUCCEEDED", 1, 1)
    assert member_a.phone == "13912345678" and Member.objects.count() == 2
    entry = LogEntry.objects.get_for_object(member_a).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes == {"phone": ["", "13912345678"], "version": [1, 2]}
    assert (entry.actor, entry.remote_addr) == (secretary_a, "10.1.2.4")  # who confirmed, from where
    assert job.upload == "" and not default_storage.exists(stored)


def test_an_unchanged_export_changes_nothing_and_needs_no_confirmation(client, secretary_a, member_a):
    login(client, secretary_a)
    # The highest id, not the count: ids keep rising after a transactional test's flush.
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    upload(client, exported(client))

    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("SUCCEEDED", 0, 0, 1)
    # Only the job's own rows are audited: no member row was touched.
    assert not LogEntry.objects.filter(pk__gt=before, content_type__model="member").exists()


def test_a_column_the_file_leaves_out_keeps_the_registered_value(county_staff, member_a):
    Member.objects.filter(pk=member_a.pk).update(phone="13800000000", work_unit="村委会")
    headers = [h for h in imports.HEADERS if h not in ("手机号码", "是否农村党员")]
    row = import_row(
        1,
        姓名=member_a.name,
        公民身份号码=member_a.id_number,
        出生日期=None,
        性别=None,
        学历="高中/中技",
        是否生产一线="否",
        工作单位及职务="村委会主任",
        入党日期=member_a.joined_on,
        转正日期=member_a.full_on,
    )

    report = import_members(actor=county_staff, source=workbook([row], headers=headers))

    assert report.needs_confirmation and [r[3] for r in report.preview] == [
        [["工作单位及职务", "村委会", "村委会主任"]]
    ]


def test_moving_a_member_or_confirming_them_is_not_done_by_import(county_staff, member_a):
    row = import_row(
        1,
        公民身份号码=member_a.id_number,
        出生日期=None,
        性别=None,
        所在党组织="C01T01B02",
        党员类型="预备党员",
    )
    row["转正日期"] = None

    report = import_members(actor=county_staff, source=workbook([row]))
    # 预备党员 for a member who joined in 1975 is refused on its own (probation long over)
    assert [e.column for e in report.errors] == ["党员类型"]
    assert "不能仍登记为预备党员" in report.errors[0].message

    row.update(党员类型="正式党员", 入党日期=member_a.joined_on, 转正日期=member_a.full_on)
    report = import_members(actor=county_staff, source=workbook([row]))
    assert [e.column for e in report.errors] == ["所在党组织"]
    assert "组织关系转接" in report.errors[0].message


def test_a_preview_confirmed_after_someone_changed_the_member_writes_nothing(
    client, secretary_a, member_a, admin_user
):
    login(client, secretary_a)
    rows = exported(client)
    rows[0]["手机号码"] = "13912345678"
    upload(client, rows)
    job = ImportJob.objects.get()
    member_update(actor=admin_user, member=Member.objects.get(pk=member_a.pk), phone="13700000000")

    client.post(reverse("members:import_job_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "REJECTED" and "预览之后" in job.errors[0][2]
    assert Member.objects.get(pk=member_a.pk).phone == "13700000000"
    assert job.upload == ""


def test_cancelling_a_preview_writes_nothing_and_deletes_the_upload(client, secretary_a, member_a):
    login(client, secretary_a)
    rows = exported(client)
    rows[0]["手机号码"] = "13912345678"
    upload(client, rows)
    job = ImportJob.objects.get()
    stored = job.upload

    client.post(reverse("members:import_job_cancel", args=[job.pk]))

    job.refresh_from_db()
    assert (job.status, job.upload) == ("CANCELLED", "") and not default_storage.exists(stored)
    assert Member.objects.get(pk=member_a.pk).phone == ""


def test_only_the_importer_confirms_their_preview(client, secretary_a, committee_staff, member_a):
    login(client, secretary_a)
    rows = exported(client)
    rows[0]["手机号码"] = "13912345678"
    upload(client, rows)
    job = ImportJob.objects.get()
    client.logout()

    response = login(client, committee_staff).post(reverse("members:import_job_confirm", args=[job.pk]))

    assert response.status_code == 403
    assert ImportJob.objects.get().status == "PREVIEW" and Member.objects.get(pk=member_a.pk).phone == ""


def test_the_shell_command_needs_update_to_change_registered_members(county_staff, member_a, tmp_path):
    from django.core.management import CommandError, call_command

    row = import_row(1, 公民身份号码=member_a.id_number, 出生日期=None, 性别=None, 姓名=member_a.name)
    path = tmp_path / "f.xlsx"
    path.write_bytes(workbook([row]).getvalue())

    with pytest.raises(CommandError, match="--update"):
        call_command("import_members", str(path), user=county_staff.username)
    assert Member.objects.get(pk=member_a.pk).phone == ""

    call_command("import_members", str(path), "--update", user=county_staff.username)
    assert Member.objects.get(pk=member_a.pk).phone == row["手机号码"]


def test_thousands_of_identical_errors_read_as_one_line(client, secretary_a):
    rows = [import_row(i, 学历="私塾") for i in range(1, 2001)]
    rows[10]["姓名"] = ""
    login(client, secretary_a)

    upload(client, rows)

    job = ImportJob.objects.get()
    assert job.error_count == 2001
    page = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert page.count('<li class="list-group-item">') == 2
    assert "<strong>第2–2001行</strong>“学历”列：“私塾”不是有效的学历" in page and "（共2000行）" in page
    assert "<strong>第12行</strong>“姓名”列：必填" in page


def test_a_party_group_is_found_under_the_members_branch_and_nowhere_else(tree, secretary_a, admin_user):
    group = org_create(
        actor=admin_user,
        parent=tree.branch_a,
        code="C01T01B01G1",
        name="第一党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    org_create(
        actor=admin_user,
        parent=tree.branch_b,
        code="C01T01B02G1",
        name="社区党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.COMMUNITY,
        established_on=DAY0,
    )

    wrong = import_members(actor=secretary_a, source=workbook([import_row(1, 所在党小组="社区党小组")]))
    report = import_members(actor=secretary_a, source=workbook([import_row(1, 所在党小组="第一党小组")]))

    assert [(e.column, e.message) for e in wrong.errors] == [
        ("所在党小组", "“社区党小组”不是“各甫村党支部”下设的党小组")
    ]
    assert report.ok and Member.objects.get().party_group == group


def test_a_move_to_another_branch_leaves_the_old_branchs_party_group(tree, member_a, admin_user):
    import datetime as dt

    from members.services.member import member_move

    group = org_create(
        actor=admin_user,
        parent=tree.branch_a,
        code="C01T01B01G1",
        name="第一党小组",
        kind=OrgKind.GROUP,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    Member.objects.filter(pk=member_a.pk).update(party_group=group)
    member_a.refresh_from_db()

    member_move(actor=admin_user, member=member_a, to_org=tree.branch_b, day=dt.date(2024, 1, 1))

    assert Member.objects.get(pk=member_a.pk).party_group is None
