"""Uploads bounded before they are opened: the request size, the inflated size, imports at once."""

from __future__ import annotations

import datetime as dt
import io
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core import uploads, xlsx
from core.importjobs import ImportJobStatus, store_upload
from members.forms.imports import MemberImportForm
from members.models import ImportJob, Member
from members.services.imports import import_job_create, import_members, run_import_job, start_member_import
from organizations.forms import OrgImportForm
from organizations.importers import import_orgs, start_org_import
from organizations.models import OrgImportJob
from tests.conftest import PASSWORD
from tests.members.test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
TOO_LARGE = "上传文件超过20 MB，请拆分后分批导入"
INFLATES_TOO_FAR = "文件解压后超过400 MB，请拆分后分批导入"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
#: The peak of Python allocations while the bomb is handled; inflating it would take 1 GB.
MEMORY_BOUND = 50 * MB


def write_bomb(path: Path, inflated: int = 1024 * MB) -> Path:
    """A real .xlsx whose sharedStrings.xml inflates to ``inflated`` bytes (about 1 MB on disk for 1 GB).

    Every other part is openpyxl's own, so without the check openpyxl would
    go on to read the shared strings.  The filler goes through the deflater
    in 1 MB chunks: the gigabyte never exists in memory.
    """
    template = Workbook()
    template.active.append(["姓名"])
    buffer = io.BytesIO()
    template.save(buffer)
    item = b"<si><t>" + b"a" * (16 * 1024 - 15) + b"</t></si>"  # 16 KiB per string: 65,536 of them
    chunk = item * 64
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":  # openpyxl writes no shared strings: declare the part
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            archive.writestr(info.filename, content)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return write_bomb(tmp_path_factory.mktemp("bomb") / "党员.xlsx")


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def peak_during(action) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------
# The zip bomb
# ---------------------------------------------------------------------------


def test_the_bomb_is_small_on_disk_and_declares_a_gigabyte(bomb):
    with zipfile.ZipFile(bomb) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 1000 * MB
    assert bomb.stat().st_size < 2 * MB


@pytest.mark.parametrize("page", ["members:import", "organizations:import"])
def test_a_zip_bomb_uploaded_through_the_page_is_refused_unopened_in_bounded_memory(
    client, county_staff, bomb, settings, page
):
    login(client, county_staff)
    content = bomb.read_bytes()

    response, peak = peak_during(
        lambda: client.post(reverse(page), {"file": SimpleUploadedFile("党员.xlsx", content)})
    )

    assert response.status_code == 200 and INFLATES_TOO_FAR in response.content.decode()
    assert peak < MEMORY_BOUND
    assert ImportJob.objects.count() == OrgImportJob.objects.count() == Member.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize("command", ["import_members", "import_orgs"])
def test_a_zip_bomb_given_to_the_commands_is_refused_before_anything_inflates(county_staff, bomb, command):
    # The member import's row estimate used to open the workbook (inflating the shared strings) before the check.
    err = io.StringIO()

    def run() -> None:
        with pytest.raises(CommandError, match="导入失败"):
            call_command(command, str(bomb), f"--user={county_staff.username}", stderr=err)

    _, peak = peak_during(run)

    assert INFLATES_TOO_FAR in err.getvalue() and peak < MEMORY_BOUND
    assert Member.objects.count() == 0


def test_a_zip_bomb_is_refused_by_both_imports_in_bounded_memory(county_staff, bomb):
    members, peak_members = peak_during(lambda: import_members(actor=county_staff, source=str(bomb)))
    orgs, peak_orgs = peak_during(lambda: import_orgs(str(bomb), actor=county_staff))

    assert [e.message for e in members.errors] == [INFLATES_TOO_FAR]
    assert [e.message for e in orgs.errors] == [INFLATES_TOO_FAR]
    assert max(peak_members, peak_orgs) < MEMORY_BOUND


