"""Helpers of the organizations tests: spreadsheets built in memory, a few more members (via tests/factories.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook

from organizations.importers import HEADERS
from tests.factories import make_id, make_member


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
            created.append(
                make_member(
                    org,
                    actor=admin_user,
                    name=f"党员{counter[0]}",
                    gender="M",
                    id_number=make_id(birth, counter[0], region="532628"),
                    birth_date=birth,
                    ethnicity="壮族",
                    # a 预备党员 joined within the last year (still in probation today)
                    joined_on=dt.date(2010, 7, 1)
                    if status == "FULL"
                    else dt.date.today() - dt.timedelta(days=90),
                    status=status,
                    full_on=dt.date(2011, 7, 1) if status == "FULL" else None,
                )
            )
        return created

    return add
