"""The member import service: all or nothing, every bad row named by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.fieldcrypto import id_hash_q
from core.idcard import mask_id_number
from members.models import Member, MemberPeriod
from members.services import imports
from members.services.imports import import_members
from members.services.member import member_register
from organizations.choices import OrgCategory, OrgKind
from organizations.services import org_create
from tests.conftest import DAY0, member_fields

from .test_imports_support import import_row, make_id, workbook

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int]:
    return Member.objects.count(), MemberPeriod.objects.count(), LogEntry.objects.count()


def errors_of(report) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in report.errors}


def test_valid_file_imports_every_member_with_history_and_audit_rows(tree, county_staff):
    rows = [
        import_row(1),
        import_row(2, 党员类型="预备党员", 入党日期=dt.date(2025, 7, 1), 转正日期=None),
        import_row(3, 所在党组织="富宁县委/新华镇党委/新华社区党支部", 民族="汉族", 学历="初中及以下"),
    ]
    report = import_members(actor=county_staff, source=workbook(rows), remote_addr="10.1.2.3")

    assert report.ok and report.created == 3 and report.rows == 3
    full = Member.objects.get(id_hash_q("id_number", rows[0]["公民身份号码"]))
    assert (full.name, full.organization, full.status, full.is_frontline) == (
        "黄文1",
        tree.branch_a,
        "FULL",
        True,
    )
    assert Member.objects.get(id_hash_q("id_number", rows[2]["公民身份号码"])).organization == tree.branch_b
    # A full member's history: probationary from joining, full from 转正; a probationary one: one open span.
    assert [(p.status, p.start_on, p.end_on, p.start_reason) for p in full.periods.order_by("start_on")] == [
        ("PROBATIONARY", dt.date(2005, 7, 1), dt.date(2006, 7, 1), "REGISTERED"),
        ("FULL", dt.date(2006, 7, 1), None, "CONFIRMED"),
    ]
    probationary = Member.objects.get(id_hash_q("id_number", rows[1]["公民身份号码"]))
    assert list(probationary.periods.values_list("status", "end_on")) == [("PROBATIONARY", None)]

    entry = LogEntry.objects.get_for_object(full).get()
    assert entry.action == LogEntry.Action.CREATE
    assert (entry.actor, entry.remote_addr) == (county_staff, "10.1.2.3")
    assert entry.changes["id_number"][1] == mask_id_number(full.id_number)
    assert full.id_number not in str(entry.changes)
    assert entry.changes["name"] == [None, "黄文1"]
    assert LogEntry.objects.filter(content_type__model="memberperiod", actor=county_staff).count() == 5


def test_empty_birth_date_and_gender_are_read_from_the_id_number(tree, county_staff):
    number = make_id(dt.date(1970, 3, 8), 7, male=False)
    report = import_members(
        actor=county_staff, source=workbook([import_row(1, 公民身份号码=number, 出生日期=None, 性别=None)])
    )

    assert report.ok
    member = Member.objects.get(id_hash_q("id_number", number))
    assert (member.birth_date, member.gender) == (dt.date(1970, 3, 8), "F")


def test_lowercase_x_and_short_labels_are_accepted(tree, county_staff):
    number = "11010519491231002X"
    row = import_row(1, 公民身份号码=number.lower(), 出生日期=None, 性别="女", 民族="壮", 学历="高中")
    report = import_members(actor=county_staff, source=workbook([row]))

    assert report.ok
    member = Member.objects.get(id_hash_q("id_number", number))
    assert (member.ethnicity, member.education) == ("壮族", "HIGH_SCHOOL")


BAD_ROWS = {
    "id_checksum_is_wrong": ({"公民身份号码": "110105195001010014"}, "公民身份号码", "校验位错误"),
    "id_has_the_wrong_length": ({"公民身份号码": "11010519491231002"}, "公民身份号码", "应为18位"),
    "id_holds_an_impossible_date": ({"公民身份号码": "110105194902300016"}, "公民身份号码", "出生日期无效"),
    "id_stored_as_a_number_by_excel": ({"公民身份号码": 440524188001010014}, "公民身份号码", "存成了数字"),
    "birth_date_does_not_match_the_id": (
        {"出生日期": dt.date(1980, 2, 2)},
        "出生日期",
        "与公民身份号码不一致",
    ),
    "gender_does_not_match_the_id": ({"性别": "女"}, "性别", "与公民身份号码不一致"),
    "date_is_not_a_date": ({"入党日期": "2005年13月1日"}, "入党日期", "日期格式不正确"),
    "organization_is_unknown": ({"所在党组织": "NOPE99"}, "所在党组织", "未找到党组织"),
    "organization_path_is_unknown": (
        {"所在党组织": "富宁县委/新华镇党委/不存在党支部"},
        "所在党组织",
        "未找到党组织",
    ),
    "organization_cannot_hold_members": ({"所在党组织": "C01"}, "所在党组织", "不能直接管理党员"),
    "joined_before_18": (
        {"入党日期": dt.date(1955, 7, 1), "转正日期": dt.date(1956, 7, 1)},
        "入党日期",
        "年满18周岁",
    ),
    "full_membership_before_joining": ({"转正日期": dt.date(2004, 7, 1)}, "转正日期", "应在入党满一年之后"),
    "full_membership_within_the_probation_year": (
        {"转正日期": dt.date(2006, 6, 30)},
        "转正日期",
        "转正日期应在入党满一年之后（预备期一年，不早于2006-07-01）",
    ),
    "probationary_member_past_probation_and_extension": (
        {"党员类型": "预备党员", "转正日期": None, "入党日期": dt.date(2020, 7, 1)},
        "党员类型",
        "不能仍登记为预备党员",
    ),
    "full_member_without_full_membership_date": ({"转正日期": None}, "转正日期", "正式党员须填写转正日期"),
    "probationary_member_with_full_membership_date": (
        {"党员类型": "预备党员"},
        "转正日期",
        "预备党员不应有转正日期",
    ),
    "gender_label_is_unknown": ({"性别": "M"}, "性别", "不是有效的性别"),
    "ethnicity_label_is_unknown": ({"民族": "火星族"}, "民族", "不是有效的民族"),
    "education_label_is_unknown": ({"学历": "博士后"}, "学历", "不是有效的学历"),
    "occupation_label_is_unknown": ({"人员类别": "农民工"}, "人员类别", "不是有效的人员类别"),
    "status_label_is_unknown": ({"党员类型": "入党积极分子"}, "党员类型", "不是有效的党员类型"),
    "yes_no_is_not_yes_or_no": ({"是否生产一线": "有时"}, "是否生产一线", "应填“是”或“否”"),
    "name_is_missing": ({"姓名": None}, "姓名", "必填"),
    "name_is_too_long": ({"姓名": "长" * 51}, "姓名", "50"),
    "joining_date_is_missing": ({"入党日期": None}, "入党日期", "必填"),
}


@pytest.mark.parametrize("overrides, column, fragment", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    tree, county_staff, overrides, column, fragment
):
    row = import_row(2)
    if "性别" in overrides or "出生日期" in overrides:
        row["公民身份号码"] = make_id(dt.date(1980, 1, 1), 3, male=True)
        row["出生日期"] = dt.date(1980, 1, 1)
    row.update(overrides)
    before = written()

    report = import_members(actor=county_staff, source=workbook([import_row(1), row]))

    assert not report.ok
    messages = [(e.row, e.column, e.message) for e in report.errors]
    assert any(r == 3 and c == column and fragment in m for r, c, m in messages), messages
    assert {e.row for e in report.errors} == {3}
    assert written() == before


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_future_dates_are_rejected(tree, county_staff):
    rows = [
        import_row(1, 党员类型="预备党员", 入党日期=dt.date(2026, 6, 2), 转正日期=None),
        import_row(2, 入党日期=dt.date(2025, 6, 1), 转正日期=dt.date(2026, 6, 2)),
    ]
    report = import_members(actor=county_staff, source=workbook(rows))

    assert errors_of(report) == {(2, "入党日期"), (3, "转正日期")}
    assert all("不能晚于今天" in e.message for e in report.errors)
    assert Member.objects.count() == 0


def test_duplicate_id_in_the_file_names_both_rows(tree, county_staff):
    number = make_id(dt.date(1975, 5, 5), 9)
    rows = [
        import_row(1),
        import_row(2, 公民身份号码=number, 出生日期=None),
        import_row(3),
        import_row(4, 公民身份号码=number, 出生日期=None),
    ]
    report = import_members(actor=county_staff, source=workbook(rows))

    assert [(e.row, e.column) for e in report.errors] == [(3, "公民身份号码"), (5, "公民身份号码")]
    assert all("第3行与第5行" in e.message for e in report.errors)
    assert Member.objects.count() == 0


def test_id_registered_in_scope_is_an_update_to_confirm_not_an_error(member_a, county_staff):
    row = import_row(1, 公民身份号码=member_a.id_number, 出生日期=None, 性别=None, 姓名=member_a.name)
    row.update(民族="壮族", 学历="高中/中技", 人员类别="农牧渔民", 入党日期=member_a.joined_on)
    row.update(转正日期=member_a.full_on, 是否农村党员="是")

    report = import_members(actor=county_staff, source=workbook([row]))

    assert report.errors == [] and report.needs_confirmation
    assert (report.new, report.changed, report.unchanged) == (0, 1, 0)
    assert Member.objects.get(pk=member_a.pk).phone == ""  # nothing written before the confirmation


def test_id_registered_outside_the_scope_is_an_error_that_says_not_where(member_c, secretary_a):
    report = import_members(
        actor=secretary_a,
        source=workbook([import_row(1, 公民身份号码=member_c.id_number, 出生日期=None, 性别=None)]),
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "公民身份号码")]
    assert report.errors[0].message == "该公民身份号码已在系统中登记，不能由您导入或更新"
    assert "睦伦" not in report.errors[0].message
    assert Member.objects.count() == 1


def test_file_good_except_its_last_row_writes_nothing(tree, county_staff):
    rows = [import_row(i) for i in range(1, 1201)] + [import_row(9999, 公民身份号码="123")]
    before = written()

    report = import_members(actor=county_staff, source=workbook(rows))

    assert [(e.row, e.column) for e in report.errors] == [(1202, "公民身份号码")]
    assert written() == before


def test_every_bad_row_is_listed_not_only_the_first(tree, county_staff):
    rows = [
        import_row(1, 学历="?"),
        import_row(2),
        import_row(3, 所在党组织="NOPE", 入党日期="昨天"),
        import_row(4, 是否流动党员="maybe"),
    ]
    report = import_members(actor=county_staff, source=workbook(rows))

    assert errors_of(report) == {(2, "学历"), (4, "所在党组织"), (4, "入党日期"), (5, "是否流动党员")}
    assert [str(e) for e in report.errors][0].startswith("第2行“学历”列：")


def test_secretary_importing_into_another_branch_gets_error_rows_and_nothing_written(tree, secretary_a):
    rows = [
        import_row(1),
        import_row(2, 所在党组织="C01T01B02"),
        import_row(3, 所在党组织="富宁县委/新华镇党委/新华社区党支部"),
    ]
    report = import_members(actor=secretary_a, source=workbook(rows))

    assert errors_of(report) == {(3, "所在党组织"), (4, "所在党组织")}
    assert all("不在您的管理范围内" in e.message for e in report.errors)
    assert Member.objects.count() == 0


def test_secretary_imports_into_own_branch_by_code_path_or_name(tree, secretary_a):
    rows = [
        import_row(1, 所在党组织="c01t01b01"),
        import_row(2, 所在党组织="富宁县委 / 新华镇党委 / 各甫村党支部"),
        import_row(3, 所在党组织="各甫村党支部"),
    ]
    report = import_members(actor=secretary_a, source=workbook(rows))

    assert report.ok and report.created == 3
    assert set(Member.objects.values_list("organization", flat=True)) == {tree.branch_a.pk}


def test_ambiguous_name_asks_for_the_code(tree, county_staff, admin_user):
    org_create(
        actor=admin_user,
        parent=tree.other_committee,
        code="C01T02B09",
        name="各甫村党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    report = import_members(actor=county_staff, source=workbook([import_row(1, 所在党组织="各甫村党支部")]))

    assert errors_of(report) == {(2, "所在党组织")}
    assert "请改填党组织代码" in report.errors[0].message


def test_auditor_cannot_import(tree, auditor):
    with pytest.raises(PermissionDenied):
        import_members(actor=auditor, source=workbook([import_row(1)]))
    assert Member.objects.count() == 0


def test_missing_required_column_is_reported_on_the_header_row(tree, county_staff):
    headers = [h for h in imports.HEADERS if h != "所在党组织"]
    report = import_members(actor=county_staff, source=workbook([import_row(1)], headers=headers))

    assert [(e.row, e.column) for e in report.errors] == [(1, "所在党组织")]


def test_a_file_that_is_not_xlsx_is_reported(tree, county_staff, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    report = import_members(actor=county_staff, source=str(path))

    assert [(e.row, e.column) for e in report.errors] == [(0, "")]
    assert "无法读取文件" in report.errors[0].message


def test_a_file_without_data_rows_is_reported(tree, county_staff):
    report = import_members(actor=county_staff, source=workbook([]))

    assert "没有党员数据" in report.errors[0].message


def test_optional_columns_may_be_left_out(tree, county_staff):
    row = import_row(1)
    report = import_members(
        actor=county_staff, source=workbook([row], headers=imports.REQUIRED_HEADERS + ("转正日期",))
    )

    assert report.ok
    member = Member.objects.get()
    assert (member.gender, member.is_frontline, member.phone) == ("M", False, "")


def test_lookups_do_not_grow_with_the_number_of_rows(tree, county_staff):
    """Organizations are preloaded and IDs are checked per chunk: reads are the same for 3 rows or 300."""

    def reads(count: int, start: int) -> int:
        rows = [import_row(start + i) for i in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert import_members(actor=county_staff, source=workbook(rows)).ok
        return sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))

    reads(1, 1000)  # warm caches (content types) so both runs start alike
    assert reads(3, 1) == reads(300, 100)


def test_id_registered_between_validation_and_writing_rejects_the_file(tree, county_staff, admin_user):
    rows = [import_row(1), import_row(2)]
    number = rows[1]["公民身份号码"]

    def register_meanwhile(status: str, done: int, total: int) -> None:
        if status == "WRITING":
            member_register(
                actor=admin_user,
                organization=tree.branch_b,
                **member_fields(id_number=number, birth_date=rows[1]["出生日期"], gender="M"),
            )

    report = import_members(actor=county_staff, source=workbook(rows), progress=register_meanwhile)

    # Row 3 is no longer new: the member registered meanwhile belongs elsewhere.
    assert [e.row for e in report.errors] == [3]
    assert list(Member.objects.values_list("id_number", flat=True)) == [number]


def test_progress_is_reported_while_validating_then_writing(tree, county_staff, monkeypatch):
    monkeypatch.setattr(imports.parse, "CHUNK_SIZE", 2)
    ticks: list[tuple[str, int, int]] = []
    import_members(
        actor=county_staff,
        source=workbook([import_row(i) for i in range(1, 6)]),
        progress=lambda *tick: ticks.append(tick),
    )

    assert ticks == [
        ("VALIDATING", 0, 5),
        ("VALIDATING", 2, 5),
        ("VALIDATING", 4, 5),
        ("VALIDATING", 5, 5),
        ("WRITING", 5, 5),
    ]


def test_a_progress_tick_that_cannot_be_written_does_not_abort_the_import(monkeypatch):
    """A locked job row skips one progress tick; the import itself goes on."""
    from django.db import OperationalError

    from core.importjobs import tick
    from members.models import ImportJob

    def locked(*args, **kwargs):
        raise OperationalError("database table is locked: members_importjob")

    monkeypatch.setattr(ImportJob.objects, "filter", locked)
    tick(ImportJob, 1, status="VALIDATING", processed=10, total=100)  # no exception
