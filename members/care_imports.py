"""Care visits (走访慰问) from a workbook, a kind of the shared importer (core.recordimports).

One row is one member reached by a visit and the amount given.  Rows with the
same 组织单位代码, 走访日期, 慰问时机 and 经费来源 form one visit (as the
visit page records it: a header and its recipients); a visit already recorded
with those four is the same visit, so re-importing a sheet adds only the
members not yet listed and corrects changed amounts or visitors.  Everything
goes through ``members.services.care`` in one transaction: its rules, its
audit rows, and the retained-dues ledger entry its hook posts (dues).

Also here, for the kinds of the apps above (assessments): the importer's
members by ID number (:class:`Roster`) and organizations by code
(:class:`OrgLookup`), each loaded in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from core.fieldcrypto import lookup_hashes
from core.idcard import canonical_id_number, mask_id_number, parse_id_number
from core.money import parse_amount
from core.periodlock import check_period_open
from core.recordimports import Change, Column, Diff, ImportKind, ImportSheet, Row, RowProblem
from core.scopes import can_write, scope_root, sees_everything
from core.sheets import ID
from core.xlsx import ImportRejected, RowError, cell_date, cell_text
from organizations.models import Organization

from .models import CareFunding, CareOccasion, CareVisit, CareVisitMember, Member
from .services.care import care_visit_add_members, care_visit_create, care_visit_set_amount, care_visit_update

ID_COL, NAME_COL = "公民身份号码", "姓名"
NOT_FOUND = "未找到该党员，或该党员不在您的管理范围内"
ORG_NOT_FOUND = "未找到该党组织，或该党组织不在您的管理范围内"


# ---------------------------------------------------------------------------
# Lookups every kind needs, loaded once
# ---------------------------------------------------------------------------


def id_number_of(row: Row, column: str = ID_COL) -> str:
    """The row's ID number, normalised (15 → 18 digits, checksum checked), or a problem of the column."""
    raw = row[column]
    if raw in (None, ""):
        raise RowProblem(column, "请填写公民身份号码")
    try:
        number = parse_id_number(raw).number
    except ValidationError as exc:
        raise RowProblem(column, exc.messages[0]) from None
    return canonical_id_number(number)


class Roster:
    """The members the importer may see, by their ID number's hash: one query, no decryption."""

    def __init__(self, user: Any) -> None:
        self.by_hash: dict[str, tuple[int, str]] = {}
        for hash_, pk, name in Member.objects.visible_to(user).values_list("id_number_hash", "pk", "name"):
            self.by_hash[hash_] = (pk, name)

    def find(self, row: Row, column: str = ID_COL, name_column: str = NAME_COL) -> tuple[int, str]:
        """(member id, name) of the row's member; out of scope and unknown read alike."""
        number = id_number_of(row, column)
        for hash_ in lookup_hashes(number):
            found = self.by_hash.get(hash_)
            if found is not None:
                name = cell_text(row[name_column]) if name_column else ""
                if name and name != found[1]:
                    raise RowProblem(name_column, f"姓名“{name}”与公民身份号码登记的党员不符")
                return found
        raise RowProblem(column, NOT_FOUND)


class OrgLookup:
    """The organizations the importer may write in, by code (their subtree): one query."""

    def __init__(self, user: Any) -> None:
        self.user = user
        if not can_write(user):
            orgs = Organization.objects.none()
        elif sees_everything(user):
            orgs = Organization.objects.all()
        else:
            orgs = Organization.objects.filter(path__subtree=scope_root(user).path)
        self.by_code: dict[str, Organization] = {o.code: o for o in orgs}
        self.by_pk: dict[int, Organization] = {o.pk: o for o in self.by_code.values()}

    def find(self, row: Row, column: str) -> Organization:
        code = cell_text(row[column]).upper()
        if not code:
            raise RowProblem(column, f"请填写{column}")
        org = self.by_code.get(code)
        if org is None:
            raise RowProblem(column, ORG_NOT_FOUND)
        return org

    def __contains__(self, org_id: int) -> bool:
        return org_id in self.by_pk


