"""The dues workbooks (core.recordimports): payments (党费交纳记录) and members' bases (党费核定).

Registered from ``DuesConfig.ready()``.  Each kind reads its rows, checks
them as the service does (dues.services.payments / .assessments), sorts them
into new / changed / unchanged and writes them all or nothing.  Payments
write in bulk (100,000 rows: prepared before the transaction, then
``bulk_create`` with their audit rows); a changed payment is voided and
recorded again (payments are never edited), both audited.  Bases are few
and go through the services one by one.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.bulkaudit import AuditContext, PendingCreates, update_entry
from core.fieldcrypto import lookup_hashes
from core.idcard import canonical_id_number, mask_id_number, parse_id_number
from core.money import parse_amount
from core.periodlock import check_period_open
from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.scopes import can_write, scope_root, sees_everything
from core.sheets import ID
from core.xlsx import ImportRejected, RowError, cell_date, cell_text
from members.models import Member
from members.services.transfers.letters import letters_follow_dues
from organizations.models import Organization

from . import months as m
from .choices import RATE_CATEGORIES, DuesCategory, PaymentKind
from .models import DuesAssessment, DuesPayment
from .selectors.levy import Standards, load_terms
from .services.assessments import _validate as validate_assessment
from .services.assessments import dues_assessment_create, dues_assessment_update
from .services.payments import SPECIAL_THRESHOLD, locked_receipts, receipt_no

ID_COL, NAME_COL = "公民身份号码", "姓名"
NOT_FOUND = "未找到该党员，或该党员不在您的管理范围内"
#: IN lists are cut to this size (SQLite allows 32,766 variables; PostgreSQL plans better short).
CHUNK = 2000
#: Rows per bulk insert.
BATCH = 5000


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def _parse_month(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    return m.parse_month(cell_text(value))


def parse_months(value: Any, column: str) -> list[dt.date]:
    """``2026-03`` or a range ``2026-01至2026-03`` (至, ~, －) → the months, in order."""
    if isinstance(value, dt.datetime | dt.date):
        return [dt.date(value.year, value.month, 1)]
    text = cell_text(value).replace("～", "至").replace("~", "至").replace("—", "至")
    if not text:
        raise RowProblem(column, "请填写月份，如 2026-03 或 2026-01至2026-03")
    parts = [p.strip() for p in text.split("至")]
    if len(parts) > 2 or not all(parts):
        raise RowProblem(column, f"月份格式不正确：{text}（应为 2026-03 或 2026-01至2026-03）")
    first, last = _parse_month(parts[0]), _parse_month(parts[-1])
    if first is None or last is None:
        raise RowProblem(column, f"月份格式不正确：{text}（应为 2026-03 或 2026-01至2026-03）")
    if last < first:
        raise RowProblem(column, f"月份范围的结束早于开始：{text}")
    if m.index(last) - m.index(first) >= 24:
        raise RowProblem(column, "一行的月份范围不能超过24个月")
    return m.months(first, last)


def _amount(value: Any, label: str, column: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        return parse_amount(value, label=label)
    except ValidationError as exc:
        raise RowProblem(column, exc.messages[0]) from None


def _date(value: Any, column: str, *, required: bool = True) -> dt.date | None:
    try:
        day = cell_date(value)
    except ValueError as exc:
        raise RowProblem(column, str(exc)) from None
    if day is None and required:
        raise RowProblem(column, f"请填写{column}")
    return day


class Roster:
    """The members the importer may see, by their ID number's hash: one query, no decryption."""

    def __init__(self, user: Any) -> None:
        self.by_hash: dict[str, tuple[int, str]] = {}
        for hash_, pk, name in Member.objects.visible_to(user).values_list("id_number_hash", "pk", "name"):
            self.by_hash[hash_] = (pk, name)

    def find(self, row: Row) -> tuple[int, str, str]:
        """(member id, name, number) of the row's member; out of scope and unknown read alike."""
        raw = row[ID_COL]
        if raw in (None, ""):
            raise RowProblem(ID_COL, "请填写公民身份号码")
        try:
            number = parse_id_number(raw).number
        except ValidationError as exc:
            raise RowProblem(ID_COL, exc.messages[0]) from None
        number = canonical_id_number(number)
        for hash_ in lookup_hashes(number):
            found = self.by_hash.get(hash_)
            if found is not None:
                name = cell_text(row[NAME_COL])
                if name and name != found[1]:
                    raise RowProblem(NAME_COL, f"姓名“{name}”与公民身份号码登记的党员不符")
                return found[0], found[1], number
        raise RowProblem(ID_COL, NOT_FOUND)


