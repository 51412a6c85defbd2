"""The lists of members in motion on the list idiom: FilterSets, default scope of a register, sort, export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from members.services.transfers import (
    certificate_issue,
    lost_contact_record,
    lost_contact_resolve,
    member_depart,
    mobile_end,
    mobile_register,
    transfer_issue,
)

pytestmark = pytest.mark.django_db
JUNE = lambda day: dt.date(2026, 6, day)  # noqa: E731


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


@pytest.fixture
def letters(tree, member_a, member_b, member_c, admin_user):
    """A letter out of the county from branch A (overdue), one inside the county from B, one from C."""
    return [
        transfer_issue(
            actor=admin_user,
            kind="OUT",
            member=member_a,
            issued_on=dt.date(2026, 4, 1),
            to_external="中共百色市委组织部",
        ),
        transfer_issue(
            actor=admin_user, kind="INTERNAL", member=member_b, issued_on=JUNE(1), to_org=tree.branch_a
        ),
        transfer_issue(actor=admin_user, kind="OUT", member=member_c, issued_on=JUNE(2), to_external="县外"),
    ]


def rows(response) -> list:
    return list(response.context["page_obj"])


def exported(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


# --- 介绍信 ----------------------------------------------------------------------------


def test_the_letter_list_filters_by_kind_and_overdue_status(client, letters, committee_staff):
    client.force_login(committee_staff)
    assert {t.pk for t in rows(client.get(reverse("members:transfer_list")))} == {
        letters[0].pk,
        letters[1].pk,
    }
    out = rows(client.get(reverse("members:transfer_list"), {"kind": "OUT"}))
    assert [t.pk for t in out] == [letters[0].pk]
    overdue = rows(client.get(reverse("members:transfer_list"), {"status": "OVERDUE"}))
    assert [t.pk for t in overdue] == [letters[0].pk]


def test_the_letter_list_filters_by_either_end(client, tree, letters, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("members:transfer_list"), {"org": tree.branch_a.code})
    # branch A sent the first letter and receives the second
    assert {t.pk for t in rows(response)} == {letters[0].pk, letters[1].pk}


def test_an_invalid_year_is_a_form_error_and_shows_no_letters(client, letters, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("members:transfer_list"), {"year": "1800"})
    assert "year" in response.context["filters"].form.errors
    assert rows(response) == []
    assert "筛选条件有误" in response.content.decode()


def test_the_letter_list_sorts_by_name_both_ways(client, letters, county_staff):
    client.force_login(county_staff)
    names = [t.person_name for t in rows(client.get(reverse("members:transfer_list"), {"sort": "name"}))]
    assert len(set(names)) == 3
    backwards = [t.person_name for t in rows(client.get(reverse("members:transfer_list"), {"sort": "-name"}))]
    assert backwards == names[::-1]


def test_the_letter_export_holds_exactly_the_filtered_rows_with_full_ids_for_staff(
    client, letters, county_staff
):
    client.force_login(county_staff)
    response = client.get(reverse("members:transfer_list"), {"kind": "OUT", "sort": "no", "format": "xlsx"})
    sheet = exported(response)
    assert sheet[0][:4] == ("介绍信编号", "类型", "姓名", "公民身份号码")
    assert [(r[0], r[1], r[3]) for r in sheet[1:]] == [
        ("富组转〔2026〕1号", "转出县外", letters[0].person_id_number),
        ("富组转〔2026〕3号", "转出县外", letters[2].person_id_number),
    ]
    assert sheet[1][8] == "逾期待回执"


def test_the_auditors_letter_export_masks_the_ids(client, letters, auditor):
    client.force_login(auditor)
    sheet = exported(client.get(reverse("members:transfer_list"), {"format": "xlsx"}))
    assert len(sheet) == 4
    assert {r[3] for r in sheet[1:]} == {t.masked_id_number for t in letters}
    assert not any(t.person_id_number in r for r in sheet for t in letters)


def test_the_letter_export_is_scoped(client, letters, secretary_b):
    client.force_login(secretary_b)
    sheet = exported(client.get(reverse("members:transfer_list"), {"format": "xlsx"}))
    assert [r[0] for r in sheet[1:]] == ["富组转〔2026〕2号"]


# --- 证明信 ----------------------------------------------------------------------------


@pytest.fixture
def certificates(member_a, member_b, admin_user):
    return [
        certificate_issue(
            actor=admin_user,
            member=member,
            issued_on=day,
            destination="昆明",
            reason="就医",
            valid_until=day + dt.timedelta(days=30),
        )
        for member, day in ((member_a, JUNE(1)), (member_b, JUNE(10)))
    ]


def test_the_certificate_list_filters_by_period_and_name(client, certificates, committee_staff, member_b):
    client.force_login(committee_staff)
    later = rows(client.get(reverse("members:certificate_list"), {"start": "2026-06-05"}))
    assert [c.pk for c in later] == [certificates[1].pk]
    named = rows(client.get(reverse("members:certificate_list"), {"q": member_b.name}))
    assert [c.pk for c in named] == [certificates[1].pk]


def test_a_certificate_period_ending_before_it_starts_shows_no_rows(client, certificates, committee_staff):
    client.force_login(committee_staff)
    response = client.get(reverse("members:certificate_list"), {"start": "2026-06-10", "end": "2026-06-01"})
    assert response.context["filters"].form.errors["end"] == ["截止日期不能早于起始日期"]
    assert rows(response) == []


def test_the_certificate_export_follows_the_sort(client, certificates, committee_staff):
    client.force_login(committee_staff)
    sheet = exported(client.get(reverse("members:certificate_list"), {"sort": "issued", "format": "xlsx"}))
    assert [r[0] for r in sheet[1:]] == ["富组证〔2026〕1号", "富组证〔2026〕2号"]


# --- 流动党员 ----------------------------------------------------------------------------


@pytest.fixture
def registrations(member_a, member_b, admin_user):
    away = mobile_register(
        actor=admin_user, member=member_a, destination="东莞", contact="138", since=JUNE(1)
    )
    back = mobile_register(
        actor=admin_user, member=member_b, destination="深圳", contact="139", since=JUNE(1)
    )
    mobile_end(actor=admin_user, registration=back, until=JUNE(10))
    return away, back


def test_the_mobile_register_shows_those_away_unless_asked(client, registrations, committee_staff):
    away, back = registrations
    client.force_login(committee_staff)
    assert [r.pk for r in rows(client.get(reverse("members:mobile_list")))] == [away.pk]
    assert [r.pk for r in rows(client.get(reverse("members:mobile_list"), {"show": "returned"}))] == [back.pk]
    assert len(rows(client.get(reverse("members:mobile_list"), {"show": "all"}))) == 2


def test_an_unknown_mobile_scope_is_a_form_error(client, registrations, committee_staff):
    client.force_login(committee_staff)
    response = client.get(reverse("members:mobile_list"), {"show": "everyone"})
    assert "show" in response.context["filters"].form.errors
    assert rows(response) == []


# --- 出党、死亡、停止党籍 -------------------------------------------------------------------


def test_the_leaving_list_filters_by_reason_and_refuses_an_unknown_one(
    client, member_a, member_b, admin_user, committee_staff
):
    member_depart(actor=admin_user, member=member_a, reason="DEATH", day=JUNE(1))
    member_depart(
        actor=admin_user, member=member_b, reason="SUSPENDED", day=JUNE(2), document_no="新党发〔2026〕1号"
    )
    client.force_login(committee_staff)
    deaths = rows(client.get(reverse("members:departure_list"), {"reason": "DEATH"}))
    assert [d.member for d in deaths] == [member_a]
    response = client.get(reverse("members:departure_list"), {"reason": "LOST"})
    assert "reason" in response.context["filters"].form.errors
    assert rows(response) == []


# --- 失联党员 ----------------------------------------------------------------------------


def test_the_lost_contact_list_shows_the_open_records_unless_asked(
    client, member_a, member_b, admin_user, committee_staff
):
    still = lost_contact_record(actor=admin_user, member=member_a, since=JUNE(1))
    found = lost_contact_record(actor=admin_user, member=member_b, since=JUNE(1))
    lost_contact_resolve(actor=admin_user, record=found, day=JUNE(10), resolution="已恢复联系")
    client.force_login(committee_staff)
    assert [r.pk for r in rows(client.get(reverse("members:lost_contact_list")))] == [still.pk]
    resolved = rows(client.get(reverse("members:lost_contact_list"), {"show": "resolved"}))
    assert [r.pk for r in resolved] == [found.pk]
    sheet = exported(client.get(reverse("members:lost_contact_list"), {"show": "all", "format": "xlsx"}))
    assert sorted(r[0] for r in sheet[1:]) == sorted([member_a.name, member_b.name])


def test_a_bad_lost_contact_date_is_a_form_error(client, member_a, admin_user, committee_staff):
    lost_contact_record(actor=admin_user, member=member_a, since=JUNE(1))
    client.force_login(committee_staff)
    response = client.get(reverse("members:lost_contact_list"), {"start": "2026-02-30"})
    assert "start" in response.context["filters"].form.errors
    assert rows(response) == []
