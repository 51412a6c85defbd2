"""Import of an existing organization tree from an ``.xlsx`` sheet, all or nothing, on the task queue.

Every row is checked first (codes, labels, dates, parents — in the database
or elsewhere in the file, in any order —, placement rules, cycles, scope)
and *every* bad row is reported; only a clean file is written, each
organization through :func:`organizations.services.org_create`, parents
before children, in one transaction.

The page stores the upload and queues :func:`org_import_task`; the task
ticks progress onto an :class:`~organizations.models.OrgImportJob` (the same
job, heartbeat and error format as the member import) and deletes the
upload when it ends, whatever the outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.audit import service
from core.importjobs import (
    OPEN_STATUSES,
    ImportJobStatus,
    delete_upload,
    local_copy,
    store_upload,
    tick,
)
from core.scopes import can_write, in_scope, sees_everything
from core.sheets import DATE, ColumnSpec, Sheet, write_workbook
from core.uploads import claim_import_slot, new_import_job, wait_for_slot
from core.xlsx import (
    ImportRejected,
    ImportReport,
    RowError,
    cell_date,
    cell_text,
    open_rows,
)

from .choices import BranchForm, OrgCategory, OrgKind
from .models import Organization, OrgImportJob
from .services import ALLOWED_PARENT_KINDS, org_create

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
#: Rows parsed between two progress ticks.
TICK_EVERY = 200

COL_CODE = "党组织代码"
COL_NAME = "党组织名称"
COL_KIND = "组织类型"
COL_CATEGORY = "组织类别"
COL_PARENT = "上级党组织代码"
COL_ESTABLISHED = "成立日期"
COL_FORM = "设置形式"
COL_UNITS = "联合单位"
REQUIRED = (COL_CODE, COL_NAME, COL_KIND, COL_CATEGORY, COL_PARENT, COL_ESTABLISHED)
HEADERS = (*REQUIRED, COL_FORM, COL_UNITS)  # the last two may be left out of older files

#: Labels accepted besides the official ones (and the stored values).
KIND_ALIASES = {
    "党委": OrgKind.COMMITTEE,
    "县委员会": OrgKind.COUNTY_COMMITTEE,
    "总支": OrgKind.GENERAL_BRANCH,
}
CATEGORY_ALIASES = {"离退休": OrgCategory.RETIRED, "老干": OrgCategory.RETIRED}


def _lookup(choices: Any, aliases: dict[str, str]) -> dict[str, str]:
    table = {label: value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update(aliases)
    return table


KIND_BY_LABEL = _lookup(OrgKind, KIND_ALIASES)
CATEGORY_BY_LABEL = _lookup(OrgCategory, CATEGORY_ALIASES)
FORM_BY_LABEL = _lookup(BranchForm, {"": BranchForm.REGULAR, "联合": BranchForm.JOINT})
#: Labels of earlier versions that now need a choice: say which.
SPLIT_CATEGORIES = {"企业": "“企业”已细分为“国有企业”和“非公有制企业”，请填写其中之一"}


@dataclass
class OrgRow:
    """One parsed row of the sheet."""

    number: int
    code: str
    name: str
    kind: str | None
    category: str | None
    parent_code: str
    established_on: dt.date | None
    form: str = BranchForm.REGULAR
    covered_units: str = ""
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def _parse(number: int, values: dict[str, Any]) -> OrgRow:
    row = OrgRow(
        number=number,
        code=cell_text(values.get(COL_CODE)),
        name=cell_text(values.get(COL_NAME)),
        kind=None,
        category=None,
        parent_code=cell_text(values.get(COL_PARENT)),
        established_on=None,
    )
    if not row.code:
        row.error(COL_CODE, "不能为空")
    if not row.name:
        row.error(COL_NAME, "不能为空")
    kind_label = cell_text(values.get(COL_KIND))
    row.kind = KIND_BY_LABEL.get(kind_label)
    if row.kind is None:
        allowed = "、".join(OrgKind.labels)
        row.error(COL_KIND, f"未知的组织类型“{kind_label}”（可填：{allowed}）" if kind_label else "不能为空")
    category_label = cell_text(values.get(COL_CATEGORY))
    row.category = CATEGORY_BY_LABEL.get(category_label)
    if row.category is None:
        allowed = "、".join(OrgCategory.labels)
        row.error(
            COL_CATEGORY,
            SPLIT_CATEGORIES.get(category_label)
            or (f"未知的组织类别“{category_label}”（可填：{allowed}）" if category_label else "不能为空"),
        )
    form_label = cell_text(values.get(COL_FORM))
    if form_label in FORM_BY_LABEL:
        row.form = FORM_BY_LABEL[form_label]
    else:
        row.error(COL_FORM, f"未知的设置形式“{form_label}”（可填：{'、'.join(BranchForm.labels)}，或留空）")
    row.covered_units = cell_text(values.get(COL_UNITS))
    try:
        row.established_on = cell_date(values.get(COL_ESTABLISHED))
    except ValueError as exc:
        row.error(COL_ESTABLISHED, str(exc))
    else:
        if row.established_on is None:
            row.error(COL_ESTABLISHED, "不能为空")
    if row.code and row.name and row.kind and row.category:
        # Field-level checks of the model (code format, lengths) without any query.
        probe = Organization(
            code=row.code,
            name=row.name,
            kind=row.kind,
            category=row.category,
            form=row.form,
            covered_units=row.covered_units,
        )
        try:
            probe.clean_fields(exclude=["path", "parent", "successor", "established_on"])
            probe.clean()
        except ValidationError as exc:
            columns = {
                "code": COL_CODE,
                "name": COL_NAME,
                "kind": COL_KIND,
                "category": COL_CATEGORY,
                "form": COL_FORM,
                "covered_units": COL_UNITS,
            }
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(columns.get(name, ""), message)
    return row


def _check_duplicates(rows: list[OrgRow], existing: dict[str, Organization]) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        key = row.code.lower()
        if key in first_row:
            row.error(COL_CODE, f"党组织代码“{row.code}”与第{first_row[key]}行重复")
        else:
            first_row[key] = row.number
        if row.code in existing:
            row.error(COL_CODE, f"党组织代码“{row.code}”已存在于系统中")


def _check_parents(
    rows: list[OrgRow], by_code: dict[str, OrgRow], existing: dict[str, Organization], actor: Any
) -> None:
    for row in rows:
        if not row.parent_code:
            if not sees_everything(actor):
                row.error(COL_PARENT, "不能为空（只有系统管理员可以导入顶层党组织）")
            elif row.kind and None not in ALLOWED_PARENT_KINDS[row.kind]:
                row.error(COL_PARENT, f"{OrgKind(row.kind).label}必须有上级党组织")
            continue
        if row.parent_code == row.code:
            row.error(COL_PARENT, "上级党组织不能是自身")
            continue
        in_file = by_code.get(row.parent_code)
        if in_file is not None:
            parent_kind, parent_day = in_file.kind, in_file.established_on
            parent_name = f"第{in_file.number}行“{in_file.name}”"
            if parent_day and row.established_on and row.established_on < parent_day:
                row.error(COL_ESTABLISHED, f"成立日期早于上级党组织（{parent_name}）的成立日期")
        else:
            parent = existing.get(row.parent_code)
            if parent is None or not in_scope(actor, parent):
                row.error(COL_PARENT, f"上级党组织代码“{row.parent_code}”不存在或不在您的管理范围内")
                continue
            if not parent.is_active:
                row.error(COL_PARENT, f"上级党组织“{parent.name}”已于{parent.dissolved_on:%Y-%m-%d}撤销")
                continue
            parent_kind, parent_name = parent.kind, f"“{parent.name}”"
            if row.established_on and not parent.existed_on(row.established_on):
                row.error(
                    COL_ESTABLISHED,
                    f"成立日期时上级党组织{parent_name}尚未成立（成立于{parent.established_on:%Y-%m-%d}）",
                )
        if row.kind and parent_kind and parent_kind not in ALLOWED_PARENT_KINDS[row.kind]:
            row.error(
                COL_PARENT,
                f"{OrgKind(row.kind).label}不能设在{OrgKind(parent_kind).label}（{parent_name}）之下",
            )


def _check_cycles(rows: list[OrgRow], by_code: dict[str, OrgRow]) -> None:
    """Rows whose parent chain inside the file comes back to itself."""
    state: dict[str, str] = {}  # code -> "open" while walking, "done" after
    for start in rows:
        if not start.code or state.get(start.code):
            continue
        chain: list[OrgRow] = []
        row: OrgRow | None = start
        while row is not None and row.code and not state.get(row.code):
            state[row.code] = "open"
            chain.append(row)
            row = by_code.get(row.parent_code) if row.parent_code != row.code else None
        if row is not None and state.get(row.code) == "open":
            loop = chain[chain.index(row) :]
            path = " → ".join(r.code for r in [*loop, row])
            for member in loop:
                member.error(COL_PARENT, f"上级关系形成循环：{path}")
        for walked in chain:
            state[walked.code] = "done"


def _in_creation_order(rows: list[OrgRow], by_code: dict[str, OrgRow]) -> list[OrgRow]:
    """Parents before children (the file may list them in any order)."""
    ordered: list[OrgRow] = []
    placed: set[str] = set()

    def place(row: OrgRow) -> None:
        stack = []
        current: OrgRow | None = row
        while current is not None and current.code not in placed:
            stack.append(current)
            current = by_code.get(current.parent_code)
        for item in reversed(stack):
            placed.add(item.code)
            ordered.append(item)

    for row in rows:
        place(row)
    return ordered


def validate_rows(rows: list[OrgRow], actor: Any) -> tuple[list[RowError], dict[str, Organization]]:
    """Check every row against the file and the database (one query), collecting every error.

    Returns the errors and the organizations already in the database that
    the file names (as codes or parents).
    """
    by_code: dict[str, OrgRow] = {}
    for row in rows:
        by_code.setdefault(row.code, row)
    wanted = {r.code for r in rows if r.code} | {r.parent_code for r in rows if r.parent_code}
    existing = {org.code: org for org in Organization.objects.filter(code__in=wanted)}
    _check_duplicates(rows, existing)
    _check_parents(rows, by_code, existing, actor)
    _check_cycles(rows, by_code)
    return [error for row in rows for error in row.errors], existing


def _create_all(rows: list[OrgRow], existing: dict[str, Organization], actor: Any) -> int:
    by_code = {row.code: row for row in rows}
    created: dict[str, Organization] = {}
    errors: list[RowError] = []
    for row in _in_creation_order(rows, by_code):
        parent = (created.get(row.parent_code) or existing.get(row.parent_code)) if row.parent_code else None
        try:
            created[row.code] = org_create(
                actor=actor,
                parent=parent,
                code=row.code,
                name=row.name,
                kind=row.kind or "",
                category=row.category or "",
                established_on=row.established_on or dt.date.min,
                form=row.form,
                covered_units=row.covered_units,
                reason="导入",
            )
        except ValidationError as exc:  # a rule the checks above did not foresee
            for name, messages in exc.message_dict.items():
                column = {"parent": COL_PARENT, "code": COL_CODE, "name": COL_NAME}.get(name, "")
                errors.extend(RowError(row.number, column, m) for m in messages)
    if errors:
        raise ImportRejected(errors)
    return len(created)


def import_orgs(source: str | IO[bytes], *, actor: Any, progress: Progress | None = None) -> ImportReport:
    """Import an organization sheet: everything, or nothing and a list of every bad row."""
    report = ImportReport()
    if not can_write(actor):
        report.errors.append(RowError(0, "", "当前账号为只读权限，不能导入"))
        return report
    try:
        iterator, header_errors = open_rows(source, HEADERS, required=REQUIRED)
    except BadZipFile:  # not an .xlsx at all (open_rows does not catch this one)
        report.errors.append(RowError(0, "", "无法读取文件，请上传 .xlsx 格式的 Excel 文件"))
        return report
    if header_errors:
        report.errors = header_errors
        return report
    rows: list[OrgRow] = []
    for number, values in iterator:
        rows.append(_parse(number, values))
        if progress is not None and len(rows) % TICK_EVERY == 0:
            progress(ImportJobStatus.VALIDATING, len(rows), 0)
    report.rows = len(rows)
    if progress is not None:
        progress(ImportJobStatus.VALIDATING, len(rows), len(rows))
    if not rows:
        report.errors.append(RowError(0, "", "文件中没有数据行"))
        return report
    report.errors, existing = validate_rows(rows, actor)
    if report.errors:
        return report
    if progress is not None:
        progress(ImportJobStatus.WRITING, len(rows), len(rows))
    try:
        with transaction.atomic():
            report.created = _create_all(rows, existing, actor)
    except ImportRejected as exc:
        report.errors = exc.errors
        report.created = 0
    return report


#: The template's columns (core.sheets): dropdowns of the official labels, 成立日期 as a date column.
TEMPLATE_COLUMNS = (
    ColumnSpec(COL_CODE, width=14),
    ColumnSpec(COL_NAME, width=30),
    ColumnSpec(COL_KIND, choices=tuple(OrgKind.labels)),
    ColumnSpec(COL_CATEGORY, choices=tuple(OrgCategory.labels)),
    ColumnSpec(COL_PARENT, width=16),
    ColumnSpec(COL_ESTABLISHED, kind=DATE),
    ColumnSpec(COL_FORM, choices=tuple(BranchForm.labels)),
    ColumnSpec(COL_UNITS, width=30),
)


def template_workbook() -> bytes:
    """The import template: the header row with dropdowns, and a sheet explaining what goes in each column."""
    notes = [
        (COL_CODE, "必填，字母、数字、下划线或短横线，不超过32位，全县唯一", "C01T01B01"),
        (COL_NAME, "必填，不超过100字", "各甫村党支部"),
        (COL_KIND, "必填，可填：" + "、".join(OrgKind.labels), "党支部"),
        (COL_CATEGORY, "必填，可填：" + "、".join(OrgCategory.labels), "村"),
        (COL_PARENT, "必填（系统中已有的党组织代码，或本表中另一行的代码，顺序不限）", "C01T01"),
        (COL_ESTABLISHED, "必填，日期，如 2002-07-01", "2002-07-01"),
        (
            COL_FORM,
            "选填，仅党支部："
            + "、".join(BranchForm.labels)
            + "（留空为单独组建；临时、功能型党支部不计入党支部统计）",
            "",
        ),
        (COL_UNITS, "联合党支部必填：所覆盖的单位，用“、”分隔", ""),
    ]
    return write_workbook(
        Sheet("党组织信息", TEMPLATE_COLUMNS),
        Sheet("填写说明", ("列名", ColumnSpec("填写要求", width=70), "示例"), notes, autofilter=False),
    )


# ---------------------------------------------------------------------------
# The job: upload, task, outcome
# ---------------------------------------------------------------------------


@service
def org_import_job_create(*, actor: Any, file_name: str) -> OrgImportJob:
    """Record an upload of the organization sheet (the job the import page follows)."""
    return new_import_job(
        OrgImportJob, actor=actor, file_name=file_name, read_only_message="当前账号为只读权限，不能导入"
    )


@service
def org_import_job_finish(
    *, actor: Any, job: OrgImportJob, report: ImportReport | None, message: str = ""
) -> OrgImportJob:
    """Store a job's outcome (created count or every error; None: it crashed) and delete the upload."""
    job.refresh_from_db()  # progress ticks updated the row behind this instance's back
    delete_upload(job.upload)
    job.upload = ""
    job.finished_at = timezone.now()
    if report is None:
        job.status = ImportJobStatus.FAILED
        job.message = (message or "导入过程中发生错误，未写入任何数据")[:500]
    elif report.errors:
        job.status = ImportJobStatus.REJECTED
        job.errors = [[e.row, e.column, e.message] for e in report.errors]
        job.error_count = len(report.errors)
    else:
        job.status = ImportJobStatus.SUCCEEDED
        job.created_count = report.created
        job.processed = job.total = report.rows
    job.save()
    return job