class Scope:
    """The organizations the importer may write in (their subtree), by id: one query."""

    def __init__(self, user: Any) -> None:
        self.user = user
        root = scope_root(user)
        if not can_write(user):
            self.ids: set[int] | None = set()
        elif sees_everything(user):
            self.ids = None  # everything
        else:
            self.ids = set(Organization.objects.filter(path__subtree=root.path).values_list("pk", flat=True))

    def __contains__(self, org_id: int) -> bool:
        return self.ids is None or org_id in self.ids


def _export_id(user: Any) -> Any:
    full = can_write(user)
    return (lambda number: number) if full else mask_id_number


# ---------------------------------------------------------------------------
# 党费交纳记录
# ---------------------------------------------------------------------------

PAY_MONTH, PAY_AMOUNT, PAY_DATE, PAY_RECEIPT = "月份", "金额", "缴纳日期", "收据号"


@dataclass(slots=True)
class PaymentItem:
    """One month of one member's dues as a row of the file says (a range row gives several)."""

    row: int
    member_id: int
    name: str
    month: dt.date
    amount: Decimal
    paid_on: dt.date
    receipt: str
    organization_id: int = 0
    due: Decimal | None = None


def _key(member_id: int, month: dt.date) -> int:
    """(member, month) as one small int: a set of 100,000 of them is a few MB, not tuples and dates."""
    return member_id << 16 | m.index(month)


Existing = tuple[int, Decimal, dt.date, str]


def _with_existing(items: Sequence[PaymentItem]) -> Iterator[tuple[PaymentItem, Existing | None]]:
    """Each item with the live monthly payment of its member and month already there: (pk, amount, paid_on,
    receipt_no), or None.  Loaded a chunk of items at a time, so only a chunk's payments are ever held."""
    for chunk in _chunks(items):
        keys = {_key(i.member_id, i.month) for i in chunk}
        found: dict[int, Existing] = {}
        for pk, member_id, month, amount, paid_on, receipt in (
            DuesPayment.objects.live()
            .filter(
                member_id__in=sorted({i.member_id for i in chunk}),
                kind=PaymentKind.REGULAR,
                month__gte=min(i.month for i in chunk),
                month__lte=max(i.month for i in chunk),
            )
            .values_list("pk", "member_id", "month", "amount", "paid_on", "receipt_no")
        ):
            key = _key(member_id, month)
            if key in keys:
                found[key] = (pk, amount, paid_on, receipt)
        for item in chunk:
            yield item, found.get(_key(item.member_id, item.month))


@dataclass
class PaymentContext:
    user: Any
    roster: Roster
    scope: Scope
    #: One object per distinct month, day and amount, shared by the items (100,000 rows hold a few thousand).
    shared: dict[Any, Any] = field(default_factory=dict)
    #: The members and organizations of the file, as the payments' audit rows name them (no query per row)
    members: dict[int, Member] = field(default_factory=dict)
    orgs: dict[int, Organization] = field(default_factory=dict)


