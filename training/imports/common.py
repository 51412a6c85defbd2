"""What the training workbooks share: the importer's organizations, cells read as the forms read them, members by ID.

Every lookup is loaded once per file (``OrgScope`` one query, ``members_by_hash``
one query per 2,000 numbers), never once per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.fieldcrypto import lookup_hashes
from core.idcard import canonical_id_number, mask_id_number, parse_id_number
from core.periodlock import check_period_open
from core.recordimports import Row, RowProblem
from core.scopes import can_write, scope_root, sees_everything
from core.xlsx import cell_date, cell_text
from members.models import Member
from organizations.models import Organization

ID_COL, NAME_COL = "公民身份号码", "姓名"
GROUP = "教育培训"
NOT_FOUND_ORG = "未找到该党组织，或该党组织不在您的管理范围内"
NOT_FOUND_MEMBER = "未找到该党员，或该党员不在您的管理范围内"
#: An event already in the system is keyed by ``#`` and its system number (what the export writes).
SYSTEM_KEY = re.compile(r"^#\s*(\d{1,12})$")
CHUNK = 2000


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def system_key(pk: int) -> str:
    return f"#{pk}"


def shown_id(user: Any) -> Any:
    """Full ID numbers only where the member export shows them (a writer); masked otherwise."""
    return (lambda number: number) if can_write(user) else mask_id_number


class OrgScope:
    """The organizations the importer may write in, by code (one query); out of scope reads as unknown."""

    def __init__(self, user: Any) -> None:
        orgs = Organization.objects.all()
        if not can_write(user):
            orgs = orgs.none()
        elif not sees_everything(user):
            orgs = orgs.filter(path__subtree=scope_root(user).path)
        self.by_code: dict[str, Organization] = {
            o.code: o for o in orgs.only("id", "code", "name", "kind", "path")
        }
        self.by_id: dict[int, Organization] = {o.pk: o for o in self.by_code.values()}

    def find(self, row: Row, column: str, name_column: str = "") -> Organization:
        code = cell_text(row[column])
        if not code:
            raise RowProblem(column, f"请填写{column}")
        org = self.by_code.get(code)
        if org is None:
            raise RowProblem(column, NOT_FOUND_ORG)
        name = cell_text(row[name_column]) if name_column else ""
        if name and name != org.name:
            raise RowProblem(name_column, f"“{name}”与党组织代码{code}登记的名称“{org.name}”不符")
        return org


class PeriodCheck:
    """``check_period_open`` once per organization and day: the refusal, or ''."""

    def __init__(self) -> None:
        self.seen: dict[tuple[int, dt.date], str] = {}

    def refusal(self, org: Organization, day: dt.date) -> str:
        key = (org.pk, day)
        if key not in self.seen:
            try:
                check_period_open(org, day)
                self.seen[key] = ""
            except ValidationError as exc:
                self.seen[key] = exc.messages[0]
        return self.seen[key]


# --- cells ------------------------------------------------------------------------------------------


def text(row: Row, column: str, *, required: bool = False, max_length: int = 0) -> str:
    value = cell_text(row[column])
    if required and not value:
        raise RowProblem(column, f"请填写{column}")
    if max_length and len(value) > max_length:
        raise RowProblem(column, f"{column}不能超过{max_length}字")
    return value


def date(row: Row, column: str, *, required: bool = True, past: bool = True) -> dt.date | None:
    try:
        day = cell_date(row[column])
    except ValueError as exc:
        raise RowProblem(column, str(exc)) from None
    if day is None and required:
        raise RowProblem(column, f"请填写{column}")
    if day is not None and past and day > timezone.localdate():
        raise RowProblem(column, f"{column}不能晚于今天")
    return day


def decimal(row: Row, column: str, *, required: bool = False, places: int = 1) -> Decimal | None:
    value = row[column]
    if value in (None, ""):
        if required:
            raise RowProblem(column, f"请填写{column}")
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(cell_text(value))
    except InvalidOperation:
        raise RowProblem(column, f"{column}应为数字：{cell_text(value)}") from None
    if not number.is_finite() or number <= 0:
        raise RowProblem(column, f"{column}必须大于0")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise RowProblem(column, f"{column}最多{places}位小数")
    return number.quantize(Decimal(1).scaleb(-places))


def count(row: Row, column: str, *, required: bool = False, default: int | None = 0) -> int | None:
    value = row[column]
    if value in (None, ""):
        if required:
            raise RowProblem(column, f"请填写{column}")
        return default
    raw = cell_text(value)
    if not raw.isdigit():
        raise RowProblem(column, f"{column}应为不小于0的整数：{raw}")
    number = int(raw)
    if number > 32767:
        raise RowProblem(column, f"{column}过大：{raw}")
    return number


def choice(row: Row, column: str, by_label: dict[str, str], *, required: bool = True) -> str:
    value = cell_text(row[column])
    if not value and not required:
        return ""
    found = by_label.get(value)
    if found is None:
        raise RowProblem(column, f"{column}不正确：{value or '（空）'}（请从下拉列表选择）")
    return found


def id_hashes(row: Row, column: str = ID_COL) -> tuple[str, tuple[str, ...]]:
    """The row's ID number (canonical) and its lookup hashes; the member is found later, for the whole file."""
    raw = row[column]
    if raw in (None, ""):
        raise RowProblem(column, f"请填写{column}")
    try:
        number = canonical_id_number(parse_id_number(raw).number)
    except ValidationError as exc:
        raise RowProblem(column, exc.messages[0]) from None
    return number, tuple(lookup_hashes(number))


def members_by_hash(members: Any, hashes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """{hash: (member id, name)} of ``members`` (a queryset) holding these hashes; a query per 2,000."""
    found: dict[str, tuple[int, str]] = {}
    wanted = sorted(set(hashes))
    for chunk in chunks(wanted):
        for hash_, pk, name in members.filter(id_number_hash__in=chunk).values_list(
            "id_number_hash", "pk", "name"
        ):
            found[hash_] = (pk, name)
    return found


def find_member(found: dict[str, tuple[int, str]], hashes: tuple[str, ...]) -> tuple[int, str] | None:
    for hash_ in hashes:
        if hash_ in found:
            return found[hash_]
    return None


def all_members() -> Any:
    return Member.objects.all()


def shown(value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def field_errors(exc: ValidationError, columns: dict[str, str], default: str) -> list[tuple[str, str]]:
    """A service's ValidationError as (column, message) pairs, by the field each message is on."""
    if hasattr(exc, "error_dict"):
        return [
            (columns.get(name, default), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(default, message) for message in exc.messages]