def test_a_zip_bomb_that_reached_the_worker_rejects_its_job_and_is_deleted(county_staff, bomb):
    with bomb.open("rb") as source:
        job = ImportJob.objects.create(
            created_by=county_staff, file_name="党员.xlsx", upload=store_upload(source, "members")
        )
    stored = job.upload

    job = run_import_job(job_id=job.pk)

    assert job.status == ImportJobStatus.REJECTED and job.errors == [[0, "", INFLATES_TOO_FAR]]
    assert job.upload == "" and not default_storage.exists(stored)


def test_the_inflated_size_limit_comes_from_the_settings(settings):
    settings.IMPORT_MAX_INFLATED_BYTES = 1 * MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "名" * (MB // 2) + "</sst>")  # 1.5 MB in UTF-8

    refused = xlsx.inflated_size_error(buffer)

    assert refused is not None and refused.message == "文件解压后超过1 MB，请拆分后分批导入"


def test_an_entry_compressed_beyond_200_to_1_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (2 * MB))

    refused = xlsx.inflated_size_error(buffer)

    assert refused is not None and "压缩比异常" in refused.message


def test_a_zip_of_too_many_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(xlsx.MAX_ENTRIES + 1):
            archive.writestr(f"xl/part{number}.xml", "<x/>")

    refused = xlsx.inflated_size_error(buffer)

    assert refused is not None and "部件超过" in refused.message


def test_a_real_spreadsheet_passes_the_checks():
    assert xlsx.inflated_size_error(workbook([import_row(n) for n in range(1, 200)])) is None


# ---------------------------------------------------------------------------
# The request size
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["members:import", "organizations:import"])
def test_a_25_mb_request_gets_413_with_the_message_and_nothing_is_stored(
    client, county_staff, settings, page
):
    login(client, county_staff)
    file = SimpleUploadedFile("党员.xlsx", b"\0" * (25 * MB))

    response = client.post(reverse(page), {"file": file})

    assert response.status_code == 413 and TOO_LARGE in response.content.decode()
    assert ImportJob.objects.count() == OrgImportJob.objects.count() == 0
    assert stored_files(settings) == []


