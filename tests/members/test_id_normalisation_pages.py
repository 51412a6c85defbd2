"""ID numbers as people type them (issue 8 item 6), through the pages: normalised, converted, refused in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.fieldcrypto import id_hash_q
from members.models import Applicant, Member, Transfer
from tests.factories import TODAY, person

pytestmark = pytest.mark.django_db

#: 王强, born 1982-01-13, male: 513101198201130014; its first-generation form drops "19" and the check digit.
WANG_QIANG = "513101198201130014"
WANG_QIANG_15 = "513101820113001"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
NOTICE = "15位旧公民身份号码已按国家标准转换为18位"

NEW_MEMBER = {
    "status": "FULL",
    "name": "王强",
    "gender": "",
    "birth_date": "",
    "ethnicity": "瑶族",
    "education": "BACHELOR",
    "occupation": "CIVIL_SERVANT",
    "joined_on": "2005-07-01",
    "full_on": "2006-07-01",
    "phone": "13800000000",
}


def register(client, tree, id_number: str):
    return client.post(
        reverse("members:create"), {**NEW_MEMBER, "organization": tree.branch_a.pk, "id_number": id_number}
    )


def test_a_fifteen_digit_number_typed_on_the_member_page_is_stored_as_eighteen_with_a_notice(
    client, secretary_a, tree
):
    client.force_login(secretary_a)
    response = register(client, tree, WANG_QIANG_15)
    assert response.status_code == 302
    member = Member.objects.get(name="王强")
    assert member.id_number == WANG_QIANG
    assert (member.birth_date, member.gender) == (dt.date(1982, 1, 13), "M")
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(NOTICE in n for n in notices)


def test_a_number_typed_full_width_with_spaces_is_stored_as_ascii(client, secretary_a, tree):
    client.force_login(secretary_a)
    typed = "５１３１０１ １９８２０１１３ ００１４"
    assert register(client, tree, typed).status_code == 302
    assert Member.objects.get(name="王强").id_number == WANG_QIANG
    notices = [str(m) for m in get_messages(client.get(reverse("members:list")).wsgi_request)]
    assert not any(NOTICE in n for n in notices)  # nothing was converted


def test_the_same_number_typed_another_way_is_refused_as_already_registered(client, secretary_a, tree):
    client.force_login(secretary_a)
    register(client, tree, WANG_QIANG)
    for typed in (WANG_QIANG.translate(FULL_WIDTH), "513101-19820113-0014", WANG_QIANG_15):
        response = register(client, tree, typed)
        assert response.status_code == 200, typed
        assert response.context["form"].errors["id_number"] == ["该公民身份号码已登记"], typed
    assert Member.objects.filter(id_hash_q("id_number", WANG_QIANG)).count() == 1


@pytest.mark.parametrize("typed", ["51310119820113001٤", "5131011982011300一4", "51310119820113001⁴"])
def test_a_non_ascii_digit_on_the_member_page_is_a_chinese_error_on_the_field_never_a_500(
    client, secretary_a, tree, typed
):
    client.force_login(secretary_a)
    response = register(client, tree, typed)
    assert response.status_code == 200
    [message] = response.context["form"].errors["id_number"]
    assert message.startswith("公民身份号码含有非0–9的数字字符")
    assert not Member.objects.exists()


def test_a_number_of_no_province_is_refused_on_the_member_page(client, secretary_a, tree):
    client.force_login(secretary_a)
    response = register(client, tree, "990101198201130012")
    assert "行政区划代码" in response.context["form"].errors["id_number"][0]


def test_an_incoming_letter_takes_a_fifteen_digit_number_and_says_so(frozen, client, tree, secretary_b):
    client.force_login(secretary_b)
    response = client.post(
        reverse("members:transfer_incoming"),
        {
            "to_org": tree.branch_b.pk,
            "letter_no": "右组转〔2026〕34号",
            "from_external": "中共百色市右江区委组织部",
            "issued_on": TODAY.isoformat(),
            "validity_days": "30",
            "name": "王强",
            "id_number": WANG_QIANG_15,
            "ethnicity": "瑶族",
            "status": "FULL",
            "joined_on": "2003-07-01",
            "full_on": "2004-07-01",
            "education": "COLLEGE",
            "occupation": "PROFESSIONAL",
        },
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == transfer.get_absolute_url()
    assert transfer.person_id_number == WANG_QIANG
    assert (transfer.person_gender, transfer.person_birth_date) == ("M", dt.date(1982, 1, 13))
    assert any(NOTICE in str(m) for m in get_messages(response.wsgi_request))


def test_an_applicant_typed_full_width_is_stored_as_ascii_and_found_by_either_form(frozen, ctx, client):
    client.force_login(ctx["secretary_a"])
    fields = person()
    number = fields["id_number"]
    data = {k: ("on" if v is True else v) for k, v in fields.items() if v is not False}
    data.update(
        organization=ctx["tree"].branch_a.pk,
        birth_date="1998-05-04",
        applied_on="2023-03-01",
        id_number=number.translate(FULL_WIDTH),
    )
    assert client.post(reverse("members:applicant_create"), data).status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.id_number == number
    response = client.get(reverse("members:applicant_list"), {"q": number.translate(FULL_WIDTH)})
    assert [a.pk for a in response.context["page_obj"].object_list] == [applicant.pk]


def test_an_import_converts_fifteen_digit_numbers_counts_them_and_detects_the_duplicate(county_staff, tree):
    from members.services.imports import import_members
    from members.services.imports.parse import scan

    from .test_imports_support import import_row, workbook

    rows = [import_row(1), import_row(2), import_row(3)]
    number = rows[1]["公民身份号码"]
    rows[1]["公民身份号码"] = number[:6] + number[8:17]  # the first-generation form
    rows[2]["公民身份号码"] = rows[2]["公民身份号码"].translate(FULL_WIDTH)
    result = scan(workbook(rows), county_staff)
    assert (result.errors, result.converted_ids, result.new) == ([], 1, 3)
    assert import_members(actor=county_staff, source=workbook(rows)).ok
    assert Member.objects.filter(id_hash_q("id_number", number)).exists()

    # The same people again, typed the other way round: found as registered, not new.
    again = [import_row(1), import_row(2), import_row(3)]
    again[0]["公民身份号码"] = again[0]["公民身份号码"].translate(FULL_WIDTH)
    assert scan(workbook(again), county_staff).unchanged == 3

    twice = [import_row(4), import_row(4)]
    twice[1]["公民身份号码"] = twice[1]["公民身份号码"].translate(FULL_WIDTH)
    [first, second] = scan(workbook(twice), county_staff).errors
    assert "公民身份号码在文件中重复（第2行与第3行）" in (first.message, second.message)
