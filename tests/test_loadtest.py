"""The load test's own parts: it submits the member form as a browser does, and its check finds a lost update.

The run itself (gunicorn, 50 users) is `make loadtest`, and `.ci/run` runs 30 seconds of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.loadtest import Sample, Tally, percentile, post_form, summary, verify
from members.models import Member
from members.services.member import member_update

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_for(member: Member) -> dict[str, Any]:
    return {
        "hot": {"branch_a": [{"pk": member.pk, "version": member.version, "work_unit": member.work_unit}]}
    }


def test_the_member_form_is_sent_back_with_its_version_and_loaded_values(
    secretary_a, committee_staff, member_a
):
    url = reverse("members:edit", args=[member_a.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_form = post_form(first.get(url).content.decode(), "version")
    second_form = post_form(second.get(url).content.decode(), "version")

    assert first.post(url, {**first_form, "work_unit": "负载测试 甲 第1次"}).status_code == 302
    stale = second.post(url, {**second_form, "work_unit": "负载测试 乙 第1次"})

    assert stale.status_code == 200 and "您的修改未保存" in stale.content.decode()
    assert first_form["version"] == str(member_a.version)
    assert Member.objects.get(pk=member_a.pk).work_unit == "负载测试 甲 第1次"


def test_the_check_passes_when_every_accepted_save_is_recorded(secretary_a, committee_staff, member_a):
    plan = plan_for(member_a)
    member_update(actor=secretary_a, member=Member.objects.get(pk=member_a.pk), work_unit="负载测试 甲 第1次")
    member_update(
        actor=committee_staff, member=Member.objects.get(pk=member_a.pk), work_unit="负载测试 乙 第1次"
    )
    results = {
        "accepted": [
            (member_a.pk, "负载测试 甲 第1次", secretary_a.username),
            (member_a.pk, "负载测试 乙 第1次", committee_staff.username),
        ],
        "refused": [(member_a.pk, "负载测试 丙 第1次", secretary_a.username)],
    }

    assert verify(plan, results) == {"members": 1, "accepted": 2, "problems": []}


def test_the_check_finds_a_save_that_was_accepted_but_is_not_in_the_record(secretary_a, member_a):
    plan = plan_for(member_a)
    member_update(actor=secretary_a, member=Member.objects.get(pk=member_a.pk), work_unit="负载测试 甲 第1次")
    results = {
        "accepted": [
            (member_a.pk, "负载测试 甲 第1次", secretary_a.username),
            (member_a.pk, "负载测试 甲 第2次", secretary_a.username),  # answered "saved", never written
        ],
        "refused": [],
    }

    problems = verify(plan, results)["problems"]

    assert len(problems) == 2  # missing from the audit log, and the version rose by one, not two
    assert "负载测试 甲 第2次" in problems[0]


def test_the_check_finds_a_refused_save_that_was_written(secretary_a, member_a):
    plan = plan_for(member_a)
    member_update(actor=secretary_a, member=Member.objects.get(pk=member_a.pk), work_unit="负载测试 甲 第1次")
    results = {"accepted": [], "refused": [(member_a.pk, "负载测试 甲 第1次", secretary_a.username)]}

    assert any("被拒绝的保存" in p for p in verify(plan, results)["problems"])


def test_figures_per_page_count_the_server_errors():
    tally = Tally()
    for ms, status in ((100, 200), (200, 200), (300, 200), (400, 503)):
        tally.add(Sample("党员列表", status, ms / 1000))

    [(page, count, p50, p95, longest, errors)] = summary(tally)

    assert (page, count, round(p50), round(p95), round(longest), errors) == ("党员列表", 4, 300, 400, 400, 1)
    assert percentile([1.0], 0.95) == 1.0
