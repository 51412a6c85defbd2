"""Plausible input only (core.validators): text without control, bidi or piled-up marks; dates in range.

One check, applied to every project form (core.forms.style_widgets) and to
the text and date fields of every project model (so the admin, imports and
services refuse the same input).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import DateField, StyledForm
from core.validators import check_date, check_text
from members.forms.transfers import IncomingTransferForm
from members.models import Member
from members.services.imports import import_members
from organizations.models import Organization
from tests.factories import member_fields
from tests.members.test_imports_support import import_row, workbook

TODAY = dt.date(2026, 6, 15)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI_NAME = f"张{RLO}芳桂"
NAME_REFUSED = "“姓名”含有不允许的控制字符或方向控制符"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0)):
        yield


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return " ".join(exc.value.messages)


# --- the checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_every_bidi_embedding_override_and_isolate_is_refused(char):
    assert refusal(check_text, f"黄{char}文", "姓名") == NAME_REFUSED


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t"])
def test_control_characters_are_refused_in_a_one_line_field(char):
    assert (
        refusal(check_text, f"各甫村{char}党支部", "工作单位") == "“工作单位”含有不允许的控制字符或方向控制符"
    )


def test_a_multi_line_note_keeps_line_breaks_and_tabs_but_not_other_controls():
    check_text("第一行\r\n第二行\n\t缩进", "备注", multiline=True)
    assert "控制字符" in refusal(check_text, "第一行\x0b第二行", "备注", multiline=True)
    assert "方向控制符" in refusal(check_text, f"备注{RLO}", "备注", multiline=True)


def test_more_than_three_combining_marks_in_a_row_are_refused():
    check_text("Nguyễn", "姓名")  # a letter with its marks is fine
    check_text("a\u0301\u0302\u0303", "姓名")  # three in a row: still fine
    assert refusal(check_text, "a\u0301\u0302\u0303\u0304", "姓名") == "“姓名”含有过多连续的组合附加符号"


def test_ordinary_chinese_text_with_punctuation_passes():
    check_text("富宁县人民医院 医生（副主任）·壮族", "工作单位及职务")


def test_a_date_before_the_founding_of_the_party_is_refused():
    assert refusal(check_date, dt.date(1921, 6, 30), "入党日期") == "“入党日期”不能早于1921-07-01"
    check_date(dt.date(1921, 7, 1), "入党日期")


def test_a_date_more_than_a_year_ahead_is_refused():
    check_date(dt.date(2027, 6, 15), "公示截止日期")
    message = refusal(check_date, dt.date(2028, 6, 15), "公示截止日期")
    assert message == "“公示截止日期”不能晚于一年以后（2027-06-15）"


def test_a_birth_date_is_neither_in_the_future_nor_implausibly_early():
    check_date(dt.date(1880, 1, 1), "出生日期", birth=True)  # the founding generation
    assert (
        refusal(check_date, dt.date(1869, 12, 31), "出生日期", birth=True) == "“出生日期”不能早于1870-01-01"
    )
    assert refusal(check_date, dt.date(2026, 6, 16), "出生日期", birth=True) == "“出生日期”不能晚于今天"


# --- every form ------------------------------------------------------------------------------------


class NoteForm(StyledForm):
    title = forms.CharField(label="标题")
    body = forms.CharField(label="内容", widget=forms.Textarea)
    ends_on = DateField(label="截止日期", allow_future=True)


def test_every_styled_form_checks_its_text_and_dates():
    form = NoteForm({"title": f"通知{RLO}", "body": "第一行\r\n第二行", "ends_on": "2028-06-15"})
    assert not form.is_valid()
    assert form.errors["title"] == ["“标题”含有不允许的控制字符或方向控制符"]
    assert "body" not in form.errors
    assert form.errors["ends_on"] == ["“截止日期”不能晚于一年以后（2027-06-15）"]


@pytest.mark.django_db
def test_a_form_date_two_years_ahead_is_refused(tree, secretary_a):
    form = IncomingTransferForm(
        {"issued_on": "2028-06-15", "dues_paid_until": "1921-06-30"}, user=secretary_a
    )
    assert not form.is_valid()
    assert form.errors["issued_on"] == ["“开具日期”不能晚于一年以后（2027-06-15）"]
    assert form.errors["dues_paid_until"] == ["“党费缴至”不能早于1921-07-01"]


# --- pages, imports and models ---------------------------------------------------------------------


def member_post(org, **overrides) -> dict:
    data = {
        "organization": org.pk,
        "status": "FULL",
        "name": "张桂芳",
        "id_number": "11010519491231002X",
        "ethnicity": "壮族",
        "education": "HIGH_SCHOOL",
        "occupation": "FARMER",
        "joined_on": "1975-07-01",
        "full_on": "1976-07-01",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_bidi_characters_in_a_member_name_are_refused_on_the_page(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("members:create"), member_post(tree.branch_a, name=BIDI_NAME))
    assert response.status_code == 200
    assert NAME_REFUSED in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_a_join_date_before_1921_07_01_is_refused_on_the_page(client, tree, secretary_a):
    client.force_login(secretary_a)
    data = member_post(
        tree.branch_a,
        id_number="440524188001010014",
        name="李明",
        joined_on="1921-06-30",
        full_on="1922-07-01",
    )
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 200
    assert "“入党日期”不能早于1921-07-01" in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_bidi_characters_in_a_member_name_are_refused_by_the_import(tree, county_staff):
    report = import_members(actor=county_staff, source=workbook([import_row(1, 姓名=BIDI_NAME)]))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, "姓名", NAME_REFUSED)]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_model_fields_refuse_the_same_input_for_the_admin_and_the_services(tree):
    member = Member(
        organization=tree.branch_a, **member_fields(name=BIDI_NAME, joined_on=dt.date(1920, 1, 1))
    )
    with pytest.raises(ValidationError) as exc:
        member.full_clean(validate_unique=False, validate_constraints=False)
    assert exc.value.message_dict["name"] == [NAME_REFUSED]
    assert exc.value.message_dict["joined_on"] == ["“入党日期”不能早于1921-07-01"]
    org = Organization(name=f"新华{RLO}镇党委")
    with pytest.raises(ValidationError) as exc:
        org.clean_fields(exclude=[f.name for f in Organization._meta.fields if f.name != "name"])
    assert "含有不允许的控制字符或方向控制符" in " ".join(exc.value.message_dict["name"])


@pytest.mark.django_db
def test_bidi_characters_are_refused_in_the_admin_by_the_model_fields(client, admin_user, tree):
    from tests.members.test_member_admin import ADD, admin_data

    client.force_login(admin_user)
    response = client.post(ADD, admin_data(organization=tree.branch_a.pk, name=BIDI_NAME))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [NAME_REFUSED]
    response = client.post(ADD, admin_data(organization=tree.branch_a.pk, work_unit=f"富宁县{RLO}医院"))
    assert "含有不允许的控制字符或方向控制符" in response.context["adminform"].form.errors["work_unit"][0]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_a_line_break_is_refused_in_an_imported_name_but_kept_in_a_note_a_model_field_holds(
    tree, county_staff
):
    report = import_members(actor=county_staff, source=workbook([import_row(1, 姓名="张\n桂芳")]))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, "姓名", NAME_REFUSED)]
    # A note typed in a Textarea may be a CharField: the model's check lets its line breaks pass.
    member = Member(organization=tree.branch_a, **member_fields(leave_note="病故\r\n家属已告知"))
    member.clean_fields(exclude=["organization", "party_group"])
