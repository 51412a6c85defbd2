"""The member spreadsheet, split along its seams.

``spec`` (columns and template) → ``parse`` (rows, organizations, new /
changed / unchanged) → ``write`` (the all-or-nothing write) → ``jobs`` (the
task queue, the stored upload, the preview to confirm); ``export`` writes the
roster in the template's columns.  The public names are importable from here.
"""

from .export import export_members, export_rows
from .jobs import (
    close_stale_jobs,
    confirm_member_import,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_finish,
    member_import_task,
    run_import_job,
    start_member_import,
)
from .parse import OrgResolver, ParsedRow, estimate_rows, name_path, org_names_for, parse_row
from .spec import HEADERS, REQUIRED_HEADERS, build_template
from .write import MemberImportReport, import_members

__all__ = [
    "HEADERS",
    "REQUIRED_HEADERS",
    "MemberImportReport",
    "OrgResolver",
    "ParsedRow",
    "build_template",
    "close_stale_jobs",
    "confirm_member_import",
    "estimate_rows",
    "export_members",
    "export_rows",
    "import_job_cancel",
    "import_job_confirm",
    "import_job_create",
    "import_job_finish",
    "import_members",
    "member_import_task",
    "name_path",
    "org_names_for",
    "parse_row",
    "run_import_job",
    "start_member_import",
]
