"""Helpers of the organizations tests: spreadsheets built in memory, a few more members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook

from members.services.member import member_register
from organizations.importers import HEADERS
from tests.conftest import member_fields

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def man_id(birth: dt.date, seq: int) -> str:
    """A valid resident ID number (GB 11643 checksum) of a man of 富宁县 born on ``birth``."""
    body = f"532628{birth:%Y%m%d}{(seq * 2 + 1) % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def xlsx_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> BytesIO:
    """An .xlsx in memory with ``headers`` and ``rows`` on its first sheet."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "orgs.xlsx"
    return buffer


@pytest.fixture
def add_members(admin_user) -> Callable[..., list]:
    """Register ``n`` extra members (full by default) in ``org``."""
    counter = [0]

    def add(org, n: int, status: str = "FULL") -> list:
        created = []
        for _ in range(n):
            counter[0] += 1
            birth = dt.date(1980, 1, 1) + dt.timedelta(days=counter[0])
            fields = member_fields(
                name=f"党员{counter[0]}",
                gender="M",
                id_number=man_id(birth, counter[0]),
                birth_date=birth,
                ethnicity="壮族",
                joined_on=dt.date(2010, 7, 1),
                status=status,
                full_on=dt.date(2011, 7, 1) if status == "FULL" else None,
            )
            created.append(member_register(actor=admin_user, organization=org, **fields))
        return created

    return add
