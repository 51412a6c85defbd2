"""No silent lost updates: a save over a newer record is refused, shows what changed, and can be re-applied."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.history import actor_name
from core.versioning import StaleRecord
from members.models import Member, MemberPeriod
from members.services.member import member_move, member_update
from organizations.choices import OrgCategory
from organizations.models import Organization
from organizations.services import org_update


class _FormFields(HTMLParser):
    """What a browser would submit from the page's form: inputs, ticked boxes, selected options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = "on"
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def submitted(response, **typed: str) -> dict[str, str]:
    """The page's form as the browser sends it, with ``typed`` changed by the user."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {**parser.data, **typed}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the member form -----------------------------------------------------------------------------


def test_the_second_of_two_member_forms_loaded_at_once_is_refused_and_names_the_first_change(
    secretary_a, committee_staff, member_a
):
    url = reverse("members:edit", args=[member_a.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_page, second_page = first.get(url), second.get(url)

    assert first.post(url, submitted(first_page, phone="13800000001")).status_code == 302
    response = second.post(url, submitted(second_page, work_unit="县农业局 科员"))

    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(secretary_a)}于" in message
    assert f"手机号码：{member_a.phone or '（空）'} → 13800000001" in message
    assert "您的修改未保存。请核对后重新提交。" in message
    stored = Member.objects.get(pk=member_a.pk)
    assert (stored.phone, stored.work_unit, stored.version) == ("13800000001", member_a.work_unit, 2)


def test_resubmitting_a_refused_member_form_applies_the_users_change_and_keeps_the_other_one(
    secretary_a, committee_staff, member_a
):
    url = reverse("members:edit", args=[member_a.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_page, second_page = first.get(url), second.get(url)
    first.post(url, submitted(first_page, phone="13800000001"))
    refused = second.post(url, submitted(second_page, work_unit="县农业局 科员"))

    again = submitted(refused)  # the page as re-shown: their input, the other change, the current version
    assert (again["work_unit"], again["phone"], again["version"]) == ("县农业局 科员", "13800000001", "2")
    assert second.post(url, again).status_code == 302

    stored = Member.objects.get(pk=member_a.pk)
    assert (stored.phone, stored.work_unit, stored.version) == ("13800000001", "县农业局 科员", 3)


def test_a_stale_resubmission_of_an_untouched_field_does_not_revert_it(
    secretary_a, committee_staff, member_a
):
    """Even typed over a stale page, only the fields this user changed are written."""
    url = reverse("members:edit", args=[member_a.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    second_page = second.get(url)
    first.post(url, submitted(first.get(url), phone="13800000001"))
    stale = submitted(
        second_page, work_unit="县农业局 科员", version="2"
    )  # the version alone brought up to date

    assert second.post(url, stale).status_code == 302
    stored = Member.objects.get(pk=member_a.pk)
    assert (stored.phone, stored.work_unit) == ("13800000001", "县农业局 科员")


def test_a_member_update_writes_only_the_changed_columns_and_the_version(admin_user, member_a):
    with CaptureQueriesContext(connection) as queries:
        member_update(actor=admin_user, member=member_a, expected_version=1, work_unit="县农业局 科员")
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"work_unit"' in update and '"version"' in update and '"updated_at"' in update
    assert '"phone"' not in update and '"name"' not in update and '"organization_id"' not in update


def test_a_refused_member_update_writes_nothing(admin_user, member_a):
    member_update(actor=admin_user, member=Member.objects.get(pk=member_a.pk), phone="13800000001")
    stale = Member.objects.get(pk=member_a.pk)
    with pytest.raises(StaleRecord):
        member_update(actor=admin_user, member=stale, expected_version=1, work_unit="县农业局 科员")
    stored = Member.objects.get(pk=member_a.pk)
    assert (stored.work_unit, stored.version) == (member_a.work_unit, 2)


def test_a_move_makes_an_open_member_form_stale(client, committee_staff, member_a, tree):
    client.force_login(committee_staff)
    url = reverse("members:edit", args=[member_a.pk])
    page = client.get(url)
    member_move(actor=committee_staff, member=member_a, to_org=tree.branch_b, day=dt.date.today())

    response = client.post(url, submitted(page, phone="13800000001"))

    message = " ".join(response.context["form"].non_field_errors())
    assert f"所在党组织：{tree.branch_a.name} → {tree.branch_b.name}" in message
    assert Member.objects.get(pk=member_a.pk).phone == member_a.phone


# --- the organization form -----------------------------------------------------------------------


def test_the_second_of_two_organization_forms_loaded_at_once_is_refused_then_reapplied(
    county_staff, committee_staff, tree
):
    url = reverse("organizations:edit", args=[tree.branch_a.code])
    first, second = logged_in(county_staff), logged_in(committee_staff)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, sort_order="7")).status_code == 302

    refused = second.post(url, submitted(second_page, category=OrgCategory.COMMUNITY))

    message = " ".join(refused.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(county_staff)}于" in message and "排序：0 → 7" in message
    assert Organization.objects.get(pk=tree.branch_a.pk).category == tree.branch_a.category
    assert second.post(url, submitted(refused)).status_code == 302
    stored = Organization.objects.get(pk=tree.branch_a.pk)
    assert (stored.category, stored.sort_order, stored.version) == (OrgCategory.COMMUNITY, 7, 3)


def test_an_org_update_refused_as_stale_writes_nothing(admin_user, tree):
    org_update(actor=admin_user, org=Organization.objects.get(pk=tree.branch_a.pk), sort_order=5)
    with pytest.raises(ValidationError, match="您的修改未保存"):
        org_update(actor=admin_user, org=tree.branch_a, expected_version=1, category=OrgCategory.COMMUNITY)
    assert Organization.objects.get(pk=tree.branch_a.pk).category == tree.branch_a.category


# --- an edit racing a move -----------------------------------------------------------------------


def in_thread(work: Callable[[], None]) -> threading.Thread:
    """Run ``work`` in a thread with its own database connection, closed at the end."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expected_version", [1, None], ids=["from a form", "without a form"])
def test_an_edit_racing_a_move_leaves_the_record_and_its_history_agreeing(
    admin_user, tree, member_a, expected_version
):
    """The move holds the member's row; the edit, loaded before the move, waits, then is refused or writes its field only."""
    moved, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    outcome: dict[str, str] = {}
    loaded_before = Member.objects.get(pk=member_a.pk)

    def move() -> None:
        try:
            with transaction.atomic():
                member = Member.objects.get(pk=member_a.pk)
                member_move(actor=admin_user, member=member, to_org=tree.branch_b, day=dt.date.today())
                moved.set()
                release.wait(10)  # still uncommitted: the edit must wait for this commit
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            moved.set()

    def edit() -> None:
        try:
            moved.wait(10)
            member_update(
                actor=admin_user, member=loaded_before, expected_version=expected_version, phone="13800000001"
            )
            outcome["edit"] = "saved"
        except StaleRecord:
            outcome["edit"] = "refused"
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [in_thread(move), in_thread(edit)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the edit should wait for the move's lock on the member"
    release.set()
    for thread in threads:
        thread.join(20)

    assert not errors, errors
    assert outcome["edit"] == ("refused" if expected_version else "saved")
    stored = Member.objects.get(pk=member_a.pk)
    open_period = MemberPeriod.objects.get(member=stored, end_on__isnull=True)
    assert stored.organization_id == open_period.organization_id == tree.branch_b.pk
    assert stored.phone == ("13800000001" if expected_version is None else member_a.phone)
