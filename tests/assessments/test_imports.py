"""The assessment workbooks on the shared importer: agreements and scores, life meetings, appraisal grades.

Per kind: a valid file; good except its last row (nothing written, the row named); a row out of scope
(read as not found); an update previewed, then written and audited; export → import unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from assessments.models import AgreementItem, AssessmentScore, LifeMeeting, MemberAppraisal, TargetAgreement
from assessments.services.agreements import agreement_score
from core.recordimports import get_kind, run_import
from tests.factories import SIGN_DAY, grade, make_life_meeting, make_round, make_template, sign_orgs

pytestmark = pytest.mark.django_db

ORG_ITEMS = (("党员教育管理", "40", "查阅资料"), ("发展党员", "30", "对照计划"), ("党费收缴", "30", "查账"))
SCORED = dt.date(2026, 11, 20)


def run(key: str, actor, sheets: dict[str, list[list]] | list[list], confirm: str | None = None):
    kind = get_kind(key)
    if isinstance(sheets, list):
        sheets = {kind.sheets[0].title: sheets}
    return run_import(kind, actor=actor, source=BytesIO(kind.workbook(sheets)), confirmed_digest=confirm)


def audits(model) -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


def round_trip(key: str, actor, model) -> None:
    kind = get_kind(key)
    before = list(model.objects.order_by("pk").values())
    report = run_import(kind, actor=actor, source=BytesIO(kind.export(actor)))
    assert report.ok, report.errors
    assert (report.new, report.changed) == (0, 0) and report.unchanged > 0
    assert list(model.objects.order_by("pk").values()) == before


# --- life meetings ---------------------------------------------------------------------------------


def meeting(
    org, *, day="2026-09-10", expected=5, attended=5, absentees="", topics="对照检查", doc="富办发(2026)24号"
):
    return [org.code, "", day, doc, expected, attended, absentees, "", topics, "", ""]


def test_a_valid_life_meetings_file_is_written(tree, committee_staff):
    report = run(
        "life_meetings",
        committee_staff,
        [meeting(tree.committee), meeting(tree.branch_a, attended=4, absentees="农某 病假")],
    )
    assert report.ok, report.errors
    assert report.created == 2
    row = LifeMeeting.objects.get(organization=tree.committee)
    assert (row.year, row.document_no, row.leaders_attended) == (2026, "富办发〔2026〕24号", 5)
    assert audits(LifeMeeting) == 2


def test_a_life_meetings_file_good_except_its_last_row_writes_nothing(tree, committee_staff):
    report = run(
        "life_meetings",
        committee_staff,
        [meeting(tree.committee), meeting(tree.branch_a), meeting(tree.branch_b, attended=6)],
    )
    assert [e.row for e in report.errors] == [4]
    assert "实参会人数不能多于应参会人数" in report.errors[0].message
    assert LifeMeeting.objects.count() == 0


def test_life_meeting_rules_are_row_errors(tree, committee_staff):
    report = run(
        "life_meetings",
        committee_staff,
        [
            meeting(tree.branch_a),
            meeting(tree.branch_a, day="2026-10-01"),  # the same organization and year
            meeting(tree.branch_b, attended=4),  # absent without saying who
            meeting(tree.committee, day="2027-01-05"),  # in the future
            meeting(tree.committee, topics=""),  # no topics
        ],
    )
    assert {(e.row, e.column) for e in report.errors} >= {
        (3, "召开日期"),
        (4, "缺席人员及原因"),
        (5, "召开日期"),
        (6, "会议主题"),
    }
    assert LifeMeeting.objects.count() == 0


def test_a_life_meeting_out_of_scope_is_named(tree, secretary_b):
    report = run("life_meetings", secretary_b, [meeting(tree.branch_b), meeting(tree.branch_a)])
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "党组织代码", "未找到该党组织，或该党组织不在您的管理范围内")
    ]
    assert LifeMeeting.objects.count() == 0


def test_a_changed_life_meeting_is_previewed_and_audited(tree, secretary_a):
    make_life_meeting(tree.branch_a, actor=secretary_a)
    rows = [meeting(tree.branch_a, attended=4, absentees="农某 病假")]
    report = run("life_meetings", secretary_a, rows)
    assert report.needs_confirmation and (report.new, report.changed) == (0, 1)
    assert report.preview == [
        [
            2,
            "各甫村党支部2026年度民主生活会",
            [
                ["实参会班子成员", "5", "4"],
                ["缺席人员及原因", "（空）", "农某 病假"],
                ["会议主题", "对照检查，开展批评与自我批评", "对照检查"],
            ],
        ]
    ]
    assert LifeMeeting.objects.get().leaders_attended == 5
    before = audits(LifeMeeting)
    assert run("life_meetings", secretary_a, rows, confirm=report.digest).updated == 1
    assert LifeMeeting.objects.get().leaders_attended == 4
    assert audits(LifeMeeting) == before + 1


def test_life_meetings_export_then_import_is_unchanged(tree, committee_staff):
    make_life_meeting(tree.committee, actor=committee_staff)
    make_life_meeting(tree.branch_a, actor=committee_staff, leaders_attended=4, absentees="农某 病假")
    round_trip("life_meetings", committee_staff, LifeMeeting)


# --- appraisal grades -------------------------------------------------------------------------------


def graded(member, word, *, year="2026", day="2026-11-20", note=""):
    return [member.id_number, "", year, word, day, note]


def test_a_valid_grades_file_is_written_with_the_rounds_grades(tree, branch_a_members, committee_staff):
    make_round(tree.committee, actor=committee_staff)
    a, b, c = branch_a_members[:3]
    report = run(
        "appraisal_grades", committee_staff, [graded(a, "优秀"), graded(b, "合格"), graded(c, "不合格")]
    )
    assert report.ok and report.created == 3, report.errors
    assert {m.member_id: m.category for m in MemberAppraisal.objects.all()} == {
        a.pk: "EXCELLENT",
        b.pk: "QUALIFIED",
        c.pk: "UNQUALIFIED",
    }
    assert audits(MemberAppraisal) == 3


def test_a_grades_file_good_except_its_last_row_writes_nothing(tree, branch_a_members, committee_staff):
    make_round(tree.committee, actor=committee_staff)
    a, b, c = branch_a_members[:3]
    report = run(
        "appraisal_grades", committee_staff, [graded(a, "合格"), graded(b, "合格"), graded(c, "称职")]
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "等次")]
    assert "不在" in report.errors[0].message
    assert MemberAppraisal.objects.count() == 0


def test_grade_rules_are_row_errors(tree, branch_a_members, member_c, county_staff):
    make_round(tree.committee, actor=county_staff)
    a, b = branch_a_members[:2]
    report = run(
        "appraisal_grades",
        county_staff,
        [
            graded(a, "合格"),
            graded(a, "优秀"),  # the member twice in a year
            graded(b, "合格", day="2026-10-01"),  # before the round started
            graded(member_c, "合格"),  # no round covers branch C
            graded(b, "合格", year="2025"),  # no round that year
        ],
    )
    assert {e.row for e in report.errors} == {3, 4, 5, 6}, report.errors
    assert MemberAppraisal.objects.count() == 0


def test_a_grade_out_of_scope_reads_as_not_found(tree, member_a, member_b, committee_staff, secretary_b):
    make_round(tree.committee, actor=committee_staff)
    report = run("appraisal_grades", secretary_b, [graded(member_b, "合格"), graded(member_a, "合格")])
    assert [(e.row, e.message) for e in report.errors] == [(3, "未找到该党员，或该党员不在您的管理范围内")]
    assert MemberAppraisal.objects.count() == 0


def test_excellent_over_a_third_is_a_warning_in_the_preview(tree, branch_a_members, committee_staff):
    make_round(tree.committee, actor=committee_staff)
    a, b = branch_a_members[:2]
    rows = [graded(a, "优秀"), graded(b, "优秀")]
    report = run("appraisal_grades", committee_staff, rows)
    assert report.ok and report.needs_confirmation and (report.new, report.changed) == (2, 0)
    assert report.preview[0][0] == 3 and "超过参评党员（2名）的1/3" in report.preview[0][1]
    assert MemberAppraisal.objects.count() == 0
    assert run("appraisal_grades", committee_staff, rows, confirm=report.digest).created == 2


def test_a_changed_grade_is_previewed_and_audited(tree, branch_a_members, committee_staff):
    round_ = make_round(tree.committee, actor=committee_staff)
    a, b, c = branch_a_members[:3]
    grade(round_, tree.branch_a, {a: "合格", b: "合格", c: "合格"}, actor=committee_staff)
    rows = [graded(a, "优秀"), graded(b, "合格"), graded(c, "合格")]
    report = run("appraisal_grades", committee_staff, rows)
    assert report.needs_confirmation and (report.new, report.changed, report.unchanged) == (0, 1, 2)
    assert report.preview == [[2, f"{a.name} 2026年度", [["等次", "合格", "优秀"]]]]
    before = audits(MemberAppraisal)
    assert run("appraisal_grades", committee_staff, rows, confirm=report.digest).updated == 1
    assert MemberAppraisal.objects.get(member=a).category == "EXCELLENT"
    assert audits(MemberAppraisal) == before + 1


def test_grades_export_then_import_is_unchanged(tree, branch_a_members, committee_staff):
    round_ = make_round(tree.committee, actor=committee_staff)
    a, b, c = branch_a_members[:3]
    grade(round_, tree.branch_a, {a: "优秀", b: "合格", c: "基本合格"}, actor=committee_staff)
    round_trip("appraisal_grades", committee_staff, MemberAppraisal)


# --- target agreements and scores ------------------------------------------------------------------

AGREEMENTS, SCORES = "责任书", "目标项得分"


def party_org(org, *, year=2026, signed="2026-02-20", exemption="", note=""):
    return [org.code, "", "", year, signed, exemption, note]


def party_member(member, *, year=2026, signed="2026-02-20", exemption="", note=""):
    return ["", member.id_number, "", year, signed, exemption, note]


def score_org(org, order, score, note="", *, day=SCORED):
    return [org.code, "", 2026, order, "", score, note, day]


def test_a_valid_agreements_file_issues_signs_exempts_and_scores(tree, branch_a_members, committee_staff):
    make_template(tree.committee, actor=committee_staff, level="ORGANIZATION", items=ORG_ITEMS)
    make_template(tree.committee, actor=committee_staff)  # members' template, handed down to the branches
    elder, young = branch_a_members[0], branch_a_members[1]
    report = run(
        "target_agreements",
        committee_staff,
        {
            AGREEMENTS: [
                party_org(tree.branch_a),
                party_org(tree.branch_b, signed=""),
                party_member(young),
                party_member(elder, signed="", exemption="高龄农村党员"),
            ],
            SCORES: [
                score_org(tree.branch_a, 1, "38", "发展对象培养不足"),
                score_org(tree.branch_a, 2, "30"),
                score_org(tree.branch_a, 3, "22", "党费收缴不及时"),
            ],
        },
    )
    assert report.ok, report.errors
    assert report.created == 7
    branch = TargetAgreement.objects.get(subject=tree.branch_a, member__isnull=True)
    assert (branch.organization, branch.signed_on, branch.items.count()) == (tree.committee, SIGN_DAY, 3)
    assert TargetAgreement.objects.get(subject=tree.branch_b).signed_on is None
    mine = TargetAgreement.objects.get(member=young)
    assert (mine.organization, mine.items.count()) == (tree.branch_a, 4)
    assert TargetAgreement.objects.get(member=elder).exemption == "RURAL_ELDERLY"
    score = AssessmentScore.objects.get()
    assert (score.total, score.grade, score.scored_on) == (Decimal("90.00"), "优秀", SCORED)


def test_an_agreements_file_good_except_its_last_row_writes_nothing(tree, committee_staff):
    make_template(tree.committee, actor=committee_staff, level="ORGANIZATION", items=ORG_ITEMS)
    report = run(
        "target_agreements",
        committee_staff,
        {
            AGREEMENTS: [party_org(tree.branch_a), party_org(tree.branch_b)],
            SCORES: [
                score_org(tree.branch_a, 1, "38"),
                score_org(tree.branch_a, 2, "30"),
                score_org(tree.branch_a, 3, "31"),
            ],
        },
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "目标项得分·得分")]
    assert TargetAgreement.objects.count() == 0 and AssessmentScore.objects.count() == 0


def test_agreement_rules_are_row_errors(tree, branch_a_members, committee_staff):
    make_template(tree.committee, actor=committee_staff, level="ORGANIZATION", items=ORG_ITEMS)
    young = branch_a_members[1]
    report = run(
        "target_agreements",
        committee_staff,
        {
            AGREEMENTS: [
                party_org(tree.branch_a),
                party_org(tree.branch_a, signed=""),  # twice in a year
                party_org(tree.branch_b, signed="2025-06-01"),  # signed outside the year
                party_member(young),  # no members' template for the year
                party_org(tree.branch_b, exemption="其他", signed=""),  # an organization exempt
            ],
            SCORES: [score_org(tree.branch_a, 1, "38"), score_org(tree.branch_a, 2, "30")],  # item 3 missing
        },
    )
    assert {e.row for e in report.errors if e.column.startswith(AGREEMENTS)} == {3, 4, 5, 6}, report.errors
    assert any("第3项未填写得分" in e.message for e in report.errors)
    assert TargetAgreement.objects.count() == 0


def test_an_agreement_out_of_scope_reads_as_not_found(tree, member_a, secretary_b):
    report = run(
        "target_agreements",
        secretary_b,
        {AGREEMENTS: [party_org(tree.branch_a), party_member(member_a, signed="", exemption="其他")]},
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "未找到该党组织，或该党组织不在您的管理范围内"),
        (3, "未找到该党员，或该党员不在您的管理范围内"),
    ]
    assert TargetAgreement.objects.count() == 0


def _scored(tree, actor):
    template = make_template(tree.committee, actor=actor, level="ORGANIZATION", items=ORG_ITEMS)
    (agreement,) = sign_orgs(tree.committee, [tree.branch_a], actor=actor, template=template)
    items = {i.order: i.pk for i in agreement.items.all()}
    agreement_score(
        actor=actor,
        agreement=agreement,
        scores={items[1]: ("38", "发展对象培养不足"), items[2]: ("30", ""), items[3]: ("30", "")},
        scored_on=SCORED,
    )
    return agreement


def test_a_changed_score_is_previewed_and_audited(tree, committee_staff):
    _scored(tree, committee_staff)
    sheets = {
        AGREEMENTS: [party_org(tree.branch_a)],
        SCORES: [
            score_org(tree.branch_a, 1, "38", "发展对象培养不足"),
            score_org(tree.branch_a, 2, "30"),
            score_org(tree.branch_a, 3, "20", "党费收缴不及时"),
        ],
    }
    report = run("target_agreements", committee_staff, sheets)
    assert report.needs_confirmation and (report.new, report.changed, report.unchanged) == (0, 1, 3)
    assert report.preview == [
        [
            4,
            "各甫村党支部 2026年度责任书",
            [["第3项得分", "30.00", "20.00"], ["第3项扣分说明", "（空）", "党费收缴不及时"]],
        ]
    ]
    before = audits(AgreementItem)
    assert run("target_agreements", committee_staff, sheets, confirm=report.digest).updated == 1
    assert AssessmentScore.objects.get().total == Decimal("88.00")
    assert audits(AgreementItem) == before + 1


def test_a_changed_signing_day_is_previewed_and_audited(tree, committee_staff):
    sign_orgs(
        tree.committee,
        [tree.branch_a],
        actor=committee_staff,
        template=make_template(tree.committee, actor=committee_staff, level="ORGANIZATION", items=ORG_ITEMS),
    )
    rows = {AGREEMENTS: [party_org(tree.branch_a, signed="2026-03-01")]}
    report = run("target_agreements", committee_staff, rows)
    assert report.preview == [[2, "各甫村党支部 2026年度责任书", [["签订日期", "2026-02-20", "2026-03-01"]]]]
    before = audits(TargetAgreement)
    assert run("target_agreements", committee_staff, rows, confirm=report.digest).updated == 1
    assert TargetAgreement.objects.get().signed_on == dt.date(2026, 3, 1)
    assert audits(TargetAgreement) == before + 1


def test_agreements_export_then_import_is_unchanged(tree, branch_a_members, committee_staff):
    _scored(tree, committee_staff)
    make_template(tree.committee, actor=committee_staff)
    run(
        "target_agreements",
        committee_staff,
        {
            AGREEMENTS: [
                party_member(branch_a_members[1]),
                party_member(branch_a_members[0], signed="", exemption="其他", note="长期卧床"),
            ]
        },
    )
    content = get_kind("target_agreements").export(committee_staff)
    book = load_workbook(BytesIO(content))
    assert book[AGREEMENTS].max_row == 4 and book[SCORES].max_row == 4
    round_trip("target_agreements", committee_staff, TargetAgreement)
    round_trip("target_agreements", committee_staff, AgreementItem)
