"""Development pages: scope (anonymous, outsider, auditor, insider) and the journey a secretary makes in the browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Applicant, DevelopmentPlan, DevelopmentStep, Member, Publicity
from members.models.development import Stage, Step
from tests.factories import DATES, advance, person, post_publicity

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicity_a(applicant_a, ctx):
    advance(applicant_a, 2, ctx)
    return post_publicity(
        applicant_a, Step.ACTIVIST, ctx["secretary_a"], dt.date(2023, 3, 27), dt.date(2023, 3, 31)
    )


def read_urls(applicant: Applicant) -> list[str]:
    return [
        reverse("members:development_index"),
        reverse("members:applicant_list"),
        reverse("members:applicant_detail", args=[applicant.pk]),
        reverse("members:publicity_list"),
        reverse("members:development_plans"),
    ]


def write_urls(applicant: Applicant, publicity: Publicity) -> list[str]:
    return [
        reverse("members:applicant_create"),
        reverse("members:applicant_edit", args=[applicant.pk]),
        reverse("members:applicant_step", args=[applicant.pk, Step.ACTIVIST]),
        reverse("members:applicant_withdraw", args=[applicant.pk]),
        reverse("members:publicity_create", args=[applicant.pk]),
        reverse("members:publicity_result", args=[publicity.pk]),
        reverse("members:development_plan_edit", args=[2026]),
    ]


# Anonymous → log-in, outsider → 404, auditor → 403/405, insiders → 200: tests/test_scope_matrix.py.
# Here: what a refused request leaves behind, and what lists show to outsiders.


def test_outsiders_get_404_for_another_branchs_applicant(applicant_a, publicity_a, client, secretary_b):
    client.force_login(secretary_b)
    urls = [
        u for u in read_urls(applicant_a) + write_urls(applicant_a, publicity_a) if f"/{applicant_a.pk}/" in u
    ]
    urls.append(reverse("members:publicity_result", args=[publicity_a.pk]))
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("members:applicant_step", args=[applicant_a.pk, 3]), {"day": "2023-04-10"}
        ).status_code
        == 404
    )
    assert DevelopmentStep.objects.filter(number=3).count() == 0


def test_outsiders_do_not_see_another_branchs_applicants_in_lists(applicant_a, client, secretary_b):
    client.force_login(secretary_b)
    assert list(client.get(reverse("members:applicant_list")).context["page_obj"]) == []
    assert client.get(reverse("members:development_index")).context["work"].due == []


def test_auditors_read_every_page_and_write_none(applicant_a, publicity_a, client, auditor):
    client.force_login(auditor)
    for url in read_urls(applicant_a):
        assert client.get(url).status_code == 200, url
    before = (DevelopmentStep.objects.count(), Applicant.objects.count(), DevelopmentPlan.objects.count())
    for url in write_urls(applicant_a, publicity_a):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"day": "2023-04-10", "quota_1": "5"}).status_code == 403, url
    assert (
        DevelopmentStep.objects.count(),
        Applicant.objects.count(),
        DevelopmentPlan.objects.count(),
    ) == before


def test_only_staff_above_a_committee_get_the_plan_form(
    frozen, client, committee_staff, county_staff, secretary_a
):
    url = reverse("members:development_plan_edit", args=[2026])
    client.force_login(committee_staff)
    assert client.get(url).status_code == 403
    client.force_login(secretary_a)
    assert client.get(url).status_code == 403
    client.force_login(county_staff)
    assert client.get(url).status_code == 200


# --- the journey ---------------------------------------------------------------------------------------


def test_a_secretary_registers_an_applicant_in_the_browser(frozen, ctx, client):
    client.force_login(ctx["secretary_a"])
    fields = person()
    data = {k: ("on" if v is True else v) for k, v in fields.items() if v is not False}
    data.update(organization=ctx["tree"].branch_a.pk, birth_date="1998-05-04", applied_on="2023-03-01")
    response = client.post(reverse("members:applicant_create"), data)
    applicant = Applicant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == applicant.get_absolute_url()
    assert applicant.steps.get().day == DATES[1]


def test_a_too_young_applicant_is_refused_on_the_form(frozen, ctx, client):
    client.force_login(ctx["secretary_a"])
    fields = person(birth_date=dt.date(2006, 1, 1))
    data = {k: ("on" if v is True else v) for k, v in fields.items() if v is not False}
    data.update(organization=ctx["tree"].branch_a.pk, birth_date="2006-01-01", applied_on="2023-03-01")
    response = client.post(reverse("members:applicant_create"), data)
    assert response.status_code == 200
    assert "应年满18周岁" in str(response.context["form"].errors["applied_on"])
    assert not Applicant.objects.exists()


def test_the_detail_page_offers_the_next_step(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.get(applicant_a.get_absolute_url())
    assert response.context["timeline"].available == [Step.TALK]
    assert reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK]) in response.content.decode()


def test_the_step_form_comes_as_a_fragment_for_htmx(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    url = reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert set(response.context["form"].fields) == {"day", "handled_by", "document_no", "note"}


def test_recording_a_step_in_the_browser(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    url = reverse("members:applicant_step", args=[applicant_a.pk, Step.TALK])
    response = client.post(url, {"day": "2023-03-20", "handled_by": "支部书记 黄志明"})
    assert response.status_code == 302
    assert applicant_a.steps.get(number=Step.TALK).handled_by == "支部书记 黄志明"
    response = client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, 4]),
        {"day": "2023-03-21"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "请先完成第3步" in response.content.decode()


def test_a_failed_vote_is_shown_on_the_meeting_form(applicant_a, ctx, client):
    advance(applicant_a, 14, ctx)
    client.force_login(ctx["secretary_a"])
    url = reverse("members:applicant_step", args=[applicant_a.pk, Step.ADMISSION_MEETING])
    response = client.post(
        url, {"day": "2024-07-08", "votes_entitled": 2, "votes_present": 1, "votes_for": 1}
    )
    assert response.status_code == 200
    assert "会议无效" in str(response.context["form"].errors["votes_present"])
    assert not Member.objects.filter(name="陆文华").exists()


def test_admission_and_approval_in_the_browser(applicant_a, ctx, client):
    advance(applicant_a, 14, ctx)
    client.force_login(ctx["secretary_a"])
    client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.ADMISSION_MEETING]),
        {"day": "2024-07-08", "votes_entitled": 2, "votes_present": 2, "votes_for": 2},
    )
    client.post(
        reverse("members:applicant_step", args=[applicant_a.pk, Step.COMMITTEE_TALK]), {"day": "2024-07-15"}
    )
    # the branch secretary's approval form offers the committee, and the service refuses her
    url = reverse("members:applicant_step", args=[applicant_a.pk, Step.ADMISSION_APPROVAL])
    response = client.post(url, {"day": "2024-08-01", "approving_org": ctx["committee"].pk})
    assert "工作人员办理" in str(response.context["form"].errors["approving_org"])
    client.force_login(ctx["committee_staff"])
    work = client.get(reverse("members:development_index")).context["work"]
    assert [(w.applicant.pk, w.step) for w in work.approvals] == [(applicant_a.pk, Step.ADMISSION_APPROVAL)]
    response = client.post(
        url, {"day": "2024-08-01", "approving_org": ctx["committee"].pk, "document_no": "新党发〔2024〕8号"}
    )
    assert response.status_code == 302
    assert Applicant.objects.with_stage().get(pk=applicant_a.pk).stage == Stage.PROBATIONARY
    assert applicant_a.steps.get(number=Step.ADMISSION_APPROVAL).approving_org == ctx["committee"]


def test_publicity_is_posted_and_closed_in_the_browser(applicant_a, ctx, client):
    advance(applicant_a, 2, ctx)
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:publicity_create", args=[applicant_a.pk]),
        {
            "step": Step.ACTIVIST,
            "starts_on": "2023-03-27",
            "ends_on": "2023-03-31",
            "place": "各甫村村务公开栏",
        },
    )
    assert response.status_code == 302
    publicity = Publicity.objects.get()
    response = client.post(
        reverse("members:publicity_result", args=[publicity.pk]), {"result": "NO_OBJECTION"}
    )
    assert response.status_code == 302
    publicity.refresh_from_db()
    assert publicity.result == "NO_OBJECTION"


def test_withdrawing_in_the_browser(applicant_a, ctx, client):
    client.force_login(ctx["secretary_a"])
    response = client.post(
        reverse("members:applicant_withdraw", args=[applicant_a.pk]),
        {"withdrawn_on": "2023-03-10", "withdraw_kind": "WITHDRAWN", "withdraw_reason": "本人申请撤回"},
    )
    assert response.status_code == 302
    assert Applicant.objects.with_stage().get().stage == Stage.WITHDRAWN


def test_county_staff_set_the_years_plans_in_one_form(frozen, tree, client, county_staff):
    client.force_login(county_staff)
    url = reverse("members:development_plan_edit", args=[2026])
    response = client.post(
        url,
        {
            f"quota_{tree.committee.pk}": "30",
            f"note_{tree.committee.pk}": "",
            f"quota_{tree.other_committee.pk}": "20",
            f"note_{tree.other_committee.pk}": "含两新组织",
        },
    )
    assert response.status_code == 302
    assert sorted(DevelopmentPlan.objects.values_list("committee__name", "year", "quota")) == [
        ("新华镇党委", 2026, 30),
        ("睦伦乡党委", 2026, 20),
    ]
    page = client.get(reverse("members:development_plans"), {"year": 2026})
    assert page.context["completion"].plan == 50
    assert page.context["year"] == 2026


def test_the_plans_page_shows_the_scopes_figures(applicant_a, ctx, client):
    advance(applicant_a, 15, ctx)
    client.force_login(ctx["committee_staff"])
    response = client.get(reverse("members:development_plans"), {"year": 2024})
    assert response.context["org"] == ctx["committee"]
    assert response.context["structure"].total == 1
    assert response.context["completion"].new_members == 1
    assert [w.branch.name for w in response.context["warnings"]] == ["新华社区党支部"]  # no member at all


# --- Django admin -----------------------------------------------------------------------------------------


def test_admin_changelists_are_scoped(applicant_a, publicity_a, rf, secretary_b, committee_staff):
    from django.contrib import admin

    for model in (Applicant, DevelopmentStep, Publicity):
        model_admin = admin.site._registry[model]
        request = rf.get("/")
        request.user = secretary_b
        assert not model_admin.get_queryset(request).exists(), model
        request.user = committee_staff
        assert model_admin.get_queryset(request).exists(), model


def test_admin_shows_applicants_read_only_with_the_id_masked(applicant_a, client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:members_applicant_changelist")).status_code == 200
    response = client.get(reverse("admin:members_applicant_change", args=[applicant_a.pk]))
    assert response.status_code == 200
    assert applicant_a.id_number not in response.content.decode()
    assert client.get(reverse("admin:members_applicant_add")).status_code == 403


def test_admin_saves_plans_through_the_service(frozen, tree, client, admin_user):
    from auditlog.models import LogEntry

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:members_developmentplan_add"),
        {"committee": tree.committee.pk, "year": 2026, "quota": 12, "note": ""},
    )
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get()
    assert plan.quota == 12
    assert LogEntry.objects.get_for_object(plan).get().actor == admin_user


def test_the_step_form_offers_contacts_from_the_applicants_own_branch_only(
    tree, committee_staff, member_a, member_b
):
    """A committee's form lists the applicant's branch, not every full member in the committee."""
    from members.forms.development import StepForm
    from members.models import Applicant

    applicant = Applicant.objects.create(
        name="申请人",
        gender="M",
        ethnicity="汉族",
        birth_date=dt.date(1982, 1, 13),
        id_number="513101198201130014",
        education="HIGH_SCHOOL",
        occupation="FARMER",
        organization=tree.branch_a,
    )
    form = StepForm(applicant=applicant, number=5, user=committee_staff)
    assert list(form.fields["first_contact"].queryset) == [member_a]
