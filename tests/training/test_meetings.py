"""三会一课 records: the photo upload (type and size refused with a message), served only within scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TINY_PNG, make_meeting, photo_upload
from training.models import OrgMeeting

pytestmark = pytest.mark.django_db

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


def form_data(org, **extra):
    return {
        "organization": org.pk,
        "kind": "ACTIVITY_DAY",
        "held_on": "2026-03-08",
        "topic": "主题党日：学习党章",
        "venue": "村活动室",
        "host": "陆国荣",
        "expected": "20",
        "present": "18",
        "absent_note": "",
        "minutes": "一、学习党章……",
        **extra,
    }


def test_a_photo_that_is_not_jpg_or_png_is_refused_with_a_message(tree, secretary_a):
    with pytest.raises(ValidationError, match="照片只能是 JPG 或 PNG 格式"):
        make_meeting(tree.branch_a, actor=secretary_a, photo=photo_upload(GIF, "会议.png"))
    assert not OrgMeeting.objects.exists()


def test_a_photo_too_large_is_refused_with_a_message(tree, secretary_a, settings):
    settings.PHOTO_MAX_BYTES = 1024
    big = JPEG_HEAD + b"\x00" * 2048
    with pytest.raises(ValidationError, match="照片不能超过1 KB"):
        make_meeting(tree.branch_a, actor=secretary_a, photo=photo_upload(big, "大.jpg"))
    assert not OrgMeeting.objects.exists()


def test_the_form_page_shows_the_refusal_on_the_photo_and_keeps_nothing(client, tree, secretary_a):
    client.force_login(secretary_a)
    data = form_data(tree.branch_a, photo_upload=photo_upload(GIF, "会议.gif"))
    page = client.post(reverse("training:meeting_new"), data)
    assert page.status_code == 200
    assert "照片只能是 JPG 或 PNG 格式的图片" in page.content.decode()
    assert not OrgMeeting.objects.exists()


def test_a_png_photo_is_stored_under_our_own_name_and_served_to_the_branch_only(
    client, tree, secretary_a, secretary_b
):
    client.force_login(secretary_a)
    response = client.post(
        reverse("training:meeting_new"), form_data(tree.branch_a, photo_upload=photo_upload())
    )
    meeting = OrgMeeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.photo.name.startswith("training/meetings/2026/03/") and meeting.photo.name.endswith(".png")
    photo = client.get(reverse("training:meeting_photo", kwargs={"pk": meeting.pk}))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == TINY_PNG
    client.force_login(secretary_b)
    assert client.get(reverse("training:meeting_photo", kwargs={"pk": meeting.pk})).status_code == 404


def test_a_photo_is_replaced_or_removed_and_the_old_file_deleted(
    client, tree, secretary_a, django_capture_on_commit_callbacks
):
    meeting = make_meeting(tree.branch_a, actor=secretary_a, photo=photo_upload())
    storage, old = meeting.photo.storage, meeting.photo.name
    client.force_login(secretary_a)
    page = client.get(reverse("training:meeting_edit", kwargs={"pk": meeting.pk}))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        form_data(
            tree.branch_a,
            held_on="2026-03-05",
            kind="ASSEMBLY",
            topic=meeting.topic,
            expected="20",
            present="18",
            venue="",
            host="",
            minutes="",
        )
    )
    data.update({f"initial-{k}": v for k, v in data.items()}, version=1, remove_photo="on")
    data.pop("organization")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:meeting_edit", kwargs={"pk": meeting.pk}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert not meeting.photo and not storage.exists(old) and meeting.version == 2


def test_the_expected_number_is_suggested_from_the_branchs_members(client, tree, secretary_a, member_a):
    client.force_login(secretary_a)
    page = client.get(reverse("training:meeting_new"))
    assert page.context["form"].initial["expected"] == 1
    assert page.context["form"].initial["organization"] == tree.branch_a.pk
    assert dt.date.today()  # the form suggests today's count
