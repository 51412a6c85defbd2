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
from members.models import (
    Applicant,
    CareVisit,
    DevelopmentPlan,
    DevelopmentStep,
    LostContact,
    Member,
    MemberPeriod,
    Transfer,
)
from members.services.care import care_visit_update
from members.services.development import applicant_update, applicant_withdraw, plan_set, step_record
from members.services.member import member_confirm, member_move, member_update
from members.services.transfers import lost_contact_resolve, transfer_accept, transfer_void
from organizations.choices import OrgCategory
from organizations.models import LeadershipPost, Organization
from organizations.services import org_move, org_rename, org_update, post_end, post_update
from tests.factories import (
    make_applicant,
    make_care_visit,
    make_lost_contact,
    make_member,
    make_post,
    make_transfer,
)


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


# --- the applicant, care visit and lost-contact forms ---------------------------------------------


def test_the_second_of_two_applicant_forms_loaded_at_once_is_refused_then_reapplied(
    secretary_a, committee_staff, tree
):
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    url = reverse("members:applicant_edit", args=[applicant.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, phone="13800000001")).status_code == 302

    refused = second.post(url, submitted(second_page, work_unit="各甫村委会"))

    message = " ".join(refused.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(secretary_a)}于" in message
    assert "手机号码：13800000000 → 13800000001" in message and "您的修改未保存" in message
    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.phone, stored.work_unit, stored.version) == ("13800000001", "各甫村", 2)
    assert second.post(url, submitted(refused)).status_code == 302
    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.phone, stored.work_unit, stored.version) == ("13800000001", "各甫村委会", 3)


def test_the_second_of_two_care_visit_forms_loaded_at_once_is_refused_then_reapplied(
    secretary_a, committee_staff, tree
):
    visit = make_care_visit(tree.branch_a, actor=secretary_a)
    url = reverse("members:care_edit", args=[visit.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, visitors="支部书记、村主任")).status_code == 302

    refused = second.post(url, submitted(second_page, note="带去慰问品"))

    message = " ".join(refused.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(secretary_a)}于" in message
    assert "走访人员：支部书记 → 支部书记、村主任" in message
    stored = CareVisit.objects.get(pk=visit.pk)
    assert (stored.visitors, stored.note, stored.version) == ("支部书记、村主任", "", 2)
    assert second.post(url, submitted(refused)).status_code == 302
    stored = CareVisit.objects.get(pk=visit.pk)
    assert (stored.visitors, stored.note, stored.version) == ("支部书记、村主任", "带去慰问品", 3)


def test_the_second_of_two_lost_contact_forms_loaded_at_once_is_refused_then_reapplied(
    secretary_a, committee_staff, member_a
):
    record = make_lost_contact(member_a, actor=secretary_a)
    page_url = reverse("members:lost_contact_detail", args=[record.pk])
    url = reverse("members:lost_contact_update", args=[record.pk])
    first, second = logged_in(secretary_a), logged_in(committee_staff)
    first_page, second_page = first.get(page_url), second.get(page_url)
    assert first.post(url, submitted(first_page, measures="电话联系家属")).status_code == 302

    refused = second.post(url, submitted(second_page, measures="电话联系家属；函询务工地党组织"))

    message = " ".join(refused.context["update_form"].non_field_errors())
    assert (
        f"该记录已被{actor_name(secretary_a)}于" in message and "采取的措施：（空） → 电话联系家属" in message
    )
    stored = LostContact.objects.get(pk=record.pk)
    assert (stored.measures, stored.version) == ("电话联系家属", 2)
    assert second.post(url, submitted(refused)).status_code == 302
    stored = LostContact.objects.get(pk=record.pk)
    assert (stored.measures, stored.version) == ("电话联系家属；函询务工地党组织", 3)


def test_a_post_correction_over_a_newer_post_is_refused_and_writes_nothing(
    secretary_a, committee_staff, tree
):
    post = make_post(tree.branch_a, actor=secretary_a)
    post_update(actor=secretary_a, post=LeadershipPost.objects.get(pk=post.pk), document_no="各支〔2020〕1号")

    with pytest.raises(StaleRecord, match="任职文号：（空） → 各支〔2020〕1号"):
        post_update(actor=committee_staff, post=post, expected_version=1, holder_name="农光亮")
    stored = LeadershipPost.objects.get(pk=post.pk)
    assert (stored.holder_name, stored.version) == ("农光明", 2)


