"""``manage.py import_members FILE --user USERNAME``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.models import Member

from .test_imports_support import import_row, workbook

pytestmark = pytest.mark.django_db


def write_file(tmp_path, rows) -> str:
    path = tmp_path / "members.xlsx"
    path.write_bytes(workbook(rows).getvalue())
    return str(path)


def test_command_imports_a_good_file(tree, county_staff, tmp_path):
    out = StringIO()
    call_command(
        "import_members", write_file(tmp_path, [import_row(1), import_row(2)]), user="county", stdout=out
    )

    assert "新增党员 2 名" in out.getvalue()
    assert Member.objects.count() == 2


def test_command_exits_non_zero_and_prints_every_bad_row(tree, county_staff, tmp_path):
    rows = [import_row(1, 民族="火星族"), import_row(2), import_row(3, 所在党组织="NOPE", 党员类型="党员")]
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import_members", write_file(tmp_path, rows), user="county", stderr=err)

    assert exc.value.returncode == 1
    assert "共 3 处错误" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("第2行“民族”列：")
    assert any(line.startswith("第4行“所在党组织”列：") for line in lines)
    assert any(line.startswith("第4行“党员类型”列：") for line in lines)
    assert Member.objects.count() == 0


def test_command_refuses_an_auditor(tree, auditor, tmp_path):
    with pytest.raises(CommandError, match="只读"):
        call_command("import_members", write_file(tmp_path, [import_row(1)]), user="auditor")
    assert Member.objects.count() == 0


def test_command_refuses_an_unknown_user(tree, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_members", write_file(tmp_path, [import_row(1)]), user="nobody")


def test_command_refuses_a_missing_file(tree, county_staff, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_members", str(tmp_path / "missing.xlsx"), user="county")
