"""Many summaries at once (issue 12 item 6): every committee's .docx in one .zip, made by the task queue."""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.urls import reverse
from docx import Document

from reports.models import BatchStatus, SummaryBatch


def test_the_county_gets_a_zip_with_each_committees_summary(client, county_staff, tree, member_a):
    client.force_login(county_staff)
    response = client.post(reverse("reports:batch_start", args=["C01", "2025"]))
    batch = SummaryBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:batch", args=[batch.pk])
    assert (batch.status, batch.total, batch.done) == (BatchStatus.DONE, 2, 2)  # tests run tasks at once
    page = client.get(reverse("reports:batch", args=[batch.pk])).content.decode()
    assert "已完成" in page and "下载 .zip" in page
    download = client.get(reverse("reports:batch_download", args=[batch.pk]))
    archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == ["01-新华镇党委2025年工作总结.docx", "02-睦伦乡党委2025年工作总结.docx"]
    first = Document(BytesIO(archive.read(archive.namelist()[0])))
    assert first.paragraphs[0].text == "新华镇党委2025年党的基层组织建设工作总结"


def test_a_committee_cannot_open_the_countys_batch(client, county_staff, committee_staff, tree):
    client.force_login(county_staff)
    client.post(reverse("reports:batch_start", args=["C01", "2025"]))
    batch = SummaryBatch.objects.get()
    client.force_login(committee_staff)
    assert client.get(reverse("reports:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("reports:batch_download", args=[batch.pk])).status_code == 404
    assert client.post(reverse("reports:batch_start", args=["C01", "2025"])).status_code == 404
    assert SummaryBatch.objects.count() == 1