class DuesPaymentsKind(ImportKind):
    """党费交纳记录: one row per member and month (or range of months)."""

    key = "dues_payments"
    label = "党费交纳记录"
    group = "党费"
    sheets = (
        ImportSheet(
            "党费交纳记录",
            (
                Column(
                    ID_COL,
                    required=True,
                    kind=ID,
                    help="必填，18位（15位旧号码自动转换）",
                    example="110101199003071234",
                ),
                Column(NAME_COL, help="选填，仅用于核对：填写时须与登记的姓名一致", example="张三"),
                Column(
                    PAY_MONTH,
                    required=True,
                    width=20,
                    help="必填，所属月份，如 2026-03；连续几个月一次交纳可填范围，如 2026-01至2026-03",
                    example="2026-01至2026-03",
                ),
                Column(
                    PAY_AMOUNT,
                    required=True,
                    help="必填，元，最多两位小数；填月份范围时为这几个月合计，按月平均分摊（须能分到分）",
                    example="30",
                ),
                Column(
                    PAY_DATE,
                    required=True,
                    help="必填，交纳日期，不晚于今天；预交最多到该年12月",
                    example="2026-03-15",
                ),
                Column(PAY_RECEIPT, help="选填，留空由系统按党组织和年度自动编号", example="2026-0007"),
            ),
        ),
    )
    notes = (
        "每行为一名党员一个月（或连续几个月）按月交纳的党费；补交和特殊党费请在党费页面登记。",
        "该月须已核定党费标准，且党员该月在您管理范围内的党组织交纳党费；同一党员同一月份只能有一条记录。",
        "已登记的月份：金额、交纳日期或收据号不同的，确认后原记录作废并按表中内容重新登记（均留存修改记录）；相同的不变。",
    )

    def begin(self, user: Any) -> PaymentContext:
        return PaymentContext(user=user, roster=Roster(user), scope=Scope(user))

    def parse_row(self, row: Row, context: PaymentContext) -> list[PaymentItem]:
        problems: list[tuple[str, str]] = []
        member = months = amount = paid_on = None
        for step in ("member", "months", "amount", "paid_on"):
            try:
                if step == "member":
                    member = context.roster.find(row)
                elif step == "months":
                    months = parse_months(row[PAY_MONTH], PAY_MONTH)
                elif step == "amount":
                    amount = _amount(row[PAY_AMOUNT], "金额", PAY_AMOUNT)
                else:
                    paid_on = _date(row[PAY_DATE], PAY_DATE)
                    if paid_on > dt.date.today():
                        raise RowProblem(PAY_DATE, "交纳日期不能晚于今天")
            except RowProblem as exc:
                problems.extend(exc.problems)
        if problems:
            raise RowProblem(problems=problems)
        if amount <= 0:
            raise RowProblem(PAY_AMOUNT, "金额应大于0")
        each = (amount / len(months)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        if each * len(months) != amount:
            raise RowProblem(PAY_AMOUNT, f"合计{amount}元不能平均分到{len(months)}个月，请按月分行填写")
        if months[-1] > dt.date(paid_on.year, 12, 1):
            raise RowProblem(PAY_MONTH, f"只能预交到{paid_on.year}年12月")
        receipt = cell_text(row[PAY_RECEIPT])[:40]
        member_id, name, _number = member
        shared = context.shared
        each, paid_on = shared.setdefault(each, each), shared.setdefault(paid_on, paid_on)
        return [
            PaymentItem(row.number, member_id, name, shared.setdefault(month, month), each, paid_on, receipt)
            for month in months
        ]

    def parse(self, rows: Iterable[Row], context: PaymentContext) -> Iterator[Any]:
        for out in super().parse(rows, context):
            if isinstance(out, list):
                yield from out
            else:
                yield out

    def check(self, items: list[PaymentItem], context: PaymentContext) -> list[RowError]:
        """The rules against the members' dues: held here that month, assessed, not twice; fills org and due."""
        errors: list[RowError] = []
        member_ids = sorted({i.member_id for i in items})
        lo = min(m.index(i.month) for i in items)
        hi = max(m.index(i.month) for i in items)
        standards = Standards.load()
        terms: dict[int, Any] = {}
        for chunk in _chunks(member_ids):
            terms.update(load_terms(list(chunk), lo, hi))
        for chunk in _chunks(member_ids):
            context.members.update(Member.objects.only("id", "name").in_bulk(list(chunk)))
        orgs = context.orgs
        open_periods: dict[tuple[int, int, bool], str] = {}
        #: (member, month) as one int → the row that has it: the one per-row key kept for the whole file.
        seen: dict[int, int] = {}
        # A member's levies for the file's months, computed once per member.
        levies: dict[int, dict[int, tuple[int, Decimal | None]]] = {}
        for item in items:
            who = f"{m.label(item.month)}"
            key = _key(item.member_id, item.month)
            if key in seen and seen[key] != item.row:
                errors.append(
                    RowError(item.row, PAY_MONTH, f"{who}与第{seen[key]}行重复（同一党员同一月份）")
                )
                continue
            if key in seen:
                errors.append(RowError(item.row, PAY_MONTH, f"{who}在本行范围内重复"))
                continue
            seen[key] = item.row
            if item.member_id not in levies:
                member_terms = terms.get(item.member_id)
                levies[item.member_id] = (
                    {
                        month: (org, amount)
                        for month, org, amount, _pk in member_terms.charges(standards, lo, hi)
                    }
                    if member_terms
                    else {}
                )
                held = member_terms.months_held(lo, hi) if member_terms else {}
                for month, org in held.items():
                    levies[item.member_id].setdefault(month, (org, None))
            charge = levies[item.member_id].get(m.index(item.month))
            if charge is None:
                errors.append(RowError(item.row, PAY_MONTH, f"{who}不是党员或不在本县交纳党费，不能登记"))
                continue
            org_id, due = charge
            if org_id not in context.scope:
                errors.append(
                    RowError(item.row, PAY_MONTH, f"{who}不在您管理范围内的党组织交纳党费，不能登记")
                )
                continue
            if due is None:
                errors.append(RowError(item.row, PAY_MONTH, f"{who}尚未核定党费标准，请先核定"))
                continue
            if due <= 0:
                errors.append(RowError(item.row, PAY_MONTH, f"{who}经批准免交，无需登记"))
                continue
            if item.amount >= SPECIAL_THRESHOLD and item.amount > due:
                errors.append(
                    RowError(item.row, PAY_AMOUNT, "一次性交纳1000元以上的，请登记为特殊党费（全额上缴）")
                )
                continue
            # Reports close a year or a half-year (DESIGN.md: PERIOD is 2026 or 2026H1): one check per
            # organization and half-year, not per day paid (a year of dues holds ~60,000 such days).
            period = (org_id, item.paid_on.year, item.paid_on.month > 6)
            if period not in open_periods:
                if org_id not in orgs:
                    orgs[org_id] = Organization.objects.get(pk=org_id)
                try:
                    check_period_open(orgs[org_id], item.paid_on)
                    open_periods[period] = ""
                except ValidationError as exc:
                    open_periods[period] = exc.messages[0]
            if open_periods[period]:
                errors.append(RowError(item.row, PAY_DATE, open_periods[period]))
                continue
            item.organization_id, item.due = org_id, due
        return errors

    def diff(self, items: list[PaymentItem], context: PaymentContext) -> Diff:
        diff = Diff()
        for item, old in _with_existing(items):
            if old is None:
                diff.new.append(item)
                continue
            _pk, amount, paid_on, receipt = old
            fields = []
            if amount != item.amount:
                fields.append((PAY_AMOUNT, f"{amount}", f"{item.amount}"))
            if paid_on != item.paid_on:
                fields.append((PAY_DATE, f"{paid_on:%Y-%m-%d}", f"{item.paid_on:%Y-%m-%d}"))
            if item.receipt and item.receipt != receipt:
                fields.append((PAY_RECEIPT, receipt or "（空）", item.receipt))
            if fields:
                diff.changed.append(
                    Change(item.row, f"{item.name} {m.label(item.month)}", fields, item=item, existing=old)
                )
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: PaymentContext) -> tuple[int, int]:
        """Void the changed months' payments, insert every new payment; one transaction, audited.

        Bounded memory: the items stay as they are (compact); the payments, their
        audit rows and the voided rows are built, inserted and dropped a batch at a
        time (BATCH rows), so what the write holds does not grow with the file.
        """
        audit = AuditContext.current(actor)
        recorder = actor if getattr(actor, "pk", None) else None
        items: list[PaymentItem] = [*diff.new, *(c.item for c in diff.changed)]
        numbering = _Numbering(items)
        today = dt.date.today()
        try:
            with transaction.atomic():
                receipts = numbering.lock()
                for batch in _chunks(diff.changed, BATCH):
                    self._void(
                        [
                            DuesPayment(
                                pk=c.existing[0], voided_on=today, void_reason="导入更正", voided_by=recorder
                            )
                            for c in batch
                        ],
                        audit,
                    )
                for start in range(0, len(items), BATCH):
                    payments = [
                        DuesPayment(
                            member=context.members[i.member_id],
                            organization=context.orgs[i.organization_id],
                            month=i.month,
                            kind=PaymentKind.REGULAR,
                            amount=i.amount,
                            due=i.due,
                            paid_on=i.paid_on,
                            receipt_no=i.receipt or receipts(start + n),
                            note="导入",
                            recorded_by=recorder,
                        )
                        for n, i in enumerate(items[start : start + BATCH])
                    ]
                    creates = PendingCreates(payments, audit)
                    DuesPayment.objects.bulk_create(payments)
                    creates.insert()
                    del payments, creates
                member_ids = sorted({i.member_id for i in items})
                for chunk in _chunks(member_ids):
                    letters_follow_dues(actor=actor, member_ids=list(chunk))
        except IntegrityError:
            raise ImportRejected(
                [RowError(0, "", "其中有党员的党费刚刚已由他人登记，未写入任何数据，请重新导入")]
            ) from None
        return len(diff.new), len(diff.changed)

    @staticmethod
    def _void(voided: list[DuesPayment], audit: AuditContext) -> None:
        from auditlog.models import LogEntry

        olds = DuesPayment.objects.in_bulk([v.pk for v in voided])
        entries = []
        for new in voided:
            old = olds[new.pk]
            changed = DuesPayment(
                **{f.attname: getattr(old, f.attname) for f in DuesPayment._meta.concrete_fields}
            )
            changed.voided_on, changed.void_reason, changed.voided_by_id = (
                new.voided_on,
                new.void_reason,
                new.voided_by_id,
            )
            entry = update_entry(old, changed, ["voided_on", "void_reason", "voided_by"], audit)
            if entry is not None:
                entries.append(entry)
        DuesPayment.objects.bulk_update(voided, ["voided_on", "void_reason", "voided_by"], batch_size=BATCH)
        LogEntry.objects.bulk_create(entries, batch_size=BATCH)

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        shown = _export_id(user)
        payments = (
            DuesPayment.objects.visible_to(user)
            .live()
            .filter(kind=PaymentKind.REGULAR)
            .select_related("member")
            .only("member__id_number", "member__name", "month", "amount", "paid_on", "receipt_no")
            .order_by("organization__path", "member__name", "member_id", "month")
        )
        if filters.get("year", "").isdigit():
            payments = payments.filter(month__year=int(filters["year"]))
        rows = (
            [shown(p.member.id_number), p.member.name, month_text(p.month), p.amount, p.paid_on, p.receipt_no]
            for p in payments.iterator(chunk_size=2000)
        )
        return {self.sheets[0].title: rows}


