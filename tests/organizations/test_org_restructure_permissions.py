"""Who may rename, move, merge and dissolve an organization: its superior's staff, never its own.

One test per action and role: a branch secretary is refused for their own
branch, a committee's staff may change a branch below it but not their own
committee, county staff may change both.  A refusal writes nothing: no
change, no event, no audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.choices import OrgCategory, OrgEventKind, OrgKind
from organizations.models import Organization, OrgEvent
from organizations.services import (
    may_restructure,
    org_create,
    org_dissolve,
    org_merge,
    org_move,
    org_rename,
)

DAY = dt.date(2024, 3, 1)


@pytest.fixture
def general_branch(tree, admin_user) -> Organization:
    """A 党总支 under 新华镇党委: somewhere inside the committee a branch may be moved to."""
    return org_create(
        actor=admin_user,
        parent=tree.committee,
        code="C01T01G01",
        name="新华镇机关党总支",
        kind=OrgKind.GENERAL_BRANCH,
        category=OrgCategory.ORGAN,
        established_on=dt.date(2001, 1, 1),
    )


@pytest.fixture
def township(tree, admin_user) -> Organization:
    """A third committee, empty, under the county: a committee may be merged into it."""
    return org_create(
        actor=admin_user,
        parent=tree.county,
        code="C01T03",
        name="板仑乡党委",
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        established_on=dt.date(2001, 1, 1),
    )


def rename(actor: Any, org: Organization, t: Any) -> None:
    org_rename(actor=actor, org=org, name=f"{org.name}（新）", day=DAY)


def move(actor: Any, org: Organization, t: Any) -> None:
    target = t.general_branch if org.kind == OrgKind.BRANCH else t.tree.county
    if org.parent_id == target.pk:  # a committee already under the county: any other legal parent
        target = t.township
    org_move(actor=actor, org=org, new_parent=target, day=DAY)


def merge(actor: Any, org: Organization, t: Any) -> None:
    successor = t.tree.branch_b if org.kind == OrgKind.BRANCH else t.township
    org_merge(actor=actor, org=org, successor=successor, day=DAY)


def dissolve(actor: Any, org: Organization, t: Any) -> None:
    org_dissolve(actor=actor, org=org, day=DAY, reason="撤并")


ACTIONS: dict[str, Callable[[Any, Organization, Any], None]] = {
    "rename": rename,
    "move": move,
    "merge": merge,
    "dissolve": dissolve,
}
EVENT_KINDS = {
    "rename": OrgEventKind.RENAME,
    "move": OrgEventKind.MOVE,
    "merge": OrgEventKind.MERGE,
    "dissolve": OrgEventKind.DISSOLVE,
}
LABELS = {"rename": "更名", "move": "调整隶属关系", "merge": "合并", "dissolve": "撤销"}


@pytest.fixture
def cast(tree, general_branch, township) -> SimpleNamespace:
    return SimpleNamespace(tree=tree, general_branch=general_branch, township=township)


def snapshot(org: Organization) -> tuple:
    org = Organization.objects.get(pk=org.pk)
    return (org.name, org.parent_id, org.path, org.dissolved_on, org.successor_id)


def assert_nothing_written(org: Organization, before: tuple, audit_rows: int) -> None:
    assert snapshot(org) == before
    assert not OrgEvent.objects.filter(organization=org).exclude(kind=OrgEventKind.ESTABLISH).exists()
    assert LogEntry.objects.count() == audit_rows


def assert_refused(actor: Any, org: Organization, cast: Any, action: str) -> None:
    before, audit_rows = snapshot(org), LogEntry.objects.count()
    with pytest.raises(PermissionDenied) as err:
        ACTIONS[action](actor, org, cast)
    assert str(err.value) == f"“{org.name}”的{LABELS[action]}由其上级党组织办理，当前账号不能办理"
    assert_nothing_written(org, before, audit_rows)


def assert_done(actor: Any, org: Organization, cast: Any, action: str) -> None:
    ACTIONS[action](actor, org, cast)
    event = OrgEvent.objects.get(organization=org, kind=EVENT_KINDS[action])
    assert event.actor == actor


# --- services ---------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_a_branch_secretary_cannot_change_their_own_branch(cast, secretary_a, action):
    assert_refused(secretary_a, cast.tree.branch_a, cast, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_committee_staff_may_change_a_branch_below_their_committee(cast, committee_staff, action):
    assert_done(committee_staff, cast.tree.branch_a, cast, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_committee_staff_cannot_change_their_own_committee(cast, committee_staff, action):
    # emptied first, so that only the permission (not an open child) can refuse a merge or dissolve
    committee = cast.tree.committee
    Organization.objects.filter(parent=committee).update(dissolved_on=DAY - dt.timedelta(days=1))
    assert_refused(committee_staff, committee, cast, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_county_staff_may_change_a_committee(cast, county_staff, action):
    committee = cast.tree.other_committee
    Organization.objects.filter(parent=committee).update(dissolved_on=DAY - dt.timedelta(days=1))
    assert_done(county_staff, committee, cast, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_county_staff_may_change_a_branch(cast, county_staff, action):
    assert_done(county_staff, cast.tree.branch_a, cast, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_county_staff_cannot_change_the_county_itself(cast, county_staff, action):
    assert_refused(county_staff, cast.tree.county, cast, action)


def test_only_a_superuser_may_change_a_root(tree, admin_user, county_staff):
    assert may_restructure(admin_user, tree.county)
    assert not may_restructure(county_staff, tree.county)


def test_an_auditor_may_not_restructure_even_below_their_organization(tree, auditor):
    assert not may_restructure(auditor, tree.branch_a)


# --- pages ------------------------------------------------------------------

BRANCH_A = "C01T01B01"
PAGES = ("rename", "move", "merge", "dissolve")


def test_the_branch_page_hides_the_actions_from_its_secretary(client, tree, secretary_a):
    client.force_login(secretary_a)
    html = client.get(reverse("organizations:detail", args=[BRANCH_A])).content.decode()
    for name in PAGES:
        assert reverse(f"organizations:{name}", args=[BRANCH_A]) not in html
    assert reverse("organizations:edit", args=[BRANCH_A]) in html  # other changes stay offered


def test_the_branch_page_offers_the_actions_to_committee_staff(client, tree, committee_staff):
    client.force_login(committee_staff)
    html = client.get(reverse("organizations:detail", args=[BRANCH_A])).content.decode()
    for name in PAGES:
        assert reverse(f"organizations:{name}", args=[BRANCH_A]) in html


def test_the_committee_page_hides_the_actions_from_its_own_staff(client, tree, committee_staff):
    client.force_login(committee_staff)
    html = client.get(reverse("organizations:detail", args=[tree.committee.code])).content.decode()
    for name in PAGES:
        assert reverse(f"organizations:{name}", args=[tree.committee.code]) not in html


@pytest.mark.parametrize("name", PAGES)
def test_a_secretary_opening_an_action_on_their_branch_is_told_why(client, tree, secretary_a, name):
    client.force_login(secretary_a)
    response = client.get(reverse(f"organizations:{name}", args=[BRANCH_A]))
    assert response.status_code == 403
    assert "由其上级党组织办理" in response.content.decode()


def test_a_secretary_posting_a_rename_changes_nothing(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("organizations:rename", args=[BRANCH_A]), {"name": "各甫村第一党支部", "day": "2024-01-01"}
    )
    assert response.status_code == 403
    assert Organization.objects.get(code=BRANCH_A).name == "各甫村党支部"
    assert not OrgEvent.objects.filter(kind=OrgEventKind.RENAME).exists()
