"""Lost contact as 党员教育管理工作条例 (2019) 第24条 says, and 恢复党籍 (issue 8 item 4).

失联 ≥ 6 months and not reachable → the branch proposes 停止党籍; 2 years after
停止党籍, still not reachable → 除名.  A suspended member who reappears is
restored (a dated record, counted as 恢复党籍 in the member change table), also
when they come back with a 介绍信 from outside the county.  A 预备党员 is never
suspended.  Each test travels to the days it speaks of.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import add_months
from members.models import Departure, LostContact, Member, MemberPeriod, Restoration, Transfer
from members.selectors.changes import member_changes
from members.selectors.transfers import lost_contact_flags
from members.services.member import ID_NUMBER_UNAVAILABLE, member_move
from members.services.transfers import (
    lost_contact_record,
    lost_contact_suspend,
    member_depart,
    member_remove_after_suspension,
    member_restore,
    transfer_accept,
    transfer_record_incoming,
)
from members.services.transfers.leaving import NOT_FOR_PROBATIONARY
from organizations.models import RuleSetting
from tests.factories import make_member

pytestmark = pytest.mark.django_db

LOST_SINCE = dt.date(2024, 1, 10)


def on(day: dt.date):
    """The clock on ``day`` at noon (ticking: auditlog keys its per-actor signal on the time)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0))


def suspended_on(member, actor, day: dt.date) -> Departure:
    """``member`` lost seven months before ``day`` and suspended (停止党籍) on ``day``."""
    since = add_months(day, -7)
    with on(since):
        record = lost_contact_record(actor=actor, member=member, since=since)
    with on(day):
        return lost_contact_suspend(actor=actor, record=record, day=day, document_no="新党发〔2025〕3号")


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- 停止党籍 after six months, 除名 two years later ------------------------------------------------


def test_lost_six_months_the_branch_proposes_suspension_and_two_years_later_removal(
    tree, member_a, secretary_a
):
    with on(LOST_SINCE):
        record = lost_contact_record(actor=secretary_a, member=member_a, since=LOST_SINCE)

    with on(dt.date(2024, 7, 9)):  # five months and thirty days: not yet
        assert lost_contact_flags(secretary_a) == []
        with pytest.raises(ValidationError) as refused:
            lost_contact_suspend(
                actor=secretary_a, record=record, day=dt.date(2024, 7, 9), document_no="新党发〔2024〕5号"
            )
        assert "失去联系满6个月仍无法取得联系的，方可停止党籍" in messages(refused.value)
        assert "2024-07-10满6个月" in messages(refused.value)

    with on(dt.date(2024, 7, 10)):  # six months: the worklist proposes it, and the branch decides
        assert [(f.label, f.months, f.record) for f in lost_contact_flags(secretary_a)] == [
            ("停止党籍（待研究）", 6, record)
        ]
        departure = lost_contact_suspend(
            actor=secretary_a, record=record, day=dt.date(2024, 7, 10), document_no="新党发〔2024〕5号"
        )
        assert (departure.reason, departure.day, departure.document_no) == (
            "SUSPENDED",
            dt.date(2024, 7, 10),
            "新党发〔2024〕5号",
        )
        assert departure.note == "2024-01-10起失去联系，满6个月经多方查找仍无法取得联系"
        member_a.refresh_from_db()
        assert (member_a.left_on, member_a.leave_reason) == (dt.date(2024, 7, 10), "SUSPENDED")
        record.refresh_from_db()
        assert (record.resolved_on, record.resolution) == (dt.date(2024, 7, 10), "停止党籍")
        assert lost_contact_flags(secretary_a) == []  # nothing more to decide for two years

    with on(dt.date(2026, 7, 9)):  # a day short of two years
        assert lost_contact_flags(secretary_a) == []
        with pytest.raises(ValidationError) as refused:
            member_remove_after_suspension(
                actor=secretary_a, member=member_a, day=dt.date(2026, 7, 9), document_no="新党发〔2026〕8号"
            )
        assert "停止党籍满24个月仍无法取得联系的，方可除名" in messages(refused.value)

    with on(dt.date(2026, 7, 10)):  # two years after 停止党籍: 除名
        assert [(f.label, f.months, f.member) for f in lost_contact_flags(secretary_a)] == [
            ("除名（待研究）", 24, member_a)
        ]
        member_remove_after_suspension(
            actor=secretary_a, member=member_a, day=dt.date(2026, 7, 10), document_no="新党发〔2026〕8号"
        )
        member_a.refresh_from_db()
        # Off the roll since the suspension (the history counts the member there); now removed.
        assert (member_a.left_on, member_a.leave_reason) == (dt.date(2024, 7, 10), "REMOVED")
        assert lost_contact_flags(secretary_a) == []
    assert list(Departure.objects.order_by("day").values_list("reason", flat=True)) == [
        "SUSPENDED",
        "REMOVED",
    ]