class _Numbering:
    """Receipt numbers for the items without one: one per member and day paid, per organization and year.

    Worked out before the transaction as an ordinal per item (in the group's order
    of day paid, member, month); inside it, :meth:`lock` takes each group's
    sequence (``locked_receipts``), moves it on by the group's count and gives
    the number of an item by its index.
    """

    def __init__(self, items: Sequence[PaymentItem]) -> None:
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            if not item.receipt:
                groups[(item.organization_id, item.paid_on.year)].append(index)
        #: per item: its group's index << 32 | its ordinal in the group (-1: the item has its receipt)
        self.of = array("q", [-1]) * len(items)
        self.groups = list(groups)
        self.counts: list[int] = []
        for g, indexes in enumerate(groups.values()):
            indexes.sort(key=lambda i: (items[i].paid_on, items[i].member_id, items[i].month))
            ordinal, last = -1, None
            for i in indexes:
                key = (items[i].member_id, items[i].paid_on)
                if key != last:
                    ordinal, last = ordinal + 1, key
                self.of[i] = g << 32 | ordinal
            self.counts.append(ordinal + 1)

    def lock(self) -> Any:
        """Inside the transaction: lock and move on every group's sequence; ``number(index)`` → its receipt."""
        if not self.groups:
            return lambda index: ""
        orgs = Organization.objects.in_bulk({org_id for org_id, _ in self.groups})
        starts: list[tuple[int, int]] = []
        for (org_id, year), count in zip(self.groups, self.counts, strict=True):
            sequence = locked_receipts(orgs[org_id], year)
            starts.append((year, sequence.last_number))
            sequence.last_number += count
            sequence.save(update_fields=["last_number"])

        def number(index: int) -> str:
            year, last = starts[self.of[index] >> 32]
            return receipt_no(SimpleNamespace(year=year, last_number=last + (self.of[index] & 0xFFFFFFFF)))

        return number


