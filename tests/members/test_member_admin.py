"""Django admin of members: scoped, masked, and writing through the member services."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.idcard import check_char
from members.models import Member, MemberPeriod
from members.services.member import member_move, member_register
from tests.conftest import member_fields

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:members_member_changelist")
ADD = reverse("admin:members_member_add")


def change_url(member: Member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


def make_staff(user, *codenames: str):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
    )
    return user


def admin_data(member: Member | None = None, **overrides) -> dict:
    """The admin form's POST: the fields, plus the management form of the read-only history inline."""
    periods = member.periods.count() if member else 0
    data = {
        "organization": "",
        "status": "FULL",
        "name": "王强",
        "id_number": "513101198201130014",
        "gender": "",
        "birth_date": "",
        "ethnicity": "瑶族",
        "education": "BACHELOR",
        "occupation": "CIVIL_SERVANT",
        "joined_on": "2005-07-01",
        "full_on": "2006-07-01",
        "phone": "",
        "work_unit": "",
        "periods-TOTAL_FORMS": str(periods),
        "periods-INITIAL_FORMS": str(periods),
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "0",
    }
    if member is not None:
        data.update(
            name=member.name,
            id_number=member.id_number,
            gender=member.gender,
            birth_date=member.birth_date.isoformat(),
            ethnicity=member.ethnicity,
            education=member.education,
            occupation=member.occupation,
            joined_on=member.joined_on.isoformat(),
            full_on=member.full_on.isoformat() if member.full_on else "",
            is_rural="on" if member.is_rural else "",
            version=Member.objects.get(pk=member.pk).version,  # as a page loaded now carries it
        )
        del data["organization"], data["status"]
    data.update(overrides)
    return {k: v for k, v in data.items() if v != "" or k in ("gender", "birth_date", "phone", "work_unit")}


def test_changelist_shows_only_the_members_in_the_staff_users_scope(
    client, committee_staff, member_a, member_b, member_c
):
    client.force_login(make_staff(committee_staff, "view_member"))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert sorted(m.name for m in response.context["cl"].result_list) == ["张桂芳", "李明"]


def test_changelist_masks_id_numbers(client, admin_user, member_a, member_b):
    client.force_login(admin_user)
    html = client.get(CHANGELIST).content.decode()
    assert "110105************" in html and "440524************" in html
    assert "11010519491231002X" not in html and "440524188001010014" not in html


def test_changelist_searches_by_name_and_id_number(client, admin_user, member_a, member_b):
    client.force_login(admin_user)
    by_name = client.get(CHANGELIST, {"q": "李明"}).context["cl"].result_list
    by_id = client.get(CHANGELIST, {"q": "002X"}).context["cl"].result_list
    assert [m.name for m in by_name] == ["李明"]
    assert [m.name for m in by_id] == ["张桂芳"]


def test_changelist_query_count_does_not_grow_with_the_rows(
    client, django_assert_num_queries, admin_user, tree
):
    def add_members(seqs: range) -> None:
        for seq in seqs:
            body = f"45260019700101{seq:02d}1"
            member_register(
                actor=admin_user,
                organization=tree.branch_a,
                **member_fields(
                    name=f"甲{seq:02d}",
                    gender="M",
                    birth_date=dt.date(1970, 1, 1),
                    id_number=body + check_char(body),
                    joined_on=dt.date(1995, 7, 1),
                    full_on=dt.date(1996, 7, 1),
                ),
            )

    client.force_login(admin_user)
    add_members(range(2))
    # 1 session, 2 user, 3 COUNT of the filtered rows, 4 COUNT of all rows,
    # 5 the page of members joined to their organizations
    # (list_select_related), 6 the date hierarchy's first and last join
    # dates, 7 its distinct join dates.  Nothing per row.
    with django_assert_num_queries(7):
        assert len(client.get(CHANGELIST).context["cl"].result_list) == 2
    add_members(range(2, 20))
    with django_assert_num_queries(7):
        assert len(client.get(CHANGELIST).context["cl"].result_list) == 20