def test_the_months_before_suspension_and_removal_are_rules_the_county_sets(tree, member_a, secretary_a):
    RuleSetting.objects.create(key="lost_contact_suspension_months", value="12")
    with on(LOST_SINCE):
        record = lost_contact_record(actor=secretary_a, member=member_a, since=LOST_SINCE)
    with on(dt.date(2024, 7, 10)):
        assert lost_contact_flags(secretary_a) == []
        with pytest.raises(ValidationError):
            lost_contact_suspend(
                actor=secretary_a, record=record, day=dt.date(2024, 7, 10), document_no="新党发〔2024〕5号"
            )
    with on(dt.date(2025, 1, 10)):
        assert [f.label for f in lost_contact_flags(secretary_a)] == ["停止党籍（待研究）"]


def test_a_probationary_member_is_never_suspended(tree, secretary_a, admin_user):
    with on(dt.date(2025, 9, 1)):
        probationary = make_member(
            tree.branch_a,
            actor=admin_user,
            name="陆小燕",
            birth_date=dt.date(1995, 3, 8),
            seq=3,
            status="PROBATIONARY",
            joined_on=dt.date(2025, 7, 1),
            full_on=None,
        )
        record = lost_contact_record(actor=secretary_a, member=probationary, since=dt.date(2025, 8, 1))
    with on(dt.date(2026, 3, 1)):
        assert [f.label for f in lost_contact_flags(secretary_a)] == ["取消预备资格（待研究）"]
        with pytest.raises(ValidationError) as refused:
            lost_contact_suspend(
                actor=secretary_a, record=record, day=dt.date(2026, 3, 1), document_no="新党发〔2026〕2号"
            )
    assert messages(refused.value) == NOT_FOR_PROBATIONARY
    probationary.refresh_from_db()
    assert probationary.is_current and not Departure.objects.exists()
    assert LostContact.objects.get().is_open


def test_the_departure_form_refuses_suspending_a_probationary_member_too(tree, secretary_a, admin_user):
    with on(dt.date(2026, 3, 1)):
        probationary = make_member(
            tree.branch_a,
            actor=admin_user,
            name="陆小燕",
            birth_date=dt.date(1995, 3, 8),
            seq=3,
            status="PROBATIONARY",
            joined_on=dt.date(2025, 7, 1),
            full_on=None,
        )
        with pytest.raises(ValidationError) as refused:
            member_depart(
                actor=secretary_a,
                member=probationary,
                reason="SUSPENDED",
                day=dt.date(2026, 3, 1),
                document_no="新党发〔2026〕2号",
            )
    assert refused.value.message_dict == {"reason": [NOT_FOR_PROBATIONARY]}
    probationary.refresh_from_db()
    assert probationary.is_current and not Departure.objects.exists()


def test_suspension_needs_the_decision_number(tree, member_a, secretary_a):
    with on(LOST_SINCE):
        record = lost_contact_record(actor=secretary_a, member=member_a, since=LOST_SINCE)
    with on(dt.date(2024, 8, 1)), pytest.raises(ValidationError) as refused:
        lost_contact_suspend(actor=secretary_a, record=record, day=dt.date(2024, 8, 1), document_no=" ")
    assert refused.value.message_dict == {"document_no": ["停止党籍须填写党组织的处理决定文号"]}
    member_a.refresh_from_db()
    assert member_a.is_current


# --- 恢复党籍 ----------------------------------------------------------------------------------


def test_a_suspended_member_who_reappears_is_restored_from_a_date(tree, member_a, secretary_a):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 3, 2)):
        restoration = member_restore(
            actor=secretary_a, member=member_a, day=dt.date(2026, 3, 1), document_no="新党发〔2026〕6号"
        )
    assert (restoration.suspended_on, restoration.day, restoration.organization) == (
        dt.date(2025, 1, 10),
        dt.date(2026, 3, 1),
        tree.branch_a,
    )
    member_a.refresh_from_db()
    assert member_a.is_current and (member_a.leave_reason, member_a.organization) == ("", tree.branch_a)
    periods = list(
        MemberPeriod.objects.filter(member=member_a)
        .order_by("start_on")
        .values_list("start_on", "end_on", "start_reason", "document_no")
    )
    assert periods[-2][1] == dt.date(2025, 1, 10)  # the suspension stays in the history
    assert periods[-1] == (dt.date(2026, 3, 1), None, "RESTORED", "新党发〔2026〕6号")
    assert LogEntry.objects.get_for_object(restoration).get().actor == secretary_a


