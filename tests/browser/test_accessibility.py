"""axe-core over every page of the URL list, as county staff and as a branch secretary.

Government sites are held to GB/T 37668-2019 and WCAG 2.1 AA; axe is the check
a user's IT department runs.  A serious or critical finding on any page fails,
listed with the page and the elements.  Two structural rules are checked here
too because axe only rates them moderate or minor: one ``<h1>`` a page, and no
table header without text.  The pages come from ``tests/pages.py`` (the scope
matrix's URL list), so a new page is checked without being added here.  One
browser context per role visits every page in turn.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Error, Page

from tests.browser.conftest import log_in
from tests.pages import ACCOUNT_PAGES, ROLES, page_cases
from tests.test_scope_matrix import Cast

pytestmark = pytest.mark.browser

FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"]}
#: Headings and header cells, read in the page: the number of <h1>, and every <th> with no text or label.
STRUCTURE = """() => ({
  h1: document.querySelectorAll("h1").length,
  emptyTh: Array.from(document.querySelectorAll("th"))
    .filter(th => !th.textContent.trim() && !th.getAttribute("aria-label") && !th.querySelector("[aria-label],img[alt]"))
    .map(th => th.outerHTML.slice(0, 120)),
})"""


@pytest.fixture
def cast(request, tree, county_staff, committee_staff, secretary_a, secretary_b, auditor, member_a) -> Cast:
    return Cast(request)


@pytest.fixture
def checked_page(browser: Browser, live_server) -> Iterator[Page]:
    """One page for the whole run, with axe injected into every document it loads."""
    # axe is injected through the DevTools protocol; bypass_csp lets it run beside the site's strict CSP.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", bypass_csp=True)
    context.set_default_timeout(15_000)
    context.add_init_script(script=AXE_SCRIPT)
    page = context.new_page()
    yield page
    context.close()


def findings_on(page: Page) -> list[str]:
    """What fails on the loaded page: serious/critical axe violations, the <h1> count, empty <th>."""
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        + (f" …（共 {len(v['nodes'])} 处）" if len(v["nodes"]) > 5 else "")
        for v in results["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]
    structure = page.evaluate(STRUCTURE)
    if structure["h1"] != 1:
        found.append(f"{structure['h1']} 个 <h1>（每页应恰好一个）")
    found += [f"空的表头 {th}" for th in structure["emptyTh"]]
    return found


def visit(page: Page, url: str) -> bool:
    """Load ``url``; False for something that is not an HTML page (a download)."""
    try:
        response = page.goto(url)
    except Error as exc:  # a spreadsheet: Chromium starts a download instead of a page
        if "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc):
            return False
        raise
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return "text/html" in response.headers.get("content-type", "")


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_or_critical_accessibility_finding(checked_page: Page, cast: Cast, role: str):
    page = checked_page
    failures: list[str] = []
    if role == ROLES[0]:  # the log-in page, seen before anyone logs in
        page.goto("/login/")
        failures += [f"/login/: {f}" for f in findings_on(page)]
    log_in(page, getattr(cast, role).username)
    urls = [c.url for c in page_cases(cast) if role in c.roles] + ACCOUNT_PAGES()
    checked = 0
    for url in urls:
        if not visit(page, url):
            continue
        if page.locator("html > body > *").count() and page.evaluate("!document.doctype"):
            continue  # an htmx fragment; it is checked inside the page that loads it
        checked += 1
        failures += [f"{url}: {f}" for f in findings_on(page)]
    response = page.goto("/members/999999999/")  # the project's 404 page
    assert response is not None and response.status == 404
    failures += [f"404: {f}" for f in findings_on(page)]
    assert checked > 30, f"only {checked} pages checked"
    assert not failures, f"{len(failures)} 处无障碍问题（{role}）:\n" + "\n".join(failures)