# ---------------------------------------------------------------------------
# 党费核定 (category and base)
# ---------------------------------------------------------------------------

BASE_CATEGORY, BASE_INCOME, BASE_AMOUNT, BASE_FROM, BASE_NOTE = "类别", "基数", "每月定额", "起始月份", "说明"
CATEGORY_BY_LABEL = {label: value for value, label in DuesCategory.choices} | {
    short: value
    for value, short in (
        ("IN_SERVICE", "在职"),
        ("RETIRED", "离退休"),
        ("FARMER", "农民"),
        ("STUDENT", "学生"),
        ("UNEMPLOYED", "下岗失业"),
        ("RELIEF", "低保救济"),
        ("EXEMPT", "免交"),
    )
}


@dataclass(slots=True)
class BaseItem:
    row: int
    member_id: int
    name: str
    category: str
    income: Decimal | None
    amount: Decimal | None
    effective_from: dt.date
    note: str


@dataclass
class BaseContext:
    user: Any
    roster: Roster
    scope: Scope
    standards: Standards
    members: dict[int, Member] = field(default_factory=dict)
    existing: dict[tuple[int, dt.date], DuesAssessment] = field(default_factory=dict)


def _money_text(value: Decimal | None) -> str:
    return "（空）" if value is None else f"{value}"