def test_a_care_visit_update_writes_only_the_changed_columns_and_the_version(secretary_a, tree):
    visit = make_care_visit(tree.branch_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as queries:
        care_visit_update(actor=secretary_a, visit=visit, expected_version=1, note="带去慰问品")
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"note"' in update and '"version"' in update and '"updated_at"' in update
    assert '"visitors"' not in update and '"visited_on"' not in update


def test_an_unchanged_applicant_form_writes_no_new_version(secretary_a, tree):
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    applicant_update(actor=secretary_a, applicant=applicant, expected_version=1, phone=applicant.phone)
    assert Applicant.objects.get(pk=applicant.pk).version == 1


# --- forms of several records and the admin ------------------------------------------------------


def test_the_second_of_two_plan_pages_loaded_at_once_is_refused_for_the_plan_both_changed(
    county_staff, admin_user, tree
):
    plan_set(actor=county_staff, committee=tree.committee, year=2026, quota=5)
    url = reverse("members:development_plan_edit", args=[2026])
    first, second = logged_in(county_staff), logged_in(admin_user)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, **{f"quota_{tree.committee.pk}": "6"})).status_code == 302

    refused = second.post(url, submitted(second_page, **{f"note_{tree.committee.pk}": "含2名青年"}))

    message = " ".join(refused.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(county_staff)}于" in message and "计划发展人数：5 → 6" in message
    assert DevelopmentPlan.objects.get(committee=tree.committee, year=2026).note == ""
    assert second.post(url, submitted(refused)).status_code == 302
    plan = DevelopmentPlan.objects.get(committee=tree.committee, year=2026)
    assert (plan.quota, plan.note, plan.version) == (6, "含2名青年", 3)


def test_a_plan_set_by_someone_else_since_the_page_showed_none_is_not_overwritten(
    county_staff, admin_user, tree
):
    url = reverse("members:development_plan_edit", args=[2026])
    page = logged_in(admin_user).get(url)
    plan_set(actor=county_staff, committee=tree.committee, year=2026, quota=5)

    refused = logged_in(admin_user).post(url, submitted(page, **{f"quota_{tree.committee.pk}": "8"}))

    assert f"{actor_name(county_staff)}于" in " ".join(refused.context["form"].non_field_errors())
    assert "新建（基层党委：新华镇党委；年度：2026；计划发展人数：5）" in " ".join(
        refused.context["form"].non_field_errors()
    )
    assert DevelopmentPlan.objects.get(committee=tree.committee, year=2026).quota == 5


def test_the_second_of_two_admin_forms_of_a_post_loaded_at_once_is_refused_then_reapplied(
    admin_user, county_staff, tree
):
    post = make_post(tree.branch_a, actor=admin_user)
    url = reverse("admin:organizations_leadershippost_change", args=[post.pk])
    first, second = logged_in(admin_user), logged_in(admin_user)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, document_no="各支〔2020〕1号")).status_code == 302

    refused = second.post(url, submitted(second_page, note="换届选举产生"))

    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert (
        f"该记录已被{actor_name(admin_user)}于" in message and "任职文号：（空） → 各支〔2020〕1号" in message
    )
    assert LeadershipPost.objects.get(pk=post.pk).note == ""
    assert second.post(url, submitted(refused)).status_code == 302
    stored = LeadershipPost.objects.get(pk=post.pk)
    assert (stored.document_no, stored.note, stored.version) == ("各支〔2020〕1号", "换届选举产生", 3)


def test_the_second_of_two_admin_forms_of_a_member_loaded_at_once_is_refused(admin_user, member_a):
    url = reverse("admin:members_member_change", args=[member_a.pk])
    first, second = logged_in(admin_user), logged_in(admin_user)
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, phone="13800000001")).status_code == 302

    refused = second.post(url, submitted(second_page, work_unit="县农业局 科员"))

    assert "手机号码：（空） → 13800000001" in " ".join(refused.context["adminform"].form.non_field_errors())
    assert Member.objects.get(pk=member_a.pk).work_unit == member_a.work_unit


# --- changes made outside the edit forms make an open form stale --------------------------------


def test_a_rename_makes_an_open_organization_form_stale(client, committee_staff, tree):
    client.force_login(committee_staff)
    url = reverse("organizations:edit", args=[tree.branch_a.code])
    page = client.get(url)
    org_rename(actor=committee_staff, org=tree.branch_a, name="各甫村第一党支部", day=dt.date.today())

    refused = client.post(url, submitted(page, sort_order="4"))

    message = " ".join(refused.context["form"].non_field_errors())
    assert "党组织名称：各甫村党支部 → 各甫村第一党支部" in message
    assert Organization.objects.get(pk=tree.branch_a.pk).sort_order == 0


def test_a_move_of_the_organization_makes_its_open_form_stale(client, county_staff, tree):
    client.force_login(county_staff)
    url = reverse("organizations:edit", args=[tree.branch_a.code])
    page = client.get(url)
    org_move(actor=county_staff, org=tree.branch_a, new_parent=tree.other_committee, day=dt.date.today())

    refused = client.post(url, submitted(page, sort_order="4"))

    assert f"{tree.committee.name} → {tree.other_committee.name}" in " ".join(
        refused.context["form"].non_field_errors()
    )
    assert Organization.objects.get(pk=tree.branch_a.pk).sort_order == 0