def row_date(row: Row, column: str, *, required: bool = True) -> dt.date | None:
    """A date cell (a date, or text 2026-03-15); never later than today."""
    try:
        day = cell_date(row[column])
    except ValueError as exc:
        raise RowProblem(column, str(exc)) from None
    if day is None:
        if required:
            raise RowProblem(column, f"请填写{column}")
        return None
    if day > dt.date.today():
        raise RowProblem(column, f"{column}不能晚于今天")
    return day


def choice_of(row: Row, column: str, choices: Any, *, required: bool = True) -> str:
    """A TextChoices value from its label (as the dropdown lists them)."""
    text = cell_text(row[column])
    if not text and not required:
        return ""
    by_label = {label: value for value, label in choices.choices}
    if text not in by_label:
        raise RowProblem(column, f"{column}不正确：{text or '（空）'}（请从下拉列表选择）")
    return by_label[text]


def collect(*steps: Any) -> list[Any]:
    """Run each step (a callable), gathering every RowProblem, so a row names all its bad columns."""
    problems: list[tuple[str, str]] = []
    out: list[Any] = []
    for step in steps:
        try:
            out.append(step())
        except RowProblem as exc:
            problems.extend(exc.problems)
            out.append(None)
    if problems:
        raise RowProblem(problems=problems)
    return out


def messages_of(exc: ValidationError, columns: dict[str, str]) -> list[tuple[str, str]]:
    """A service's ValidationError as (column, message) pairs, by the fields it names."""
    if hasattr(exc, "message_dict"):
        return [(columns.get(name, ""), m) for name, ms in exc.message_dict.items() for m in ms]
    return [("", m) for m in exc.messages]


def export_id(user: Any) -> Any:
    """Full ID numbers where the member export shows them (writers), the mask otherwise."""
    return (lambda number: number) if can_write(user) else mask_id_number


# ---------------------------------------------------------------------------
# 走访慰问
# ---------------------------------------------------------------------------

ORG_COL, DATE_COL, OCCASION_COL, VISITORS_COL, FUNDING_COL = (
    "组织单位代码",
    "走访日期",
    "慰问时机",
    "走访人员",
    "经费来源",
)
AMOUNT_COL, NOTE_COL = "慰问金（元）", "备注"


@dataclass(slots=True)
class CareItem:
    row: int
    organization: Organization
    visited_on: dt.date
    occasion: str
    funding: str
    visitors: str
    member_id: int
    name: str
    amount: Decimal

    @property
    def visit_key(self) -> tuple[int, dt.date, str, str]:
        return (self.organization.pk, self.visited_on, self.occasion, self.funding)


@dataclass
class CareContext:
    user: Any
    roster: Roster
    orgs: OrgLookup
    members: dict[int, Member] = field(default_factory=dict)
    #: (org, day, occasion, funding) → the visit recorded already (the first, if several)
    visits: dict[tuple[int, dt.date, str, str], CareVisit] = field(default_factory=dict)
    #: (visit, member) → the recipient row
    recipients: dict[tuple[int, int], CareVisitMember] = field(default_factory=dict)


