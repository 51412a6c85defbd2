"""The pages every page-wide check visits: each named URL of the scope matrix, as two roles.

``tests/test_scope_matrix.py`` holds a case for every named URL (a URL without
one fails the build), so a new page is checked by axe
(``tests/browser/test_accessibility.py``) and the Nu HTML Checker
(``tests/test_html_validity.py``) without being listed here.  A page is
visited by a role that is one of its case's insiders, with a GET (POST-only
actions are left out); what answers with something other than HTML (an
``.xlsx`` download) is left to the spreadsheet tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tests.factories import make_member
from tests.test_scope_matrix import CASES, URLS

#: The two roles the checks run as: everything (county staff) and the narrowest scope (a branch secretary).
ROLES = ("county_staff", "secretary_a")


@dataclass(frozen=True)
class PageCase:
    name: str
    url: str
    roles: tuple[str, ...]


class _OwnMember:
    """The cast, with a member of branch A of its own: one builder's transfer or departure leaves the others theirs."""

    def __init__(self, cast: Any, seq: int) -> None:
        self._cast = cast
        self.member_a = make_member(
            cast.tree.branch_a,
            actor=cast.admin_user,
            name=f"页面党员{seq}",
            birth_date=dt.date(1950, 1, 1),
            seq=seq,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cast, name)


def page_cases(cast: Any) -> list[PageCase]:
    """Every GET page of the URL list with its URL (its objects built once, from the cast) and its roles."""
    built: dict[Any, dict[str, Any]] = {}
    cases = []
    for name in sorted(URLS):
        case = CASES[name]
        roles = tuple(r for r in ROLES if r in case.insiders)
        if not case.get_allowed or not roles:
            continue
        kwargs = None
        if case.kwargs is not None:
            # Cases share builders (three transfer pages, one transfer): build each kind of object once.
            closure = tuple(cell.cell_contents for cell in case.kwargs.__closure__ or ())
            key = (case.kwargs.__code__, closure)
            if key not in built:
                built[key] = case.kwargs(_OwnMember(cast, seq=len(built) + 10))
            kwargs = built[key]
        url = reverse(name, kwargs=kwargs) + (f"?{case.query}" if case.query else "")
        cases.append(PageCase(name, url, roles))
    return cases


def is_fragment(html: str) -> bool:
    """An htmx partial (a progress panel, a search result) rather than a whole document."""
    return not html.lstrip()[:15].lower().startswith("<!doctype html")


def ACCOUNT_PAGES() -> list[str]:  # noqa: N802 — reads as the constant it stands for
    """The account pages every user has (outside the apps' namespaces, so not in the scope matrix)."""
    return [reverse("password_change"), reverse("password_change_done")]
