"""Log-in security: lock-out after failures (django-axes), session time limits, new keys, deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from organizations.models import User
from tests.factories import PASSWORD

LOCKED = "登录失败次数过多，账号已锁定30分钟，请稍后再试或联系管理员解锁"
T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def axes_on(settings):
    """Lock-out is on in these tests (the suite's other tests log in without a request)."""
    settings.AXES_ENABLED = True


def log_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, ip: str = "10.0.0.1"):
    response = None
    for _ in range(times):
        response = log_in(client, username, "wrong-password", ip)
    return response


def is_logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- lock-out ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_four_wrong_passwords_only_say_the_password_is_wrong(client, axes_on, secretary_a):
    response = fail(client, "secretary_a", 4)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert log_in(client, "secretary_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_name_from_that_address(client, axes_on, secretary_a):
    response = fail(client, "secretary_a", 5)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and 'name="username"' in page and 'value="secretary_a"' in page

    response = log_in(client, "secretary_a", PASSWORD)  # the right password does not open a lock
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_lock_holds_the_user_name_and_address_together(client, axes_on, secretary_a, secretary_b):
    fail(client, "secretary_a", 5, ip="10.0.0.1")
    assert log_in(Client(), "secretary_a", PASSWORD, ip="10.0.0.2").status_code == 302  # another address
    assert log_in(Client(), "secretary_b", PASSWORD, ip="10.0.0.1").status_code == 302  # another user


@pytest.mark.django_db
def test_the_lock_ends_after_30_minutes(client, axes_on, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        fail(client, "secretary_a", 5)
        clock.shift(dt.timedelta(minutes=29))
        assert log_in(client, "secretary_a", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert log_in(client, "secretary_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_tries_while_locked_do_not_extend_the_lock(client, axes_on, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        fail(client, "secretary_a", 5)
        clock.shift(dt.timedelta(minutes=20))
        fail(client, "secretary_a", 3)
        clock.shift(dt.timedelta(minutes=10, seconds=1))
        assert log_in(client, "secretary_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_log_in_resets_the_count(client, axes_on, secretary_a):
    fail(client, "secretary_a", 4)
    assert log_in(client, "secretary_a", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, "secretary_a", 4).status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_holds_the_address_the_proxy_names(client, settings, axes_on, secretary_a):
    settings.LOGIN_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = "127.0.0.1"
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "secretary_a", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_REAL_IP="203.0.113.7",
        )
    assert AccessAttempt.objects.get(username="secretary_a").ip_address == "203.0.113.7"
    other = Client().post(
        reverse("login"),
        {"username": "secretary_a", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_REAL_IP="203.0.113.8",
    )
    assert other.status_code == 302  # the same proxy, another client: not locked


@pytest.mark.django_db
def test_the_admin_log_in_is_locked_too(client, axes_on, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.django_db
def test_log_ins_failures_and_the_lock_out_are_recorded(client, axes_on, secretary_a):
    log_in(client, "secretary_a", PASSWORD)
    client.post(reverse("logout"))
    fail(client, "secretary_a", 5)

    success = AccessLog.objects.get(username="secretary_a")
    assert success.ip_address == "10.0.0.1" and success.logout_time is not None
    failures = AccessFailureLog.objects.filter(username="secretary_a").order_by("attempt_time", "pk")
    assert [f.locked_out for f in failures] == [False, False, False, False, True]
    assert "wrong-password" not in AccessAttempt.objects.get(username="secretary_a").post_data


@pytest.mark.django_db
def test_an_administrator_unlocks_with_the_unlock_action(client, axes_on, admin_user, secretary_a):
    locked = Client()
    fail(locked, "secretary_a", 5)
    attempt = AccessAttempt.objects.get(username="secretary_a")

    client.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = client.get(changelist).content.decode()
    assert "已锁定" in page and "解除锁定" in page
    response = client.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(locked, "secretary_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_log_in_records_are_in_chinese_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert all(name in page for name in ("登录安全", "登录锁定", "登录日志", "登录失败日志"))
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 200


@pytest.mark.django_db
def test_scoped_staff_do_not_see_the_log_in_records(client, county_staff):
    county_staff.is_staff = True
    county_staff.save()
    client.force_login(county_staff)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 403


# --- sessions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_log_in_gives_the_session_a_new_key(client, secretary_a):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key

    assert log_in(client, "secretary_a", PASSWORD).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_30_minutes_idle_end_the_log_in(client, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client, "secretary_a", PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_requests_keep_the_session_alive_within_the_idle_limit(client, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client, "secretary_a", PASSWORD)
        for _ in range(6):  # three hours, a request every 25 minutes
            clock.shift(dt.timedelta(minutes=25))
            assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_12_hours_after_log_in_the_session_ends_however_active(client, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client, "secretary_a", PASSWORD)
        for _ in range(12 * 3 - 1):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=20))  # 12 hours
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        page = client.get(response.url).content.decode()
    assert "登录已超过12小时，请重新登录" in page
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_idle_page_says_why(client, secretary_a):
    """With a session store that outlives the cookie age (cache, Redis) the middleware still ends it."""
    with time_machine.travel(T0, tick=False) as clock:
        client.force_login(secretary_a)
        client.get(reverse("home"))
        session = client.session
        session.set_expiry(24 * 3600)  # the store keeps it: only the middleware's clock is left
        session.save()
        clock.shift(dt.timedelta(minutes=30))
        response = client.get(reverse("home"), follow=True)
    assert "已超过30分钟未操作，登录已失效，请重新登录" in response.content.decode()


@pytest.mark.django_db
def test_the_limits_come_from_the_settings(client, settings, secretary_a):
    settings.SESSION_MAX_HOURS = 1
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client, "secretary_a", PASSWORD)
        clock.shift(dt.timedelta(minutes=25))
        client.get(reverse("home"))
        clock.shift(dt.timedelta(minutes=25))
        client.get(reverse("home"))
        clock.shift(dt.timedelta(minutes=10))
        response = client.get(reverse("home"), follow=True)
    assert "登录已超过1小时，请重新登录" in response.content.decode()


@pytest.mark.django_db
def test_logging_in_again_restarts_the_clock(client, secretary_a):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client, "secretary_a", PASSWORD)
        for _ in range(11 * 3):  # 11 hours of work
            clock.shift(dt.timedelta(minutes=20))
            client.get(reverse("home"))
        log_in(client, "secretary_a", PASSWORD)  # the same user in the same session
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200  # past 12 hours since the first log-in


@pytest.mark.django_db
def test_a_deactivated_users_next_request_goes_to_the_log_in_page(client, secretary_a):
    log_in(client, "secretary_a", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=secretary_a.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions(client, secretary_a):
    log_in(client, "secretary_a", PASSWORD)
    user = User.objects.get(pk=secretary_a.pk)
    user.set_password("another-password-2026")
    user.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
