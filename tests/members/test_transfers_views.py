"""Pages of 组织关系转接, certificates, mobile members, leaving and lost contact."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from core.fieldcrypto import id_hash_q
from members.models import Certificate, Departure, LostContact, Member, MobileRegistration, Transfer
from members.services.member import member_register
from members.services.transfers import (
    certificate_issue,
    lost_contact_record,
    member_depart,
    mobile_register,
    transfer_issue,
)

from ..conftest import member_fields

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def objects(tree, member_a, secretary_a, admin_user):
    """One of each record, all belonging to branch A."""

    o = SimpleNamespace()
    o.transfer = transfer_issue(
        actor=secretary_a,
        kind="OUT",
        member=member_a,
        issued_on=TODAY,
        to_external="中共百色市右江区委组织部",
    )
    o.certificate = certificate_issue(
        actor=secretary_a,
        member=member_a,
        issued_on=TODAY,
        destination="广东省东莞市",
        reason="外出务工",
        valid_until=TODAY + dt.timedelta(days=90),
    )
    o.mobile = mobile_register(
        actor=secretary_a, member=member_a, destination="广东省东莞市", contact="13800000001", since=TODAY
    )
    o.lost = lost_contact_record(actor=secretary_a, member=member_a, since=TODAY - dt.timedelta(days=30))
    o.suspended = member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="陆秀英",
            gender="F",
            birth_date=dt.date(1975, 3, 15),
            id_number="532627197503150028",
            joined_on=dt.date(2000, 7, 1),
            full_on=dt.date(2001, 7, 1),
        ),
    )
    member_depart(
        actor=admin_user, member=o.suspended, reason="SUSPENDED", day=TODAY, document_no="富组〔2026〕3号"
    )
    return o


# Anonymous → log-in, outsider → 404, auditor → 403/405, insiders → 200: tests/test_scope_matrix.py.


# --- lists: flat query counts -------------------------------------------------------


def _second_member(tree, admin_user) -> Member:
    return member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="黄文军",
            gender="M",
            birth_date=dt.date(1980, 1, 1),
            id_number="532627198001010011",
            joined_on=dt.date(2003, 7, 1),
            full_on=dt.date(2004, 7, 1),
        ),
    )


def test_the_letter_list_runs_a_fixed_number_of_queries(
    client, tree, member_a, secretary_a, admin_user, committee_staff, django_assert_num_queries
):
    second = _second_member(tree, admin_user)
    for member in (member_a, second):
        transfer_issue(
            actor=secretary_a,
            kind="INTERNAL",
            member=member,
            issued_on=TODAY,
            to_org=tree.branch_c,
        )
    client.force_login(committee_staff)
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 the user's organization (scope root), 4 COUNT for the paginator,
        # 5 the organizations the filter offers, 6 the page of letters with both organizations joined
        response = client.get(reverse("members:transfer_list"))
    assert len(response.context["page_obj"]) == 2


def test_the_queue_runs_a_fixed_number_of_queries(
    client, tree, member_a, secretary_a, admin_user, county_staff, django_assert_num_queries
):
    second = _second_member(tree, admin_user)
    for member in (member_a, second):
        transfer_issue(
            actor=secretary_a,
            kind="INTERNAL",
            member=member,
            issued_on=TODAY - dt.timedelta(days=40),
            to_org=tree.branch_c,
        )
    client.force_login(county_staff)
    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the user's organization,
        # 4 overdue letters, 5 letters awaiting acceptance in scope (organizations joined)
        response = client.get(reverse("members:transfer_queue"))
    queue = response.context["queue"]
    assert (len(queue.overdue), len(queue.awaiting_acceptance)) == (2, 2)


def _two_of_everything(tree, member_a, secretary_a, admin_user) -> None:
    second = _second_member(tree, admin_user)
    for member in (member_a, second):
        certificate_issue(
            actor=secretary_a,
            member=member,
            issued_on=TODAY,
            destination="昆明市",
            reason="就医",
            valid_until=TODAY + dt.timedelta(days=30),
        )
        mobile_register(actor=secretary_a, member=member, destination="东莞市", contact="138", since=TODAY)
        lost_contact_record(actor=secretary_a, member=member, since=TODAY - dt.timedelta(days=400))
    for i, id_number in enumerate(("532627197503150028", "452623199007070030")):
        gone = member_register(
            actor=admin_user,
            organization=tree.branch_a,
            **member_fields(
                name=f"离开{i}",
                gender="F" if i == 0 else "M",
                birth_date=dt.date(1975, 3, 15) if i == 0 else dt.date(1990, 7, 7),
                id_number=id_number,
                joined_on=dt.date(2012, 7, 1),
                full_on=dt.date(2013, 7, 1),
            ),
        )
        member_depart(actor=secretary_a, member=gone, reason="DEATH", day=TODAY)


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # 1 session, 2 user, 3 scope root, 4 COUNT, 5 the organizations the filter offers,
        # 6 the page (member and organization joined)
        ("members:certificate_list", 6),
        ("members:mobile_list", 6),
        # … and 7 the two month rules of 第24条 (a row past the first is marked)
        ("members:lost_contact_list", 7),
        # … 6 the page (member, organization and the recording user joined)
        ("members:departure_list", 6),
    ],
)
def test_the_registers_run_a_fixed_number_of_queries(
    client, tree, member_a, secretary_a, admin_user, django_assert_num_queries, name, queries
):
    _two_of_everything(tree, member_a, secretary_a, admin_user)
    client.force_login(secretary_a)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))
    assert len(response.context["page_obj"]) == 2


def test_the_flags_page_runs_a_fixed_number_of_queries(
    client, tree, member_a, secretary_a, admin_user, django_assert_num_queries
):
    _two_of_everything(tree, member_a, secretary_a, admin_user)
    client.force_login(secretary_a)
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 scope root, 4 the two month rules of 第24条,
        # 5 open lost-contact records past the first (member, organization joined),
        # 6 members suspended long enough to consider 除名
        response = client.get(reverse("members:lost_contact_flags"))
    assert [f.label for f in response.context["flags"]] == ["停止党籍（待研究）", "停止党籍（待研究）"]


# --- pages at work --------------------------------------------------------------------


def test_a_secretary_issues_a_letter_from_the_page(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:transfer_issue"),
        {
            "member": member_a.pk,
            "kind": "INTERNAL",
            "issued_on": TODAY.isoformat(),
            "to_org": tree.branch_c.pk,
            "validity_days": "30",
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == transfer.get_absolute_url()
    assert (transfer.member, transfer.to_org, transfer.issued_by) == (member_a, tree.branch_c, secretary_a)
    assert transfer.letter_no == f"富组转〔{TODAY.year}〕1号"  # numbered by the service, shown after issue


def test_the_issue_page_shows_the_services_refusal_on_the_field(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:transfer_issue"),
        {
            "member": member_a.pk,
            "kind": "OUT",
            "issued_on": TODAY.isoformat(),
            "to_external": "中共百色市委组织部",
            "validity_days": "120",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["validity_days"] == ["介绍信有效期最长90天"]
    assert not Transfer.objects.exists()


def test_a_member_outside_scope_cannot_be_picked_on_a_form(client, tree, member_a, member_b, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:certificate_new"),
        {
            "member": member_b.pk,
            "issued_on": TODAY.isoformat(),
            "destination": "昆明",
            "reason": "就医",
            "valid_until": (TODAY + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert not Certificate.objects.exists()


def test_the_receiving_secretary_accepts_from_the_letters_page(
    client, tree, member_a, secretary_a, secretary_b
):
    transfer = transfer_issue(
        actor=secretary_a,
        kind="INTERNAL",
        member=member_a,
        issued_on=TODAY,
        to_org=tree.branch_b,
    )
    client.force_login(secretary_b)
    page = client.get(transfer.get_absolute_url())
    assert page.context["accept_form"] is not None
    assert page.context["void_form"] is None  # voiding is the sender's
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"day": TODAY.isoformat()})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_b


def test_a_refused_acceptance_is_shown_on_the_letters_page(client, tree, member_a, secretary_a, secretary_b):
    transfer = transfer_issue(
        actor=secretary_a,
        kind="INTERNAL",
        member=member_a,
        issued_on=TODAY,
        to_org=tree.branch_b,
    )
    client.force_login(secretary_b)
    response = client.post(
        reverse("members:transfer_accept", args=[transfer.pk]),
        {"day": (TODAY - dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["accept_form"].errors["day"] == ["接收日期不能早于介绍信开具日期"]
    member_a.refresh_from_db()
    assert member_a.organization == tree.branch_a


def test_the_printed_letter_has_three_parts_each_with_the_number_and_no_navigation(
    client, objects, secretary_a
):
    client.force_login(secretary_a)
    html = client.get(reverse("members:transfer_print", args=[objects.transfer.pk])).content.decode()
    for part in ("（存根）", "（回执）", "兹介绍"):
        assert part in html
    # the number reads once, as issued: no 第 … 号 around a number that already ends in 号
    assert html.count(f"富组转〔{TODAY.year}〕1号") == 6  # the title, three parts and two seams
    assert "号 号" not in html and "号号" not in html and "第 富组转" not in html
    assert "navbar" not in html
    assert "css/letter_print.css" in html  # its print styles (@media print) are a static sheet, for the CSP


def test_the_printed_certificate_names_the_member_and_the_validity(client, objects, secretary_a):
    client.force_login(secretary_a)
    html = client.get(reverse("members:certificate_print", args=[objects.certificate.pk])).content.decode()
    assert "党员身份证明" in html and "张桂芳" in html
    assert f"{objects.certificate.valid_until:%Y}年" in html
    assert "navbar" not in html


def test_the_member_search_offers_only_members_in_scope(client, tree, member_a, member_b, secretary_a):
    client.force_login(secretary_a)
    mine = client.get(reverse("members:member_pick"), {"field": "member", "member_q": "张"})
    assert list(mine.context["members"]) == [member_a]
    theirs = client.get(reverse("members:member_pick"), {"field": "member", "member_q": "李明"})
    assert list(theirs.context["members"]) == []
    by_id = client.get(reverse("members:member_pick"), {"field": "member", "member_q": "002X"})
    assert list(by_id.context["members"]) == [member_a]


def test_registering_a_departure_from_the_page(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:departure_new"),
        {"member": member_a.pk, "reason": "DEATH", "day": TODAY.isoformat(), "note": "病故"},
    )
    assert response.status_code == 302
    assert Departure.objects.get().reason == "DEATH"
    member_a.refresh_from_db()
    assert member_a.left_on == TODAY


def test_registering_a_mobile_member_and_the_return_from_the_pages(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    client.post(
        reverse("members:mobile_new"),
        {
            "member": member_a.pk,
            "destination": "广东省东莞市",
            "contact": "13800000001",
            "since": TODAY.isoformat(),
        },
    )
    registration = MobileRegistration.objects.get()
    member_a.refresh_from_db()
    assert member_a.is_mobile
    client.post(reverse("members:mobile_return", args=[registration.pk]), {"until": TODAY.isoformat()})
    member_a.refresh_from_db()
    assert not member_a.is_mobile


def test_lost_contact_measures_and_resolution_from_the_page(client, tree, member_a, secretary_a):
    record = lost_contact_record(actor=secretary_a, member=member_a, since=TODAY - dt.timedelta(days=250))
    client.force_login(secretary_a)
    client.post(
        reverse("members:lost_contact_update", args=[record.pk]),
        {"measures": "电话、走访家属", "version": 1},
    )
    client.post(
        reverse("members:lost_contact_resolve", args=[record.pk]),
        {"day": TODAY.isoformat(), "resolution": "已恢复联系"},
    )
    record = LostContact.objects.get()
    assert (record.measures, record.resolved_on) == ("电话、走访家属", TODAY)


def test_the_overdue_queue_follows_the_calendar(client, tree, member_a, secretary_a):
    issued = dt.date(2026, 3, 2)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0)):
        transfer_issue(
            actor=secretary_a,
            kind="OUT",
            member=member_a,
            issued_on=issued,
            to_external="中共百色市右江区委组织部",
        )
    client.force_login(secretary_a)
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, 0)):  # the 30th day: still valid
        assert client.get(reverse("members:transfer_queue")).context["queue"].overdue == []
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, 0)):  # the 31st day: overdue
        overdue = client.get(reverse("members:transfer_queue")).context["queue"].overdue
        assert [(t.letter_no, t.days_overdue) for t in overdue] == [("富组转〔2026〕1号", 1)]


def test_recording_an_incoming_letter_and_accepting_it_from_the_pages(client, tree, secretary_b):
    client.force_login(secretary_b)
    response = client.post(
        reverse("members:transfer_incoming"),
        {
            "to_org": tree.branch_b.pk,
            "letter_no": "右组转〔2026〕33号",
            "from_external": "中共百色市右江区委组织部",
            "issued_on": TODAY.isoformat(),
            "validity_days": "30",
            "name": "黄文军",
            "id_number": "532627198001010011",  # gender and birth date come from the number
            "ethnicity": "壮族",
            "status": "FULL",
            "joined_on": "2003-07-01",
            "full_on": "2004-07-01",
            "education": "COLLEGE",
            "occupation": "PROFESSIONAL",
        },
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == transfer.get_absolute_url()
    assert (transfer.person_gender, transfer.person_birth_date) == ("M", dt.date(1980, 1, 1))
    client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"day": TODAY.isoformat()})
    member = Member.objects.get(id_hash_q("id_number", "532627198001010011"))
    assert (member.organization, member.periods.get().start_reason) == (tree.branch_b, "TRANSFER_IN")


# --- admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["transfer", "certificate", "mobileregistration", "departure", "lostcontact", "carevisit"]
)
def test_the_admin_changelists_open(client, objects, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:members_{model}_changelist")).status_code == 200


def test_the_admin_shows_a_letter_read_only_with_the_id_masked(client, objects, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:members_transfer_change", args=[objects.transfer.pk])).content.decode()
    assert "110105************" in html
    assert "11010519491231002X" not in html
    assert 'name="_save"' not in html


def test_the_admin_lists_only_what_the_user_may_see(rf, objects, secretary_a, secretary_b):
    from django.contrib import admin as django_admin

    from members.admin.transfers import TransferAdmin

    model_admin = TransferAdmin(Transfer, django_admin.site)
    for user, expected in ((secretary_a, 1), (secretary_b, 0)):
        request = rf.get("/")
        request.user = user
        assert model_admin.get_queryset(request).count() == expected
