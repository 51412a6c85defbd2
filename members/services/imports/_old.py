"""The member spreadsheet: its template, the all-or-nothing import and the scoped export.

The import reads the file twice, streaming both times (openpyxl read-only):

1. *validate* — every row is checked with no transaction open and nothing
   held in memory but the ID numbers seen so far, so a 100,000-row file
   stays small and the progress bar can be written (and read by other
   requests) as it goes;
2. *write* — only when pass 1 found nothing wrong: one transaction re-reads
   and re-validates each chunk of rows (another user may have registered
   one of the IDs meanwhile) and bulk-inserts the members, their history
   and their audit rows.  Any error raises :class:`ImportRejected` inside
   the transaction, so nothing is written.

Per-row database work is avoided throughout: organizations are resolved from
one preloaded map, existing ID numbers are looked up once per chunk, and
``full_clean`` runs without its per-row uniqueness/constraint queries (the
same rules are checked in bulk or by the shared validators).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_mask_function, is_primitive
from auditlog.models import LogEntry
from auditlog.registry import auditlog as auditlog_registry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, connections, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.encoding import smart_str
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.audit import service
from core.idcard import IdInfo, parse_id_number
from core.scopes import can_write, check_can_edit, scope_root, sees_everything
from core.xlsx import (
    FORMULA_PREFIXES,
    ImportRejected,
    ImportReport,
    RowError,
    build_workbook,
    cell_bool,
    cell_date,
    cell_text,
    open_rows,
)
from organizations.models import Organization

from ..choices import ETHNICITY_CHOICES, Education, Gender, MemberStatus, Occupation, PeriodReason
from ..models import ImportJob, ImportJobStatus, Member, MemberPeriod
from .member import validate_dates, validate_holding_org, validate_identity, write_initial_periods

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# The spreadsheet format
# ---------------------------------------------------------------------------

#: Template columns, in order; also the export's columns, so an export re-imports.
HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "学历",
    "人员类别",
    "是否生产一线",
    "手机号码",
    "工作单位及职务",
    "所在党组织",
    "党员类型",
    "入党日期",
    "转正日期",
    "是否离退休",
    "是否困难党员",
    "是否流动党员",
)
#: Columns a file must have; the others may be left out (empty: derived or 否).
REQUIRED_HEADERS: tuple[str, ...] = (
    "姓名",
    "民族",
    "公民身份号码",
    "学历",
    "人员类别",
    "所在党组织",
    "党员类型",
    "入党日期",
)
#: Model field → column, to name the column of a validation error.
FIELD_COLUMNS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "id_number": "公民身份号码",
    "birth_date": "出生日期",
    "education": "学历",
    "occupation": "人员类别",
    "is_frontline": "是否生产一线",
    "phone": "手机号码",
    "work_unit": "工作单位及职务",
    "organization": "所在党组织",
    "status": "党员类型",
    "joined_on": "入党日期",
    "full_on": "转正日期",
    "is_retired": "是否离退休",
    "is_hardship": "是否困难党员",
    "is_mobile": "是否流动党员",
}
COLUMN_FIELDS = {column: field for field, column in FIELD_COLUMNS.items()}
TEXT_COLUMNS = ("姓名", "手机号码", "工作单位及职务")
DATE_COLUMNS = ("出生日期", "入党日期", "转正日期")
BOOL_COLUMNS = ("是否生产一线", "是否离退休", "是否困难党员", "是否流动党员")

ETHNICITY_LABELS = [value for value, _label in ETHNICITY_CHOICES]


def _labels(choices: type[models.TextChoices], **aliases: str) -> dict[str, str]:
    mapping = {str(label): str(value) for value, label in choices.choices}
    mapping.update(aliases)
    return mapping


#: Chinese label (and the usual short forms) → stored value.
CHOICE_COLUMNS: dict[str, dict[str, str]] = {
    "性别": _labels(Gender),
    "民族": {
        **{e: e for e in ETHNICITY_LABELS},
        # "壮" for 壮族: a common short form in older registers.
        **{e[:-1]: e for e in ETHNICITY_LABELS if e.endswith("族")},
    },
    "学历": {
        **_labels(Education),
        "高中": Education.HIGH_SCHOOL,
        "中技": Education.HIGH_SCHOOL,
        "初中": Education.JUNIOR_OR_BELOW,
        "小学": Education.JUNIOR_OR_BELOW,
        "本科": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
    },
    "人员类别": _labels(Occupation),
    "党员类型": _labels(MemberStatus, 正式=MemberStatus.FULL, 预备=MemberStatus.PROBATIONARY),
}
CHOICE_HINTS = {
    "性别": "男、女",
    "民族": "56个民族的全称（如“汉族”“壮族”）或“其他”",
    "学历": "、".join(Education.labels),
    "人员类别": "、".join(Occupation.labels),
    "党员类型": "、".join(MemberStatus.labels),
}
EXAMPLE_ROW = (
    "张桂芳",
    "女",
    "壮族",
    "11010519491231002X",
    dt.date(1949, 12, 31),
    "高中/中技",
    "农牧渔民",
    "否",
    "13800000000",
    "各甫村村民",
    "富宁县委/新华镇党委/各甫村党支部",
    "正式党员",
    dt.date(1975, 7, 1),
    dt.date(1976, 7, 1),
    "否",
    "是",
    "否",
)
INSTRUCTIONS = {
    "姓名": ("必填", "不超过50字"),
    "性别": ("选填", "男/女；留空则按公民身份号码第17位推算"),
    "民族": ("必填", CHOICE_HINTS["民族"]),
    "公民身份号码": ("必填", "18位，末位可为X；本列已设为文本格式，请勿改为数字（会丢失末位）"),
    "出生日期": ("选填", "如 1980-01-31；留空则按公民身份号码推算，填写时须与号码一致"),
    "学历": ("必填", CHOICE_HINTS["学历"]),
    "人员类别": ("必填", CHOICE_HINTS["人员类别"]),
    "是否生产一线": ("选填", "是/否，留空为否"),
    "手机号码": ("选填", "不超过20位"),
    "工作单位及职务": ("选填", "不超过100字"),
    "所在党组织": (
        "必填",
        "党组织代码，或从县委起的完整名称路径，如 富宁县委/新华镇党委/各甫村党支部；须在您的管理范围内",
    ),
    "党员类型": ("必填", CHOICE_HINTS["党员类型"]),
    "入党日期": ("必填", "如 2005-07-01；入党时须年满18周岁，不得晚于今天"),
    "转正日期": ("正式党员必填", "不得早于入党日期、不得晚于今天；预备党员留空"),
    "是否离退休": ("选填", "是/否，留空为否"),
    "是否困难党员": ("选填", "是/否，留空为否"),
    "是否流动党员": ("选填", "是/否，留空为否"),
}

#: Rows validated (and, in pass 2, written) together: one existing-ID query
#: and one progress tick each.
CHUNK_SIZE = 500
#: Files up to this many rows are validated once and written from memory
#: (about 2 KB a row); larger ones are read a second time for the write
#: pass, so memory stays bounded whatever the size of the file.
KEEP_ROWS_IN_MEMORY = 20_000

Source = str | Path | IO[bytes]
Progress = Callable[[str, int, int], None]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def build_template() -> bytes:
    """The import template: the data sheet first, then instructions with an example, then the lists."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党员信息"
    ws.append(list(HEADERS))
    header_fill = PatternFill("solid", fgColor="C00000")
    for index, header in enumerate(HEADERS):
        cell = ws.cell(row=1, column=index + 1)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = _column_letter(index)
        ws.column_dimensions[letter].width = 34 if header == "所在党组织" else max(12, 3 * len(header))
        if header == "公民身份号码":
            ws.column_dimensions[letter].width = 22
            ws.column_dimensions[letter].number_format = "@"
        elif header in DATE_COLUMNS:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    lists = wb.create_sheet("选项")
    list_columns = {
        "性别": list(Gender.labels),
        "民族": ETHNICITY_LABELS,
        "学历": list(Education.labels),
        "人员类别": list(Occupation.labels),
        "党员类型": list(MemberStatus.labels),
        "是/否": ["是", "否"],
    }
    for col, (title, values) in enumerate(list_columns.items(), start=1):
        lists.cell(row=1, column=col, value=title)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        letter = _column_letter(col - 1)
        source = f"'选项'!${letter}$2:${letter}${len(values) + 1}"
        targets = [title] if title != "是/否" else list(BOOL_COLUMNS)
        for target in targets:
            target_letter = _column_letter(HEADERS.index(target))
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择{target}",
            )
            validation.add(f"{target_letter}2:{target_letter}1048576")
            ws.add_data_validation(validation)
    lists.sheet_state = "hidden"

    guide = wb.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写要求"])
    for header in HEADERS:
        guide.append([header, *INSTRUCTIONS[header]])
    guide.append([])
    guide.append(
        ["注意", "", "一行有错则整个文件都不导入，系统会列出每个错误的行号、列名和原因，改正后重新上传即可。"]
    )
    guide.append(["注意", "", "同一公民身份号码在文件中只能出现一次，且不能是系统中已登记的党员。"])
    guide.append([])
    guide.append(["示例（请勿粘贴到“党员信息”表中）"])
    guide.append(list(HEADERS))
    guide.append(list(EXAMPLE_ROW))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 14
    guide.column_dimensions["C"].width = 90
    wb.move_sheet(guide, offset=-1)  # 党员信息, 填写说明, 选项 (hidden)

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


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
    """Finds a row's organization (code, full name path, or a unique name) inside the importer's scope."""

    def __init__(self, actor: Any):
        self.actor = actor
        orgs = list(Organization.objects.visible_to(actor))
        names = org_names_for(actor, orgs) if orgs else {}
        self.by_code: dict[str, Organization] = {}
        self.by_path: dict[str, list[Organization]] = defaultdict(list)
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        for org in orgs:
            self.by_code[org.code.upper()] = org
            self.by_path[name_path(org.path, names)].append(org)
            self.by_name[org.name].append(org)
        self._cache: dict[str, Organization | str] = {}
        self._checked: dict[int, str] = {}

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
# Reading and validating rows
# ---------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One data row after validation: the unsaved member, or its errors."""

    number: int
    id_number: str | None
    member: Member | None
    errors: list[RowError]


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
        fields[COLUMN_FIELDS[column]] = _unneutralise(cell_text(cells.get(column)))
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
        field = COLUMN_FIELDS[column]
        if not text:
            if column != "性别":  # gender may come from the ID number
                error(column, "必填")
            continue
        if text not in labels:
            error(column, f"“{text}”不是有效的{column}，可填：{CHOICE_HINTS[column]}")
            continue
        fields[field] = labels[text]

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

    member = Member(organization=organization, **{k: v for k, v in fields.items() if v is not None})
    checks: list[Callable[[Member], None]] = []
    if info is not None and not {"birth_date", "gender"} & failed:
        checks.append(validate_identity)
    checks.append(validate_dates)
    for check in checks:
        try:
            check(member)
        except ValidationError as exc:
            _add_validation_errors(exc, number, errors, failed)
    try:
        # No per-row queries: the organization (whose FK check would query)
        # comes from the resolver, uniqueness of the ID is checked per chunk,
        # and the check constraints (转正 after 入党, 入党 after birth) are
        # validate_dates' rules.
        member.full_clean(
            exclude=sorted(failed | {"organization"}), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        _add_validation_errors(exc, number, errors, failed)
    return ParsedRow(number, info.number if info else None, None if errors else member, errors)


def _add_validation_errors(
    exc: ValidationError, number: int, errors: list[RowError], failed: set[str]
) -> None:
    seen = {(e.column, e.message) for e in errors}
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    for field, messages in items:
        if field in failed:
            continue
        column = FIELD_COLUMNS.get(field, "")
        for message in messages:
            if (column, message) not in seen:
                seen.add((column, message))
                errors.append(RowError(number, column, message))
        failed.add(field)


def _open(
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
        wb = load_workbook(source, read_only=True)  # type: ignore[arg-type]
    except Exception:  # an unreadable file is reported by the import itself
        return 0
    try:
        return max(0, (wb.worksheets[0].max_row or 1) - 1)
    finally:
        wb.close()


def _chunks(rows: Iterable[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class ScanResult:
    """What a validation pass found; ``kept`` holds the validated rows by chunk when the file was small."""

    errors: list[RowError]
    rows: int
    kept: list[list[ParsedRow]] | None


def _mark_registered(parsed: list[ParsedRow]) -> None:
    """Flag the rows whose ID number is already registered: one query for the whole chunk."""
    rows_of: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed:
        if row.id_number:
            rows_of[row.id_number].append(row)
    for existing in Member.objects.filter(id_number__in=list(rows_of)).values_list("id_number", flat=True):
        for row in rows_of[existing]:
            row.errors.append(
                RowError(row.number, "公民身份号码", "该公民身份号码已登记（系统中已有此党员）")
            )
            row.member = None


def _sorted(errors: list[RowError]) -> list[RowError]:
    order = {column: i for i, column in enumerate(HEADERS)}
    return list(dict.fromkeys(sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))))


def _scan(
    source: Source,
    actor: Any,
    *,
    on_chunk: Callable[[list[Member]], None] | None = None,
    progress: Progress | None = None,
    total: int = 0,
    keep_up_to: int = 0,
) -> ScanResult:
    """Validate every row; hand each chunk of good members to ``on_chunk`` while no error has been seen.

    With ``keep_up_to``, the validated rows are also kept (so the write pass
    need not read the file again) as long as the file has no more rows than that.
    """
    rows, errors = _open(source)
    if errors:
        return ScanResult(errors, 0, None)
    resolver = OrgResolver(actor)
    first_row_of: dict[str, int] = {}
    kept: list[list[ParsedRow]] | None = [] if keep_up_to else None
    count = 0
    for chunk in _chunks(rows, CHUNK_SIZE):
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
        _mark_registered(parsed)
        for row in parsed:
            errors.extend(row.errors)
        count += len(parsed)
        if on_chunk is not None and not errors:
            on_chunk([row.member for row in parsed if row.member is not None])
        if kept is not None:
            kept = kept + [parsed] if count <= keep_up_to and not errors else None
        if progress is not None:
            progress(ImportJobStatus.VALIDATING, count, max(total, count))
    if count == 0 and not errors:
        errors.append(RowError(0, "", "文件中没有党员数据（第1行为表头，从第2行起每行一名党员）"))
    return ScanResult(_sorted(errors), count, kept)


# ---------------------------------------------------------------------------
# Writing, in bulk, with the audit rows auditlog would have written
# ---------------------------------------------------------------------------


def _current_remote_addr() -> str | None:
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def _create_changes(obj: models.Model) -> dict[str, list[Any]]:
    """auditlog's "create" diff of ``obj``: its concrete fields, from None, masked as registered.

    auditlog's ``model_instance_diff`` also walks reverse relations, which
    costs a query per object for a reverse one-to-one and adds nothing to a
    creation; values and masking here are auditlog's own (``get_field_value``,
    the registered ``mask_fields`` and mask callable).
    """
    meta = obj._meta
    registered = auditlog_registry.get_model_fields(meta.model)
    mask = get_mask_function(registered.get("mask_callable"))
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    changes: dict[str, list[Any]] = {}
    for field in meta.concrete_fields:
        if field.name in registered["exclude_fields"] or (
            registered["include_fields"] and field.name not in registered["include_fields"]
        ):
            continue
        value = get_field_value(obj, field, use_json)
        if value is None:
            continue
        if field.name in registered["mask_fields"]:
            changes[field.name] = [mask(smart_str(None)), mask(smart_str(value))]
        elif use_json:
            changes[field.name] = [None, value if is_primitive(value) else smart_str(value)]
        else:
            changes[field.name] = ["None", smart_str(value)]
    return changes


def audit_entries(objects: Sequence[models.Model], actor: Any, remote_addr: str | None) -> list[LogEntry]:
    """The "create" LogEntry auditlog writes on save(), for rows inserted with bulk_create.

    bulk_create sends no signals, so auditlog never sees these rows.
    """
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0])
    cid = get_cid()
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    return [
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=str(obj),
            action=LogEntry.Action.CREATE,
            changes=_create_changes(obj),
            actor=user,
            actor_email=getattr(user, "email", None) or None,
            remote_addr=remote_addr,
            cid=cid,
            timestamp=now,
        )
        for obj in objects
    ]