def test_only_a_suspension_is_undone_by_restoration(tree, member_a, member_a2, secretary_a, admin_user):
    with on(dt.date(2026, 1, 10)):
        member_depart(
            actor=admin_user,
            member=member_a2,
            reason="EXPELLED",
            day=dt.date(2026, 1, 10),
            document_no="新纪发〔2026〕1号",
        )
    with on(dt.date(2026, 3, 2)):
        with pytest.raises(ValidationError) as refused:
            member_restore(
                actor=secretary_a, member=member_a2, day=dt.date(2026, 3, 1), document_no="x〔2026〕1号"
            )
        assert "只有停止党籍的党员才能恢复党籍" in messages(refused.value)
        with pytest.raises(ValidationError):
            member_restore(
                actor=secretary_a, member=member_a, day=dt.date(2026, 3, 1), document_no="x〔2026〕1号"
            )
    assert not Restoration.objects.exists()


def test_a_restoration_is_dated_after_the_suspension_and_approved(tree, member_a, secretary_a):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 3, 2)):
        with pytest.raises(ValidationError) as early:
            member_restore(
                actor=secretary_a, member=member_a, day=dt.date(2025, 1, 9), document_no="新党发〔2026〕6号"
            )
        with pytest.raises(ValidationError) as unapproved:
            member_restore(actor=secretary_a, member=member_a, day=dt.date(2026, 3, 1), document_no="")
    assert early.value.message_dict == {"day": ["恢复党籍日期不能早于停止党籍日期（2025-01-10）"]}
    assert list(unapproved.value.message_dict) == ["document_no"]
    member_a.refresh_from_db()
    assert member_a.leave_reason == "SUSPENDED" and not Restoration.objects.exists()


