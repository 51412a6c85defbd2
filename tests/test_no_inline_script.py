"""No template value inside JavaScript, and a Content-Security-Policy that would refuse it anyway.

A value written into an inline script or an ``on…=`` attribute is escaped for
HTML, not for JavaScript: a member named ``黄'+alert(document.domain)+'`` ran
script in a clerk's browser from the care page's ``confirm('…')``. Templates
pass values to ``static/js/partyorg.js`` through ``data-`` attributes or
``json_script``; the scan below fails with file:line for anything else, and
the CSP header (django-csp, ``partyorg/settings.py``) refuses inline script
and style in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
HTML_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
# on…= event handlers, and htmx's hx-on (which evaluates its value as JavaScript).
HANDLER_ATTRIBUTE = re.compile(r"(?<![\w:-])(on[a-z]+|hx-on[\w:.-]*|data-hx-on[\w:.-]*)\s*=", re.I)
SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
SCRIPT_SRC = re.compile(r"(?<![\w:-])src\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w:-])style\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def ours(path: Path, base: Path) -> bool:
    """An app in this repository, not a third-party one installed in a virtualenv inside it (.venv/…/site-packages)."""
    path = path.resolve()
    return path.is_relative_to(base) and not any(
        part.startswith(".") or part == "site-packages" for part in path.relative_to(base).parts
    )


def template_files() -> Iterator[Path]:
    """Every file in the project's template folders (settings DIRS and our own apps' templates/)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    folders += [
        Path(config.path) / "templates" for config in apps.get_app_configs() if ours(Path(config.path), base)
    ]
    seen: set[Path] = set()
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"} and path not in seen:
                seen.add(path)
                yield path


def mask_template_tags(source: str) -> str:
    """The source with every {{ }}, {% %} and {# #} blanked out (newlines kept, so offsets and lines still match)."""
    return TEMPLATE_TAG.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)


def problems(source: str) -> list[tuple[int, str]]:
    """(line, what) for every way this template source could put a value into JavaScript or inline style."""
    found: list[tuple[int, str]] = []
    masked = mask_template_tags(source)

    def line_of(offset: int) -> int:
        return source.count("\n", 0, offset) + 1

    for tag in HTML_TAG.finditer(masked):
        for attribute in HANDLER_ATTRIBUTE.finditer(tag.group()):
            start = tag.start() + attribute.start()
            # The attribute's value in the real source, up to the end of its tag.
            value = source[start : tag.end()]
            tagged = "，属性值里有模板标签" if TEMPLATE_TAG.search(value) else ""
            found.append((line_of(start), f"内联事件属性 {attribute.group(1)}={tagged}"))
        for attribute in STYLE_ATTRIBUTE.finditer(tag.group()):
            found.append((line_of(tag.start() + attribute.start()), "style= 属性（CSP 只允许静态样式文件）"))
        for url in JAVASCRIPT_URL.finditer(tag.group()):
            found.append((line_of(tag.start() + url.start()), "javascript: 地址"))
    for script in SCRIPT_BLOCK.finditer(source):
        attributes, body = script.group(1), script.group(2)
        if TEMPLATE_TAG.search(body):
            found.append(
                (line_of(script.start()), "<script> 块里有模板标签（请用 data- 属性或 json_script）")
            )
        elif body.strip() or not SCRIPT_SRC.search(attributes):
            found.append((line_of(script.start()), "内联 <script> 块（CSP 只允许静态脚本文件）"))
    for block in STYLE_BLOCK.finditer(masked):
        found.append((line_of(block.start()), "内联 <style> 块（CSP 只允许静态样式文件）"))
    return sorted(found)


def test_the_scan_finds_a_template_value_in_an_event_handler_and_a_script_block() -> None:
    source = (
        '<form method="post" onsubmit="return confirm(\'确定将{{ r.member.name }}移出慰问名单？\')">\n'
        '<select name="year" onchange="this.form.submit()">\n'
        "<script>const name = '{{ member.name }}';</script>\n"
        "<script>alert(1)</script>\n"
        '<div hx-on:click="alert(1)" style="width: 7em">\n'
        '<a href="javascript:alert(1)">x</a>\n'
        "<style>.x { color: red; }</style>\n"
    )
    lines = [line for line, _ in problems(source)]
    assert lines == [1, 2, 3, 4, 5, 5, 6, 7]
    assert "模板标签" in problems(source)[0][1]


def test_the_scan_lets_data_attributes_json_script_and_script_files_through() -> None:
    source = (
        '{% load static %}<form method="post" data-confirm="确定将{{ r.member.name }}移出慰问名单？">\n'
        '<input type="checkbox" data-check-all="pick" aria-label="{{ m.name }}">{% if on %} selected{% endif %}\n'
        '{{ figures|json_script:"figures" }}\n'
        "<script src=\"{% static 'js/partyorg.js' %}\" defer></script>\n"
        '<p>button=1 person=2 hx-get="/x" data-onload="1"</p>\n'
    )
    assert problems(source) == []


def test_no_template_puts_a_value_into_javascript_or_an_inline_handler() -> None:
    base = Path(settings.BASE_DIR).resolve()
    files = list(template_files())
    assert len(files) > 50  # the scan really reads the templates
    report = [
        f"{path.resolve().relative_to(base)}:{line}: {what}"
        for path in files
        for line, what in problems(path.read_text(encoding="utf-8"))
    ]
    assert report == [], "\n" + "\n".join(report)


# The policy every response carries, read back from the header.
def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {parts[0]: parts[1:] for parts in (directive.split() for directive in header.split(";")) if parts}


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client, county_staff, member_a) -> None:
    anonymous = policy(client.get(reverse("login")))
    client.login(username=county_staff.username, password=PASSWORD)
    for response in (client.get(reverse("home")), client.get(member_a.get_absolute_url())):
        assert response.status_code == 200
        assert policy(response) == anonymous
    csp = anonymous
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no nonce
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_the_admin_and_the_error_pages_carry_the_policy_too(client, admin_user) -> None:
    client.force_login(admin_user)
    for url, status in ((reverse("admin:index"), 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert policy(response)["script-src"] == ["'self'"]