def _write_chunk(members: list[Member], actor: Any, remote_addr: str | None) -> None:
    Member.objects.bulk_create(members)  # primary keys come back (RETURNING on SQLite and PostgreSQL)
    periods = [p for m in members for p in write_initial_periods(m, PeriodReason.REGISTERED)]
    MemberPeriod.objects.bulk_create(periods)
    LogEntry.objects.bulk_create(
        audit_entries(members, actor, remote_addr) + audit_entries(periods, actor, remote_addr)
    )


@service
def _import_write(
    *, actor: Any, source: Source, remote_addr: str | None, kept: list[list[ParsedRow]] | None
) -> int:
    """Pass 2, in one transaction: bulk-insert every chunk; any error (raised) undoes it all.

    Rows kept from pass 1 are written as they are, after checking their ID
    numbers again now that the write lock is held; a larger file is read and
    validated again chunk by chunk.
    """
    created = 0

    def write(members: list[Member]) -> None:
        nonlocal created
        _write_chunk(members, actor, remote_addr)
        created += len(members)

    if kept is None:
        errors = _scan(source, actor, on_chunk=write).errors
    else:
        errors = []
        for parsed in kept:
            _mark_registered(parsed)
            errors.extend(e for row in parsed for e in row.errors)
            if not errors:
                write([row.member for row in parsed if row.member is not None])
    if errors:
        raise ImportRejected(_sorted(errors))
    return created


