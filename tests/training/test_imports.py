"""The training workbooks on the shared importer: sessions with attendance, lectures, 三会一课.

Per kind: a valid file; good except its last row (nothing written, the row
named); a row out of scope; an update in the preview and audited; export →
import unchanged.  Also the rules (the day's subtree, a submitted period,
duplicates, dates, hours) and the command.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from openpyxl import load_workbook

from core import periodlock
from core.recordimports import get_kind, run_import
from tests.factories import make_lecture, make_meeting, make_session
from training.models import Attendance, LectureAttendance, OrgMeeting, PartyLecture, TrainingSession

pytestmark = pytest.mark.django_db

NOT_FOUND_ORG = "未找到该党组织，或该党组织不在您的管理范围内"
DAY = dt.date(2026, 3, 10)


def book(kind_key: str, sheets: dict[str, list[list]]) -> BytesIO:
    return BytesIO(get_kind(kind_key).workbook(sheets))


def run(kind_key: str, actor, sheets: dict[str, list[list]], confirm: str | None = None):
    return run_import(
        get_kind(kind_key), actor=actor, source=book(kind_key, sheets), confirmed_digest=confirm
    )


def audits(model) -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


def where(report) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


def session_row(key="S1", code="C01T01", **over):
    row = {
        "key": key,
        "code": code,
        "name": "",
        "title": "党员冬春训",
        "kind": "理论培训",
        "form": "以会代训",
        "topics": "《党章》、甘蔗栽培",
        "start": DAY,
        "end": None,
        "hours": "4",
        "venue": "镇党校",
        "non_members": 3,
        "note": "",
    } | over
    return list(row.values())


@pytest.fixture
def submitted(monkeypatch, tree):
    """Branch A has submitted the first half of 2026 (as reports registers the check)."""
    monkeypatch.setattr(periodlock, "_checks", [])
    periodlock.register_period_check(
        lambda org, day: "已报送，不能再修改"
        if org.pk == tree.branch_a.pk and dt.date(2026, 1, 1) <= day <= dt.date(2026, 6, 30)
        else None
    )


# --- training sessions and their attendance ---------------------------------------------------------


def test_a_valid_sessions_file_writes_sessions_and_attendance_where_each_member_stood(
    tree, committee_staff, member_a, member_a2, member_b, frozen
):
    before = audits(Attendance)
    report = run(
        "training_sessions",
        committee_staff,
        {
            "培训": [session_row("S1"), session_row("S2", "C01T01B01", title="支部学习", topics="")],
            "参训人员": [
                ["S1", member_a.id_number, member_a.name],
                ["S1", member_b.id_number, ""],
                ["S2", member_a2.id_number, ""],
            ],
        },
    )
    assert report.ok, report.errors
    assert (report.new, report.changed, report.created) == (5, 0, 5)
    s1 = TrainingSession.objects.get(title="党员冬春训")
    assert (s1.organization, s1.level, s1.hours, s1.end_on, s1.non_member_count) == (
        tree.committee,
        "COMMITTEE",
        Decimal("4.0"),
        DAY,
        3,
    )
    assert s1.topic_text in ("《党章》、甘蔗栽培", "甘蔗栽培、《党章》")
    assert {(a.member_id, a.organization_id) for a in s1.attendances.all()} == {
        (member_a.pk, tree.branch_a.pk),
        (member_b.pk, tree.branch_b.pk),
    }
    assert Attendance.objects.count() == 3  # 人次: the attendance rows
    assert audits(Attendance) == before + 3


def test_a_sessions_file_good_except_its_last_row_writes_nothing(
    tree, committee_staff, member_a, member_c, frozen
):
    report = run(
        "training_sessions",
        committee_staff,
        {
            "培训": [session_row("S1")],
            "参训人员": [
                ["S1", member_a.id_number, ""],
                ["S1", member_c.id_number, ""],
            ],  # 睦伦: not below the organizer
        },
    )
    assert where(report) == [(3, "参训人员·公民身份号码")]
    assert "不是新华镇党委范围内的党员" in report.errors[0].message
    assert TrainingSession.objects.count() == 0 and Attendance.objects.count() == 0


def test_every_session_rule_is_an_error_of_its_row(tree, secretary_a, member_a, member_a2, submitted, frozen):
    report = run(
        "training_sessions",
        secretary_a,
        {
            "培训": [
                session_row("S1", "C01T01B01", start=dt.date(2026, 7, 1)),  # after today
                session_row("S2", "C01T01B01", hours="0"),  # hours
                session_row("S3", "C01T01B01", start=dt.date(2026, 3, 1)),  # a submitted period
                session_row("S3", "C01T01B01", start=dt.date(2025, 12, 1)),  # key twice
                session_row("S4", "C01T01B01", start=dt.date(2025, 12, 1), end=dt.date(2025, 11, 1)),
                session_row("S5", "C01T01B01", start=dt.date(2025, 12, 1), kind="其他"),
            ],
            "参训人员": [
                ["S9", member_a.id_number, ""],  # no such session in the file
                ["#999", member_a.id_number, ""],  # no such session in the system
                ["S6", member_a.id_number, ""],
            ],
        },
    )
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[(2, "培训·开始日期")] == "开始日期不能晚于今天"
    assert got[(3, "培训·学时")] == "学时必须大于0"
    assert got[(4, "培训·开始日期")] == "已报送，不能再修改"
    assert "与第4行重复" in got[(5, "培训·培训编号")]
    assert "结束日期不能早于开始日期" in got[(6, "培训·结束日期")]
    assert "请从下拉列表选择" in got[(7, "培训·培训类别")]
    assert "不在“培训”工作表中" in got[(2, "参训人员·培训编号")]
    assert got[(3, "参训人员·培训编号")] == "未找到该培训，或该培训不在您的管理范围内"
    assert TrainingSession.objects.count() == 0


def test_a_member_listed_twice_is_an_error_naming_the_first_row(tree, secretary_a, member_a, frozen):
    report = run(
        "training_sessions",
        secretary_a,
        {
            "培训": [session_row("S1", "C01T01B01")],
            "参训人员": [["S1", member_a.id_number, ""], ["S1", member_a.id_number, ""]],
        },
    )
    assert where(report) == [(3, "参训人员·公民身份号码")]
    assert "与第2行重复" in report.errors[0].message


def test_a_session_out_of_scope_is_refused_without_a_hint(tree, secretary_a, secretary_b, member_a, frozen):
    session = make_session(tree.branch_a, actor=secretary_a)
    report = run(
        "training_sessions",
        secretary_b,
        {
            "培训": [session_row("S1", "C01T01B01"), session_row("S2", "NOPE")],
            "参训人员": [[f"#{session.pk}", member_a.id_number, ""], ["#99999", member_a.id_number, ""]],
        },
    )
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[(2, "培训·举办单位代码")] == got[(3, "培训·举办单位代码")] == NOT_FOUND_ORG
    assert got[(2, "参训人员·培训编号")] == got[(3, "参训人员·培训编号")]  # existing and unknown read alike
    assert TrainingSession.objects.count() == 1 and Attendance.objects.count() == 0


def test_a_sign_in_sheet_alone_adds_to_a_session_already_there(
    tree, secretary_a, member_a, member_a2, submitted, frozen
):
    periodlock._checks.clear()
    session = make_session(tree.branch_a, actor=secretary_a, present=[member_a])
    kind = get_kind("training_sessions")
    only_attendance = BytesIO(
        kind.workbook(
            {
                "参训人员": [
                    [f"#{session.pk}", member_a.id_number, ""],
                    [f"#{session.pk}", member_a2.id_number, ""],
                ]
            }
        )
    )
    book_ = load_workbook(only_attendance)
    del book_["培训"]
    out = BytesIO()
    book_.save(out)
    report = run_import(kind, actor=secretary_a, source=BytesIO(out.getvalue()))
    assert report.ok, report.errors
    assert (report.new, report.unchanged) == (1, 1)
    assert set(session.attendances.values_list("member_id", flat=True)) == {member_a.pk, member_a2.pk}


def test_attendance_of_a_session_in_a_submitted_period_is_refused(
    tree, secretary_a, member_a, member_a2, submitted, frozen
):
    periodlock._checks[:] = []
    session = make_session(tree.branch_a, actor=secretary_a)
    periodlock.register_period_check(lambda org, day: "已报送，不能再修改")
    report = run(
        "training_sessions", secretary_a, {"参训人员": [[f"#{session.pk}", member_a2.id_number, ""]]}
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "参训人员·培训编号", "已报送，不能再修改")
    ]


def test_a_changed_session_is_previewed_and_audited(tree, secretary_a, member_a, frozen):
    session = make_session(tree.branch_a, actor=secretary_a, present=[member_a], topic_text="《党章》")
    sheets = {
        "培训": [
            session_row(
                f"#{session.pk}",
                "C01T01B01",
                hours="6",
                topics="《党章》",
                venue="",
                non_members=0,
                form="以会代训",
            )
        ],
        "参训人员": [[f"#{session.pk}", member_a.id_number, ""]],
    }
    report = run("training_sessions", secretary_a, sheets)
    assert report.needs_confirmation and (report.new, report.changed, report.unchanged) == (0, 1, 1)
    assert report.preview == [[2, f"#{session.pk} 2026-03-10 党员冬春训", [["学时", "4.0", "6.0"]]]]
    before = audits(TrainingSession)
    written = run("training_sessions", secretary_a, sheets, confirm=report.digest)
    assert written.ok and written.updated == 1
    session.refresh_from_db()
    assert session.hours == Decimal("6.0")
    assert audits(TrainingSession) == before + 1


def test_the_organizer_of_a_session_cannot_change(tree, committee_staff, frozen):
    session = make_session(tree.branch_a, actor=committee_staff)
    report = run("training_sessions", committee_staff, {"培训": [session_row(f"#{session.pk}", "C01T01B02")]})
    assert where(report) == [(2, "培训·举办单位代码")]


def test_sessions_export_then_import_is_unchanged(
    tree, committee_staff, member_a, member_a2, member_b, frozen
):
    make_session(
        tree.committee, actor=committee_staff, present=[member_a, member_b], topic_text="《党章》、养猪"
    )
    make_session(tree.branch_a, actor=committee_staff, present=[member_a2], title="支部学习", venue="村部")
    kind = get_kind("training_sessions")
    content = kind.export(committee_staff)
    wb = load_workbook(BytesIO(content))
    assert wb.sheetnames[:2] == ["培训", "参训人员"] and "说明" in wb.sheetnames
    assert [c.value for c in wb["参训人员"][1]] == ["培训编号", "公民身份号码", "姓名"]
    assert wb["培训"].max_row == 3 and wb["参训人员"].max_row == 4
    before = (
        list(TrainingSession.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
    )
    report = run_import(kind, actor=committee_staff, source=BytesIO(content))
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 5)
    after = (
        list(TrainingSession.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
    )
    assert after == before


def test_the_command_imports_a_sessions_file(tree, secretary_a, member_a, frozen, tmp_path, capsys):
    path = tmp_path / "sessions.xlsx"
    path.write_bytes(
        book(
            "training_sessions",
            {"培训": [session_row("S1", "C01T01B01")], "参训人员": [["S1", member_a.id_number, ""]]},
        ).getvalue()
    )
    call_command("import_records", "training_sessions", str(path), "--user", secretary_a.username)
    assert "新增 2 条" in capsys.readouterr().out
    assert Attendance.objects.get().member == member_a


# --- party lectures --------------------------------------------------------------------------------


def lecture_row(key="K1", code="C01T01B01", **over):
    row = {
        "key": key,
        "code": code,
        "name": "",
        "day": dt.date(2026, 4, 15),
        "topic": "学习党章，做合格党员",
        "lecturer_id": "",
        "lecturer": "韦国强",
        "unit": "县财政局",
        "post": "局长",
        "rank": "正科级",
        "venue": "",
        "hours": "2",
        "non_members": 0,
        "note": "",
    } | over
    return list(row.values())


def test_a_valid_lectures_file_writes_lectures_and_audience(tree, secretary_a, member_a, member_a2, frozen):
    report = run(
        "training_lectures",
        secretary_a,
        {
            "党课": [
                lecture_row("K1"),
                lecture_row("K2", lecturer_id=member_a.id_number, lecturer="", unit=""),
            ],
            "听课人员": [
                ["K1", member_a.id_number, ""],
                ["K1", member_a2.id_number, ""],
                ["K2", member_a2.id_number, ""],
            ],
        },
    )
    assert report.ok, report.errors
    assert report.created == 5
    k1 = PartyLecture.objects.get(lecturer_name="韦国强")
    assert (k1.lecturer_unit.name, k1.lecturer_rank, k1.hours) == (
        "县财政局",
        "SECTION_CHIEF",
        Decimal("2.0"),
    )
    k2 = PartyLecture.objects.get(lecturer_member=member_a)
    assert k2.lecturer_name == member_a.name and k2.lecturer_unit is None
    assert LectureAttendance.objects.count() == 3


def test_a_lectures_file_good_except_its_last_row_writes_nothing(tree, secretary_a, member_a, frozen):
    report = run(
        "training_lectures",
        secretary_a,
        {"党课": [lecture_row("K1"), lecture_row("K2", lecturer="", rank="处级")]},
    )
    assert where(report) == [(3, "党课·讲课人"), (3, "党课·讲课人职级")]
    assert PartyLecture.objects.count() == 0


def test_a_lecture_out_of_scope_is_refused(tree, secretary_a, secretary_b, member_a, frozen):
    report = run(
        "training_lectures",
        secretary_b,
        {"党课": [lecture_row("K1"), lecture_row("K2", "C01T01B02", lecturer_id=member_a.id_number)]},
    )
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got == {
        (2, "党课·承办党组织代码"): NOT_FOUND_ORG,
        (3, "党课·讲课人公民身份号码"): "未找到该党员，或该党员不在您的管理范围内",
    }
    assert PartyLecture.objects.count() == 0


def test_a_changed_lecture_is_previewed_and_audited(tree, secretary_a, member_a, frozen):
    lecture = make_lecture(tree.branch_a, actor=secretary_a, present=[member_a])
    sheets = {"党课": [lecture_row(f"#{lecture.pk}", hours="", unit="县委组织部")]}
    report = run("training_lectures", secretary_a, sheets)
    assert report.needs_confirmation
    assert report.preview == [
        [
            2,
            f"#{lecture.pk} 2026-04-15 韦国强：学习党章，做合格党员",
            [["讲课人单位", "县财政局", "县委组织部"]],
        ]
    ]
    before = audits(PartyLecture)
    assert run("training_lectures", secretary_a, sheets, confirm=report.digest).updated == 1
    lecture.refresh_from_db()
    assert lecture.lecturer_unit.name == "县委组织部"
    assert audits(PartyLecture) == before + 1


def test_lectures_export_then_import_is_unchanged(tree, secretary_a, member_a, member_a2, frozen):
    make_lecture(tree.branch_a, actor=secretary_a, present=[member_a, member_a2], hours=Decimal("2"))
    make_lecture(tree.branch_a, actor=secretary_a, lecturer_member=member_a, lecturer_name="", unit_name="")
    kind = get_kind("training_lectures")
    content = kind.export(secretary_a)
    before = list(PartyLecture.objects.order_by("pk").values()), list(LectureAttendance.objects.values())
    report = run_import(kind, actor=secretary_a, source=BytesIO(content))
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 4)
    assert (
        list(PartyLecture.objects.order_by("pk").values()),
        list(LectureAttendance.objects.values()),
    ) == before


# --- 三会一课 and 主题党日 -----------------------------------------------------------------------------


def meeting_row(code="C01T01B01", kind="支部党员大会", **over):
    row = {
        "code": code,
        "name": "",
        "kind": kind,
        "day": dt.date(2026, 3, 5),
        "topic": "学习传达上级会议精神",
        "venue": "",
        "host": "",
        "expected": 20,
        "present": 18,
        "absent": "",
        "minutes": "",
    } | over
    return list(row.values())


def test_a_valid_meetings_file_is_written_through_the_service(tree, secretary_a, frozen):
    before = audits(OrgMeeting)
    report = run(
        "training_meetings",
        secretary_a,
        {
            "三会一课": [
                meeting_row(),
                meeting_row(kind="主题党日", topic="义务植树", absent="张三（外出务工）"),
            ]
        },
    )
    assert report.ok, report.errors
    assert report.created == 2
    day = OrgMeeting.objects.get(kind="ACTIVITY_DAY")
    assert (day.topic, day.absent_note, day.absent) == ("义务植树", "张三（外出务工）", 2)
    assert audits(OrgMeeting) == before + 2


def test_a_meetings_file_good_except_its_last_row_writes_nothing(tree, secretary_a, frozen):
    report = run(
        "training_meetings",
        secretary_a,
        {"三会一课": [meeting_row(), meeting_row(kind="支委会"), meeting_row(kind="党小组会", present=21)]},
    )
    assert where(report) == [(4, "实到人数")]
    assert OrgMeeting.objects.count() == 0


def test_meeting_rules_are_errors_of_their_rows(tree, secretary_a, submitted, frozen):
    report = run(
        "training_meetings",
        secretary_a,
        {
            "三会一课": [
                meeting_row(kind="党小组会", day=dt.date(2025, 12, 1)),  # held by a group, not a branch
                meeting_row(day=dt.date(2026, 3, 1)),  # a submitted period
                meeting_row(day=dt.date(2026, 7, 1)),  # after today
                meeting_row(day=dt.date(2025, 12, 2)),
                meeting_row(day=dt.date(2025, 12, 2)),  # twice
            ]
        },
    )
    assert where(report) == [(2, "会议类型"), (3, "日期"), (4, "日期"), (6, "主题/议题")]


def test_a_meeting_out_of_scope_is_refused(tree, secretary_b, frozen):
    report = run("training_meetings", secretary_b, {"三会一课": [meeting_row(), meeting_row("C01T01B02")]})
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, "党组织代码", NOT_FOUND_ORG)]


def test_a_changed_meeting_is_previewed_and_audited(tree, secretary_a, frozen):
    meeting = make_meeting(tree.branch_a, actor=secretary_a)
    rows = {"三会一课": [meeting_row(present=19, topic="学习传达县委全会精神")]}
    report = run("training_meetings", secretary_a, rows)
    assert report.needs_confirmation
    assert report.preview == [
        [
            2,
            "各甫村党支部 2026-03-05 支部党员大会",
            [["主题/议题", "学习传达上级会议精神", "学习传达县委全会精神"], ["实到人数", "18", "19"]],
        ]
    ]
    before = audits(OrgMeeting)
    assert run("training_meetings", secretary_a, rows, confirm=report.digest).updated == 1
    meeting.refresh_from_db()
    assert (meeting.present, meeting.topic) == (19, "学习传达县委全会精神")
    assert audits(OrgMeeting) == before + 1


def test_meetings_export_then_import_is_unchanged(tree, committee_staff, frozen):
    make_meeting(tree.branch_a, actor=committee_staff, minutes="一、传达精神\n二、讨论")
    make_meeting(tree.branch_a, actor=committee_staff, topic="发展党员", absent_note="李四（病假）")
    make_meeting(tree.branch_b, actor=committee_staff, kind="ACTIVITY_DAY", held_on=dt.date(2026, 5, 10))
    kind = get_kind("training_meetings")
    before = list(OrgMeeting.objects.order_by("pk").values())
    report = run_import(kind, actor=committee_staff, source=BytesIO(kind.export(committee_staff)))
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    assert list(OrgMeeting.objects.order_by("pk").values()) == before


def test_a_large_sign_in_sheet_costs_a_few_queries(
    tree, committee_staff, admin_user, frozen, django_assert_max_num_queries
):
    from tests.training.conftest import more_members

    # the session through its service (~45 queries), the attendance a fixed few whatever its length
    members = more_members(tree.branch_a, admin_user, 30) + more_members(
        tree.branch_b, admin_user, 30, start=60
    )
    sheets = {"培训": [session_row("S1")], "参训人员": [["S1", m.id_number, ""] for m in members]}
    with django_assert_max_num_queries(50):
        report = run("training_sessions", committee_staff, sheets)
    assert report.ok, report.errors
    assert Attendance.objects.count() == 60
