"""The 工作台's training to-dos: branches behind on 三会一课 / 主题党日, members behind on hours, broken equipment."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_equipment, make_meeting, make_session
from training.selectors.todos import training_todos
from training.services.av import equipment_event_record

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 10)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0), tick=False)


def counts(user, day=DAY) -> dict[str, int]:
    return {t.key: t.count for g in training_todos(user, day) for t in g.todos}


def test_branches_behind_members_behind_and_broken_equipment_are_counted(
    tree, committee_staff, secretary_a, member_a, member_b
):
    with on(dt.date(2026, 4, 30)):
        for month in (1, 2, 3, 4):
            make_meeting(
                tree.branch_a, actor=secretary_a, kind="ACTIVITY_DAY", held_on=dt.date(2026, month, 8)
            )
        make_meeting(tree.branch_a, actor=secretary_a, kind="ASSEMBLY", held_on=dt.date(2026, 2, 8))
        make_meeting(tree.branch_a, actor=secretary_a, kind="LECTURE", held_on=dt.date(2026, 3, 8))
        make_session(tree.branch_a, actor=secretary_a, present=[member_a], hours=40)
        equipment = make_equipment(tree.branch_a, actor=committee_staff)
        equipment_event_record(
            actor=committee_staff, equipment=equipment, kind="BROKEN", happened_on=dt.date(2026, 4, 1)
        )
    found = counts(committee_staff)
    # Branch A held every meeting due by the end of April; branch B none (its 三会一课 and 主题党日 are behind).
    assert found["training.meetings_behind"] == 1
    assert found["training.activity_day_behind"] == 1
    # Four months past: 32 × 4/12 = 10.7 hours due; member_a has 40, member_b none.
    assert found["training.hours_below"] == 1
    assert found["training.av_broken"] == 1
    assert found["training.sessions_unrecorded"] == 0
    assert counts(secretary_a) == {
        "training.sessions_unrecorded": 0,
        "training.meetings_behind": 0,
        "training.activity_day_behind": 0,
        "training.hours_below": 0,
        "training.av_broken": 1,
    }


def test_nothing_is_behind_before_the_first_month_has_ended(tree, committee_staff, member_a):
    found = counts(committee_staff, dt.date(2026, 1, 20))
    assert found["training.meetings_behind"] == 0 and found["training.hours_below"] == 0


@pytest.mark.parametrize("branches", [1, 3])
def test_the_training_todos_cost_the_same_queries_for_more_branches(
    tree, committee_staff, admin_user, branches, django_assert_num_queries
):
    from tests.factories import make_org

    for i in range(branches):
        branch = make_org(tree.committee, f"C01T01X{i}", f"新增村党支部{i}", actor=admin_user)
        make_meeting(branch, actor=admin_user, held_on=dt.date(2026, 2, 1))
    committee_staff.organization  # noqa: B018  (loaded with the session user on a page)
    with django_assert_num_queries(11):
        # compliance: 1 the branches of the scope (the tree on the day), 2 the rules, 3 their groups,
        # 4 their full members, 5 the meetings, 6 the lectures hosted, 7 the fixed activity days;
        # hours: 8 the two minimums, 9 the members below; 10 the broken sets; 11 sessions without attendance
        training_todos(committee_staff, DAY)


def test_the_home_page_shows_the_training_card_and_its_links(client, tree, secretary_a, auditor, monkeypatch):
    from organizations import todos

    monkeypatch.setattr(
        todos, "_providers", [training_todos]
    )  # this card alone, whatever the other apps hold
    client.force_login(secretary_a)
    html = client.get(reverse("home")).content.decode()
    assert "教育培训与组织生活" in html and reverse("training:session_new") in html
    client.force_login(auditor)
    html = client.get(reverse("home")).content.decode()
    assert "教育培训与组织生活" in html and reverse("training:session_new") not in html
