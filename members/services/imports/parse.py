"""Reading and validating the member spreadsheet, streaming, with no per-row query.

Each row becomes a :class:`ParsedRow`: an unsaved member, or its errors.
Rows are checked a chunk at a time against the members already registered
(one query per chunk): an ID number registered in the importer's scope makes
the row an update (its changed fields listed), one registered elsewhere is
an error that says nothing of where.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from core.fieldcrypto import id_hashes_q
from core.idcard import IdInfo, mask_id_number, parse_id_number
from core.scopes import check_can_edit, in_scope, scope_root, sees_everything
from core.validators import check_text
from core.xlsx import (
    FORMULA_PREFIXES,
    RowError,
    cell_bool,
    cell_date,
    cell_text,
    load_checked_workbook,
    open_rows,
)
from organizations.choices import OrgKind
from organizations.models import Organization
from organizations.rules import get_rule

from ...choices import Gender
from ...models import ImportJobStatus, Member
from ..member import (
    PROFILE_FIELDS,
    validate_dates,
    validate_holding_org,
    validate_identity,
    validate_probation_current,
)
from .spec import (
    BOOL_COLUMNS,
    CHOICE_COLUMNS,
    CHOICE_HINTS,
    COLUMN_FIELDS,
    DATE_COLUMNS,
    FIELD_COLUMNS,
    HEADERS,
    REQUIRED_HEADERS,
    TEXT_COLUMNS,
    Progress,
    Source,
)

#: Rows validated (and, in the write pass, written) together: one
#: existing-ID query and one progress tick each.
CHUNK_SIZE = 500
#: Changed rows listed in a preview; the counts cover the whole file.
PREVIEW_ROWS = 1000
#: Fields an import may change on a registered member (organization and
#: status change only through their dated services, so history stays true).
UPDATABLE_FIELDS = (*PROFILE_FIELDS, "party_group")

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
REGISTERED_ELSEWHERE = "该公民身份号码已在系统中登记，不能由您导入或更新"


# ---------------------------------------------------------------------------
# Organizations, resolved without a query per row
# ---------------------------------------------------------------------------


def _split_path(value: str) -> str:
    parts = [p.strip() for p in value.replace("／", "/").replace("\\", "/").split("/")]
    return "/".join(p for p in parts if p)


def org_names_for(user: Any, visible: Iterable[Organization] | None = None) -> dict[int, str]:
    """pk → name of every organization the user sees plus the ancestors of their scope (≤ 2 queries)."""
    if visible is None:
        names = dict(Organization.objects.visible_to(user).values_list("pk", "name"))
    else:
        names = {org.pk: org.name for org in visible}
    root = scope_root(user)
    if root is not None and not sees_everything(user):
        names.update(root.ancestors().values_list("pk", "name"))
    return names


def name_path(org_path: str, names: dict[int, str]) -> str:
    """The full name path of an organization (富宁县委/新华镇党委/各甫村党支部) from its materialized path."""
    return "/".join(names.get(int(segment), "?") for segment in org_path.split("/") if segment)


class OrgResolver:
    """Finds a row's organization (code, full name path, or a unique name) and 党小组 inside the importer's scope."""

    def __init__(self, actor: Any):
        self.actor = actor
        orgs = list(Organization.objects.visible_to(actor))
        names = org_names_for(actor, orgs) if orgs else {}
        self.by_code: dict[str, Organization] = {}
        self.by_path: dict[str, list[Organization]] = defaultdict(list)
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        #: parent pk → {name or code: active 党小组}
        self.groups: dict[int, dict[str, Organization]] = defaultdict(dict)
        for org in orgs:
            self.by_code[org.code.upper()] = org
            self.by_path[name_path(org.path, names)].append(org)
            self.by_name[org.name].append(org)
            if org.kind == OrgKind.GROUP and org.is_active and org.parent_id:
                self.groups[org.parent_id][org.name] = org
                self.groups[org.parent_id][org.code.upper()] = org
        self._cache: dict[str, Organization | str] = {}
        self._checked: dict[int, str] = {}
        #: The rule read once per file, not once per row (validate_probation_current).
        self.probation_overdue_months = int(get_rule("probation_overdue_months"))

    def resolve(self, value: str) -> Organization | str:
        """The organization, or the reason it cannot be used (as a message)."""
        if value not in self._cache:
            self._cache[value] = self._resolve(value)
        return self._cache[value]

    def _resolve(self, value: str) -> Organization | str:
        found = self.by_code.get(value.upper())
        if found is None:
            key = _split_path(value)
            candidates = self.by_path.get(key) or ([] if "/" in key else self.by_name.get(key, []))
            active = [o for o in candidates if o.is_active] or candidates
            if len(active) > 1:
                return f"“{value}”对应多个党组织，请改填党组织代码"
            found = active[0] if active else None
        if found is None:
            # Unknown and out-of-scope read the same: the importer learns nothing
            # about organizations outside their scope.
            return (
                f"未找到党组织“{value}”，或该党组织不在您的管理范围内"
                "（请填写党组织代码或完整名称路径，如 富宁县委/新华镇党委/各甫村党支部）"
            )
        problem = self.check(found)
        return problem or found

    def group(self, value: str, organization: Organization) -> Organization | str:
        """The 党小组 named ``value`` (its name, last path segment or code) under ``organization``."""
        key = _split_path(value).rsplit("/", 1)[-1]
        groups = self.groups.get(organization.pk, {})
        found = groups.get(key) or groups.get(key.upper())
        return found or f"“{value}”不是“{organization.name}”下设的党小组"

    def check(self, org: Organization) -> str:
        """'' when the actor may add members to ``org`` today, else why not (once per organization)."""
        if org.pk not in self._checked:
            try:
                check_can_edit(self.actor, org)
                validate_holding_org(org, dt.date.today())
            except Http404:
                message = f"党组织“{org.name}”不在您的管理范围内"
            except PermissionDenied as exc:
                message = str(exc)
            except ValidationError as exc:
                message = "；".join(exc.messages)
            else:
                message = ""
            self._checked[org.pk] = message
        return self._checked[org.pk]


# ---------------------------------------------------------------------------
# One row
# ---------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One data row after validation: the unsaved member (or its errors), and what it does to the register."""

    number: int
    id_number: str | None
    member: Member | None
    errors: list[RowError]
    #: Columns the file has: an update changes only those.
    columns: frozenset[str] = frozenset()
    kind: str = NEW
    existing: Member | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    #: The file gave a 15-digit first-generation ID number, converted to 18 (core.idcard).
    converted_id: bool = False


