"""修改记录 reads like a person wrote it: Chinese labels, 是/否, choice labels, one date format, （空）."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import models
from django.utils import timezone

from core.audit import history_for
from core.history import EMPTY, FieldChange, display_value, history_rows
from members.models import Member
from members.services.member import member_move, member_update

pytestmark = pytest.mark.django_db


def changes_of(row) -> dict[str, FieldChange]:
    return {change.label: change for change in row.changes}


def test_a_new_record_shows_its_filled_in_fields_in_words(member_a):
    (created,) = history_rows(history_for(member_a))
    changes = changes_of(created)
    assert created.action == "新建"
    assert created.actor == "admin"
    assert {label: c.new for label, c in changes.items()}.items() >= {
        "姓名": "张桂芳",
        "性别": "女",
        "学历": "高中/中技",
        "出生日期": "1949-12-31",
        "入党日期": "1975-07-01",
        "农村党员": "是",
        "所在党组织": "各甫村党支部",
    }.items()
    assert all(c.old is None for c in changes.values())


def test_a_new_record_leaves_out_empty_fields_unticked_boxes_and_bookkeeping(member_a):
    (created,) = history_rows(history_for(member_a))
    changes = changes_of(created)
    assert EMPTY not in {c.new for c in changes.values()}
    assert "手机号码" not in changes  # left blank
    assert "离退休" not in changes  # not ticked
    assert "建档时间" not in changes and "更新时间" not in changes and "ID" not in changes


def test_a_new_organization_shows_its_kind_parent_and_date_but_not_untouched_defaults(tree):
    (created,) = history_rows(history_for(tree.branch_a))
    changes = {label: c.new for label, c in changes_of(created).items()}
    assert changes["组织类型"] == "党支部"
    assert changes["上级党组织"] == "新华镇党委"
    assert changes["成立日期"] == "2000-01-01"
    assert "排序" not in changes  # 0, as every new organization


def test_the_id_number_stays_masked(member_a):
    (created,) = history_rows(history_for(member_a))
    assert changes_of(created)["公民身份号码"].new == "110105************"


def test_a_corrected_id_number_shows_as_changed_even_when_the_masked_values_read_the_same():
    # 110105194912310020 → 110105198912310020 (birth year 1949 → 1989): both mask to 110105************.
    corrected = _entry(Member, {"id_number": ["110105************", "110105************"]})
    (row,) = history_rows([corrected])
    assert changes_of(row)["公民身份号码"].new == "110105************（隐藏部分已更改）"


def test_an_entry_written_under_the_older_mask_shows_the_region_only():
    # Before the mask hid the ending, entries kept the last four (1101**********002X).
    (row,) = history_rows([_entry(Member, {"id_number": ["None", "1101**********002X"]})])
    assert changes_of(row)["公民身份号码"].new == "1101**************"


def test_a_change_to_bookkeeping_only_is_left_out():
    touched = _entry(Member, {"created_at": ["2026-07-01 06:05:00", "2026-07-01 06:06:00"]})
    assert history_rows([touched]) == []


def test_a_change_shows_old_and_new_values_in_words(committee_staff, member_a):
    committee_staff.full_name = "王组织员"
    committee_staff.save()
    member_update(
        actor=committee_staff,
        member=member_a,
        phone="13800000001",
        is_rural=False,
        education="BACHELOR",
        joined_on=dt.date(1975, 6, 30),
    )
    changed = history_rows(history_for(member_a))[0]
    assert changed.action == "修改"
    assert changed.actor == "王组织员"
    assert {label: (c.old, c.new) for label, c in changes_of(changed).items()} == {
        "手机号码": (EMPTY, "13800000001"),
        "农村党员": ("是", "否"),
        "学历": ("高中/中技", "大学本科"),
        "入党日期": ("1975-07-01", "1975-06-30"),
    }


def test_a_move_names_both_organizations(committee_staff, member_a, tree):
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    moved = history_rows(history_for(member_a))[0]
    change = changes_of(moved)["所在党组织"]
    assert (change.old, change.new) == ("各甫村党支部", "新华社区党支部")


def test_values_are_written_the_way_people_write_them():
    moment = models.DateTimeField("登记时间")
    assert (
        display_value(moment, "2026-07-01 06:05:00") == "2026-07-01 14:05"
    )  # stored in UTC, shown in Beijing time
    assert display_value(moment, "2026-07-01 06:05:00.123456+00:00") == "2026-07-01 14:05"
    assert display_value(models.DateField("日期"), "2026-07-01") == "2026-07-01"
    flag = models.BooleanField("困难党员")
    assert (display_value(flag, True), display_value(flag, False), display_value(flag, "False")) == (
        "是",
        "否",
        "否",
    )
    assert display_value(models.BooleanField("是否", null=True), None) == EMPTY
    for empty in (None, "", "None"):
        assert display_value(models.CharField("备注"), empty) == EMPTY
    gender = Member._meta.get_field("gender")
    assert display_value(gender, "M") == "男"
    assert display_value(Member._meta.get_field("id_number"), "****", masked=True) == EMPTY


def test_history_costs_one_query_however_many_entries(
    committee_staff, member_a, tree, django_assert_num_queries
):
    member_update(actor=committee_staff, member=member_a, phone="13800000001")
    member_update(actor=committee_staff, member=member_a, phone="13800000002", is_hardship=True)
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date(2026, 3, 1))
    with django_assert_num_queries(1):  # 1 the entries with their actors and content types
        rows = history_rows(history_for(member_a))
    assert [row.action for row in rows] == ["修改", "修改", "修改", "新建"]


def test_the_record_page_shows_the_readable_history(client, committee_staff, member_a):
    member_update(actor=committee_staff, member=member_a, is_hardship=True)
    client.force_login(committee_staff)
    html = client.get(member_a.get_absolute_url()).content.decode()
    history = html[html.index("修改记录") :]
    assert "困难党员</span>：否 → 是" in history
    assert "None" not in history and "True" not in history and "False" not in history


def test_every_page_shows_history_through_the_one_include():
    """A record page includes includes/history.html; no template renders auditlog's raw changes itself."""
    root = Path(__file__).resolve().parent.parent
    templates = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    raw = [
        str(path.relative_to(root))
        for path in templates
        if path != root / "templates/includes/history.html"
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("changes_display_dict", "changes_dict", "changes_str")
        )
    ]
    assert templates and raw == []


def _entry(model, changes, action=1):
    """An unsaved LogEntry as auditlog writes it (no database needed to render it)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="1",
        object_repr="",
        action=action,
        changes=changes,
        timestamp=timezone.now(),
    )
