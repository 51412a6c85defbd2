"""The load test's users: a browser each (cookies, CSRF, the member form as sent), clicking until the deadline.

A small threaded driver on the standard library rather than locust: each user
needs its own cookie jar, the CSRF token of each form, the member form's
hidden version and loaded values, and the driver must remember every save it
made for the check afterwards.  That is these two hundred lines with
``http.client``; locust would add gevent and a web UI to the development
dependencies, and its own scheduling, for none of it.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from .check import STALE_MESSAGE

#: Seconds a request may take before the user gives up (counted as a failure).
REQUEST_TIMEOUT = 20
#: Users logging in at the same moment (2 workers serve 2 at a time; more would only queue).
LOGINS_AT_ONCE = 4


@dataclass
class Sample:
    page: str
    status: int
    seconds: float


@dataclass
class Tally:
    """Everything the users saw; appended to from their threads."""

    samples: list[Sample] = field(default_factory=list)
    accepted: list[tuple[int, str, str]] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class _Forms(HTMLParser):
    """The fields of each POST form on a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "form":
            self._form = {} if a.get("method", "").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self._form[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self._form[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._form.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self._form[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data


def post_form(html: str, having: str) -> dict[str, str]:
    """The page's POST form that has a field named ``having``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if having in form:
            return form
    raise LookupError(f"no form with {having}")


class Browser:
    """One user's browser: its cookies, one request at a time, no redirects followed."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}

    def request(self, label: str, path: str, data: dict[str, str] | None = None) -> tuple[int, dict, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "partyorg-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request("POST" if data is not None else "GET", path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.tally.add(Sample(label, response.status, elapsed))
        text = (
            content.decode("utf-8", "replace")
            if "text/html" in response.headers.get("Content-Type", "")
            else ""
        )
        return response.status, dict(response.headers), text

    def get(self, label: str, path: str, **params: Any) -> tuple[int, dict, str]:
        return self.request(label, path + ("?" + urlencode(params) if params else ""))


class User:
    """One of the run's users: logs in once, then clicks until the deadline."""

    def __init__(
        self, spec: dict[str, Any], plan: dict[str, Any], port: int, tally: Tally, seed: int
    ) -> None:
        self.username = spec["username"]
        self.group = spec["group"]
        self.scope = plan["groups"][self.group]
        self.password = plan["password"]
        self.hot = plan["hot"].get(self.group) or plan["hot"]["branch_a"] + plan["hot"]["branch_b"]
        self.edits = self.group != "auditor"
        self.browser = Browser(port, tally)
        self.tally = tally
        self.random = random.Random(seed)
        self.attempt = 0

    def fail(self, message: str) -> None:
        with self.tally.lock:
            self.tally.failures.append(f"{self.username}：{message}")

    def log_in(self) -> bool:
        status, _, html = self.browser.get("登录页", "/login/")
        if status != 200:
            self.fail(f"登录页 {status}")
            return False
        form = post_form(html, "username")
        form.update(username=self.username, password=self.password)
        status, headers, _ = self.browser.request("登录", "/login/", form)
        if status != 302:
            self.fail(f"登录未成功（{status}）")
            return False
        return True

    def run(self, deadline: float) -> None:
        actions: list[tuple[float, Callable[[], None]]] = [
            (3, self.member_list),
            (2, self.member_page),
            (2, self.search),
            (3, self.member_detail),
            (1, self.org_tree),
            (1, self.workbench),
            (1, self.export),
        ]
        if self.edits:
            actions.append((5, self.edit_hot_member))
        weights = [w for w, _ in actions]
        while time.monotonic() < deadline:
            action = self.random.choices([a for _, a in actions], weights)[0]
            try:
                action()
            except Exception as exc:  # counted as a failure; the user goes on clicking
                self.fail(f"{action.__name__}: {type(exc).__name__} {exc}")
            time.sleep(self.random.uniform(0.2, 1.0))  # a clerk reads the page before the next click

    # -- the clicks ----------------------------------------------------------

    def expect(self, page: str, status: int, wanted: int = 200) -> None:
        if status != wanted:
            self.fail(f"{page} 返回 {status}")

    def member_list(self) -> None:
        self.expect("党员列表", self.browser.get("党员列表", "/members/")[0])

    def member_page(self) -> None:
        self.expect(
            "党员列表翻页", self.browser.get("党员列表翻页", "/members/", page=self.random.randint(2, 5))[0]
        )

    def search(self) -> None:
        name = self.random.choice(self.scope["names"])
        self.expect("党员搜索", self.browser.get("党员搜索", "/members/", q=name)[0])

    def member_detail(self) -> None:
        pk = self.random.choice(self.scope["members"])
        self.expect("党员信息", self.browser.get("党员信息", f"/members/{pk}/")[0])

    def org_tree(self) -> None:
        self.expect("党组织树", self.browser.get("党组织树", "/organizations/")[0])

    def workbench(self) -> None:
        self.expect("工作台", self.browser.get("工作台", "/")[0])

    def export(self) -> None:
        code = self.random.choice(self.scope["branches"])
        # The roster as filtered on the list (members:export), one branch: what a clerk downloads.
        status, headers, _ = self.browser.get("导出党员名册 .xlsx", "/members/export/", org=code)
        self.expect("导出", status)
        if status == 200 and "spreadsheetml" not in headers.get("Content-Type", ""):
            self.fail(f"导出的不是 .xlsx：{headers.get('Content-Type')}")

    def edit_hot_member(self) -> None:
        pk = self.random.choice(self.hot)["pk"]
        url = f"/members/{pk}/edit/"
        status, _, html = self.browser.get("修改党员信息（打开）", url)
        if status != 200:
            self.expect("修改党员信息（打开）", status)
            return
        form = post_form(html, "version")
        time.sleep(self.random.uniform(0.1, 1.5))  # typing; another user may save this member meanwhile
        self.attempt += 1
        marker = f"负载测试 {self.username} 第{self.attempt}次"
        form["work_unit"] = marker
        status, headers, html = self.browser.request("修改党员信息（保存）", url, form)
        if status == 302 and headers.get("Location", "").rstrip("/").endswith(f"/members/{pk}"):
            with self.tally.lock:
                self.tally.accepted.append((pk, marker, self.username))
        elif status == 200 and STALE_MESSAGE in html:
            with self.tally.lock:
                self.tally.refused.append((pk, marker, self.username))
        else:
            self.fail(f"保存党员{pk}：{status}，既未保存也未被拒绝")


def drive(
    plan: dict[str, Any], port: int, click_seconds: Callable[[], float], seed: int = 2026
) -> tuple[Tally, float, float]:
    """Log every user in, then let them click for ``click_seconds()`` (asked once the log-ins are done).

    Log-ins go a few at a time, as people arriving at work do; each is a real
    one (the page's CSRF token, django-axes, a new session).  Returns the
    tally, the log-in phase's seconds and the clicking phase's (until the last answer).
    """
    tally = Tally()
    users = [User(spec, plan, port, tally, seed + i) for i, spec in enumerate(plan["users"])]
    logged_in: list[User] = []
    arriving = threading.Semaphore(LOGINS_AT_ONCE)
    started = time.monotonic()

    def log_in(user: User) -> None:
        with arriving:
            try:
                ok = user.log_in()
            except Exception as exc:  # counted; the others go on
                user.fail(f"登录：{type(exc).__name__} {exc}")
                ok = False
        if ok:
            with tally.lock:
                logged_in.append(user)

    # Daemon threads: if the run is stopped (timeout's SIGTERM) the process ends without them.
    threads = [threading.Thread(target=log_in, args=(u,), daemon=True) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # each request gives up after REQUEST_TIMEOUT
    login_seconds = time.monotonic() - started
    seconds = click_seconds()
    clicking = time.monotonic()
    deadline = clicking + seconds
    threads = [threading.Thread(target=u.run, args=(deadline,), daemon=True) for u in logged_in]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # the last click ends within REQUEST_TIMEOUT of the deadline
    return tally, login_seconds, time.monotonic() - clicking