def test_the_request_cap_comes_from_the_settings(client, county_staff, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    login(client, county_staff)

    response = client.post(
        reverse("members:import"), {"file": SimpleUploadedFile("党员.xlsx", b"\0" * (2 * MB))}
    )

    assert response.status_code == 413 and "上传文件超过1 MB，请拆分后分批导入" in response.content.decode()


@pytest.mark.parametrize("form_class", [MemberImportForm, OrgImportForm])
def test_the_import_forms_refuse_a_file_past_the_cap_on_the_field(settings, form_class):
    settings.UPLOAD_MAX_BYTES = 1 * MB  # the form checks what a proxy or another entry point let through
    file = SimpleUploadedFile("党员.xlsx", workbook([import_row(1)]).getvalue())
    file.size = 2 * MB

    form = form_class(data={}, files={"file": file})

    assert not form.is_valid() and form.errors["file"] == ["上传文件超过1 MB，请拆分后分批导入"]


# ---------------------------------------------------------------------------
# Imports at once
# ---------------------------------------------------------------------------


def running_member_job(user, status: str = ImportJobStatus.PENDING) -> ImportJob:
    return ImportJob.objects.create(created_by=user, file_name="先前.xlsx", status=status)


def test_a_user_with_an_import_waiting_cannot_start_another(client, secretary_a, settings):
    running_member_job(secretary_a)
    login(client, secretary_a)

    file = SimpleUploadedFile("党员.xlsx", workbook([import_row(1)]).getvalue())
    response = client.post(reverse("members:import"), {"file": file})

    assert response.status_code == 200 and uploads.BUSY_MESSAGE in response.content.decode()
    assert ImportJob.objects.count() == 1 and stored_files(settings) == []


def test_a_running_member_import_blocks_an_organization_import_too(client, county_staff):
    running_member_job(county_staff, ImportJobStatus.VALIDATING)
    file = SimpleUploadedFile("党组织.xlsx", workbook([import_row(1)]).getvalue())

    with pytest.raises(Exception, match=uploads.BUSY_MESSAGE):
        start_org_import(actor=county_staff, upload=file, file_name=file.name)
    assert OrgImportJob.objects.count() == 0


def test_another_users_import_or_a_dead_one_does_not_block(secretary_a, secretary_b):
    running_member_job(secretary_b)
    dead = running_member_job(secretary_a, ImportJobStatus.WRITING)
    ImportJob.objects.filter(pk=dead.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    file = SimpleUploadedFile("党员.xlsx", workbook([import_row(1)]).getvalue())

    job = start_member_import(actor=secretary_a, upload=file, file_name=file.name)

    assert job.status == ImportJobStatus.SUCCEEDED


def test_past_the_installation_limit_a_job_waits_queued_and_runs_when_a_slot_frees(
    secretary_a, secretary_b, county_staff, settings
):
    settings.IMPORT_MAX_CONCURRENT = 2
    first = running_member_job(secretary_b, ImportJobStatus.VALIDATING)
    OrgImportJob.objects.create(
        created_by=county_staff, file_name="党组织.xlsx", status=ImportJobStatus.WRITING
    )
    file = SimpleUploadedFile("党员.xlsx", workbook([import_row(1)]).getvalue())

    job = start_member_import(actor=secretary_a, upload=file, file_name=file.name)

    assert job.status == ImportJobStatus.PENDING and job.get_status_display() == "排队中"
    assert default_storage.exists(job.upload) and Member.objects.count() == 0

    ImportJob.objects.filter(pk=first.pk).update(status=ImportJobStatus.SUCCEEDED)
    job = run_import_job(job_id=job.pk)

    assert job.status == ImportJobStatus.SUCCEEDED and Member.objects.count() == 1


def test_a_job_without_a_slot_is_queued_again_for_later_on_the_database_backend(
    secretary_a, county_staff, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.IMPORT_MAX_CONCURRENT = 1
    running_member_job(county_staff, ImportJobStatus.WRITING)
    waiting = running_member_job(secretary_a)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    job = run_import_job(job_id=waiting.pk)

    retry = DBTaskResult.objects.get()
    assert job.status == ImportJobStatus.PENDING and job.task_id == str(retry.id)
    assert retry.run_after > timezone.now() and retry.args_kwargs["kwargs"]["job_id"] == waiting.pk


def in_thread(target) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def held_open_while_another_tries(first, second) -> tuple[dict[str, object], list[BaseException]]:
    """Run ``first`` in a transaction held open until ``second`` (in another thread) has had a second."""
    done, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                results["first"] = first()
                done.set()
                release.wait(10)  # uncommitted: the second must wait for this commit
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            done.set()

    def run_second() -> None:
        try:
            done.wait(10)
            results["second"] = second()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [in_thread(run_first), in_thread(run_second)]
    threads[1].join(1.0)
    waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(20)
    results["second waited"] = waited
    return results, errors


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's locks (SQLite serialises writers)"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_last_slot_at_once_get_it_once(secretary_a, secretary_b, settings):
    settings.IMPORT_MAX_CONCURRENT = 1
    a, b = running_member_job(secretary_a), running_member_job(secretary_b)

    results, errors = held_open_while_another_tries(
        lambda: uploads.claim_import_slot(ImportJob, a.pk), lambda: uploads.claim_import_slot(ImportJob, b.pk)
    )

    assert not errors, errors
    assert results == {"first": True, "second": False, "second waited": True}
    assert ImportJob.objects.get(pk=b.pk).status == ImportJobStatus.PENDING


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's locks (SQLite serialises writers)"
)
@pytest.mark.django_db(transaction=True)
def test_two_uploads_by_one_user_at_once_start_one_import(secretary_a):
    def create() -> object:
        try:
            return import_job_create(actor=secretary_a, file_name="党员.xlsx").pk
        except ValidationError as exc:
            return exc.messages

    results, errors = held_open_while_another_tries(create, create)

    assert not errors, errors
    assert results["second"] == [uploads.BUSY_MESSAGE] and results["second waited"]
    assert ImportJob.objects.count() == 1
