"""The import pages: template download, upload, progress, result; who may use them."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.admin.imports import ImportJobAdmin
from members.models import ImportJob, Member
from members.models.imports import STALE_AFTER
from members.services import imports
from members.services.imports import HEADERS, import_members, start_member_import
from tests.conftest import PASSWORD

from .test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def inline(settings):
    """Run the import in the request: the test settings' Immediate task backend (the worker is tested below)."""
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, rows, name: str = "党员.xlsx"):
    file = SimpleUploadedFile(name, workbook(rows).getvalue())
    return client.post(reverse("members:import"), {"file": file}, REMOTE_ADDR="10.9.8.7")


# Anonymous → log-in, outsider → 404, auditor → 403/405, insiders → 200: tests/test_scope_matrix.py.


def test_auditor_gets_403_on_the_import_page_and_its_upload(client, auditor):
    login(client, auditor)

    assert client.get(reverse("members:import")).status_code == 403
    assert upload(client, [import_row(1)]).status_code == 403
    assert Member.objects.count() == 0 and ImportJob.objects.count() == 0


def test_import_page_links_the_template(client, secretary_a):
    response = login(client, secretary_a).get(reverse("members:import"))

    assert response.status_code == 200
    assert reverse("members:import_template") in response.content.decode()


def test_template_has_exactly_the_headers_text_ids_drop_downs_and_an_example(client, secretary_a):
    response = login(client, secretary_a).get(reverse("members:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == list(HEADERS)
    assert data.column_dimensions["D"].number_format == "@"  # 公民身份号码 as text
    validated = {str(dv.sqref).split(":")[0] for dv in data.data_validations.dataValidation}
    # 性别 民族 学历 人员类别 党员类型 and the five 是/否 columns
    assert {"B2", "C2", "F2", "G2", "M2", "H2", "P2", "Q2", "R2", "S2"} <= validated
    guide = wb["填写说明"]
    rows = [[c.value for c in row] for row in guide.iter_rows()]
    assert list(HEADERS) in rows  # the example's header row, followed by the example
    example = rows[rows.index(list(HEADERS)) + 1]
    assert example[3] == "11010519491231002X"
    assert wb["选项"].sheet_state == "hidden"


def test_the_template_example_row_imports(tree, county_staff, tmp_path, client):
    content = login(client, county_staff).get(reverse("members:import_template")).content
    wb = load_workbook(BytesIO(content))
    guide = wb["填写说明"]
    rows = [[c.value for c in row] for row in guide.iter_rows()]
    wb.worksheets[0].append(rows[rows.index(list(HEADERS)) + 1])
    path = tmp_path / "filled.xlsx"
    wb.save(path)

    report = import_members(actor=county_staff, source=str(path))

    assert report.ok and Member.objects.get().organization == tree.branch_a


def test_upload_imports_and_shows_the_result_with_ip_and_actor_audited(client, secretary_a, inline):
    login(client, secretary_a)
    response = upload(client, [import_row(1), import_row(2)])

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:import_job", args=[job.pk]
    )
    assert (job.status, job.created_count, job.created_by, job.organization) == (
        "SUCCEEDED",
        2,
        secretary_a,
        secretary_a.organization,
    )
    page = client.get(response["Location"]).content.decode()
    assert "导入成功" in page and "hx-trigger" not in page
    entry = LogEntry.objects.get_for_object(Member.objects.first()).get()
    assert (entry.actor, entry.remote_addr) == (secretary_a, "10.9.8.7")
    outcome = LogEntry.objects.get_for_object(job).filter(action=LogEntry.Action.UPDATE).get()
    assert outcome.changes["status"] == ["WRITING", "SUCCEEDED"] and outcome.actor == secretary_a


def test_rejected_upload_lists_every_bad_row_with_row_and_column(client, secretary_a, inline):
    login(client, secretary_a)
    upload(client, [import_row(1), import_row(2, 所在党组织="C01T01B02"), import_row(3, 学历="私塾")])

    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == ("REJECTED", 2)
    page = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page
    assert "第3行" in page and "第4行" in page and "所在党组织" in page and "学历" in page
    assert Member.objects.count() == 0


def test_error_list_downloads_as_a_spreadsheet(client, secretary_a, inline):
    login(client, secretary_a)
    upload(client, [import_row(1, 学历="私塾")])
    job = ImportJob.objects.get()

    response = client.get(reverse("members:import_job_errors", args=[job.pk]))

    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [[c.value for c in row] for row in ws.iter_rows()][1][:2] == [2, "学历"]


def test_upload_that_is_not_xlsx_is_refused_by_the_form(client, secretary_a, inline):
    login(client, secretary_a)
    response = client.post(
        reverse("members:import"), {"file": SimpleUploadedFile("members.xls", b"\xd0\xcf\x11\xe0")}
    )

    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_running_job_polls_and_shows_a_progress_bar(client, secretary_a):
    job = ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="a.xlsx", total=200
    )
    ImportJob.objects.filter(pk=job.pk).update(status="VALIDATING", processed=50)
    login(client, secretary_a)

    fragment = client.get(reverse("members:import_job_progress", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in fragment
    # The bar's width is data-progress, set by static/js/partyorg.js (the CSP refuses style="").
    assert "progress-bar" in fragment and 'data-progress="25"' in fragment and "50 / 约 200" in fragment


def test_admin_lists_only_the_jobs_in_scope(rf, secretary_a, secretary_b):
    mine = ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="a"
    )
    ImportJob.objects.create(created_by=secretary_b, organization=secretary_b.organization, file_name="b")
    request = rf.get("/admin/members/importjob/")
    request.user = secretary_a

    assert list(ImportJobAdmin(ImportJob, admin.site).get_queryset(request)) == [mine]


def test_job_whose_worker_died_is_shown_as_failed_and_closed_by_the_next_task(client, secretary_a):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("imports/members/dead.xlsx", ContentFile(b"xlsx"))
    job = ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="a.xlsx", upload=name
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="VALIDATING", updated_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    login(client, secretary_a)

    fragment = client.get(reverse("members:import_job_progress", args=[job.pk])).content.decode()
    listing = client.get(reverse("members:import")).content.decode()

    assert "失败：后台任务中断，请重新导入" in fragment and "hx-trigger" not in fragment
    assert "失败" in listing and "校验中" not in listing
    # The next import the worker runs closes the dead job for good and deletes its upload.
    upload(client, [import_row(1)])
    job.refresh_from_db()
    assert (job.status, job.upload, job.finished_at is not None) == ("FAILED", "", True)
    assert "后台任务中断" in job.message and not default_storage.exists(name)


def test_job_never_picked_up_by_a_worker_is_shown_as_failed_with_a_hint(client, secretary_a):
    from core.importjobs import PENDING_STALE_AFTER

    job = ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="a.xlsx"
    )
    login(client, secretary_a)
    url = reverse("members:import_job_progress", args=[job.pk])

    # Queued behind a long import: still waiting, not failed.
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - STALE_AFTER * 2)
    assert "排队中" in client.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - PENDING_STALE_AFTER - dt.timedelta(seconds=1)
    )
    fragment = client.get(url).content.decode()

    assert "后台任务程序长时间未处理" in fragment and "hx-trigger" not in fragment