def _unneutralise(text: str) -> str:
    """Undo our own export's formula guard ('=…), so an export re-imports unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def parse_row(number: int, cells: dict[str, Any], resolver: OrgResolver) -> ParsedRow:
    """Validate one row as ``build_member`` would, minus its per-row database queries."""
    errors: list[RowError] = []
    failed: set[str] = set()  # fields whose cell could not be read

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))
        if column in COLUMN_FIELDS:
            failed.add(COLUMN_FIELDS[column])

    fields: dict[str, Any] = {}
    for column in TEXT_COLUMNS:
        fields[COLUMN_FIELDS[column]] = text = _unneutralise(cell_text(cells.get(column)))
        try:
            check_text(text, column)  # one-line columns: the model's own check lets line breaks pass
        except ValidationError as exc:
            error(column, exc.messages[0])
    if not fields["name"]:
        error("姓名", "必填")

    info: IdInfo | None = None
    raw_id = cells.get("公民身份号码")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        error("公民身份号码", "必填")
    else:
        try:
            info = parse_id_number(raw_id)
        except ValidationError as exc:
            error("公民身份号码", exc.messages[0])
        else:
            fields["id_number"] = info.number

    for column, labels in CHOICE_COLUMNS.items():
        text = cell_text(cells.get(column))
        field_name = COLUMN_FIELDS[column]
        if not text:
            if column != "性别":  # gender may come from the ID number
                error(column, "必填")
            continue
        if text not in labels:
            error(column, f"“{text}”不是有效的{column}，可填：{CHOICE_HINTS[column]}")
            continue
        fields[field_name] = labels[text]

    for column in DATE_COLUMNS:
        try:
            fields[COLUMN_FIELDS[column]] = cell_date(cells.get(column))
        except ValueError as exc:
            error(column, str(exc))
    if "joined_on" not in failed and fields.get("joined_on") is None:
        error("入党日期", "必填")

    for column in BOOL_COLUMNS:
        try:
            fields[COLUMN_FIELDS[column]] = cell_bool(cells.get(column))
        except ValueError as exc:
            error(column, str(exc))

    # Empty birth date and gender are read from the ID number; given ones must agree with it.
    if info is not None:
        if fields.get("birth_date") is None and "birth_date" not in failed:
            fields["birth_date"] = info.birth_date
        if "gender" not in fields and "gender" not in failed:
            fields["gender"] = Gender.MALE if info.is_male else Gender.FEMALE

    organization: Organization | None = None
    org_text = cell_text(cells.get("所在党组织"))
    if not org_text:
        error("所在党组织", "必填")
    else:
        found = resolver.resolve(org_text)
        if isinstance(found, str):
            error("所在党组织", found)
        else:
            organization = found

    group_text = cell_text(cells.get("所在党小组"))
    fields["party_group"] = None
    if group_text and organization is not None:
        group = resolver.group(group_text, organization)
        if isinstance(group, str):
            error("所在党小组", group)
        else:
            fields["party_group"] = group

    member = Member(organization=organization, **{k: v for k, v in fields.items() if v is not None})
    checks: list[Callable[[Member], None]] = []
    if info is not None and not {"birth_date", "gender"} & failed:
        checks.append(validate_identity)
    checks.append(validate_dates)
    checks.append(partial(validate_probation_current, overdue_months=resolver.probation_overdue_months))
    for check in checks:
        try:
            check(member)
        except ValidationError as exc:
            _add_validation_errors(exc, number, errors, failed)
    try:
        # No per-row queries: the organization and 党小组 (whose FK checks
        # would query) come from the resolver, uniqueness of the ID is
        # checked per chunk, and the check constraints (转正 after 入党,
        # 入党 after birth) are validate_dates' rules.
        member.full_clean(
            exclude=sorted(failed | {"organization", "party_group"}),
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        _add_validation_errors(exc, number, errors, failed)
    return ParsedRow(
        number,
        info.number if info else None,
        None if errors else member,
        errors,
        frozenset(cells),
        converted_id=bool(info and info.converted_from),
    )


def _add_validation_errors(
    exc: ValidationError, number: int, errors: list[RowError], failed: set[str]
) -> None:
    seen = {(e.column, e.message) for e in errors}
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    for field_name, messages in items:
        if field_name in failed:
            continue
        column = FIELD_COLUMNS.get(field_name, "")
        for message in messages:
            if (column, message) not in seen:
                seen.add((column, message))
                errors.append(RowError(number, column, message))
        failed.add(field_name)


# ---------------------------------------------------------------------------
# New, changed or unchanged: the register, one query per chunk
# ---------------------------------------------------------------------------


def _compare(row: ParsedRow, existing: Member) -> None:
    """Fill ``row.changes`` (or its errors) against the registered member it updates."""
    new = row.member
    assert new is not None
    if existing.organization_id != new.organization_id:
        row.errors.append(
            RowError(
                row.number,
                "所在党组织",
                f"该党员在系统中属于“{existing.organization.name}”，与本表不一致；"
                "变更所在党组织请办理组织关系转接或调动",
            )
        )
    if existing.status != new.status:
        row.errors.append(
            RowError(
                row.number,
                "党员类型",
                f"该党员在系统中为{existing.get_status_display()}，与本表不一致；转正请在党员档案中办理",
            )
        )
    if row.errors:
        row.member = None
        return
    for name in UPDATABLE_FIELDS:
        if FIELD_COLUMNS.get(name) not in row.columns and name not in ("gender", "birth_date"):
            continue  # a column the file leaves out keeps the registered value
        if name == "party_group":
            if existing.party_group_id != new.party_group_id:
                row.changes[name] = new.party_group
        elif getattr(existing, name) != getattr(new, name):
            row.changes[name] = getattr(new, name)
    row.kind = CHANGED if row.changes else UNCHANGED


def classify(parsed: list[ParsedRow], actor: Any) -> None:
    """Mark each row new, changed or unchanged against the register (one query for the chunk).

    A registered ID outside the importer's scope, or of a member who has
    left, is an error; the message is the same wherever the member is.
    """
    rows_of: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed:
        row.kind, row.existing, row.changes = NEW, None, {}
        if row.id_number:
            rows_of[row.id_number].append(row)
    if not rows_of:
        return
    # Encrypted at rest: matched by keyed hash (core.fieldcrypto); existing.id_number reads back decrypted.
    registered = Member.objects.filter(id_hashes_q("id_number", rows_of)).select_related(
        "organization", "party_group"
    )
    for existing in registered:
        for row in rows_of[existing.id_number]:
            if not in_scope(actor, existing.organization):
                row.errors.append(RowError(row.number, "公民身份号码", REGISTERED_ELSEWHERE))
                row.member = None
            elif not existing.is_current:
                row.errors.append(
                    RowError(row.number, "公民身份号码", "该党员已离开党组织，档案不能通过导入修改")
                )
                row.member = None
            elif row.member is not None:
                row.existing = existing
                _compare(row, existing)


# ---------------------------------------------------------------------------
# How a change reads in the preview
# ---------------------------------------------------------------------------


def shown(name: str, value: Any) -> str:
    """A field's value as the preview shows it: labels, 是/否, dates, （空）."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Organization):
        return value.name
    choices = dict(Member._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def change_lines(row: ParsedRow) -> list[list[str]]:
    """[[column, old, new], …] of one changed row."""
    existing = row.existing
    assert existing is not None
    return [
        [FIELD_COLUMNS[name], shown(name, getattr(existing, name)), shown(name, new)]
        for name, new in row.changes.items()
    ]


# ---------------------------------------------------------------------------
# The whole file
# ---------------------------------------------------------------------------


def open_source(
    source: Source, headers: Sequence[str] = HEADERS
) -> tuple[Iterator[tuple[int, dict]], list[RowError]]:
    if hasattr(source, "seek"):
        source.seek(0)  # type: ignore[union-attr]
    return open_rows(source, headers, REQUIRED_HEADERS)  # type: ignore[arg-type]


def estimate_rows(source: Source) -> int:
    """Data rows in the first sheet, from the sheet's dimension record (no full read)."""
    if hasattr(source, "seek"):
        source.seek(0)  # type: ignore[union-attr]
    try:
        # Checked first: openpyxl inflates the shared strings even to read the dimension.
        wb = load_checked_workbook(source, read_only=True)  # type: ignore[arg-type]
    except Exception:  # an unreadable (or refused) file is reported by the import itself
        return 0
    try:
        return max(0, (wb.worksheets[0].max_row or 1) - 1)
    finally:
        wb.close()


def chunks(rows: Iterable[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    order = {column: i for i, column in enumerate(HEADERS)}
    return list(dict.fromkeys(sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))))


@dataclass
class ScanResult:
    """What a validation pass found.

    ``kept`` holds the validated rows by chunk when the file was small;
    ``preview`` lists the first changed rows as [row, name, masked ID,
    [[column, old, new], …]]; ``digest`` fingerprints every row's effect, so
    a confirmation applies exactly what was previewed.
    """

    errors: list[RowError]
    rows: int
    kept: list[list[ParsedRow]] | None
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    preview: list[list[Any]] = field(default_factory=list)
    digest: str = ""
    #: Rows whose 15-digit ID number was converted to 18 digits (the report tells the importer).
    converted_ids: int = 0


def fingerprint(digest: Any, row: ParsedRow) -> None:
    """Add one row's effect (new, or each field's old and new value) to ``digest``."""

    def key(value: Any) -> str:
        return str(getattr(value, "pk", value))

    changes = sorted(
        (name, key(getattr(row.existing, f"{name}_id" if name == "party_group" else name)), key(new))
        for name, new in row.changes.items()
    )
    digest.update(f"{row.id_number}|{row.kind}|{changes}\n".encode())


def scan(
    source: Source,
    actor: Any,
    *,
    on_chunk: Callable[[list[ParsedRow]], None] | None = None,
    progress: Progress | None = None,
    total: int = 0,
    keep_up_to: int = 0,
) -> ScanResult:
    """Validate every row; hand each chunk to ``on_chunk`` while no error has been seen.

    With ``keep_up_to``, the validated rows are also kept (so the write pass
    need not read the file again) as long as the file has no more rows than that.
    """
    rows, errors = open_source(source)
    if errors:
        return ScanResult(errors, 0, None)
    resolver = OrgResolver(actor)
    first_row_of: dict[str, int] = {}
    kept: list[list[ParsedRow]] | None = [] if keep_up_to else None
    result = ScanResult(errors, 0, None)
    digest = hashlib.sha256()
    for chunk in chunks(rows, CHUNK_SIZE):
        parsed = [parse_row(number, cells, resolver) for number, cells in chunk]
        for row in parsed:
            if row.id_number is None:
                continue
            first = first_row_of.setdefault(row.id_number, row.number)
            if first != row.number:
                message = f"公民身份号码在文件中重复（第{first}行与第{row.number}行）"
                errors.append(RowError(first, "公民身份号码", message))
                row.errors.append(RowError(row.number, "公民身份号码", message))
                row.member = None
        classify(parsed, actor)
        for row in parsed:
            errors.extend(row.errors)
            if row.errors:
                continue
            fingerprint(digest, row)
            result.converted_ids += row.converted_id
            if row.kind == NEW:
                result.new += 1
            elif row.kind == UNCHANGED:
                result.unchanged += 1
            else:
                result.changed += 1
                if len(result.preview) < PREVIEW_ROWS:
                    result.preview.append(
                        [row.number, row.existing.name, mask_id_number(row.id_number), change_lines(row)]  # type: ignore[union-attr,arg-type]
                    )
        result.rows += len(parsed)
        if on_chunk is not None and not errors:
            on_chunk(parsed)
        if kept is not None:
            kept = kept + [parsed] if result.rows <= keep_up_to and not errors else None
        if progress is not None:
            progress(ImportJobStatus.VALIDATING, result.rows, max(total, result.rows))
    if result.rows == 0 and not errors:
        errors.append(RowError(0, "", "文件中没有党员数据（第1行为表头，从第2行起每行一名党员）"))
    result.errors = sorted_errors(errors)
    result.kept = kept
    result.digest = digest.hexdigest()
    return result


__all__ = [
    "CHANGED",
    "CHUNK_SIZE",
    "NEW",
    "UNCHANGED",
    "OrgResolver",
    "ParsedRow",
    "ScanResult",
    "classify",
    "estimate_rows",
    "name_path",
    "org_names_for",
    "parse_row",
    "scan",
]
