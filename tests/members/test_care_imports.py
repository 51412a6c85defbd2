"""Care visits on the shared importer: valid, last row bad, out of scope, update, round trip, the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from core.recordimports import get_kind, run_import
from dues.models import RetainedFundEntry
from members.models import CareVisit, CareVisitMember
from tests.factories import make_care_visit, make_id

pytestmark = pytest.mark.django_db

KEY = "care_visits"
DAY = dt.date(2026, 7, 1)


def workbook(rows: list[list]) -> BytesIO:
    kind = get_kind(KEY)
    return BytesIO(kind.workbook({kind.sheets[0].title: rows}))


def run(actor, rows: list[list], confirm: str | None = None):
    return run_import(get_kind(KEY), actor=actor, source=workbook(rows), confirmed_digest=confirm)


def audits(model) -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


def row(org, member, amount="500", *, day=DAY, occasion="七一", funding="财政", visitors="支部书记", name=""):
    return [org.code, day, occasion, visitors, funding, member.id_number, name, amount]


def test_template_has_the_columns_dropdowns_and_help(tree):
    book = load_workbook(BytesIO(get_kind(KEY).template()))
    assert book.sheetnames[0] == "走访慰问" and "说明" in book.sheetnames
    headers = [c.value for c in book["走访慰问"][1]]
    assert headers == [
        "组织单位代码",
        "走访日期",
        "慰问时机",
        "走访人员",
        "经费来源",
        "公民身份号码",
        "姓名",
        "慰问金（元）",
    ]
    help_text = " ".join(str(c.value) for r in book["说明"].iter_rows() for c in r if c.value)
    assert "都相同的各行为同一次走访" in help_text


def test_a_valid_file_groups_rows_into_visits(tree, member_a, member_b, committee_staff):
    report = run(
        committee_staff,
        [
            row(tree.committee, member_a, "500", name=member_a.name),
            row(tree.committee, member_b, "300"),
            row(tree.branch_a, member_a, "100", occasion="春节", day=dt.date(2026, 2, 1)),
        ],
    )
    assert report.ok, report.errors
    assert (report.new, report.created) == (3, 3)
    visits = CareVisit.objects.order_by("visited_on")
    assert [(v.organization, v.occasion, v.recipients.count()) for v in visits] == [
        (tree.branch_a, "SPRING_FESTIVAL", 1),
        (tree.committee, "JULY_FIRST", 2),
    ]
    assert audits(CareVisitMember) == 3


def test_retained_dues_funding_posts_a_ledger_entry(tree, member_a, secretary_a):
    report = run(secretary_a, [row(tree.branch_a, member_a, "200", funding="留存党费")])
    assert report.ok, report.errors
    entry = RetainedFundEntry.objects.get(care_visit__isnull=False)
    assert entry.amount == Decimal("-200.00") and entry.organization == tree.branch_a


def test_a_file_good_except_its_last_row_writes_nothing(tree, member_a, member_b, committee_staff):
    report = run(
        committee_staff,
        [
            row(tree.committee, member_a),
            row(tree.committee, member_b),
            row(tree.committee, member_b, "50", day=dt.date(2099, 1, 1)),
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "走访日期")]
    assert CareVisit.objects.count() == 0


def test_every_rule_is_an_error_of_its_row(tree, member_a, member_b, committee_staff):
    report = run(
        committee_staff,
        [
            row(tree.committee, member_a),
            row(tree.committee, member_a, "20"),  # twice in one visit
            row(tree.branch_a, member_b),  # not a member of the organizer's subtree
            row(tree.committee, member_b, visitors="党委书记"),  # the visit's visitors differ
            row(tree.committee, member_b, "-5", day=dt.date(2026, 5, 1)),  # a negative amount
            row(tree.committee, member_b, occasion="端午", day=dt.date(2026, 5, 2)),  # not a choice
            row(tree.committee, member_a, day=dt.date(1950, 1, 1)),  # before joining
        ],
    )
    assert {e.row for e in report.errors} == {3, 4, 5, 6, 7, 8}, report.errors
    assert any("与第2行重复" in e.message for e in report.errors)
    assert CareVisit.objects.count() == 0


def test_a_row_out_of_scope_is_named_without_saying_whether_it_exists(tree, member_a, member_c, secretary_b):
    unknown = make_id(dt.date(1960, 5, 5), 3, True)
    report = run(
        secretary_b,
        [
            row(tree.branch_b, member_a),  # another branch's member
            row(tree.branch_a, member_a),  # another branch as organizer
            [tree.branch_b.code, DAY, "七一", "书记", "财政", unknown, "", "1"],  # registered nowhere
        ],
    )
    found = {(e.row, e.column, e.message) for e in report.errors}
    assert (2, "公民身份号码", "未找到该党员，或该党员不在您的管理范围内") in found
    assert (3, "组织单位代码", "未找到该党组织，或该党组织不在您的管理范围内") in found
    assert (4, "公民身份号码", "未找到该党员，或该党员不在您的管理范围内") in found
    assert CareVisit.objects.count() == 0


def test_a_changed_amount_is_previewed_then_written_and_audited(tree, member_a, member_b, committee_staff):
    make_care_visit(
        tree.committee, actor=committee_staff, entries=[(member_a, "500")], visited_on=DAY, funding="FISCAL"
    )
    rows = [row(tree.committee, member_a, "800"), row(tree.committee, member_b, "300")]
    report = run(committee_staff, rows)
    assert report.needs_confirmation and (report.new, report.changed, report.unchanged) == (1, 1, 0)
    assert report.preview == [
        [2, f"{member_a.name} 2026-07-01七一走访慰问", [["慰问金（元）", "500.00", "800.00"]]]
    ]
    assert CareVisitMember.objects.count() == 1
    before = audits(CareVisitMember)
    written = run(committee_staff, rows, confirm=report.digest)
    assert written.ok and (written.created, written.updated) == (1, 1)
    visit = CareVisit.objects.get()
    assert {r.member_id: r.amount for r in visit.recipients.all()} == {
        member_a.pk: Decimal("800.00"),
        member_b.pk: Decimal("300.00"),
    }
    assert audits(CareVisitMember) == before + 2


def test_export_then_import_is_unchanged(tree, member_a, member_b, committee_staff):
    make_care_visit(
        tree.committee,
        actor=committee_staff,
        entries=[(member_a, "500"), (member_b, "300")],
        visited_on=DAY,
        funding="FISCAL",
    )
    make_care_visit(
        tree.branch_a, actor=committee_staff, entries=[(member_a, "0")], visited_on=dt.date(2026, 2, 1)
    )
    kind = get_kind(KEY)
    content = kind.export(committee_staff)
    assert load_workbook(BytesIO(content)).worksheets[0].max_row == 4
    before = list(CareVisitMember.objects.order_by("pk").values())
    report = run_import(kind, actor=committee_staff, source=BytesIO(content))
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    assert list(CareVisitMember.objects.order_by("pk").values()) == before