class DuesBasesKind(ImportKind):
    """党费核定: each member's category and base from a month on."""

    key = "dues_bases"
    label = "党费核定（类别和基数）"
    group = "党费"
    sheets = (
        ImportSheet(
            "党费核定",
            (
                Column(
                    ID_COL,
                    required=True,
                    kind=ID,
                    help="必填，18位（15位旧号码自动转换）",
                    example="110101199003071234",
                ),
                Column(NAME_COL, help="选填，仅用于核对：填写时须与登记的姓名一致", example="张三"),
                Column(
                    BASE_CATEGORY,
                    required=True,
                    choices=tuple(DuesCategory.labels),
                    help="必填，从下拉列表选择（也可填简称：在职、离退休、农民、学生、下岗失业、低保救济、免交）",
                    example=DuesCategory.IN_SERVICE.label,
                ),
                Column(
                    BASE_INCOME,
                    help="在职、离退休党员必填：月计费基数（税后固定工资或离退休费），元；其他类别留空",
                    example="5200",
                ),
                Column(
                    BASE_AMOUNT, help="定额类别选填：每月定额（在规定幅度内），留空按默认定额", example=""
                ),
                Column(
                    BASE_FROM,
                    required=True,
                    help="必填，从哪个月起按此标准交纳，如 2026-01",
                    example="2026-01",
                ),
                Column(BASE_NOTE, help="经批准免交的必填：写明批准情况", example=""),
            ),
        ),
    )
    notes = (
        "每行为一名党员从某月起的党费类别和基数；同一党员同一起始月份只能有一行。",
        "该党员在同一起始月份已有核定记录的，类别、基数、定额或说明不同者确认后按表中内容更正（留存修改记录）。",
    )

    def begin(self, user: Any) -> BaseContext:
        return BaseContext(user=user, roster=Roster(user), scope=Scope(user), standards=Standards.load())

    def parse_row(self, row: Row, context: BaseContext) -> BaseItem:
        problems: list[tuple[str, str]] = []
        member = category = income = amount = month = None
        try:
            member = context.roster.find(row)
        except RowProblem as exc:
            problems.extend(exc.problems)
        text = cell_text(row[BASE_CATEGORY])
        category = CATEGORY_BY_LABEL.get(text)
        if category is None:
            problems.append((BASE_CATEGORY, f"类别不正确：{text or '（空）'}（请从下拉列表选择）"))
        for column in (BASE_INCOME, BASE_AMOUNT):
            if row[column] not in (None, ""):
                try:
                    value = _amount(row[column], column, column)
                except RowProblem as exc:
                    problems.extend(exc.problems)
                    continue
                if column == BASE_INCOME:
                    income = value
                else:
                    amount = value
        month = _parse_month(row[BASE_FROM])
        if month is None:
            problems.append(
                (BASE_FROM, f"起始月份格式不正确：{cell_text(row[BASE_FROM]) or '（空）'}（应为 2026-01）")
            )
        if problems:
            raise RowProblem(problems=problems)
        if category not in RATE_CATEGORIES and income is not None:
            raise RowProblem(BASE_INCOME, "定额类别不填基数（每月定额填在“每月定额”列）")
        return BaseItem(
            row.number, member[0], member[1], category, income, amount, month, cell_text(row[BASE_NOTE])[:200]
        )

    def check(self, items: list[BaseItem], context: BaseContext) -> list[RowError]:
        errors: list[RowError] = []
        member_ids = sorted({i.member_id for i in items})
        for chunk in _chunks(member_ids):
            for member in Member.objects.filter(pk__in=chunk).select_related("organization"):
                context.members[member.pk] = member
            for a in DuesAssessment.objects.filter(member_id__in=chunk):
                context.existing[(a.member_id, a.effective_from)] = a
        seen: dict[tuple[int, dt.date], int] = {}
        for item in items:
            key = (item.member_id, item.effective_from)
            if key in seen:
                errors.append(RowError(item.row, BASE_FROM, f"与第{seen[key]}行重复（同一党员同一起始月份）"))
                continue
            seen[key] = item.row
            member = context.members[item.member_id]
            if member.organization_id not in context.scope:
                errors.append(RowError(item.row, ID_COL, NOT_FOUND))
                continue
            candidate = DuesAssessment(
                member=member,
                effective_from=item.effective_from,
                category=item.category,
                income=item.income,
                amount=item.amount,
                note=item.note,
            )
            try:
                validate_assessment(candidate, context.standards)
            except ValidationError as exc:
                column = {"category": BASE_CATEGORY, "income": BASE_INCOME, "amount": BASE_AMOUNT}
                column |= {"effective_from": BASE_FROM, "note": BASE_NOTE}
                for name, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                    for message in messages:
                        errors.append(RowError(item.row, column.get(name, ""), message))
                continue
            item.income, item.amount = candidate.income, candidate.amount  # as the service keeps them
        return errors

    def diff(self, items: list[BaseItem], context: BaseContext) -> Diff:
        diff = Diff()
        labels = dict(DuesCategory.choices)
        for item in items:
            old = context.existing.get((item.member_id, item.effective_from))
            if old is None:
                diff.new.append(item)
                continue
            fields = []
            if old.category != item.category:
                fields.append((BASE_CATEGORY, labels.get(old.category, old.category), labels[item.category]))
            if old.income != item.income:
                fields.append((BASE_INCOME, _money_text(old.income), _money_text(item.income)))
            if old.amount != item.amount:
                fields.append((BASE_AMOUNT, _money_text(old.amount), _money_text(item.amount)))
            if old.note != item.note:
                fields.append((BASE_NOTE, old.note or "（空）", item.note or "（空）"))
            if fields:
                label = f"{item.name} {m.label(item.effective_from)}起"
                diff.changed.append(Change(item.row, label, fields, item=item, existing=old))
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: BaseContext) -> tuple[int, int]:
        """Through the services, one row at a time, in one transaction (the services audit each)."""
        try:
            with transaction.atomic():
                for item in diff.new:
                    dues_assessment_create(
                        actor=actor,
                        member=context.members[item.member_id],
                        effective_from=item.effective_from,
                        category=item.category,
                        income=item.income,
                        amount=item.amount,
                        note=item.note,
                    )
                for change in diff.changed:
                    item = change.item
                    dues_assessment_update(
                        actor=actor,
                        assessment=change.existing,
                        expected_version=change.existing.version,
                        category=item.category,
                        income=item.income,
                        amount=item.amount,
                        note=item.note,
                    )
        except ValidationError as exc:
            raise ImportRejected([RowError(0, "", message) for message in exc.messages]) from None
        return len(diff.new), len(diff.changed)

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        shown = _export_id(user)
        labels = dict(DuesCategory.choices)
        assessments = (
            DuesAssessment.objects.visible_to(user)
            .select_related("member")
            .order_by("member__organization__path", "member__name", "member_id", "effective_from")
        )
        rows = (
            [
                shown(a.member.id_number),
                a.member.name,
                labels.get(a.category, a.category),
                a.income,
                a.amount,
                month_text(a.effective_from),
                a.note,
            ]
            for a in assessments.iterator(chunk_size=2000)
        )
        return {self.sheets[0].title: rows}


KINDS = (DuesPaymentsKind, DuesBasesKind)
