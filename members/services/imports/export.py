"""The roster as a spreadsheet in the template's columns, so an export re-imports (and updates)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models

from core.scopes import can_write
from core.sheets import Sheet, write_workbook

from ...choices import MemberStatus
from ...models import Member
from .parse import name_path, org_names_for
from .spec import COLUMNS


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
    for m in members.select_related("organization", "party_group").iterator(chunk_size=2000):
        status = getattr(m, "status_on", None) or m.status
        org_path = getattr(m, "organization_on_path", None) or m.organization.path
        if getattr(m, "history_only", False):
            yield _row_of_that_day(m, status, name_path(org_path, names))
            continue
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
            m.party_group.name if m.party_group_id else "",
            MemberStatus(status).label,
            m.joined_on,
            m.full_on if status == MemberStatus.FULL else None,
            _yes_no(m.is_retired),
            _yes_no(m.is_rural),
            _yes_no(m.is_hardship),
            _yes_no(m.is_mobile),
        ]


def _row_of_that_day(m: Member, status: str, org_name: str) -> list[Any]:
    """A past day's row of a member who has since left the user's scope or the Party.

    Only what that day's record says (name, status and organization that
    day, join date, 转正日期 if then full): never today's ID number, phone,
    work unit, education or occupation (members.selectors.member.member_list).
    """
    return [
        m.name,
        *[""] * 9,  # 性别 … 工作单位及职务
        org_name,
        "",  # 党小组 of today
        MemberStatus(status).label,
        m.joined_on,
        m.full_on if status == MemberStatus.FULL else None,
        *[""] * 4,  # 离退休 … 流动党员
    ]


def export_members(user: Any, members: models.QuerySet[Member]) -> bytes:
    """The members (a scoped queryset) as an .xlsx with the template's headers.

    Written by the shared writer (core.sheets) in the template's layout, dropdowns
    included, rows streamed from one query; every text cell is neutralised
    against formula injection.
    """
    return write_workbook(Sheet("党员信息", COLUMNS, export_rows(user, members)))