def test_a_confirmation_makes_an_open_member_form_stale_and_names_it(client, secretary_a, tree):
    member = make_member(
        tree.branch_a, actor=secretary_a, status="PROBATIONARY", joined_on=dt.date(2025, 7, 1), full_on=None
    )
    client.force_login(secretary_a)
    url = reverse("members:edit", args=[member.pk])
    page = client.get(url)
    member_confirm(actor=secretary_a, member=Member.objects.get(pk=member.pk), day=dt.date(2026, 7, 1))

    refused = client.post(url, submitted(page, phone="13800000001"))

    message = " ".join(refused.context["form"].non_field_errors())
    assert f"该记录已被{actor_name(secretary_a)}于" in message and "转正日期：（空） → 2026-07-01" in message
    stored = Member.objects.get(pk=member.pk)
    assert (stored.status, stored.phone) == ("FULL", member.phone)


def test_a_withdrawal_makes_an_open_applicant_form_stale(client, secretary_a, tree):
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    url = reverse("members:applicant_edit", args=[applicant.pk])
    page = client.get(url)
    applicant_withdraw(
        actor=secretary_a,
        applicant=Applicant.objects.get(pk=applicant.pk),
        day=dt.date.today(),
        kind="WITHDRAWN",
        reason="本人撤回",
    )

    refused = client.post(url, submitted(page, phone="13800000001"))

    assert "终止原因：（空） → 本人撤回" in " ".join(refused.context["form"].non_field_errors())


def test_a_resolution_makes_an_open_lost_contact_form_stale(client, secretary_a, member_a):
    record = make_lost_contact(member_a, actor=secretary_a)
    client.force_login(secretary_a)
    page = client.get(reverse("members:lost_contact_detail", args=[record.pk]))
    lost_contact_resolve(
        actor=secretary_a,
        record=LostContact.objects.get(pk=record.pk),
        day=dt.date.today(),
        resolution="已恢复联系",
    )

    refused = client.post(
        reverse("members:lost_contact_update", args=[record.pk]), submitted(page, measures="电话联系家属")
    )

    assert "处置结果：（空） → 已恢复联系" in " ".join(refused.context["update_form"].non_field_errors())
    assert LostContact.objects.get(pk=record.pk).measures == ""


def test_ending_a_post_makes_a_correction_loaded_before_it_stale(secretary_a, tree):
    post = make_post(tree.branch_a, actor=secretary_a)
    post_end(actor=secretary_a, post=LeadershipPost.objects.get(pk=post.pk), end_on=dt.date(2024, 5, 1))

    with pytest.raises(StaleRecord, match="离任日期：（空） → 2024-05-01"):
        post_update(actor=secretary_a, post=post, expected_version=1, note="换届")


def test_every_state_change_of_a_letter_counts_a_version(secretary_a, committee_staff, member_a, tree):
    void = make_transfer(member_a, actor=secretary_a)
    transfer_void(actor=secretary_a, transfer=void, reason="填错接收单位")
    internal = make_transfer(
        member_a, actor=secretary_a, kind="INTERNAL", to_org=tree.branch_b, to_external=""
    )
    transfer_accept(actor=committee_staff, transfer=internal, day=dt.date.today())

    assert Transfer.objects.get(pk=void.pk).version == 2
    assert Transfer.objects.get(pk=internal.pk).version == 2
    member = Member.objects.get(pk=member_a.pk)
    assert (member.organization_id, member.version) == (tree.branch_b.pk, 2)  # the move counts on the member


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_the_same_step_at_once_record_it_once_and_the_second_is_told(secretary_a, tree):
    """The first holds the applicant's row; the second waits, then sees the step recorded (not a 500)."""
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    recorded, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    refusal: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                step_record(actor=secretary_a, applicant=applicant, number=2, day=dt.date(2023, 3, 20))
                recorded.set()
                release.wait(10)  # still uncommitted: the second must wait for this commit
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            recorded.set()

    def second() -> None:
        try:
            recorded.wait(10)
            step_record(
                actor=secretary_a,
                applicant=Applicant.objects.get(pk=applicant.pk),
                number=2,
                day=dt.date(2023, 3, 21),
            )
        except ValidationError as exc:
            refusal.extend(exc.messages)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [in_thread(first), in_thread(second)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second recording should wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(20)

    assert not errors, errors
    assert refusal == ["第2步“党组织派人谈话”已记录"]
    assert list(
        DevelopmentStep.objects.filter(applicant=applicant, number=2).values_list("day", flat=True)
    ) == [dt.date(2023, 3, 20)]