def import_members(
    *,
    actor: Any,
    source: Source,
    remote_addr: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a member spreadsheet, all or nothing: every member with history and audit rows, or every bad row."""
    if not can_write(actor):
        raise PermissionDenied("当前账号为只读权限，不能导入党员")
    if remote_addr is None:
        remote_addr = _current_remote_addr()
    total = estimate_rows(source)
    if progress is not None:
        progress(ImportJobStatus.VALIDATING, 0, total)
    scan = _scan(source, actor, progress=progress, total=total, keep_up_to=KEEP_ROWS_IN_MEMORY)
    report = ImportReport(errors=scan.errors, rows=scan.rows)
    if report.errors:
        return report
    if progress is not None:
        progress(ImportJobStatus.WRITING, scan.rows, scan.rows)
    try:
        report.created = _import_write(actor=actor, source=source, remote_addr=remote_addr, kept=scan.kept)
    except ImportRejected as exc:
        # Someone registered one of these IDs between the two passes.
        report.errors = exc.errors
    return report


# ---------------------------------------------------------------------------
# Import jobs: the page uploads, a worker thread imports, the page polls
# ---------------------------------------------------------------------------


@service
def import_job_create(*, actor: Any, file_name: str) -> ImportJob:
    """Record an upload of the member spreadsheet (the job the import page follows)."""
    root = scope_root(actor)
    if root is not None:
        check_can_edit(actor, root)
    elif not can_write(actor):
        raise PermissionDenied("当前账号为只读权限，不能导入党员")
    job = ImportJob(organization=root, created_by=actor, file_name=file_name[:255] or "未命名.xlsx")
    job.full_clean()
    job.save()
    return job


@service
def import_job_finish(
    *, actor: Any, job: ImportJob, report: ImportReport | None, message: str = ""
) -> ImportJob:
    """Store a job's outcome: created count, or every error; ``report`` None means the import crashed."""
    job.refresh_from_db()  # progress ticks updated the row behind this instance's back
    job.finished_at = timezone.now()
    if report is None:
        job.status = ImportJobStatus.FAILED
        job.message = message[:500] or "导入过程中发生错误，未写入任何数据"
    elif report.ok:
        job.status = ImportJobStatus.SUCCEEDED
        job.created_count = report.created
        job.processed = report.rows
        job.total = report.rows
    else:
        job.status = ImportJobStatus.REJECTED
        job.errors = [[e.row, e.column, e.message] for e in report.errors]
        job.error_count = len(report.errors)
    job.save()
    return job


def _record_progress(job_id: int, status: str, processed: int, total: int) -> None:
    # A plain UPDATE: no audit row per tick (status changes are audited by
    # import_job_finish), and it commits at once so other requests see it.
    # A tick that cannot be written (a lock held too long) is skipped, not
    # fatal: progress is a courtesy, the import's outcome is recorded at the
    # end.  The savepoint keeps an enclosing transaction usable on PostgreSQL.
    try:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job_id).update(
                status=status, processed=processed, total=total, updated_at=timezone.now()
            )
    except DatabaseError:
        logger.warning("import job %s: progress tick skipped", job_id, exc_info=True)


