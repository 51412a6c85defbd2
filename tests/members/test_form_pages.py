"""Member, development and care form pages on core.views.form_page: 文号 normalised, dates not in the future."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from members.models import CareVisitMember, DevelopmentPlan, DevelopmentStep, Publicity
from members.models.development import Step
from tests.factories import DATES, TODAY, advance, make_care_visit

pytestmark = pytest.mark.django_db

TOMORROW = TODAY + dt.timedelta(days=1)


# --- 文号 -------------------------------------------------------------------------------------------


def test_a_member_moves_document_number_is_stored_with_standard_brackets(
    frozen, client, committee_staff, member_a, tree
):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:move", args=[member_a.pk]),
        {"to_org": tree.branch_b.pk, "day": "2026-05-01", "document_no": "新组[2026]8号"},
    )
    assert response.status_code == 302
    assert member_a.periods.get(end_on__isnull=True).document_no == "新组〔2026〕8号"


def test_a_steps_document_number_is_stored_with_standard_brackets(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]),
        {"day": DATES[2].isoformat(), "document_no": "各支（2023） 1号"},
    )
    assert response.status_code == 302
    assert applicant_a.steps.get(number=Step.TALK).document_no == "各支〔2023〕1号"


def test_a_document_number_that_is_not_one_is_refused_on_the_step_form(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]),
        {"day": DATES[2].isoformat(), "document_no": "1号文件"},
    )
    assert response.status_code == 200
    assert "富办发〔2002〕24号" in response.context["form"].errors["document_no"][0]
    assert not applicant_a.steps.filter(number=Step.TALK).exists()


# --- dates ------------------------------------------------------------------------------------------


def test_a_step_dated_tomorrow_is_refused_on_the_form_and_nothing_is_written(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]), {"day": TOMORROW.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["day"] == ["日期不能晚于今天"]
    assert DevelopmentStep.objects.filter(applicant=applicant_a).count() == 1  # step 1 only


def test_a_publicity_may_end_in_the_coming_days_but_not_start_tomorrow(applicant_a, ctx, client):
    advance(applicant_a, 2, ctx)
    client.force_login(ctx["secretary_a"])
    url = reverse("members:publicity_create", args=[applicant_a.pk])
    data = {"step": Step.ACTIVIST, "place": "各甫村村务公开栏"}
    response = client.post(url, {**data, "starts_on": TOMORROW.isoformat(), "ends_on": "2026-07-10"})
    assert response.context["form"].errors["starts_on"] == ["日期不能晚于今天"]
    response = client.post(url, {**data, "starts_on": TODAY.isoformat(), "ends_on": "2026-07-10"})
    assert response.status_code == 302
    assert Publicity.objects.get().ends_on == dt.date(2026, 7, 10)


def test_a_care_visit_dated_tomorrow_is_refused_on_the_form(frozen, client, committee_staff, tree):
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:care_new"),
        {
            "organization": tree.committee.pk,
            "visited_on": TOMORROW.isoformat(),
            "occasion": "JULY_FIRST",
            "visitors": "县委领导",
            "funding": "RETAINED_DUES",
        },
    )
    assert response.context["form"].errors["visited_on"] == ["日期不能晚于今天"]


# --- the pages --------------------------------------------------------------------------------------


def test_a_step_recorded_through_htmx_sends_the_browser_to_the_applicants_page(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]),
        {"day": DATES[2].isoformat()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == applicant_a.get_absolute_url()


def test_the_step_page_without_htmx_is_the_generic_form_page(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.get(reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]))
    assert [t.name for t in response.templates][0] == "form_page.html"
    assert response.context["title"] == "第2步 党组织派人谈话：陆文华"
    assert response.context["subtitle"] == "各甫村党支部 · 申请入党"


def test_withdrawing_is_a_danger_form_page_that_says_what_it_does(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.get(reverse("members:applicant_withdraw", args=[applicant_a.pk]))
    assert [t.name for t in response.templates][0] == "form_page.html"
    assert response.context["danger"] and response.context["submit_label"] == "终止发展"


def test_a_quota_left_empty_leaves_that_committees_plan_alone(frozen, tree, client, county_staff):
    client.force_login(county_staff)
    url = reverse("members:development_plan_edit", args=[2026])
    assert client.post(url, {f"quota_{tree.committee.pk}": "30"}).status_code == 302
    response = client.post(url, {f"quota_{tree.committee.pk}": "", f"quota_{tree.other_committee.pk}": "20"})
    assert response["Location"] == f"{reverse('members:development_plans')}?year=2026"
    assert sorted(DevelopmentPlan.objects.values_list("committee__name", "quota")) == [
        ("新华镇党委", 30),
        ("睦伦乡党委", 20),
    ]


def test_picking_nobody_for_a_visit_is_refused_on_the_form(frozen, client, tree, committee_staff, member_a):
    visit = make_care_visit(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    response = client.post(reverse("members:care_add_members", args=[visit.pk]), {"default_amount": "100"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["请至少选择一名慰问对象"]
    assert response.context["form"]["default_amount"].value() == "100"


def test_a_member_outside_the_choice_is_refused_and_nobody_is_added(
    frozen, client, tree, committee_staff, member_a, member_c
):
    visit = make_care_visit(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:care_add_members", args=[visit.pk]),
        {"pick": [member_a.pk, member_c.pk], "default_amount": "100"},
    )
    assert response.context["form"].non_field_errors() == ["所选党员不在可选范围内，请刷新后重试"]
    assert not CareVisitMember.objects.exists()


def test_the_members_picked_for_a_visit_are_added_and_the_list_comes_back(
    frozen, client, tree, committee_staff, member_a
):
    visit = make_care_visit(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    url = reverse("members:care_add_members", args=[visit.pk]) + "?all=1"
    response = client.post(url, {"pick": [member_a.pk], "default_amount": "100"})
    assert response["Location"] == url
    assert [(r.member, str(r.amount)) for r in visit.recipients.all()] == [(member_a, "100.00")]


def test_a_refused_pick_keeps_the_ticks_and_amounts_typed(
    frozen, client, tree, committee_staff, member_a, member_b
):
    visit = make_care_visit(tree.committee, actor=committee_staff)
    client.force_login(committee_staff)
    response = client.post(
        reverse("members:care_add_members", args=[visit.pk]) + "?all=1",
        {"pick": [member_b.pk], "default_amount": "50", f"amount_{member_b.pk}": "-10"},
    )
    assert response.status_code == 200
    rows = {m: (ticked, amount) for m, ticked, amount in response.context["rows"]}
    assert rows[member_a] == (False, "") and rows[member_b] == (True, "-10")
    assert 'value="-10"' in response.content.decode()