def test_big_file_in_its_write_pass_gets_more_time_before_it_counts_as_interrupted(secretary_a):
    job = ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="a.xlsx", total=100_000
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="WRITING", updated_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    )
    job.refresh_from_db()

    assert job.is_running and not job.is_stale


def test_import_page_lists_recent_jobs_of_the_scope(client, committee_staff, secretary_a, secretary_b):
    ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="甲.xlsx"
    )
    ImportJob.objects.create(
        created_by=secretary_b, organization=secretary_b.organization, file_name="乙.xlsx"
    )

    page = login(client, secretary_a).get(reverse("members:import")).content.decode()
    assert "甲.xlsx" in page and "乙.xlsx" not in page
    client.logout()
    page = login(client, committee_staff).get(reverse("members:import")).content.decode()
    assert "甲.xlsx" in page and "乙.xlsx" in page


@pytest.mark.django_db(transaction=True)
def test_upload_runs_through_the_database_task_queue_end_to_end(tree, secretary_a, client, settings):
    """The real backend: the upload queues a task row; the worker (db_worker) imports it and deletes the upload."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    login(client, secretary_a)
    upload(client, [import_row(1), import_row(2)])
    job = ImportJob.objects.get()
    stored = job.upload

    assert (job.status, Member.objects.count()) == ("PENDING", 0)  # queued, nothing imported yet
    assert DBTaskResult.objects.get().status == "READY" and job.task_id == str(DBTaskResult.objects.get().id)
    assert default_storage_exists(stored)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.created_count, job.processed, job.finished_at is not None) == (
        "SUCCEEDED",
        2,
        2,
        True,
    )
    assert Member.objects.count() == 2 and DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert job.upload == "" and not default_storage_exists(stored)


def default_storage_exists(name: str) -> bool:
    from django.core.files.storage import default_storage

    return bool(name) and default_storage.exists(name)


@pytest.mark.parametrize("outcome", ["SUCCEEDED", "REJECTED", "FAILED"])
def test_uploaded_file_is_deleted_when_the_job_ends_whatever_its_outcome(
    secretary_a, inline, monkeypatch, outcome
):
    stored: list[str] = []
    real_store = imports.jobs.store_upload
    monkeypatch.setattr(imports.jobs, "store_upload", lambda *a: stored.append(real_store(*a)) or stored[-1])
    if outcome == "FAILED":
        monkeypatch.setattr(imports.jobs, "import_members", lambda **kw: 1 / 0)
    rows = [import_row(1, 学历="私塾" if outcome == "REJECTED" else "大学本科")]
    file = SimpleUploadedFile("党员.xlsx", workbook(rows).getvalue())

    job = start_member_import(actor=secretary_a, upload=file, file_name=file.name)

    assert job.status == outcome
    assert len(stored) == 1 and not default_storage_exists(stored[0]) and job.upload == ""


def test_upload_that_cannot_be_stored_fails_the_job_with_a_message(secretary_a, inline):
    class FullDisk:
        def chunks(self):
            raise OSError(28, "No space left on device")

    job = start_member_import(actor=secretary_a, upload=FullDisk(), file_name="党员.xlsx")

    assert job.status == "FAILED" and "无法保存" in job.message
    assert Member.objects.count() == 0


def test_a_crash_during_the_import_fails_the_job_and_writes_nothing(secretary_a, inline, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(imports.jobs, "import_members", crash)
    file = SimpleUploadedFile("党员.xlsx", workbook([import_row(1)]).getvalue())

    job = start_member_import(actor=secretary_a, upload=file, file_name=file.name)

    assert (job.status, job.finished_at is not None) == ("FAILED", True)
    assert "RuntimeError" in job.message and Member.objects.count() == 0


def test_the_recent_imports_list_costs_the_same_queries_for_one_job_or_many(client, secretary_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, secretary_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("members:import")).status_code == 200
        return len(captured)

    ImportJob.objects.create(
        created_by=secretary_a, organization=secretary_a.organization, file_name="1.xlsx"
    )
    one = queries()
    for n in range(2, 6):
        ImportJob.objects.create(
            created_by=secretary_a, organization=secretary_a.organization, file_name=f"{n}.xlsx"
        )

    # The jobs and their uploaders come in one query, however many are listed.
    assert queries() == one