def close_stale_org_jobs() -> None:
    """Fail the jobs whose worker died and delete their uploads."""
    for job in OrgImportJob.objects.filter(status__in=OPEN_STATUSES):
        if job.is_stale:
            delete_upload(job.upload)
            OrgImportJob.objects.filter(pk=job.pk).update(
                status=ImportJobStatus.FAILED,
                message=job.stale_message,
                upload="",
                finished_at=timezone.now(),
            )


def run_org_import_job(*, job_id: int) -> OrgImportJob:
    """Run one uploaded organization sheet's import and record the outcome on the job."""
    close_stale_org_jobs()
    job = OrgImportJob.objects.select_related("created_by__organization").get(pk=job_id)
    if job.status != ImportJobStatus.PENDING:
        return job  # given up as stale meanwhile
    if not claim_import_slot(OrgImportJob, job_id):
        # IMPORT_MAX_CONCURRENT imports run already: stay 排队中 and come back later.
        wait_for_slot(org_import_task, OrgImportJob, job_id, job_id=job_id)
        job.refresh_from_db()
        return job
    actor = job.created_by

    def progress(status: str, processed: int, total: int) -> None:
        tick(OrgImportJob, job_id, status=status, processed=processed, total=total)

    try:
        with local_copy(job.upload) as path:
            report = import_orgs(path, actor=actor, progress=progress)
    except Exception as exc:
        logger.exception("organization import job %s failed", job_id)
        return org_import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"导入过程中发生错误，未写入任何数据（{type(exc).__name__}）",
        )
    return org_import_job_finish(actor=actor, job=job, report=report)


@task()
def org_import_task(job_id: int) -> str:
    """The task the worker runs: one organization import job to its end."""
    return run_org_import_job(job_id=job_id).status


def start_org_import(*, actor: Any, upload: Any, file_name: str) -> OrgImportJob:
    """Store the upload, create its job and queue its import."""
    job = org_import_job_create(actor=actor, file_name=file_name)
    try:
        name = store_upload(upload, "organizations")
    except OSError as exc:
        return org_import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"服务器无法保存上传的文件（{exc.strerror or exc}），未写入任何数据",
        )
    OrgImportJob.objects.filter(pk=job.pk).update(upload=name)
    job.upload = name
    try:
        result = org_import_task.enqueue(job_id=job.pk)
    except Exception as exc:
        logger.exception("organization import job %s could not be queued", job.pk)
        return org_import_job_finish(
            actor=actor,
            job=job,
            report=None,
            message=f"无法提交后台任务（{type(exc).__name__}），未写入任何数据",
        )
    OrgImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job