class CareVisitsKind(ImportKind):
    """走访慰问: one row per member reached; rows of one organizer, day, occasion and funding are one visit."""

    key = "care_visits"
    label = "走访慰问"
    group = "党员"
    sheets = (
        ImportSheet(
            "走访慰问",
            (
                Column(ORG_COL, required=True, help="必填，组织走访的党组织的代码", example="C01T01B01"),
                Column(DATE_COL, required=True, help="必填，不晚于今天", example="2026-07-01"),
                Column(
                    OCCASION_COL,
                    required=True,
                    choices=tuple(CareOccasion.labels),
                    help="必填，从下拉列表选择",
                    example=CareOccasion.JULY_FIRST.label,
                ),
                Column(
                    VISITORS_COL,
                    required=True,
                    help="必填，如：县委领导、党委书记；同一次走访的各行须一致",
                    example="支部书记",
                ),
                Column(
                    FUNDING_COL,
                    required=True,
                    choices=tuple(CareFunding.labels),
                    help="必填，从下拉列表选择；留存党费的记入组织单位的留存党费支出",
                    example=CareFunding.RETAINED_DUES.label,
                ),
                Column(
                    ID_COL,
                    required=True,
                    kind=ID,
                    help="必填，慰问对象的18位号码",
                    example="110101199003071234",
                ),
                Column(NAME_COL, help="选填，仅用于核对：填写时须与登记的姓名一致", example="张三"),
                Column(
                    AMOUNT_COL, required=True, help="必填，元，最多两位小数；只慰问不发钱填0", example="500"
                ),
            ),
        ),
    )
    notes = (
        "每行为一次走访慰问的一名慰问对象。组织单位代码、走访日期、慰问时机、经费来源都相同的各行为同一次走访；"
        "系统中已有这四项相同的走访的，表中的党员列入该次走访。",
        "慰问对象须是组织单位（或其下级党组织）在走访日期的党员；同一次走访中同一党员只能有一行。",
        "已列入的党员：慰问金不同的，确认后按表中金额更正；走访人员不同的，确认后更正该次走访（均留存修改记录）。",
        "走访日期所在期间已报送的，不能导入。",
    )

    def begin(self, user: Any) -> CareContext:
        return CareContext(user=user, roster=Roster(user), orgs=OrgLookup(user))

    def parse_row(self, row: Row, context: CareContext) -> CareItem:
        org, day, occasion, funding, member, amount = collect(
            lambda: context.orgs.find(row, ORG_COL),
            lambda: row_date(row, DATE_COL),
            lambda: choice_of(row, OCCASION_COL, CareOccasion),
            lambda: choice_of(row, FUNDING_COL, CareFunding),
            lambda: context.roster.find(row),
            lambda: _amount(row[AMOUNT_COL]),
        )
        visitors = cell_text(row[VISITORS_COL])
        if not visitors:
            raise RowProblem(VISITORS_COL, "请填写走访人员")
        return CareItem(row.number, org, day, occasion, funding, visitors[:200], member[0], member[1], amount)

    def check(self, items: list[CareItem], context: CareContext) -> list[RowError]:
        errors: list[RowError] = []
        ids = sorted({i.member_id for i in items})
        context.members = Member.objects.select_related("organization").in_bulk(ids)
        org_ids = {i.organization.pk for i in items}
        days = {i.visited_on for i in items}
        for visit in CareVisit.objects.filter(organization_id__in=org_ids, visited_on__in=days).order_by(
            "pk"
        ):
            context.visits.setdefault(
                (visit.organization_id, visit.visited_on, visit.occasion, visit.funding), visit
            )
        for r in CareVisitMember.objects.filter(visit__in=list(context.visits.values())):
            context.recipients[(r.visit_id, r.member_id)] = r
        seen: dict[tuple[Any, int], int] = {}
        visitors: dict[tuple[int, dt.date, str, str], tuple[int, str]] = {}
        periods: dict[tuple[int, dt.date], str] = {}
        for item in items:
            member = context.members[item.member_id]
            key = (item.visit_key, item.member_id)
            if key in seen:
                errors.append(RowError(item.row, ID_COL, f"与第{seen[key]}行重复（同一次走访同一党员）"))
                continue
            seen[key] = item.row
            first = visitors.setdefault(item.visit_key, (item.row, item.visitors))
            if first[1] != item.visitors:
                errors.append(
                    RowError(
                        item.row, VISITORS_COL, f"与第{first[0]}行同一次走访，走访人员应一致（“{first[1]}”）"
                    )
                )
                continue
            org = item.organization
            if not member.organization.path.startswith(org.path):
                errors.append(RowError(item.row, ID_COL, f"{member.name}不属于{org.name}，不能列入本次慰问"))
                continue
            if member.joined_on > item.visited_on or (member.left_on and member.left_on <= item.visited_on):
                errors.append(RowError(item.row, ID_COL, f"{member.name}在走访日期不是本组织党员"))
                continue
            period = (org.pk, item.visited_on)
            if period not in periods:
                try:
                    check_period_open(org, item.visited_on)
                    periods[period] = ""
                except ValidationError as exc:
                    periods[period] = exc.messages[0]
            if periods[period]:
                errors.append(RowError(item.row, DATE_COL, periods[period]))
        return errors

    def diff(self, items: list[CareItem], context: CareContext) -> Diff:
        diff = Diff()
        occasions = dict(CareOccasion.choices)
        header_shown: set[int] = set()
        for item in items:
            visit = context.visits.get(item.visit_key)
            label = f"{item.name} {item.visited_on:%Y-%m-%d}{occasions[item.occasion]}走访慰问"
            fields = []
            if visit is not None and visit.visitors != item.visitors and visit.pk not in header_shown:
                header_shown.add(visit.pk)
                fields.append((VISITORS_COL, visit.visitors, item.visitors))
            recipient = context.recipients.get((visit.pk, item.member_id)) if visit else None
            if recipient is not None and recipient.amount != item.amount:
                fields.append((AMOUNT_COL, f"{recipient.amount}", f"{item.amount}"))
            if recipient is None:
                diff.new.append(item)
                if fields:  # a new recipient of a visit whose visitors change: shown as a change too
                    diff.changed.append(Change(item.row, label, fields, item=item, existing=None))
            elif fields:
                diff.changed.append(Change(item.row, label, fields, item=item, existing=recipient))
            else:
                diff.unchanged += 1
        return diff

    def write(self, diff: Diff, *, actor: Any, context: CareContext) -> tuple[int, int]:
        """Through the care services, in one transaction: new visits, visitors, amounts, added members."""
        created = updated = 0
        row = 0
        try:
            with transaction.atomic():
                for change in diff.changed:
                    row, item = change.row, change.item
                    visit = context.visits[item.visit_key]
                    if any(column == VISITORS_COL for column, _, _ in change.fields):
                        care_visit_update(actor=actor, visit=visit, visitors=item.visitors)
                    if change.existing is not None:
                        care_visit_set_amount(actor=actor, recipient=change.existing, amount=item.amount)
                        updated += 1
                groups: dict[tuple[int, dt.date, str, str], list[CareItem]] = {}
                for item in diff.new:
                    groups.setdefault(item.visit_key, []).append(item)
                for key, group in groups.items():
                    row = group[0].row
                    entries = [(context.members[i.member_id], i.amount) for i in group]
                    visit = context.visits.get(key)
                    if visit is None:
                        first = group[0]
                        care_visit_create(
                            actor=actor,
                            organization=first.organization,
                            visited_on=first.visited_on,
                            occasion=first.occasion,
                            visitors=first.visitors,
                            funding=first.funding,
                            entries=entries,
                        )
                    else:
                        visit.refresh_from_db()
                        care_visit_add_members(actor=actor, visit=visit, entries=entries)
                    created += len(group)
        except ValidationError as exc:
            raise ImportRejected([RowError(row, c, m) for c, m in messages_of(exc, {})]) from None
        except (PermissionDenied, Http404):
            raise ImportRejected([RowError(row, "", "该行不在您的管理范围内，未写入任何数据")]) from None
        return created, updated

    def export_rows(self, user: Any, filters: dict[str, Any]) -> dict[str, Iterable[Sequence[Any]]]:
        shown = export_id(user)
        occasions, fundings = dict(CareOccasion.choices), dict(CareFunding.choices)
        recipients = (
            CareVisitMember.objects.filter(visit__in=CareVisit.objects.visible_to(user))
            .select_related("visit__organization", "member")
            .order_by("visit__visited_on", "visit_id", "member__name", "pk")
        )
        if str(filters.get("year", "")).isdigit():
            recipients = recipients.filter(visit__visited_on__year=int(filters["year"]))
        rows = (
            [
                r.visit.organization.code,
                r.visit.visited_on,
                occasions.get(r.visit.occasion, r.visit.occasion),
                r.visit.visitors,
                fundings.get(r.visit.funding, r.visit.funding),
                shown(r.member.id_number),
                r.member.name,
                r.amount,
            ]
            for r in recipients.iterator(chunk_size=2000)
        )
        return {self.sheets[0].title: rows}


def _amount(value: Any) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        return parse_amount(value, label="慰问金")
    except ValidationError as exc:
        raise RowProblem(AMOUNT_COL, exc.messages[0]) from None


KINDS = (CareVisitsKind,)