def run_import_job(*, job_id: int, path: str, remote_addr: str | None = None) -> ImportJob:
    """Run one uploaded file's import to its end and record the outcome on the job."""
    job = ImportJob.objects.select_related("created_by__organization").get(pk=job_id)
    actor = job.created_by
    try:
        report = import_members(
            actor=actor,
            source=path,
            remote_addr=remote_addr,
            progress=lambda status, done, total: _record_progress(job_id, status, done, total),
        )
    except PermissionDenied as exc:
        return import_job_finish(actor=actor, job=job, report=None, message=str(exc))
    except Exception as exc:
        logger.exception("member import job %s failed", job_id)
        return import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"导入过程中发生错误，未写入任何数据（{type(exc).__name__}）",
        )
    finally:
        Path(path).unlink(missing_ok=True)
    return import_job_finish(actor=actor, job=job, report=report)


def _run_in_thread(job_id: int, path: str, remote_addr: str | None) -> None:
    try:
        run_import_job(job_id=job_id, path=path, remote_addr=remote_addr)
    except Exception:
        logger.exception("member import job %s could not record its outcome", job_id)
    finally:
        connections.close_all()  # this thread's connections; Django never closes them itself


def start_member_import(*, actor: Any, upload: IO[bytes], file_name: str) -> ImportJob:
    """Save the upload, create its job and import it in a worker thread (inline when MEMBER_IMPORT_INLINE).

    A thread (not a task queue) keeps the deployment to one process type; it
    works under runserver and gunicorn alike because progress and outcome live
    in the job row that any worker can read.  A restart that kills the thread
    leaves the job stale (shown as interrupted) and, since the write pass is
    one transaction, nothing half-written.
    """
    job = import_job_create(actor=actor, file_name=file_name)
    fd, path = tempfile.mkstemp(prefix=f"member-import-{job.pk}-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            for block in (
                upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
            ):
                out.write(block)
    except OSError as exc:
        Path(path).unlink(missing_ok=True)
        logger.exception("member import job %s: cannot store the upload", job.pk)
        return import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"服务器无法保存上传的文件（{exc.strerror}），未写入任何数据",
        )
    remote_addr = _current_remote_addr()
    if getattr(settings, "MEMBER_IMPORT_INLINE", False):
        return run_import_job(job_id=job.pk, path=path, remote_addr=remote_addr)
    threading.Thread(
        target=_run_in_thread, args=(job.pk, path, remote_addr), name=f"member-import-{job.pk}", daemon=True
    ).start()
    return job


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def export_rows(user: Any, members: models.QuerySet[Member]) -> Iterator[list[Any]]:
    """Rows in template order; full ID numbers only for users who may edit.

    ``members`` comes from ``filter_members`` (scoped, and annotated with the
    status and organization of the chosen day); a snapshot of a past day
    shows the status of that day, so a member then probationary has no 转正日期.
    """
    full_ids = can_write(user)
    names = org_names_for(user)
    for m in members.select_related("organization").iterator(chunk_size=2000):
        status = getattr(m, "status_on", None) or m.status
        org_path = getattr(m, "organization_on_path", None) or m.organization.path
        yield [
            m.name,
            m.get_gender_display(),
            m.ethnicity,
            m.id_number if full_ids else m.masked_id_number,
            m.birth_date,
            m.get_education_display(),
            m.get_occupation_display(),
            _yes_no(m.is_frontline),
            m.phone,
            m.work_unit,
            name_path(org_path, names),
            MemberStatus(status).label,
            m.joined_on,
            m.full_on if status == MemberStatus.FULL else None,
            _yes_no(m.is_retired),
            _yes_no(m.is_hardship),
            _yes_no(m.is_mobile),
        ]


def export_members(user: Any, members: models.QuerySet[Member]) -> bytes:
    """The members (a scoped queryset) as an .xlsx with the template's headers.

    Written with openpyxl's write-only mode, rows streamed from one query;
    every text cell is neutralised against formula injection.
    """
    return build_workbook([("党员信息", HEADERS, export_rows(user, members))])