def test_restoration_is_counted_as_restored_in_the_member_change_figures(
    tree, member_a, member_a2, member_b, secretary_a, committee_staff
):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 3, 2)):
        member_restore(
            actor=secretary_a, member=member_a, day=dt.date(2026, 3, 1), document_no="新党发〔2026〕6号"
        )
        # a move between two branches of the committee: a change for each branch, none for the committee
        member_move(actor=committee_staff, member=member_a2, to_org=tree.branch_b, day=dt.date(2026, 3, 2))

    year_2025 = member_changes(tree.committee, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (year_2025.start_total, year_2025.suspended, year_2025.decrease, year_2025.end_total) == (
        3,
        1,
        1,
        2,
    )
    assert year_2025.reconciles

    year_2026 = member_changes(tree.committee, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (year_2026.start_total, year_2026.restored, year_2026.increase, year_2026.end_total) == (
        2,
        1,
        1,
        3,
    )
    assert (year_2026.moved_in, year_2026.moved_out, year_2026.decrease) == (0, 0, 0)
    assert year_2026.reconciles

    branch_a = member_changes(tree.branch_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (branch_a.restored, branch_a.moved_out, branch_a.start_total, branch_a.end_total) == (1, 1, 1, 1)
    assert branch_a.reconciles
    county = member_changes(tree.county, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (county.restored, county.increase, county.decrease) == (1, 1, 0)


def test_the_change_figures_count_admissions_deaths_and_transfers_out_of_the_county(
    tree, member_a, secretary_a, admin_user
):
    with on(dt.date(2026, 5, 1)):
        make_member(
            tree.branch_a,
            actor=admin_user,
            name="陆小燕",
            birth_date=dt.date(1995, 3, 8),
            seq=3,
            status="PROBATIONARY",
            joined_on=dt.date(2026, 4, 20),
            full_on=None,
        )
        member_depart(actor=secretary_a, member=member_a, reason="DEATH", day=dt.date(2026, 4, 30))
    figures = member_changes(tree.branch_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (figures.admitted, figures.died, figures.start_total, figures.end_total) == (1, 1, 1, 1)
    assert figures.reconciles


# --- a suspended member coming back with a 介绍信 ------------------------------------------------------


def letter_for(member: Member, actor, to_org) -> Transfer:
    return transfer_record_incoming(
        actor=actor,
        to_org=to_org,
        letter_no="右组转〔2026〕33号",
        from_external="中共百色市右江区委组织部",
        issued_on=dt.date(2026, 6, 2),
        person=dict(
            name=member.name,
            gender=member.gender,
            ethnicity=member.ethnicity,
            birth_date=member.birth_date,
            id_number=member.id_number,
            status=member.status,
            joined_on=member.joined_on,
            full_on=member.full_on,
            education=member.education,
            occupation=member.occupation,
            phone="13800000000",
            work_unit="百色市右江区 务工",
        ),
    )


def test_a_transfer_in_of_a_suspended_member_restores_them_instead_of_being_refused(
    tree, member_a, secretary_a, committee_staff
):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 6, 15)):
        letter = letter_for(member_a, committee_staff, tree.branch_b)  # recorded, not refused
        with pytest.raises(ValidationError) as unapproved:
            transfer_accept(actor=committee_staff, transfer=letter, day=dt.date(2026, 6, 10))
        assert list(unapproved.value.message_dict) == ["restoration_document_no"]
        assert "已于2025-01-10停止党籍，接收本介绍信即恢复其党籍" in messages(unapproved.value)

        transfer_accept(
            actor=committee_staff,
            transfer=letter,
            day=dt.date(2026, 6, 10),
            restoration_document_no="新党发〔2026〕9号",
        )
    member_a.refresh_from_db()
    assert member_a.is_current
    assert (member_a.organization, member_a.work_unit) == (tree.branch_b, "百色市右江区 务工")
    restoration = Restoration.objects.get()
    assert (restoration.transfer, restoration.day, restoration.organization) == (
        letter,
        dt.date(2026, 6, 10),
        tree.branch_b,
    )
    period = MemberPeriod.objects.get(member=member_a, end_on__isnull=True)
    assert (period.start_reason, period.start_on, period.organization) == (
        "RESTORED",
        dt.date(2026, 6, 10),
        tree.branch_b,
    )
    letter.refresh_from_db()
    assert (letter.status, letter.member) == ("COMPLETED", member_a)
    figures = member_changes(tree.county, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (figures.restored, figures.transferred_in) == (1, 0)


def test_a_suspended_member_outside_the_receivers_scope_is_not_revealed(
    tree, member_a, secretary_a, secretary_b
):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 6, 15)), pytest.raises(ValidationError) as refused:
        letter_for(member_a, secretary_b, tree.branch_b)
    assert refused.value.message_dict == {"id_number": [ID_NUMBER_UNAVAILABLE]}
    assert not Transfer.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------


def test_the_record_page_proposes_suspension_and_the_form_records_it(client, tree, member_a, secretary_a):
    with on(LOST_SINCE):
        record = lost_contact_record(actor=secretary_a, member=member_a, since=LOST_SINCE)
    client.force_login(secretary_a)
    url = reverse("members:lost_contact_suspend", args=[record.pk])
    with on(dt.date(2024, 7, 10)):
        page = client.get(record.get_absolute_url()).content.decode()
        assert "停止党籍（待研究）" in page and url in page
        response = client.post(url, {"day": "2024-07-10", "document_no": "新党发〔2024〕5号", "note": ""})
    assert response.status_code == 302 and response["Location"] == member_a.get_absolute_url()
    member_a.refresh_from_db()
    assert member_a.leave_reason == "SUSPENDED"
    with on(dt.date(2024, 8, 1)):
        page = client.get(member_a.get_absolute_url()).content.decode()
    assert reverse("members:member_restore", args=[member_a.pk]) in page


def test_the_restoration_page_restores_a_suspended_member(client, tree, member_a, secretary_a):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    client.force_login(secretary_a)
    url = reverse("members:member_restore", args=[member_a.pk])
    with on(dt.date(2026, 3, 2)):
        refused = client.post(url, {"day": "2026-03-01", "document_no": "", "organization": ""})
        assert refused.status_code == 200 and refused.context["form"].errors["document_no"]
        response = client.post(
            url, {"day": "2026-03-01", "document_no": "新党发〔2026〕6号", "organization": ""}
        )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.is_current
    with on(dt.date(2026, 3, 2)):
        page = client.get(member_a.get_absolute_url()).content.decode()
    assert "恢复党籍" in page and "新党发〔2026〕6号" in page


def test_the_letter_page_asks_for_the_restoration_number(
    client, tree, member_a, secretary_a, committee_staff
):
    suspended_on(member_a, secretary_a, dt.date(2025, 1, 10))
    with on(dt.date(2026, 6, 15)):
        letter = letter_for(member_a, committee_staff, tree.branch_b)
        client.force_login(committee_staff)
        page = client.get(letter.get_absolute_url())
        assert page.context["restoring"] == member_a
        assert "restoration_document_no" in page.context["accept_form"].fields
        url = reverse("members:transfer_accept", args=[letter.pk])
        refused = client.post(url, {"day": "2026-06-10"})
        assert refused.context["accept_form"].errors["restoration_document_no"]
        done = client.post(url, {"day": "2026-06-10", "restoration_document_no": "新党发〔2026〕9号"})
    assert done.status_code == 302
    member_a.refresh_from_db()
    assert member_a.is_current and member_a.organization == tree.branch_b
