"""The indicators as JSON (scoped), the roll-up of several counties, and 报送 feeding ``missing`` (issue 12 items 2–3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from reports.documents import roll_up
from reports.indicators import INDICATORS, Indicator
from reports.models import Submission, SubmissionStatus
from reports.periods import Period
from reports.submissions import missing_for, not_submitted, submission_return, submission_submit, submitters

TODAY = dt.date(2026, 6, 15)
Y2025 = Period.parse("2025")


def url(org, period="2025") -> str:
    return reverse("reports:json", args=[org.code, period])


@time_machine.travel(TODAY, tick=False)
def test_the_json_is_the_flat_object_of_the_indicators(client, county_staff, tree, member_a, member_c):
    client.force_login(county_staff)
    response = client.get(url(tree.county))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert (data["org"], data["org_name"], data["period"]) == ("C01", "富宁县委", "2025")
    # nobody has submitted: every figure of entered data names the five organizations below
    entered = ("training.", "lectures.", "life_meetings.", "appraisal.", "dues.")
    assert {m["indicator"] for m in data["missing"]} == {k for k in INDICATORS if k.startswith(entered)}
    assert data["missing"][0]["organizations"] == [
        "新华镇党委",
        "各甫村党支部",
        "新华社区党支部",
        "睦伦乡党委",
        "睦伦村党支部",
    ]
    assert data["members.total"] == 2 and isinstance(data["members.total"], int)
    assert data["care.amount"] == "0.00"  # a sum: a Decimal string with two places
    assert data["development.plan_rate"] is None  # no plan: no denominator
    assert set(INDICATORS) <= set(data)


@pytest.mark.parametrize("who", ["committee_staff", "secretary_a"])
def test_a_committee_or_a_branch_cannot_fetch_the_county_or_another_committee(client, request, tree, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(tree.county)).status_code == 404
    assert client.get(url(tree.other_committee)).status_code == 404


def test_a_committee_fetches_its_own_half_year(client, committee_staff, tree):
    client.force_login(committee_staff)
    data = client.get(url(tree.committee, "2025H2")).json()
    assert (data["org"], data["period"]) == ("C01T01", "2025H2")


def test_two_counties_roll_up_with_counts_added_and_rates_recomputed():
    a = {"org": "A", "org_name": "甲县", "period": "2025", "missing": [], "development.new_members": 10}
    b = {"org": "B", "org_name": "乙县", "period": "2025", "missing": [], "development.new_members": 30}
    a.update({"development.new_female": 5, "development.plan": 20, "care.amount": "100.50"})
    b.update({"development.new_female": 7, "development.plan": 60, "care.amount": "20.25"})
    combined = roll_up([a, b], org="Z", org_name="文山州")
    assert combined["development.new_members"] == 40
    assert combined["care.amount"] == "120.75"
    assert combined["development.new_female_rate"] == 30.0  # 12 / 40, not the mean of 50 and 23.33
    assert combined["development.plan_rate"] == 50.0
    with pytest.raises(ValueError, match="同一统计期"):
        roll_up([a, {**b, "period": "2024"}], org="Z", org_name="文山州")


@time_machine.travel(TODAY, tick=False)
def test_the_commands_write_a_county_and_roll_two_up(tmp_path, tree, member_a):
    first, second, out = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "all.json"
    call_command("yearend_report", "C01", "2025", "--format", "json", "-o", str(first))
    call_command("yearend_report", "C01", "2025", "-o", str(second))
    call_command("rollup_reports", str(first), str(second), "--org", "WS", "--name", "文山州", "-o", str(out))
    combined = json.loads(out.read_text(encoding="utf-8"))
    assert (
        combined["members.total"] == 2 * json.loads(first.read_text(encoding="utf-8"))["members.total"] == 2
    )


# --- 报送 ---------------------------------------------------------------------------------------


def test_the_organizations_that_report_are_the_committees_and_branches_below(tree):
    assert [o.code for o in submitters(tree.county, Y2025)] == [
        "C01T01",
        "C01T01B01",
        "C01T01B02",
        "C01T02",
        "C01T02B01",
    ]


@time_machine.travel(TODAY, tick=False)
def test_missing_names_the_organizations_not_submitted(tree, secretary_a, committee_staff, monkeypatch):
    monkeypatch.setitem(
        INDICATORS, "training.sessions_probe", Indicator("training.sessions_probe", "培训期数", "期", "测试")
    )
    submission_submit(actor=secretary_a, organization=tree.branch_a, period=Y2025)
    submission_submit(actor=committee_staff, organization=tree.committee, period=Y2025)
    missing = missing_for(tree.committee, Y2025)
    assert {"indicator": "training.sessions_probe", "organizations": ["新华社区党支部"]} in missing
    assert {tuple(m["organizations"]) for m in missing} == {("新华社区党支部",)}
    names = [o.name for o in not_submitted(tree.county, Y2025)]
    assert names == ["新华社区党支部", "睦伦乡党委", "睦伦村党支部"]


@time_machine.travel(TODAY, tick=False)
def test_the_superior_returns_a_submission_with_a_comment_and_it_counts_as_missing_again(
    tree, secretary_a, committee_staff
):
    submission = submission_submit(actor=secretary_a, organization=tree.branch_a, period=Y2025)
    with pytest.raises(PermissionDenied):
        submission_return(actor=secretary_a, submission=submission, comment="自己退回")
    with pytest.raises(ValidationError) as refused:
        submission_return(actor=committee_staff, submission=submission, comment=" ")
    assert refused.value.message_dict == {"comment": ["请填写退回意见"]}
    submission_return(actor=committee_staff, submission=submission, comment="培训人次有误，请核实")
    submission.refresh_from_db()
    assert (submission.status, submission.comment) == (SubmissionStatus.RETURNED, "培训人次有误，请核实")
    assert tree.branch_a in not_submitted(tree.committee, Y2025)
    submission_submit(actor=secretary_a, organization=tree.branch_a, period=Y2025)  # again, after correcting
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


@time_machine.travel(TODAY, tick=False)
def test_a_branch_cannot_submit_for_another_and_a_period_not_begun_is_refused(tree, secretary_b, secretary_a):
    from django.http import Http404

    with pytest.raises(Http404):
        submission_submit(actor=secretary_b, organization=tree.branch_a, period=Y2025)
    with pytest.raises(ValidationError, match="尚未开始"):
        submission_submit(actor=secretary_a, organization=tree.branch_a, period=Period.parse("2026H2"))
    assert not Submission.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_submissions_page_submits_and_returns(client, tree, secretary_a, committee_staff):
    client.force_login(secretary_a)
    page = client.get(reverse("reports:submissions"), {"period": "2025"})
    assert page.status_code == 200 and "各甫村党支部" in page.content.decode()
    client.post(reverse("reports:submit"), {"code": tree.branch_a.code, "period": "2025"})
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    client.force_login(committee_staff)
    page = client.get(reverse("reports:submissions"), {"period": "2025"}).content.decode()
    assert "下级党组织共 <strong>2</strong> 个，已报送 <strong>1</strong> 个" in page
    pk = Submission.objects.get().pk
    client.post(reverse("reports:return_submission", args=[pk]), {"comment": "请补充党课记录"})
    assert Submission.objects.get().status == SubmissionStatus.RETURNED


@time_machine.travel(TODAY, tick=False)
def test_the_indicator_page_shows_labels_and_definitions(client, committee_staff, tree, member_a):
    client.force_login(committee_staff)
    page = client.get(reverse("reports:index"), {"period": "2025"}).content.decode()
    assert "新华镇党委 · 2025年" in page
    assert 'title="期末在册的党员（正式党员和预备党员）"' in page


@time_machine.travel(TODAY, tick=False)
def test_a_submitted_period_is_closed_to_the_organizations_records_until_returned(
    tree, secretary_a, committee_staff, member_a
):
    from members.models import CareVisit
    from tests.factories import make_care_visit

    submission = submission_submit(actor=secretary_a, organization=tree.branch_a, period=Y2025)
    with pytest.raises(ValidationError) as refused:
        make_care_visit(
            tree.branch_a, actor=secretary_a, visited_on=dt.date(2025, 7, 1), entries=[(member_a, "200")]
        )
    assert refused.value.message_dict["visited_on"] == [
        "各甫村党支部2025年的数据已报送，不能再修改；如需更正，请上级党组织退回报送"
    ]
    assert not CareVisit.objects.exists()
    make_care_visit(
        tree.branch_a, actor=secretary_a, visited_on=dt.date(2026, 1, 5), entries=[(member_a, "200")]
    )
    submission_return(actor=committee_staff, submission=submission, comment="补录七一慰问")
    make_care_visit(
        tree.branch_a, actor=secretary_a, visited_on=dt.date(2025, 7, 1), entries=[(member_a, "200")]
    )
    assert CareVisit.objects.count() == 2
