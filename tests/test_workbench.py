"""The 工作台 (home page): each user's to-dos counted in their scope, on frozen dates.

The cast (tests/conftest.py): secretary_a and secretary_b run the two
branches of 新华镇党委 (which approves new members); committee_staff works for
新华镇党委, county_staff for the county (which does not approve); the auditor
reads the whole county.
"""

from __future__ import annotations

import datetime as dt
import sys
from types import ModuleType, SimpleNamespace

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import include, path, reverse

from members.models import TransferKind
from members.selectors.todos import approvals_for
from members.services.transfers import lost_contact_record
from organizations import todos as todo_registry
from organizations.models import Organization
from organizations.selectors import scope_overview
from organizations.todos import Todo, TodoGroup, collect_todos
from partyorg.urls import urlpatterns as project_urlpatterns
from tests.factories import make_applicant, make_member, make_transfer

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2023, 3, 1)  # the talk (step 2) falls due a month later, on 2023-04-01
OVERDUE_DAY = dt.date(2023, 4, 2)

WRITE_LINKS = (
    "members:create",
    "members:applicant_create",
    "members:transfer_issue",
    "members:lost_contact_new",
)


def on(day: dt.date) -> time_machine.travel:
    """Travel to ``day`` (noon in Shanghai): the home page reads today's date."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, 0), tick=False)


def counts(user, today: dt.date) -> dict[str, int]:
    return {todo.key: todo.count for group in collect_todos(user, today) for todo in group.todos}


def applicant(actor, org, seq: int = 1, applied_on: dt.date = APPLIED):
    return make_applicant(org, actor=actor, applied_on=applied_on, seq=seq, name=f"申请人{seq}")


# --- counts per role ----------------------------------------------------------------


def test_an_overdue_talk_counts_for_the_branch_its_committee_and_the_county_not_the_other_branch(
    tree, secretary_a, secretary_b, committee_staff, county_staff, auditor
):
    applicant(secretary_a, tree.branch_a)
    assert counts(secretary_a, dt.date(2023, 4, 1))["development.overdue"] == 0  # the deadline day itself
    for user in (secretary_a, committee_staff, county_staff, auditor):
        assert counts(user, OVERDUE_DAY)["development.overdue"] == 1, user.username
    assert counts(secretary_b, OVERDUE_DAY)["development.overdue"] == 0


def test_the_home_page_shows_the_overdue_step_on_a_frozen_day(tree, secretary_a, secretary_b, client):
    applicant(secretary_a, tree.branch_a)
    client.force_login(secretary_a)
    with on(OVERDUE_DAY):
        page = client.get(reverse("home"))
    overdue = next(t for g in page.context["groups"] for t in g.todos if t.key == "development.overdue")
    assert overdue.count == 1
    assert overdue.url == reverse("members:development_index")
    assert page.context["waiting"] >= 1
    html = page.content.decode()
    assert "逾期未办的发展步骤" in html
    assert f'href="{reverse("members:development_index")}"' in html

    client.force_login(secretary_b)
    with on(OVERDUE_DAY):
        page = client.get(reverse("home"))
    overdue = next(t for g in page.context["groups"] for t in g.todos if t.key == "development.overdue")
    assert overdue.count == 0


def test_a_deadline_within_30_days_is_due_soon_and_not_overdue(tree, secretary_a):
    applicant(secretary_a, tree.branch_a)
    before = counts(secretary_a, dt.date(2023, 3, 15))
    assert before["development.due"] == 1
    assert before["development.overdue"] == 0
    assert counts(secretary_a, OVERDUE_DAY)["development.due"] == 0  # now overdue instead


def test_a_letter_addressed_to_a_branch_waits_for_its_acceptance_there(
    tree, admin_user, member_c, secretary_a, secretary_b, committee_staff
):
    make_transfer(
        member_c,
        actor=admin_user,
        kind=TransferKind.INTERNAL,
        issued_on=dt.date(2026, 3, 2),
        to_org=tree.branch_a,
        to_external="",
        validity_days=30,
    )
    day = dt.date(2026, 3, 10)
    assert counts(secretary_a, day)["transfers.accept"] == 1
    assert counts(committee_staff, day)["transfers.accept"] == 1
    assert counts(secretary_b, day)["transfers.accept"] == 0
    # past its validity it is also overdue, for both ends' staff
    late = dt.date(2026, 4, 2)
    assert counts(secretary_a, late)["transfers.overdue"] == 1
    assert counts(secretary_b, late)["transfers.overdue"] == 0


def test_a_letter_out_of_the_county_waits_for_its_receipt_at_the_sending_branch(
    tree, admin_user, member_a, secretary_a, secretary_b
):
    make_transfer(
        member_a, actor=admin_user, kind=TransferKind.OUT, issued_on=dt.date(2026, 3, 2), validity_days=30
    )
    day = dt.date(2026, 3, 10)
    assert counts(secretary_a, day)["transfers.receipt"] == 1
    assert counts(secretary_a, day)["transfers.accept"] == 0
    assert counts(secretary_b, day)["transfers.receipt"] == 0


def test_a_member_lost_for_six_months_waits_for_a_decision(
    tree, admin_user, member_a, secretary_a, secretary_b
):
    lost_contact_record(actor=admin_user, member=member_a, since=dt.date(2025, 1, 10))
    assert counts(secretary_a, dt.date(2025, 7, 9))["members.lost_contact"] == 0
    assert counts(secretary_a, dt.date(2025, 7, 10))["members.lost_contact"] == 1
    assert counts(secretary_b, dt.date(2025, 7, 10))["members.lost_contact"] == 0


def test_a_term_ending_within_90_days_is_listed_with_its_organization(tree, secretary_a, secretary_b):
    # a village branch's term is 5 years: this one ends on 2026-09-01
    Organization.objects.filter(pk=tree.branch_a.pk).update(term_started_on=dt.date(2021, 9, 1))
    group = next(g for g in collect_todos(secretary_a, dt.date(2026, 6, 10)) if g.key == "organizations")
    terms = next(t for t in group.todos if t.key == "organizations.terms")
    assert terms.count == 1
    assert terms.items[0].label == "各甫村党支部"
    assert terms.items[0].url == tree.branch_a.get_absolute_url()
    assert counts(secretary_a, dt.date(2026, 6, 1))["organizations.terms"] == 0  # 92 days ahead
    assert counts(secretary_b, dt.date(2026, 6, 10))["organizations.terms"] == 0
    # once expired it is an organization warning, not an upcoming term
    after = counts(secretary_a, dt.date(2026, 9, 2))
    assert after["organizations.terms"] == 0
    assert after["organizations.warnings"] >= 1


def test_organization_warnings_count_the_branch_short_of_full_members(
    tree, member_a, secretary_a, committee_staff
):
    day = dt.date(2026, 6, 10)
    # branch A: 1 full member (< 3); branch B: none
    assert counts(secretary_a, day)["organizations.warnings"] == 1
    assert counts(committee_staff, day)["organizations.warnings"] >= 2


# --- approvals: only the approving committee's -----------------------------------------


def _item(org: Organization) -> SimpleNamespace:
    return SimpleNamespace(organization=org)  # an applicant's or a 预备党员's approval: its branch


def test_approvals_belong_to_the_nearest_committee_with_authority(
    tree, admin_user, committee_staff, county_staff, secretary_a
):
    items = [_item(tree.branch_a), _item(tree.branch_b), _item(tree.branch_c)]
    assert approvals_for(committee_staff, items) == items[:2]  # 新华镇党委 approves its branches
    assert approvals_for(county_staff, items) == []  # the county has no approval authority here
    assert approvals_for(secretary_a, items) == []
    assert approvals_for(admin_user, items) == items


def test_only_users_whose_committee_approves_see_the_approvals_row(
    tree, committee_staff, secretary_a, county_staff
):
    day = dt.date(2026, 6, 10)
    assert "development.approvals" in counts(committee_staff, day)
    assert "development.approvals" not in counts(secretary_a, day)
    assert "development.approvals" not in counts(county_staff, day)


# --- the auditor reads, never acts ---------------------------------------------------------


def test_the_auditor_sees_the_counts_but_no_write_links(tree, secretary_a, auditor, client):
    applicant(secretary_a, tree.branch_a)
    with on(OVERDUE_DAY):
        client.force_login(auditor)
        page = client.get(reverse("home"))
        assert all(not group.actions for group in collect_todos(auditor, OVERDUE_DAY))
    html = page.content.decode()
    assert page.context["actions"] == []
    assert "逾期未办的发展步骤" in html
    for name in WRITE_LINKS:
        assert reverse(name) not in html, name


def test_a_secretary_has_the_write_links_at_hand(tree, secretary_a, client):
    client.force_login(secretary_a)
    html = client.get(reverse("home")).content.decode()
    for name in WRITE_LINKS:
        assert f'href="{reverse(name)}"' in html, name


# --- a bounded number of queries ------------------------------------------------------------


def _fill(tree, admin_user, secretary_a, n: int) -> None:
    """``n`` of each: an applicant whose talk is overdue, a member lost since 2022, a letter out of the county."""
    for seq in range(1, n + 1):
        applicant(secretary_a, tree.branch_a, seq=seq)
        member = make_member(
            tree.branch_a,
            actor=admin_user,
            name=f"党员{seq}",
            gender="M",
            birth_date=dt.date(1950, 1, seq),
            seq=seq,
        )
        lost_contact_record(actor=admin_user, member=member, since=dt.date(2022, 1, 1))
        make_transfer(member, actor=admin_user, issued_on=dt.date(2023, 3, 1), validity_days=30)


@pytest.mark.parametrize("rows", [1, 4])
def test_the_workbench_costs_the_same_queries_for_one_row_or_many(
    rows, tree, admin_user, secretary_a, committee_staff, django_assert_num_queries
):
    _fill(tree, admin_user, secretary_a, rows)
    committee_staff.organization  # noqa: B018  (loaded with the session user on a page)
    with django_assert_num_queries(48):
        # organizations: 1 the five rules, 2 the organizations existing today, 3 their member counts,
        #   4 the posts held today
        # development: 5 the three approval and probation rules, 6 the open applicants with their
        #   step dates, 7 the 预备党员 with their 转正记录, 8 the running 公示, 9 the approving
        #   committees of the scope
        # transfers: 10 overdue letters, 11 letters to accept, 12 letters out waiting for a receipt
        # lost contact: 13 the two month rules, 14 open records, 15 suspended members
        # training: 16 the branches of the scope, 17 the meeting rules, 18 their groups,
        #   19 their full members, 20 the meetings, 21 the lectures, 22 the activity days,
        #   23 the hour minimums, 24 the members below, 25 broken AV equipment,
        #   26 sessions without attendance
        # assessments: 27 agreements not signed, 28 members without one, 29 rectifications overdue,
        #   30 open appraisal rounds, 31 不合格 without a decision, 32 限期改正 falling due
        groups = collect_todos(committee_staff, OVERDUE_DAY)
        # overview: 47 organizations by kind, 48 member counts
        scope_overview(committee_staff)
    found = {t.key: t.count for g in groups for t in g.todos}
    assert found["development.overdue"] == rows
    assert found["transfers.receipt"] == rows
    assert found["members.lost_contact"] == rows


# --- the registry: the next apps plug in ----------------------------------------------------


def unpaid_dues(user, today):
    # Ordered after every real app's group (dues 50, assessments and training 60), so it comes last.
    return [TodoGroup("dues", "党费", 90, [Todo("dues.unpaid", "连续6个月未交党费", 3, "/dues/", "danger")])]


def test_an_app_registers_its_todos_without_touching_the_home_page(tree, secretary_a, client, monkeypatch):
    monkeypatch.setattr(todo_registry, "_providers", [*todo_registry._providers, unpaid_dues])
    groups = collect_todos(secretary_a, dt.date(2026, 6, 10))
    assert [g.order for g in groups] == sorted(g.order for g in groups)
    assert groups[-1].key == "dues"
    client.force_login(secretary_a)
    html = client.get(reverse("home")).content.decode()
    assert "连续6个月未交党费" in html
    todo_registry.register_todos(unpaid_dues)  # registering twice keeps one
    assert todo_registry._providers.count(unpaid_dues) == 1


def test_zero_counts_are_folded_away_and_non_zero_ones_linked(tree, secretary_a, client):
    applicant(secretary_a, tree.branch_a)
    client.force_login(secretary_a)
    with on(OVERDUE_DAY):
        html = client.get(reverse("home")).content.decode()
    overdue_row = html.split('data-todo="development.overdue"')[1].split("</li>")[0]
    assert "badge" in overdue_row
    assert "<details" in html
    zero_row = html.split('data-todo="members.lost_contact"')[1].split("</li>")[0]
    assert "badge" not in zero_row


# --- navigation -------------------------------------------------------------------------------


def _dues_index(request):
    return HttpResponse("党费")


urlpatterns = [
    *project_urlpatterns,
    path("dues/", include(([path("", _dues_index, name="index")], "dues"))),
]


#: The project's URLs without the dues app's: an area whose app has no pages yet.
without_dues = ModuleType(f"{__name__}_without_dues")
without_dues.urlpatterns = [p for p in project_urlpatterns if getattr(p, "namespace", None) != "dues"]  # type: ignore[attr-defined]
sys.modules[without_dues.__name__] = without_dues


def test_the_menu_shows_only_areas_that_exist(tree, secretary_a, rf):
    from django.urls import set_urlconf

    from partyorg.context_processors import navigation

    request = rf.get("/")
    request.user = secretary_a
    set_urlconf(without_dues.__name__)
    try:
        labels = [item["label"] for item in navigation(request)["nav_items"]]
    finally:
        set_urlconf(None)
    assert labels[:3] == ["工作台", "组织", "党员"]
    assert "党费" not in labels


def test_an_area_appears_in_the_menu_once_its_app_has_pages(tree, secretary_a, client, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(secretary_a)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "党费" in labels


def test_a_user_without_an_organization_gets_no_areas(tree, client):
    from organizations.choices import Role
    from organizations.models import User

    user = User.objects.create_user(username="nobody", password="x-pass-2026", role=Role.BRANCH_SECRETARY)
    client.force_login(user)
    page = client.get(reverse("home"))
    assert [item["label"] for item in page.context["nav_items"]] == ["工作台"]
    assert "尚未关联党组织" in page.content.decode()
