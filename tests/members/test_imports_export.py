"""Export of the filtered roster: scoped, IDs masked for read-only users, formulas neutralised, re-importable."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from members.selectors.member import filter_members
from members.services.imports import HEADERS, export_members, import_members
from members.services.member import member_register
from tests.conftest import PASSWORD, member_fields

from .test_imports_support import make_id

pytestmark = pytest.mark.django_db

ROUND_TRIP_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "occupation",
    "is_frontline",
    "phone",
    "work_unit",
    "organization_id",
    "status",
    "joined_on",
    "full_on",
    "is_retired",
    "is_hardship",
    "is_mobile",
)


def export_rows(client, user, query: str = "") -> list[list]:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("members:export") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture
def tricky_member(tree, admin_user):
    """A probationary member whose text would run as formulas in Excel."""
    return member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="@SUM(A1)",
            gender="M",
            birth_date=dt.date(1982, 1, 13),
            id_number=make_id(dt.date(1982, 1, 13), 5),
            ethnicity="汉族",
            status="PROBATIONARY",
            joined_on=dt.date(2025, 7, 1),
            full_on=None,
            phone="+8613800000000",
            work_unit='=HYPERLINK("http://x.example","点我")',
            is_frontline=True,
            is_hardship=True,
            is_mobile=True,
            is_retired=True,
        ),
    )


def test_secretary_exports_only_their_branch_with_full_ids(client, secretary_a, member_a, member_b, member_c):
    rows = export_rows(client, secretary_a)

    assert rows[0] == list(HEADERS)
    assert [(r[0], r[3], r[10]) for r in rows[1:]] == [
        (member_a.name, member_a.id_number, "富宁县委/新华镇党委/各甫村党支部")
    ]


def test_auditor_exports_masked_ids(client, auditor, member_a, member_b):
    rows = export_rows(client, auditor)

    assert sorted(r[3] for r in rows[1:]) == sorted([member_a.masked_id_number, member_b.masked_id_number])


def test_export_follows_the_list_filters(client, county_staff, member_a, member_b, member_c):
    rows = export_rows(client, county_staff, "?gender=F")

    assert [r[0] for r in rows[1:]] == [member_a.name]


def test_cells_that_would_run_as_formulas_are_neutralised(client, secretary_a, tricky_member):
    client.login(username=secretary_a.username, password=PASSWORD)
    ws = load_workbook(BytesIO(client.get(reverse("members:export")).content)).worksheets[0]
    cells = {header: cell for header, cell in zip(HEADERS, ws[2], strict=True)}

    assert cells["姓名"].value == "'@SUM(A1)"
    assert cells["手机号码"].value == "'+8613800000000"
    assert cells["工作单位及职务"].value.startswith("'=HYPERLINK(")
    assert all(cell.data_type != "f" for cell in ws[2])


def test_export_query_count_does_not_grow_with_rows(
    county_staff, member_a, member_b, member_c, tricky_member, django_assert_num_queries
):
    _form, members = filter_members(county_staff, {})
    # 1. names of the organizations in scope (for the 所在党组织 paths)
    # 2. the members, in one streamed query
    with django_assert_num_queries(2):
        content = export_members(county_staff, members)

    assert load_workbook(BytesIO(content)).worksheets[0].max_row == 5


def test_secretary_export_query_count(secretary_a, member_a, tricky_member, django_assert_num_queries):
    _form, members = filter_members(secretary_a, {})
    # 1. names of the organizations in scope
    # 2. names of the scope's ancestors (富宁县委, 新华镇党委) for full paths
    # 3. the members
    with django_assert_num_queries(3):
        export_members(secretary_a, members)


def test_export_then_import_into_an_empty_roster_gives_back_the_same_members(
    client, county_staff, member_a, member_b, member_c, tricky_member, tmp_path
):
    before = {m["id_number"]: m for m in Member.objects.values(*ROUND_TRIP_FIELDS)}
    client.login(username=county_staff.username, password=PASSWORD)
    exported = client.get(reverse("members:export")).content
    # A fresh database holding the same organization tree: the members are gone.
    Member.objects.all().delete()

    path = tmp_path / "export.xlsx"
    path.write_bytes(exported)
    report = import_members(actor=county_staff, source=str(path))

    assert report.ok and report.created == 4
    after = {m["id_number"]: m for m in Member.objects.values(*ROUND_TRIP_FIELDS)}
    assert after == before
