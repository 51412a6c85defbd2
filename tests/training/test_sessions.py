"""Training sessions: the level from the organizer, 人次 from attendance, the roll's rules, audit and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from organizations.choices import OrgCategory, OrgKind
from tests.factories import make_member, make_org, make_session
from training.choices import Level, level_of
from training.models import Attendance, TrainingSession, TrainingTopic
from training.selectors.attendance import digest
from training.selectors.figures import training_figures
from training.services.attendance import StaleRoll
from training.services.sessions import session_attendance_record, session_delete, session_update

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


# --- level --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        (OrgKind.COUNTY_COMMITTEE, Level.COUNTY),
        (OrgKind.COMMITTEE, Level.COMMITTEE),
        (OrgKind.WORKING_COMMITTEE, Level.COMMITTEE),
        (OrgKind.GENERAL_BRANCH, Level.BRANCH),
        (OrgKind.BRANCH, Level.BRANCH),
        (OrgKind.GROUP, Level.BRANCH),
    ],
)
def test_the_level_follows_from_the_organizers_kind(kind, level):
    assert level_of(kind) == level


def test_a_recorded_session_keeps_the_level_of_its_organizer(tree, county_staff):
    county = make_session(tree.county, actor=county_staff)
    committee = make_session(tree.committee, actor=county_staff)
    branch = make_session(tree.branch_a, actor=county_staff)
    general = make_org(
        tree.committee, "C01T01G1", "新华镇机关党总支", actor=county_staff, kind=OrgKind.GENERAL_BRANCH
    )
    assert [s.level for s in (county, committee, branch, make_session(general, actor=county_staff))] == [
        Level.COUNTY,
        Level.COMMITTEE,
        Level.BRANCH,
        Level.BRANCH,
    ]


def test_a_party_group_does_not_organize_sessions(tree, county_staff):
    group = make_org(tree.branch_a, "C01T01B01G1", "第一党小组", actor=county_staff, kind=OrgKind.GROUP)
    with pytest.raises(ValidationError, match="党小组不单独举办培训"):
        make_session(group, actor=county_staff)


# --- person-times ------------------------------------------------------------------------------------


def test_person_times_count_attendance_across_the_committees_branches(
    tree, committee_staff, member_a, member_a2, member_b
):
    """A committee session draws attendees from any branch below it; 人次 is the number of attendance rows."""
    session = make_session(tree.committee, actor=committee_staff, present=[member_a, member_a2, member_b])
    assert session.attendances.count() == 3
    assert set(session.attendances.values_list("organization", flat=True)) == {
        tree.branch_a.pk,
        tree.branch_b.pk,
    }
    figures = training_figures(tree.committee, *YEAR)
    assert (figures.committee.sessions, figures.committee.person_times) == (1, 3)
    assert (figures.theory.sessions, figures.theory.person_times) == (1, 3)
    county = training_figures(tree.county, *YEAR)
    assert (county.committee.sessions, county.committee.person_times) == (1, 3)
    assert (county.county.sessions, county.branch.sessions) == (0, 0)
    # Organized by the committee: not branch A's own training, though its members attended.
    assert training_figures(tree.branch_a, *YEAR).total == training_figures(tree.branch_a, *YEAR).branch
    assert training_figures(tree.branch_a, *YEAR).total.sessions == 0


def test_figures_split_by_kind_level_and_av_and_count_non_members_apart(
    tree, county_staff, member_a, member_c
):
    make_session(tree.county, actor=county_staff, present=[member_a, member_c], non_member_count=7)
    make_session(
        tree.branch_a, actor=county_staff, present=[member_a], kind="TECHNICAL", form="AV", title="养猪技术"
    )
    figures = training_figures(tree.county, *YEAR)
    assert (figures.county.sessions, figures.county.person_times, figures.county.non_members) == (1, 2, 7)
    assert (figures.branch.sessions, figures.branch.person_times) == (1, 1)
    assert (figures.technical.sessions, figures.technical.person_times) == (1, 1)
    assert (figures.av.sessions, figures.av_technical.person_times, figures.av_theory.sessions) == (1, 1, 0)
    assert figures.as_indicators()["training.av_person_times"] == 1
    assert figures.as_indicators()["training.county_person_times"] == 2


def test_sessions_outside_the_period_or_subtree_do_not_count(tree, county_staff, member_c):
    make_session(tree.other_committee, actor=county_staff, present=[member_c])
    make_session(tree.committee, actor=county_staff, start_on=dt.date(2025, 12, 31))
    assert training_figures(tree.committee, *YEAR).total.sessions == 0


# --- the roll ------------------------------------------------------------------------------------------


def test_a_branch_is_ticked_present_then_an_absent_member_unticked(tree, secretary_a, member_a, member_a2):
    session = make_session(tree.branch_a, actor=secretary_a)
    result = session_attendance_record(
        actor=secretary_a, session=session, organization=tree.branch_a, present=[member_a.pk, member_a2.pk]
    )
    assert (result.present, result.added, result.removed) == (2, 2, 0)
    loaded = digest([member_a.pk, member_a2.pk])
    result = session_attendance_record(
        actor=secretary_a, session=session, organization=tree.branch_a, present=[member_a.pk], loaded=loaded
    )
    assert (result.present, result.added, result.removed) == (1, 0, 1)
    assert list(session.attendances.values_list("member", flat=True)) == [member_a.pk]


def test_every_attendance_row_written_or_removed_is_audited_as_the_clerk(
    tree, secretary_a, member_a, member_a2
):
    session = make_session(tree.branch_a, actor=secretary_a, present=[member_a, member_a2])
    created = LogEntry.objects.get_for_model(Attendance).filter(action=LogEntry.Action.CREATE)
    assert created.count() == 2 and {e.actor for e in created} == {secretary_a}
    assert {e.object_repr for e in created} == {
        f"{member_a.name}（{session}）",
        f"{member_a2.name}（{session}）",
    }
    session_attendance_record(
        actor=secretary_a, session=session, organization=tree.branch_a, present=[member_a.pk]
    )
    deleted = LogEntry.objects.get_for_model(Attendance).filter(action=LogEntry.Action.DELETE)
    assert deleted.count() == 1 and deleted.get().actor == secretary_a
    assert deleted.get().object_repr == f"{member_a2.name}（{session}）"


def test_a_list_changed_since_the_page_was_loaded_is_refused_and_nothing_written(
    tree, secretary_a, member_a, member_a2
):
    session = make_session(tree.branch_a, actor=secretary_a)
    loaded_empty = digest([])
    session_attendance_record(
        actor=secretary_a,
        session=session,
        organization=tree.branch_a,
        present=[member_a.pk],
        loaded=loaded_empty,
    )
    with pytest.raises(StaleRoll, match="已被他人修改"):
        session_attendance_record(
            actor=secretary_a,
            session=session,
            organization=tree.branch_a,
            present=[member_a2.pk],
            loaded=loaded_empty,
        )
    assert list(session.attendances.values_list("member", flat=True)) == [member_a.pk]


def test_a_member_of_another_committee_cannot_attend_a_committee_session(tree, county_staff, member_c):
    session = make_session(tree.committee, actor=county_staff)
    with pytest.raises(ValidationError, match="不在新华镇党委范围内"):
        session_attendance_record(
            actor=county_staff, session=session, organization=tree.branch_c, present=[member_c.pk]
        )
    assert not Attendance.objects.exists()


def test_a_member_who_joined_after_the_session_is_refused(tree, secretary_a, admin_user):
    late = make_member(
        tree.branch_a,
        actor=admin_user,
        name="新党员",
        birth_date=dt.date(1990, 5, 1),
        seq=3,
        joined_on=dt.date(2026, 5, 1),
        full_on=None,
        status="PROBATIONARY",
    )
    session = make_session(tree.branch_a, actor=secretary_a)
    with pytest.raises(ValidationError, match="不是各甫村党支部的党员"):
        session_attendance_record(
            actor=secretary_a, session=session, organization=tree.branch_a, present=[late.pk]
        )


def test_a_member_listed_under_one_branch_is_not_listed_again_under_another(tree, committee_staff, member_a):
    session = make_session(tree.committee, actor=committee_staff, present=[member_a])
    with pytest.raises(ValidationError):
        session_attendance_record(
            actor=committee_staff, session=session, organization=tree.branch_b, present=[member_a.pk]
        )
    assert session.attendances.count() == 1


def test_the_roll_is_the_organizers_business(tree, secretary_a, secretary_b, auditor, member_a):
    session = make_session(tree.branch_a, actor=secretary_a)
    with pytest.raises(Http404):
        session_attendance_record(
            actor=secretary_b, session=session, organization=tree.branch_a, present=[member_a.pk]
        )
    with pytest.raises(PermissionDenied):
        session_attendance_record(
            actor=auditor, session=session, organization=tree.branch_a, present=[member_a.pk]
        )
    assert not Attendance.objects.exists()


# --- the session -------------------------------------------------------------------------------------


def test_a_session_is_recorded_after_it_took_place(tree, secretary_a, frozen):
    with pytest.raises(ValidationError, match="开始日期不能晚于今天"):
        make_session(tree.branch_a, actor=secretary_a, start_on=dt.date(2026, 7, 1))


def test_a_session_ends_on_or_after_its_start(tree, secretary_a):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        make_session(tree.branch_a, actor=secretary_a, end_on=dt.date(2026, 3, 9))


def test_hours_must_be_positive(tree, secretary_a):
    with pytest.raises(ValidationError, match="学时必须大于0"):
        make_session(tree.branch_a, actor=secretary_a, hours=Decimal("0"))
    assert not TrainingSession.objects.exists()


def test_only_an_av_session_names_a_film(tree, county_staff):
    from training.models import AVFilm

    film = AVFilm.objects.create(title="养兔技术", kind="TECHNICAL")
    with pytest.raises(ValidationError, match="电化教育"):
        make_session(tree.branch_a, actor=county_staff, film=film)
    assert make_session(tree.branch_a, actor=county_staff, form="AV", film=film).film == film


def test_topics_grow_the_catalogue_as_people_type(tree, secretary_a, secretary_b):
    one = make_session(tree.branch_a, actor=secretary_a, topic_text="《党章》、养猪，甘蔗栽培")
    two = make_session(tree.branch_b, actor=secretary_b, topic_text="养猪；《党章》\n养猪")
    assert TrainingTopic.objects.count() == 3
    assert set(one.topic_text.split("、")) == {"《党章》", "养猪", "甘蔗栽培"}
    assert sorted(t.name for t in two.topics.all()) == sorted(["《党章》", "养猪"])


def test_changing_the_date_to_before_an_attendee_joined_is_refused(tree, secretary_a, admin_user):
    member = make_member(
        tree.branch_a,
        actor=admin_user,
        name="黄新",
        birth_date=dt.date(1990, 5, 1),
        seq=4,
        joined_on=dt.date(2026, 1, 5),
        full_on=None,
        status="PROBATIONARY",
    )
    session = make_session(tree.branch_a, actor=secretary_a, present=[member])
    with pytest.raises(ValidationError, match="黄新在该日期不是所列组织的党员"):
        session_update(
            actor=secretary_a,
            session=session,
            expected_version=1,
            start_on=dt.date(2025, 12, 1),
            end_on=dt.date(2025, 12, 1),
        )
    session.refresh_from_db()
    assert session.start_on == dt.date(2026, 3, 10) and session.version == 1


def test_an_edit_from_a_stale_page_is_refused(tree, secretary_a):
    session = make_session(tree.branch_a, actor=secretary_a)
    session_update(actor=secretary_a, session=session, expected_version=1, venue="村活动室")
    with pytest.raises(ValidationError, match="该记录已被"):
        session_update(actor=secretary_a, session=session, expected_version=1, title="改名")


def test_changing_only_the_topics_is_a_new_version(tree, secretary_a):
    session = make_session(tree.branch_a, actor=secretary_a, topic_text="养猪")
    session_update(actor=secretary_a, session=session, expected_version=1, topic_text="养猪、养鸡")
    session.refresh_from_db()
    assert session.version == 2 and set(session.topic_text.split("、")) == {"养猪", "养鸡"}


def test_deleting_a_session_deletes_its_roll_with_audit_rows(tree, secretary_a, member_a, member_a2):
    session = make_session(tree.branch_a, actor=secretary_a, present=[member_a, member_a2])
    session_delete(actor=secretary_a, session=session)
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()
    assert LogEntry.objects.get_for_model(Attendance).filter(action=LogEntry.Action.DELETE).count() == 2
    assert LogEntry.objects.get_for_model(TrainingSession).filter(action=LogEntry.Action.DELETE).count() == 1


def test_a_village_branch_of_the_cast_is_a_village(tree):
    assert tree.branch_a.category == OrgCategory.VILLAGE


def test_the_rolls_audit_rows_are_those_a_save_one_at_a_time_writes(tree, secretary_a, member_a, member_a2):
    """The bulk write's audit rows (core.bulkaudit) match auditlog's own for a row saved alone."""
    from core.audit import acting_as

    bulk = make_session(tree.branch_a, actor=secretary_a, present=[member_a])
    single = make_session(tree.branch_a, actor=secretary_a, title="对照")
    with acting_as(secretary_a):
        Attendance.objects.create(session=single, member=member_a, organization=tree.branch_a)
    entries = LogEntry.objects.get_for_model(Attendance).filter(action=LogEntry.Action.CREATE).order_by("id")
    written, saved = list(entries)
    assert written.object_id == bulk.attendances.get().pk

    def comparable(entry):
        changes = dict(entry.changes_dict)
        changes.pop("session")  # two sessions
        return changes, entry.actor, entry.action, entry.content_type

    assert comparable(written) == comparable(saved)
