"""The dues workbooks on the shared importer: payments and bases — valid, last row bad, out of scope, update, round trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from core.recordimports import get_kind, run_import
from dues.models import DuesAssessment, DuesPayment
from tests.factories import make_assessment, make_id, make_member, make_payments

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
PAID = dt.date(2026, 3, 15)


def workbook(kind_key: str, rows: list[list]) -> BytesIO:
    kind = get_kind(kind_key)
    return BytesIO(kind.workbook({kind.sheets[0].title: rows}))


def run(kind_key: str, actor, rows: list[list], confirm: str | None = None):
    return run_import(
        get_kind(kind_key), actor=actor, source=workbook(kind_key, rows), confirmed_digest=confirm
    )


def audits(model) -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


@pytest.fixture
def assessed(tree, member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a)  # a farmer, 1.00 元 a month from January
    return member_a


@pytest.fixture
def second(tree, admin_user, secretary_a, today):
    member = make_member(
        tree.branch_a,
        actor=admin_user,
        name="黄志明",
        birth_date=dt.date(1970, 2, 3),
        seq=7,
        gender="M",
        joined_on=dt.date(1995, 7, 1),
        full_on=dt.date(1996, 7, 1),
    )
    make_assessment(member, actor=secretary_a)
    return member


# --- payments ---------------------------------------------------------------------------------------


def test_a_valid_payments_file_is_written_with_receipts_and_audit_rows(assessed, second, secretary_a):
    before = audits(DuesPayment)
    report = run(
        "dues_payments",
        secretary_a,
        [
            [assessed.id_number, assessed.name, "2026-01至2026-03", "3", PAID, ""],
            [second.id_number, "", "2026-01", "1.00", PAID, "R-1"],
        ],
    )
    assert report.ok, report.errors
    assert (report.new, report.changed, report.created) == (4, 0, 4)
    payments = DuesPayment.objects.order_by("member_id", "month")
    assert [(p.member_id, p.month, p.amount) for p in payments] == [
        (assessed.pk, JAN, Decimal("1.00")),
        (assessed.pk, FEB, Decimal("1.00")),
        (assessed.pk, MAR, Decimal("1.00")),
        (second.pk, JAN, Decimal("1.00")),
    ]
    assert {p.receipt_no for p in payments if p.member_id == assessed.pk} == {"2026-0001"}
    assert payments.get(member=second).receipt_no == "R-1"
    assert audits(DuesPayment) == before + 4


def test_a_file_good_except_its_last_row_writes_nothing_and_names_the_row(assessed, second, secretary_a):
    report = run(
        "dues_payments",
        secretary_a,
        [
            [assessed.id_number, "", "2026-01", "1", PAID, ""],
            [second.id_number, "", "2026-01", "1", PAID, ""],
            [second.id_number, "", "2026-02", "-1", PAID, ""],
        ],
    )
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(4, "金额")]
    assert DuesPayment.objects.count() == 0


def test_every_rule_is_an_error_of_its_row(assessed, second, secretary_a):
    report = run(
        "dues_payments",
        secretary_a,
        [
            [assessed.id_number, "", "2026-01", "1", PAID, ""],
            [
                assessed.id_number,
                "",
                "2025-12至2026-01",
                "2",
                PAID,
                "",
            ],  # 2026-01 twice; 2025-12 not assessed
            [second.id_number, "王五", "2026-01", "1", PAID, ""],  # not the registered name
            ["110101199003071235", "", "2026-01", "1", PAID, ""],  # a bad checksum
            [second.id_number, "", "2027-01", "1", PAID, ""],  # beyond the year paid in
            [second.id_number, "", "2026-01", "1", dt.date(2026, 12, 1), ""],  # in the future
        ],
    )
    rows = {e.row for e in report.errors}
    assert rows == {3, 4, 5, 6, 7}, report.errors
    assert any("与第2行重复" in e.message for e in report.errors)
    assert any("尚未核定" in e.message for e in report.errors)
    assert DuesPayment.objects.count() == 0


def test_a_member_out_of_scope_reads_as_not_found(assessed, member_b, secretary_b, today):
    report = run(
        "dues_payments",
        secretary_b,
        [
            [assessed.id_number, "", "2026-01", "1", PAID, ""],
            [make_id(dt.date(1960, 5, 5), 3, True), "", "2026-01", "1", PAID, ""],  # registered nowhere
        ],
    )
    messages = {(e.row, e.message) for e in report.errors}
    assert {row for row, _ in messages} == {2, 3}
    assert len({message for _, message in messages}) == 1  # unknown and out of scope read alike
    assert DuesPayment.objects.count() == 0


def test_a_changed_amount_is_previewed_then_voids_and_records_again_audited(assessed, secretary_a):
    make_payments(assessed.organization, actor=secretary_a, entries=[(assessed, JAN, "1.00")], paid_on=PAID)
    old = DuesPayment.objects.get()
    rows = [
        [assessed.id_number, "", "2026-01", "2.00", PAID, old.receipt_no],
        [assessed.id_number, "", "2026-02", "1.00", PAID, ""],
    ]
    report = run("dues_payments", secretary_a, rows)
    assert report.needs_confirmation and (report.new, report.changed, report.unchanged) == (1, 1, 0)
    assert report.preview == [[2, f"{assessed.name} 2026年1月", [["金额", "1.00", "2.00"]]]]
    assert DuesPayment.objects.count() == 1  # nothing written before the confirmation
    before = audits(DuesPayment)
    written = run("dues_payments", secretary_a, rows, confirm=report.digest)
    assert written.ok and (written.created, written.updated) == (1, 1)
    old.refresh_from_db()
    assert old.voided_on is not None and old.void_reason == "导入更正"
    live = DuesPayment.objects.live().get(month=JAN)
    assert live.amount == Decimal("2.00")
    assert audits(DuesPayment) == before + 3  # the void, the new January, February


def _written(secretary_a, rows, batch, monkeypatch):
    """Import ``rows`` (confirmed) writing ``batch`` rows at a time; the payments and audit rows, then undo."""
    from django.db import transaction

    import dues.imports

    monkeypatch.setattr(dues.imports, "BATCH", batch)
    last = LogEntry.objects.order_by("pk").last().pk
    with transaction.atomic():
        report = run("dues_payments", secretary_a, rows, confirm="*")
        assert report.ok, report.errors
        payments = {
            p.pk: (p.member_id, p.month, p.amount, p.paid_on, p.receipt_no, p.voided_on, p.created_at)
            for p in DuesPayment.objects.all()
        }
        entries = []
        for e in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(DuesPayment), pk__gt=last
        ).order_by("pk"):
            changes = dict(e.changes_dict)
            for name in ("created_at", "updated_at"):  # when it ran: the payment's own time
                if name in changes:
                    assert changes[name][1] == str(payments[e.object_id][-1])[:19]
                    changes[name] = "<insert time>"
            entries.append((e.action, e.object_id, e.object_repr, e.actor_email, changes))
        transaction.set_rollback(True)
    # Keys as ranks: PostgreSQL's sequences do not roll back, so the second run's keys are higher.
    rank = {pk: f"#{i}" for i, pk in enumerate(sorted(payments))}
    for i, (action, object_id, text, actor, changes) in enumerate(entries):
        if "id" in changes:
            changes["id"] = [changes["id"][0], rank.get(int(changes["id"][1]), changes["id"][1])]
        entries[i] = (action, rank.get(object_id, object_id), text, actor, changes)
    return {rank[pk]: row[:-1] for pk, row in payments.items()}, entries


def test_payments_written_in_batches_are_the_same_payments_and_audit_rows(
    assessed, second, secretary_a, monkeypatch
):
    make_payments(assessed.organization, actor=secretary_a, entries=[(assessed, JAN, "1.00")], paid_on=PAID)
    rows = [
        [
            assessed.id_number,
            "",
            "2026-01至2026-03",
            "6",
            PAID,
            "",
        ],  # January changes: voided, recorded again
        [second.id_number, "", "2026-01", "1.00", dt.date(2026, 3, 1), ""],
        [second.id_number, "", "2026-02", "1.00", PAID, "R-9"],
        [second.id_number, "", "2026-03", "1.00", PAID, ""],
        [assessed.id_number, "", "2026-04", "1.00", dt.date(2026, 3, 1), ""],
    ]
    at_once = _written(secretary_a, rows, 5000, monkeypatch)
    in_twos = _written(secretary_a, rows, 2, monkeypatch)
    assert in_twos == at_once
    payments, entries = at_once
    receipts = {
        (member, month): receipt for member, month, *_, receipt, voided in payments.values() if not voided
    }
    # One number per member and day paid, in order of day, then member: the same however the rows are batched.
    assert assessed.pk < second.pk
    assert receipts[(assessed.pk, dt.date(2026, 4, 1))] == "2026-0002"
    assert receipts[(second.pk, JAN)] == "2026-0003"
    assert receipts[(assessed.pk, JAN)] == receipts[(assessed.pk, MAR)] == "2026-0004"
    assert receipts[(second.pk, FEB)] == "R-9" and receipts[(second.pk, MAR)] == "2026-0005"
    # the first audit row voids the payment recorded before the import (the lowest key: #0)
    assert [(action, pk) for action, pk, *_ in entries][0] == (LogEntry.Action.UPDATE, "#0")
    assert payments["#0"][0] == assessed.pk and payments["#0"][5] is not None  # voided
    assert len(entries) == 1 + 7


def test_a_stale_confirmation_writes_nothing(assessed, secretary_a):
    make_payments(assessed.organization, actor=secretary_a, entries=[(assessed, JAN, "1.00")], paid_on=PAID)
    report = run(
        "dues_payments",
        secretary_a,
        [[assessed.id_number, "", "2026-01", "2.00", PAID, ""]],
        confirm="x" * 64,
    )
    assert report.errors and "预览之后" in report.errors[0].message
    assert DuesPayment.objects.live().get().amount == Decimal("1.00")


def test_payments_export_then_import_is_unchanged(assessed, second, secretary_a):
    make_payments(
        assessed.organization,
        actor=secretary_a,
        entries=[(assessed, JAN, "1.00"), (assessed, FEB, "1.00"), (second, JAN, "1.00")],
        paid_on=PAID,
    )
    kind = get_kind("dues_payments")
    content = kind.export(secretary_a)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["公民身份号码", "姓名", "月份", "金额", "缴纳日期", "收据号"]
    assert sheet.max_row == 4
    before = list(
        DuesPayment.objects.order_by("pk").values_list(
            "member_id", "month", "amount", "paid_on", "receipt_no"
        )
    )
    report = run_import(kind, actor=secretary_a, source=BytesIO(content))
    assert report.ok and (report.new, report.changed, report.unchanged) == (0, 0, 3)
    after = list(
        DuesPayment.objects.order_by("pk").values_list(
            "member_id", "month", "amount", "paid_on", "receipt_no"
        )
    )
    assert after == before


def test_the_command_prints_the_preview_and_writes_with_confirm(assessed, secretary_a, tmp_path, capsys):
    make_payments(assessed.organization, actor=secretary_a, entries=[(assessed, JAN, "1.00")], paid_on=PAID)
    path = tmp_path / "dues.xlsx"
    path.write_bytes(
        workbook("dues_payments", [[assessed.id_number, "", "2026-01", "2", PAID, ""]]).getvalue()
    )
    call_command("import_records", "dues_payments", str(path), "--user", secretary_a.username)
    assert "金额：1.00 → 2.00" in capsys.readouterr().out
    assert DuesPayment.objects.live().get().amount == Decimal("1.00")
    call_command("import_records", "dues_payments", str(path), "--user", secretary_a.username, "--confirm")
    assert DuesPayment.objects.live().get().amount == Decimal("2.00")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook("dues_payments", [[assessed.id_number, "", "2026-13", "2", PAID, ""]]).getvalue()
    )
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("import_records", "dues_payments", str(bad), "--user", secretary_a.username)


# --- bases --------------------------------------------------------------------------------------------


def test_a_valid_bases_file_is_written_through_the_service(member_a, second, secretary_a, today):
    report = run(
        "dues_bases",
        secretary_a,
        [
            [member_a.id_number, "", "在职党员（按工资收入比例）", "5200", "", "2026-01", ""],
            [second.id_number, "", "农民", "", "", "2026-06", ""],
        ],
    )
    assert report.ok, report.errors
    assert report.created == 2
    assert DuesAssessment.objects.get(member=member_a).income == Decimal("5200.00")


def test_a_bases_file_good_except_its_last_row_writes_nothing(member_a, second, secretary_a, today):
    before = DuesAssessment.objects.count()
    report = run(
        "dues_bases",
        secretary_a,
        [
            [member_a.id_number, "", "在职", "5200", "", "2026-01", ""],
            [second.id_number, "", "在职", "", "", "2026-06", ""],  # no base
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "基数")]
    assert DuesAssessment.objects.count() == before


def test_a_base_out_of_scope_is_refused(member_a, secretary_b, today):
    report = run("dues_bases", secretary_b, [[member_a.id_number, "", "农民", "", "", "2026-01", ""]])
    assert [(e.row, e.message) for e in report.errors] == [(2, "未找到该党员，或该党员不在您的管理范围内")]


def test_a_changed_base_is_previewed_and_audited(member_a, secretary_a, today):
    make_assessment(member_a, actor=secretary_a, category="IN_SERVICE", income="5000")
    rows = [[member_a.id_number, "", "在职", "5200", "", "2026-01", ""]]
    report = run("dues_bases", secretary_a, rows)
    assert report.needs_confirmation and report.preview == [
        [2, f"{member_a.name} 2026年1月起", [["基数", "5000.00", "5200.00"]]]
    ]
    before = audits(DuesAssessment)
    assert run("dues_bases", secretary_a, rows, confirm=report.digest).updated == 1
    assert DuesAssessment.objects.get().income == Decimal("5200.00")
    assert audits(DuesAssessment) == before + 1


def test_bases_export_then_import_is_unchanged(member_a, second, secretary_a, today):
    make_assessment(member_a, actor=secretary_a, category="IN_SERVICE", income="5000")
    make_assessment(
        second, actor=secretary_a, effective_from=dt.date(2026, 6, 1), category="FARMER", amount="0.50"
    )
    kind = get_kind("dues_bases")
    before = list(DuesAssessment.objects.order_by("pk").values())
    report = run_import(kind, actor=secretary_a, source=BytesIO(kind.export(secretary_a)))
    assert report.ok, report.errors
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    assert list(DuesAssessment.objects.order_by("pk").values()) == before


def test_the_payments_import_costs_the_same_queries_for_more_rows(assessed, second, secretary_a):
    """Bounded work: the queries do not grow with the rows (lookups, rules, inserts and audit rows in bulk)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows: list[list]) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = run("dues_payments", secretary_a, rows)
        assert report.ok and report.created == len(rows), report.errors
        return len(captured.captured_queries)

    queries([[assessed.id_number, "", "2026-01", "1", PAID, ""]])  # the first also opens the year's receipts
    few = queries([[assessed.id_number, "", "2026-02", "1", PAID, ""]])
    many = queries(
        [[assessed.id_number, "", f"2026-{month:02d}", "1", PAID, ""] for month in range(3, 11)]
        + [[second.id_number, "", f"2026-{month:02d}", "1", PAID, ""] for month in range(1, 11)]
    )
    assert many == few
