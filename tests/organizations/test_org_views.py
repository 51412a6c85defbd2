"""Organization pages: who may open them, what the forms do with good and bad input, query counts."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from organizations.choices import OrgCategory, OrgEventKind, OrgKind, PostTitle
from organizations.models import LeadershipPost, Organization, OrgEvent
from organizations.services import org_create, post_appoint

from .conftest import xlsx_file

TODAY = dt.date(2026, 3, 15)
BRANCH_A = "C01T01B01"


@pytest.fixture
def post_a(tree, admin_user) -> LeadershipPost:
    return post_appoint(
        actor=admin_user,
        org=tree.branch_a,
        title=PostTitle.ORGANIZATION,
        holder_name="农光明",
        start_on=dt.date(2020, 1, 1),
    )


# --- the permission matrix -------------------------------------------------

# Anonymous → log-in, outsider → 404, auditor → 403/405, insiders → 200: tests/test_scope_matrix.py.


def test_a_post_of_another_organization_is_not_found_under_this_one(client, tree, post_a, committee_staff):
    client.force_login(committee_staff)
    url = reverse("organizations:end_post", args=["C01T01B02", post_a.pk])
    assert client.get(url).status_code == 404


# --- pages ----------------------------------------------------------------


def test_the_tree_page_shows_counts_and_links(client, tree, member_a, member_b, committee_staff):
    client.force_login(committee_staff)
    html = client.get(reverse("organizations:tree")).content.decode()
    assert "新华镇党委" in html and "睦伦乡党委" not in html
    assert reverse("organizations:detail", args=[BRANCH_A]) in html
    assert '党员 <strong class="text-body">2</strong> 名' in html  # the committee's subtree


def test_the_tree_page_reports_a_bad_date(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.get(reverse("organizations:tree"), {"on": "2026-02-30"})
    assert response.status_code == 200
    assert "请输入有效日期" in response.content.decode()


def test_the_detail_page_links_to_the_members_of_the_organization(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    html = client.get(reverse("organizations:detail", args=[BRANCH_A])).content.decode()
    assert f"{reverse('members:list')}?org={BRANCH_A}" in html
    assert "缺配" in html and "书记" in html
    assert "组织沿革" in html and "修改记录" in html


def test_the_detail_page_hides_the_actions_from_an_auditor(client, tree, auditor):
    client.force_login(auditor)
    html = client.get(reverse("organizations:detail", args=[BRANCH_A])).content.decode()
    assert reverse("organizations:dissolve", args=[BRANCH_A]) not in html


@time_machine.travel(TODAY)
def test_the_vacancy_page_lists_missing_posts(client, tree, committee_staff):
    client.force_login(committee_staff)
    html = client.get(reverse("organizations:vacancies"), {"kind": OrgKind.BRANCH}).content.decode()
    assert "各甫村党支部" in html and "新华社区党支部" in html
    assert "新华镇党委</a>" not in html  # filtered to branches


@time_machine.travel(TODAY)
def test_the_warning_page_lists_warnings(client, tree, member_a, secretary_a):
    client.force_login(secretary_a)
    html = client.get(reverse("organizations:warnings")).content.decode()
    assert "党支部正式党员不足" in html and "正式党员1名" in html


# --- forms ----------------------------------------------------------------


def test_creating_a_child_organization(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:create_child", args=["C01T01"]),
        {
            "code": "C01T01B03",
            "name": "新华镇中学党支部",
            "kind": OrgKind.BRANCH,
            "category": OrgCategory.SCHOOL,
            "established_on": "2024-09-01",
            "document_no": "新党发(2024)9号",
        },
    )
    school = Organization.objects.get(code="C01T01B03")
    assert response.url == school.get_absolute_url()
    assert school.parent == tree.committee
    assert OrgEvent.objects.get(organization=school).document_no == "新党发〔2024〕9号"


def test_creating_a_child_with_a_used_code_names_the_code_field(client, tree, committee_staff):
    client.force_login(committee_staff)
    before = Organization.objects.count()
    response = client.post(
        reverse("organizations:create_child", args=["C01T01"]),
        {
            "code": "C01T02",
            "name": "重复",
            "kind": OrgKind.BRANCH,
            "category": OrgCategory.VILLAGE,
            "established_on": "2024-09-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["该党组织代码已被使用"]
    assert Organization.objects.count() == before


def test_a_kind_that_cannot_sit_under_the_parent_is_not_offered(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:create_child", args=[BRANCH_A]),
        {
            "code": "X1",
            "name": "错误",
            "kind": OrgKind.BRANCH,
            "category": OrgCategory.VILLAGE,
            "established_on": "2024-09-01",
        },
    )
    assert "kind" in response.context["form"].errors
    assert not Organization.objects.filter(code="X1").exists()


def test_dissolving_with_members_shows_the_reason_on_the_date_field(client, tree, member_a, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:dissolve", args=[BRANCH_A]),
        {"dissolved_on": "2024-06-30", "reason": "撤并", "document_no": "富办发〔2002〕24号"},
    )
    assert response.status_code == 200
    assert "尚有1名党员" in response.context["form"].errors["dissolved_on"][0]
    assert Organization.objects.get(code=BRANCH_A).dissolved_on is None
    assert not OrgEvent.objects.filter(kind=OrgEventKind.DISSOLVE).exists()


def test_dissolving_records_the_document_number(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:dissolve", args=[BRANCH_A]),
        {"dissolved_on": "2024-06-30", "reason": "撤并", "document_no": "富办发［2002］24号"},
    )
    assert response.status_code == 302
    event = OrgEvent.objects.get(kind=OrgEventKind.DISSOLVE)
    assert (event.date, event.document_no) == (dt.date(2024, 6, 30), "富办发〔2002〕24号")


def test_a_malformed_document_number_is_refused(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:dissolve", args=[BRANCH_A]),
        {"dissolved_on": "2024-06-30", "reason": "撤并", "document_no": "24号文"},
    )
    assert "富办发〔2002〕24号" in response.context["form"].errors["document_no"][0]
    assert Organization.objects.get(code=BRANCH_A).dissolved_on is None


def test_dissolving_requires_a_reason(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(reverse("organizations:dissolve", args=[BRANCH_A]), {"dissolved_on": "2024-06-30"})
    assert response.context["form"].errors["reason"] == ["请填写撤销原因"]


@time_machine.travel(TODAY)
def test_a_date_in_the_future_is_refused(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:rename", args=[BRANCH_A]), {"name": "各甫村第一党支部", "day": "2026-03-16"}
    )
    assert response.context["form"].errors["day"] == ["日期不能晚于今天"]
    assert Organization.objects.get(code=BRANCH_A).name == "各甫村党支部"


def test_a_date_before_the_organization_existed_is_refused(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:rename", args=[BRANCH_A]), {"name": "各甫村第一党支部", "day": "1999-12-31"}
    )
    assert "不能早于该党组织的成立日期" in response.context["form"].errors["day"][0]


def test_renaming(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:rename", args=[BRANCH_A]), {"name": "各甫村第一党支部", "day": "2024-01-01"}
    )
    assert response.status_code == 302
    assert Organization.objects.get(code=BRANCH_A).name == "各甫村第一党支部"


def test_moving_offers_only_editable_parents_of_a_suitable_kind(client, tree, committee_staff, county_staff):
    client.force_login(committee_staff)
    choices = (
        client.get(reverse("organizations:move", args=[BRANCH_A])).context["form"].fields["parent"].queryset
    )
    assert list(choices) == []  # its own committee is the only candidate in scope, and already its parent
    client.force_login(county_staff)
    choices = (
        client.get(reverse("organizations:move", args=[BRANCH_A])).context["form"].fields["parent"].queryset
    )
    assert {o.code for o in choices} == {"C01", "C01T02"}


def test_moving_to_a_parent_out_of_scope_is_refused(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:move", args=[BRANCH_A]),
        {"parent": tree.other_committee.pk, "day": "2024-01-01"},
    )
    assert "parent" in response.context["form"].errors
    assert Organization.objects.get(code=BRANCH_A).parent == tree.committee


def test_moving(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("organizations:move", args=[BRANCH_A]),
        {"parent": tree.other_committee.pk, "day": "2024-01-01", "reason": "区划调整"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(code=BRANCH_A).parent == tree.other_committee


def test_merging_moves_the_members(client, tree, member_a, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:merge", args=[BRANCH_A]),
        {"successor": tree.branch_b.pk, "dissolved_on": "2024-01-01", "reason": "合并"},
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=member_a.pk).organization == tree.branch_b
    assert Organization.objects.get(code=BRANCH_A).successor == tree.branch_b


def test_editing_the_attributes(client, tree, committee_staff):
    client.force_login(committee_staff)
    response = client.post(
        reverse("organizations:edit", args=[BRANCH_A]),
        {"category": OrgCategory.COMMUNITY, "term_started_on": "2023-05-01", "sort_order": "2", "version": 1},
    )
    assert response.status_code == 302
    branch = Organization.objects.get(code=BRANCH_A)
    assert (branch.category, branch.term_started_on, branch.sort_order) == (
        OrgCategory.COMMUNITY,
        dt.date(2023, 5, 1),
        2,
    )
    assert OrgEvent.objects.filter(organization=branch, kind=OrgEventKind.TERM).exists()


def test_appointing_and_ending_a_post(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("organizations:appoint", args=[BRANCH_A]),
        {"title": PostTitle.SECRETARY, "holder_name": "黄丽", "start_on": "2024-01-01"},
    )
    assert response.status_code == 302
    post = LeadershipPost.objects.get(organization=tree.branch_a)
    response = client.post(
        reverse("organizations:end_post", args=[BRANCH_A, post.pk]), {"end_on": "2023-12-31"}
    )
    assert "不能早于任职日期" in response.context["form"].errors["end_on"][0]
    client.post(reverse("organizations:end_post", args=[BRANCH_A, post.pk]), {"end_on": "2024-06-30"})
    post.refresh_from_db()
    assert post.end_on == dt.date(2024, 6, 30)


def test_appointing_with_a_malformed_id_number_names_the_field(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("organizations:appoint", args=[BRANCH_A]),
        {
            "title": PostTitle.SECRETARY,
            "holder_name": "黄丽",
            "start_on": "2024-01-01",
            "holder_id_number": "12345",
        },
    )
    assert "18位" in response.context["form"].errors["holder_id_number"][0]
    assert not LeadershipPost.objects.exists()


def test_a_dissolved_organization_offers_no_more_changes(client, tree, committee_staff):
    client.force_login(committee_staff)
    client.post(
        reverse("organizations:dissolve", args=[BRANCH_A]), {"dissolved_on": "2024-06-30", "reason": "撤并"}
    )
    response = client.get(reverse("organizations:rename", args=[BRANCH_A]))
    assert response.status_code == 302
    assert response.url == reverse("organizations:detail", args=[BRANCH_A])


# --- import page ----------------------------------------------------------


def test_the_import_page_imports_a_valid_file(client, tree, committee_staff):
    client.force_login(committee_staff)
    upload = xlsx_file([("W1", "网页导入党支部", "党支部", "村", "C01T01", "2015-01-01")])
    response = client.post(reverse("organizations:import"), {"file": upload})
    assert response.status_code == 302
    assert Organization.objects.get(code="W1").parent == tree.committee


def test_the_import_page_lists_every_bad_row(client, tree, committee_staff):
    client.force_login(committee_staff)
    upload = xlsx_file(
        [
            ("W1", "甲", "党支部", "村", "C01T01", "2015-01-01"),
            ("W2", "乙", "支部", "村", "C01T01", "2015-01-01"),
            ("W3", "丙", "党支部", "村", "NOPE", "2015-01-01"),
        ]
    )
    response = client.post(reverse("organizations:import"), {"file": upload}, follow=True)
    html = response.content.decode()
    assert "共 2 处错误" in html
    assert "第3行" in html and "第4行" in html
    assert not Organization.objects.filter(code__startswith="W").exists()


def test_the_import_page_refuses_another_file_type(client, tree, committee_staff):
    client.force_login(committee_staff)
    upload = BytesIO(b"a,b")
    upload.name = "orgs.csv"
    response = client.post(reverse("organizations:import"), {"file": upload})
    assert ".xlsx" in response.context["form"].errors["file"][0]


def test_the_template_downloads_as_a_spreadsheet(client, tree, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("organizations:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    assert wb.worksheets[0]["A1"].value == "党组织代码"


# --- query counts ---------------------------------------------------------


def add_branches(admin_user, parent, n: int, prefix: str) -> None:
    for i in range(n):
        org_create(
            actor=admin_user,
            parent=parent,
            code=f"{prefix}{i}",
            name=f"第{i}党支部",
            kind=OrgKind.BRANCH,
            category=OrgCategory.VILLAGE,
            established_on=dt.date(2020, 1, 1),
        )


def test_the_tree_page_query_count_is_flat(
    client, tree, admin_user, county_staff, member_a, member_b, add_members, django_assert_num_queries
):
    client.force_login(county_staff)
    url = reverse("organizations:tree")
    with django_assert_num_queries(5):
        # 1. session  2. user  3. the user's organization (scope root, navigation)
        # 4. the organizations of the scope  5. current members per organization
        client.get(url)
    add_branches(admin_user, tree.other_committee, 6, "T")
    add_members(Organization.objects.get(code="T3"), 3)
    with django_assert_num_queries(5):  # the same five, with more organizations and members
        response = client.get(url)
    assert "第5党支部" in response.content.decode()


@time_machine.travel(TODAY)
def test_the_vacancy_page_query_count_is_flat(
    client, tree, admin_user, county_staff, django_assert_num_queries
):
    client.force_login(county_staff)
    url = reverse("organizations:vacancies")
    with django_assert_num_queries(8):
        # 1. session  2. user  3. the user's organization
        # 4. the rule branch_committee_min_full_members  5. organizations existing today
        # 6. current members per organization  7. posts held today
        # 8. the organizations offered by the filter's 范围 choice
        client.get(url)
    add_branches(admin_user, tree.other_committee, 6, "V")
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.context["listing"].count == 6 + 6


@time_machine.travel(TODAY)
def test_the_warning_page_query_count_is_flat(
    client, tree, admin_user, county_staff, django_assert_num_queries
):
    client.force_login(county_staff)
    url = reverse("organizations:warnings")
    with django_assert_num_queries(7):
        # 1. session  2. user  3. the user's organization
        # 4. the thresholds and terms (one query)  5. organizations existing today
        # 6. current members per organization  7. the organizations offered by the filter's 范围 choice
        client.get(url)
    add_branches(admin_user, tree.other_committee, 6, "W")
    with django_assert_num_queries(7):
        client.get(url)
