"""Working days by the national holiday calendar (the Holiday table seeded from chinesecalendar)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.dates import add_working_days, working_days
from core.holidays import HolidaysMissing, WorkCalendar
from core.models import Holiday, HolidayKind

pytestmark = pytest.mark.django_db

# 2025 国庆节 and 中秋节: 1–8 October off; Sunday 28 September and Saturday 11 October worked (调休).
SEPT_28_SUNDAY_WORKED = dt.date(2025, 9, 28)
OCT_11_SATURDAY_WORKED = dt.date(2025, 10, 11)


def test_the_migration_seeds_every_year_from_2004():
    years = {d.year for d in Holiday.objects.dates("day", "year")}
    # chinesecalendar 1.11.0 (pinned) publishes 2004 to 2026; bump the pin when a new year is announced.
    assert set(range(2004, 2027)) <= years
    national_day = Holiday.objects.get(day=dt.date(2025, 10, 1))
    assert (national_day.kind, national_day.name) == (HolidayKind.DAY_OFF, "国庆节")
    worked = Holiday.objects.get(day=SEPT_28_SUNDAY_WORKED)
    assert (worked.kind, worked.name) == (HolidayKind.WORKDAY, "国庆节")


def test_working_days_across_national_day_leave_out_the_holiday_week():
    # Mon 29 and Tue 30 September, then 1–8 October off, then Thu 9 and Fri 10 October.
    assert working_days(dt.date(2025, 9, 29), dt.date(2025, 10, 10)) == 4
    assert working_days(dt.date(2025, 10, 1), dt.date(2025, 10, 8)) == 0


def test_a_weekend_day_made_a_working_day_counts():
    assert working_days(OCT_11_SATURDAY_WORKED, OCT_11_SATURDAY_WORKED) == 1
    assert working_days(dt.date(2025, 10, 12), dt.date(2025, 10, 12)) == 0  # the Sunday after is a weekend
    # Both 调休 days around the holiday: 4 weekdays + Sunday 28 September + Saturday 11 October.
    assert working_days(SEPT_28_SUNDAY_WORKED, OCT_11_SATURDAY_WORKED) == 6


def test_an_ordinary_week_is_monday_to_friday():
    assert working_days(dt.date(2025, 11, 3), dt.date(2025, 11, 9)) == 5
    assert working_days(dt.date(2025, 11, 9), dt.date(2025, 11, 3)) == 0  # end before start


def test_working_days_across_new_year_read_both_years():
    # Wed 31 Dec 2025, Thu 1 Jan 2026 off (元旦 1–3 January), Sun 4 January 2026 worked.
    assert working_days(dt.date(2025, 12, 31), dt.date(2026, 1, 5)) == 3


def test_a_publicity_posted_before_national_day_ends_on_the_worked_saturday():
    # 29, 30 September, 9, 10 and 11 October (the 调休 Saturday) are the five working days.
    assert add_working_days(dt.date(2025, 9, 28), 5) == OCT_11_SATURDAY_WORKED
    assert add_working_days(dt.date(2025, 10, 9), -1) == dt.date(2025, 9, 30)
    assert add_working_days(dt.date(2025, 10, 4), 0) == dt.date(2025, 10, 4)


def test_a_year_not_in_the_table_is_refused_with_a_chinese_message():
    with pytest.raises(HolidaysMissing) as exc:
        working_days(dt.date(2031, 3, 2), dt.date(2031, 3, 9))
    assert exc.value.messages == ["2031年的节假日安排尚未录入，请管理员在“节假日”中补充后再试"]
    assert exc.value.year == 2031


def test_a_range_reaching_into_a_missing_year_names_that_year():
    with pytest.raises(HolidaysMissing) as exc:
        working_days(dt.date(2026, 12, 28), dt.date(2031, 1, 5))
    assert exc.value.year == 2027
    with pytest.raises(HolidaysMissing) as exc:
        add_working_days(dt.date(2003, 12, 31), -1)
    assert exc.value.year == 2003


def test_an_administrator_covers_a_year_by_entering_its_days():
    Holiday.objects.create(day=dt.date(2031, 1, 1), kind=HolidayKind.DAY_OFF, name="元旦")
    # Mon 30 Dec 2030 is in a missing year; from 2031 on the table answers.
    assert working_days(dt.date(2031, 1, 1), dt.date(2031, 1, 3)) == 2  # Wed 1 January off, Thu, Fri


def test_a_lenient_calendar_counts_a_missing_year_monday_to_friday():
    calendar = WorkCalendar(lenient=True)
    assert calendar.working_days(dt.date(2031, 3, 2), dt.date(2031, 3, 9)) == 5


def test_one_query_reads_a_range_and_a_calendar_answers_again_without_one(django_assert_num_queries):
    calendar = WorkCalendar()
    with django_assert_num_queries(1):  # the holiday rows of 2025 and 2026
        assert calendar.working_days(dt.date(2025, 9, 1), dt.date(2026, 6, 30)) > 0
    with django_assert_num_queries(0):
        calendar.working_days(dt.date(2025, 9, 29), dt.date(2025, 10, 10))
        calendar.add_working_days(dt.date(2025, 9, 28), 5)
        calendar.is_working_day(OCT_11_SATURDAY_WORKED)


# --- sync_holidays ----------------------------------------------------------------------------


def test_sync_holidays_restores_a_year_from_the_package():
    Holiday.objects.filter(day=dt.date(2025, 10, 1)).delete()
    Holiday.objects.filter(day=OCT_11_SATURDAY_WORKED).update(kind=HolidayKind.DAY_OFF)
    Holiday.objects.create(day=dt.date(2025, 11, 3), kind=HolidayKind.DAY_OFF, name="误录")
    out = io.StringIO()
    call_command("sync_holidays", "--year", "2025", stdout=out)
    assert out.getvalue().strip() == "已更新2025年节假日安排：新增 1 天，修改 1 天，删除 1 天"
    assert Holiday.objects.get(day=dt.date(2025, 10, 1)).kind == HolidayKind.DAY_OFF
    assert Holiday.objects.get(day=OCT_11_SATURDAY_WORKED).kind == HolidayKind.WORKDAY
    assert not Holiday.objects.filter(day=dt.date(2025, 11, 3)).exists()


def test_sync_holidays_leaves_years_the_package_does_not_know():
    Holiday.objects.create(day=dt.date(2031, 1, 1), kind=HolidayKind.DAY_OFF, name="元旦")
    out = io.StringIO()
    call_command("sync_holidays", stdout=out)
    assert "新增 0 天，修改 0 天，删除 0 天" in out.getvalue()
    assert Holiday.objects.filter(day=dt.date(2031, 1, 1)).exists()
    with pytest.raises(CommandError, match="chinesecalendar 中没有2031年的节假日安排"):
        call_command("sync_holidays", "--year", "2031")


# --- admin ------------------------------------------------------------------------------------


def test_the_admin_changelist_opens_for_a_superuser_filtered_by_year_and_kind(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:core_holiday_changelist")
    response = client.get(url, {"year": "2025", "kind": HolidayKind.WORKDAY})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("day", flat=True)) == [
        OCT_11_SATURDAY_WORKED,
        SEPT_28_SUNDAY_WORKED,
        dt.date(2025, 4, 27),
        dt.date(2025, 2, 8),
        dt.date(2025, 1, 26),
    ]
    content = response.content.decode()
    assert "调休上班" in content and "2025年" in content


def test_staff_without_the_model_permissions_cannot_open_it(client, committee_staff):
    committee_staff.is_staff = True
    committee_staff.save()
    client.force_login(committee_staff)
    assert client.get(reverse("admin:core_holiday_changelist")).status_code == 403


def test_an_auditor_given_permissions_still_only_looks(client, auditor):
    from django.contrib.auth.models import Permission

    auditor.is_staff = True
    auditor.save()
    auditor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="core", content_type__model="holiday")
    )
    client.force_login(auditor)
    assert client.get(reverse("admin:core_holiday_changelist")).status_code == 200
    assert client.get(reverse("admin:core_holiday_add")).status_code == 403


def test_a_day_added_in_the_admin_is_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_holiday_add"), {"day": "2031-01-01", "kind": HolidayKind.DAY_OFF, "name": "元旦"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(day=dt.date(2031, 1, 1))
    entry = LogEntry.objects.get_for_object(holiday).get()
    assert entry.actor == admin_user
    assert entry.action == LogEntry.Action.CREATE


def test_the_same_day_twice_is_refused_in_chinese(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_holiday_add"),
        {"day": "2025-10-01", "kind": HolidayKind.DAY_OFF, "name": "国庆节"},
    )
    assert response.status_code == 200
    assert "该日期已登记" in response.content.decode()