def test_adding_a_member_in_admin_registers_it_with_history_and_an_audit_entry(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.post(ADD, admin_data(organization=tree.branch_a.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(name="王强")
    assert (member.gender, member.birth_date) == ("M", dt.date(1982, 1, 13))
    assert [p.status for p in member.periods.order_by("start_on")] == ["PROBATIONARY", "FULL"]
    [entry] = LogEntry.objects.get_for_object(member)
    assert entry.actor == admin_user
    assert "513101198201130014" not in str(entry.changes)


def test_admin_form_refuses_a_gender_the_id_number_contradicts(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.post(ADD, admin_data(organization=tree.branch_a.pk, gender="F"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["gender"] == ["性别与公民身份号码不一致"]
    assert not Member.objects.exists()


def test_changing_a_member_in_admin_goes_through_the_update_service(client, admin_user, member_a):
    client.force_login(admin_user)
    response = client.post(change_url(member_a), admin_data(member_a, phone="13700000000"))
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.phone == "13700000000"
    entry = LogEntry.objects.get_for_object(member_a).order_by("-timestamp").first()
    assert entry.actor == admin_user and set(entry.changes_dict) == {"phone", "version"}


def test_admin_cannot_change_organization_or_status_directly(client, admin_user, member_a, tree):
    client.force_login(admin_user)
    client.post(
        change_url(member_a), admin_data(member_a, organization=tree.branch_c.pk, status="PROBATIONARY")
    )
    member_a.refresh_from_db()
    assert (member_a.organization, member_a.status) == (tree.branch_a, "FULL")


def test_a_change_the_service_refuses_comes_back_as_a_message_and_writes_nothing(
    client, admin_user, member_a, tree
):
    member_move(actor=admin_user, member=member_a, to_org=tree.branch_b, day=dt.date(2020, 3, 1))
    client.force_login(admin_user)
    entries = LogEntry.objects.count()
    response = client.post(
        change_url(member_a), admin_data(member_a, joined_on="1975-06-01", phone="13812345678"), follow=True
    )
    assert "已有组织关系变动记录" in response.content.decode()
    member_a.refresh_from_db()
    assert (member_a.joined_on, member_a.phone) == (dt.date(1975, 7, 1), "")
    assert LogEntry.objects.count() == entries


def test_organization_choices_in_admin_are_limited_to_the_staff_users_scope(client, committee_staff, tree):
    client.force_login(make_staff(committee_staff, "view_member", "add_member"))
    form = client.get(ADD).context["adminform"].form
    assert [org.code for org in form.fields["organization"].queryset] == ["C01T01", "C01T01B01", "C01T01B02"]


def test_a_member_outside_the_staff_users_scope_is_not_found_in_admin(client, committee_staff, member_c):
    client.force_login(make_staff(committee_staff, "view_member", "change_member"))
    response = client.get(change_url(member_c))
    assert response.status_code == 302  # the admin's "does not exist" redirect, no record shown
    assert response.url == reverse("admin:index")


def test_an_auditor_on_staff_may_look_but_not_add_or_change_and_sees_the_id_masked(client, auditor, member_a):
    client.force_login(make_staff(auditor, "view_member", "add_member", "change_member"))
    assert client.get(ADD).status_code == 403
    response = client.get(change_url(member_a))
    html = response.content.decode()
    assert "110105************" in html and "11010519491231002X" not in html
    client.post(change_url(member_a), admin_data(member_a, phone="13812345678"))
    member_a.refresh_from_db()
    assert member_a.phone == ""


def test_members_cannot_be_deleted_in_admin(client, admin_user, member_a):
    client.force_login(admin_user)
    response = client.post(reverse("admin:members_member_delete", args=[member_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Member.objects.filter(pk=member_a.pk).exists()


def test_history_inline_is_read_only(client, admin_user, member_a):
    client.force_login(admin_user)
    periods_before = list(MemberPeriod.objects.values_list("start_on", "end_on"))
    data = admin_data(member_a)
    data["periods-0-start_on"] = "1990-01-01"
    client.post(change_url(member_a), data)
    assert list(MemberPeriod.objects.values_list("start_on", "end_on")) == periods_before
