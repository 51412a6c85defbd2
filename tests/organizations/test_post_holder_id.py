"""A post holder's ID number: normalised as typed (issue 8 item 6), encrypted at rest (issue 7 item 6)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from core.fieldcrypto import current_key_id, key_id_of
from organizations.choices import PostTitle
from organizations.models import LeadershipPost

pytestmark = pytest.mark.django_db

BRANCH_A = "C01T01B01"


def appoint(client, holder_id_number: str):
    return client.post(
        reverse("organizations:appoint", args=[BRANCH_A]),
        {
            "title": PostTitle.SECRETARY,
            "holder_name": "黄丽",
            "start_on": "2024-01-01",
            "holder_id_number": holder_id_number,
        },
    )


def test_a_holder_number_typed_full_width_with_spaces_is_stored_encrypted_as_ascii(client, tree, secretary_a):
    client.force_login(secretary_a)
    assert appoint(client, "１１０１０５ １９４９１２３１ ００２ｘ").status_code == 302
    post = LeadershipPost.objects.get()
    assert post.holder_id_number == "11010519491231002X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_id_number FROM organizations_leadershippost WHERE id = %s", [post.pk])
        token = cursor.fetchone()[0]
    assert "11010519491231002X" not in token and key_id_of(token) == current_key_id()


def test_a_fifteen_digit_holder_number_is_converted_with_a_notice(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = appoint(client, "110105491231002")
    assert LeadershipPost.objects.get().holder_id_number == "11010519491231002X"
    assert any("15位旧公民身份号码" in str(m) for m in get_messages(response.wsgi_request))


def test_a_holder_number_with_a_wrong_check_character_is_refused_naming_the_field(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = appoint(client, "110105195001010014")
    assert response.context["form"].errors["holder_id_number"] == ["任职人公民身份号码校验位错误"]
    assert not LeadershipPost.objects.exists()


def test_no_holder_number_stays_empty(client, tree, secretary_a):
    client.force_login(secretary_a)
    assert appoint(client, "").status_code == 302
    assert LeadershipPost.objects.get().holder_id_number == ""
