"""Every message in Chinese: form messages that name the field, password rules, admin sections, error pages."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import path, reverse

from core.errors import server_error
from core.forms import DateField, StyledForm, style_widgets
from members.models import Member
from organizations.models import Organization, User

from .conftest import PASSWORD


class ContactForm(StyledForm):
    phone = forms.CharField(label="联系电话", max_length=20)
    kind = forms.ChoiceField(label="类别", choices=[("A", "甲"), ("B", "乙")])
    count = forms.IntegerField(label="人数", min_value=1, max_value=99)
    day = DateField(label="日期", required=False)


class MemberPhoneForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["phone", "gender"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


def errors_of(form: forms.BaseForm) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_max_length_names_the_field_and_the_limit():
    errors = errors_of(ContactForm({"phone": "1" * 25, "kind": "A", "count": 1}))
    assert errors["phone"] == ["“联系电话”最多20个字符（现有25个）"]


def test_invalid_choice_names_the_field_and_says_to_choose_from_the_list():
    errors = errors_of(ContactForm({"phone": "1", "kind": "Z", "count": 1}))
    assert errors["kind"] == ["“类别”的值“Z”不在可选范围内，请从列表中选择"]


def test_missing_and_out_of_range_values_name_the_field():
    errors = errors_of(ContactForm({"count": 100}))
    assert errors == {
        "phone": ["请填写“联系电话”"],
        "kind": ["请选择“类别”"],
        "count": ["“人数”不能大于99"],
    }


def test_a_model_form_gets_the_same_messages_with_the_models_labels():
    errors = errors_of(MemberPhoneForm({"phone": "1" * 21, "gender": "X"}))
    assert errors == {
        "phone": ["“手机号码”最多20个字符（现有21个）"],
        "gender": ["“性别”的值“X”不在可选范围内，请从列表中选择"],
    }


@pytest.mark.django_db
def test_a_record_choice_says_to_choose_again_without_showing_an_id():
    class Pick(StyledForm):
        org = forms.ModelChoiceField(label="所在党组织", queryset=Organization.objects.none())

    assert errors_of(Pick({"org": "12345"})) == {
        "org": ["“所在党组织”所选的项不在可选范围内，请从列表中重新选择"]
    }


def test_a_message_the_form_chose_itself_is_kept():
    errors = errors_of(ContactForm({"phone": "1", "kind": "A", "count": 1, "day": "明天"}))
    assert errors["day"] == ["请输入有效日期，如 2026-07-01"]


@pytest.mark.django_db
def test_model_validation_reads_plainly_too(member_a):
    """What the admin and services' full_clean() show: Django's messages, reworded (locale/zh_Hans)."""
    member_a.phone = "1" * 25  # too long, and no telephone number either
    member_a.gender = "X"
    member_a.name = ""
    with pytest.raises(ValidationError) as refused:
        member_a.full_clean()
    assert refused.value.message_dict == {
        "phone": [
            "电话号码格式不正确：应为11位手机号码（如13812345678）或带区号的固定电话（如0876-6123456）",
            "最多20个字符（现有25个）",
        ],
        "gender": ["“X”不在可选范围内"],
        "name": ["此项不能为空"],
    }


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xq7#", "密码太短，至少需要8个字符"),
        ("password", "密码过于常见，容易被猜到，请换一个"),
        ("58203917465", "密码不能全是数字"),
        ("zhangguifang", "密码与“用户名”太相似，请换一个"),
    ],
)
def test_password_rules_speak_chinese(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="zhangguifang", full_name="张桂芳"))
    assert message in refused.value.messages


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_chinese(client, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xq7#", "new_password2": "Xq7#"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    html = response.content.decode()
    assert "密码太短，至少需要8个字符" in html
    assert "This password" not in html and "Your password" not in html


@pytest.mark.django_db
def test_admin_sections_and_header_are_chinese(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "党组织建设管理系统" in html and "partyorg" not in html
    assert "审计日志" in html and "日志记录" in html
    assert "Auditlog" not in html and "Audit log" not in html and "Log entries" not in html


@pytest.mark.django_db
def test_the_audit_log_in_the_admin_speaks_chinese(client, admin_user, member_a):
    client.force_login(admin_user)
    html = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "记录类型" in html and "变更内容" in html and "新建" in html
    for english in ("Resource", ">Changes<", ">create<"):  # auditlog's "Correlation ID" column is a literal
        assert english not in html


@pytest.mark.django_db
def test_every_admin_section_and_model_is_named_in_chinese(rf, admin_user):
    """A third-party app joins INSTALLED_APPS through a Chinese AppConfig (core.auditlog_app, core.tasks_app)."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = admin_user
    names = [
        name
        for app in admin.site.get_app_list(request)
        for name in (app["name"], *(model["name"] for model in app["models"]))
    ]
    assert names and [name for name in names if not re.search(r"[\u4e00-\u9fff]", str(name))] == []


# --- error pages ---------------------------------------------------------------------------


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
def test_an_unknown_address_under_debug_shows_the_projects_404_page(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到" in html and "党组织建设管理系统" in html
    assert "URLconf" not in html and "Page not found" not in html


@pytest.mark.django_db
def test_a_record_out_of_reach_under_debug_shows_the_projects_404_page(client, settings, secretary_a):
    settings.DEBUG = True
    client.force_login(secretary_a)
    response = client.get(reverse("organizations:detail", args=["NO-SUCH-ORG"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到" in html and "Raised by" not in html and "Page not found" not in html


@pytest.mark.django_db
def test_the_technical_404_page_only_when_asked_for(client, settings):
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


@pytest.mark.django_db
def test_a_crash_under_debug_shows_the_projects_500_page_and_logs_the_traceback(settings, caplog):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统错误" in html and "a bug" not in html and "Traceback" not in html
    (logged,) = [r for r in caplog.records if r.name == "django.request"]  # once, not twice
    assert logged.exc_info and logged.exc_info[0] is RuntimeError


def test_the_500_page_renders_without_the_database_or_a_user():
    # No django_db mark: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_shows_a_chinese_page(settings):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_static_files_are_still_served_under_debug(client, settings):
    settings.DEBUG = True
    assert client.get("/static/css/partyorg.css").status_code == 200
