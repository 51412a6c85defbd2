"""The bulk screens through the browser's eyes: what they do, what they cost, who sees what, what they export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.choices import AgreementStatus
from assessments.models import MemberAppraisal, TargetAgreement
from tests.factories import grade, make_member, make_round, make_template, sign_members

pytestmark = pytest.mark.django_db

YEAR = 2026


def fill_branch(branch, actor, n: int, start: int = 0) -> list:
    """Members ``start`` to ``n`` of ``branch``: every third an old rural member (exempt by the rules), the rest young."""
    members = []
    for i in range(start, n):
        old = i % 3 == 0
        birth = dt.date(1950 if old else 1990, 1 + i % 12, 1 + i % 28)
        members.append(
            make_member(
                branch,
                actor=actor,
                seq=40 + i,
                name=f"党员{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}",
                birth_date=birth,
                joined_on=dt.date(birth.year + 25, 7, 1),
                full_on=dt.date(birth.year + 26, 7, 1),
            )
        )
    return members


def sheet_url(branch) -> str:
    return reverse("assessments:member_sheet", args=[branch.code, YEAR])


def apply_url(branch) -> str:
    return reverse("assessments:member_sheet_apply", args=[branch.code, YEAR])


# --- the member screen ----------------------------------------------------------------------------


def test_issue_with_the_default_ticks_records_the_exempt_with_their_reason(
    client, tree, secretary_a, admin_user
):
    members = fill_branch(tree.branch_a, admin_user, 6)
    template = make_template(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    page = client.get(sheet_url(tree.branch_a))
    picked = page.context["picked"]
    assert picked == {m.pk for i, m in enumerate(members) if i % 3}  # the rule-exempt are not ticked
    response = client.post(
        apply_url(tree.branch_a),
        {"action": "issue", "template": template.pk, "signed_on": "2026-02-20", "pick": sorted(picked)},
    )
    assert response.status_code == 302
    statuses = {a.member_id: a.status for a in TargetAgreement.objects.all()}
    assert [statuses[m.pk] for m in members] == [
        AgreementStatus.EXEMPT if i % 3 == 0 else AgreementStatus.SIGNED for i in range(6)
    ]
    page = client.get(sheet_url(tree.branch_a)).content.decode()
    assert "年满60岁的农村党员" in page and "66.67" in page


def test_a_refused_action_keeps_the_ticks_and_says_why(client, tree, secretary_a, admin_user):
    members = fill_branch(tree.branch_a, admin_user, 3)
    client.force_login(secretary_a)
    response = client.post(apply_url(tree.branch_a), {"action": "sign", "pick": [members[1].pk]})
    assert response.status_code == 200
    assert "请填写签订日期" in response.content.decode()
    assert response.context["picked"] == {members[1].pk}


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_member_screen_costs_the_same_queries_for_few_or_many_members(
    client, tree, secretary_a, admin_user, django_assert_num_queries
):
    template = make_template(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    url = sheet_url(tree.branch_a)
    for first, n in ((0, 3), (3, 12)):
        members = fill_branch(tree.branch_a, admin_user, n, start=first)
        sign_members(tree.branch_a, members[1:], actor=secretary_a, template=template)
        client.get(url)
        with django_assert_num_queries(QUERIES_MEMBER_SCREEN):
            # 1 session, 2 user, 3 the user's organization (menu), 4 the branch (scope lookup),
            # 5 exemption rules, 6 the branch's members, 7 their agreements of the year, 8 whether a
            # template is usable, 9 the first template (the form's initial), 10 the latest scored year
            # (the ranking tab), 11 the templates for the select
            client.get(url)


QUERIES_MEMBER_SCREEN = 11


def test_issuing_for_a_whole_branch_costs_the_same_queries_for_few_or_many(
    client, tree, secretary_a, admin_user
):
    template = make_template(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    costs = []
    for first, n in ((0, 2), (2, 5), (5, 14)):  # the first warms the caches (content types)
        members = fill_branch(tree.branch_a, admin_user, n, start=first)
        data = {
            "action": "issue",
            "template": template.pk,
            "signed_on": "2026-02-20",
            "pick": [m.pk for m in members],
        }
        costs.append(count_queries(lambda data=data: client.post(apply_url(tree.branch_a), data)))
    assert TargetAgreement.objects.count() == 14
    assert costs[1] == costs[2], costs


def grade_data(members, **grades) -> dict:
    data = {"appraised_on": "2026-11-20", "fill": "合格"}
    for m in members:
        data.update({f"initial-grade_{m.pk}": "", f"initial-note_{m.pk}": "", f"version_{m.pk}": "0"})
        data.update({f"grade_{m.pk}": grades.get(m.name, ""), f"note_{m.pk}": ""})
    return data


def test_the_grade_sheet_and_its_save_cost_the_same_for_few_or_many(client, tree, secretary_a, admin_user):
    round_ = make_round(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    url = reverse("assessments:round_grades", args=[round_.pk, tree.branch_a.code])
    save = reverse("assessments:round_grades_save", args=[round_.pk, tree.branch_a.code])
    costs = []
    for first, n in ((0, 2), (2, 5), (5, 14)):  # the first warms the caches (content types)
        members = fill_branch(tree.branch_a, admin_user, n, start=first)
        client.get(url)
        shown = count_queries(lambda: client.get(url))
        data = grade_data(members, **{members[0].name: "优秀"})
        saved = count_queries(lambda data=data: client.post(save, data))
        costs.append((shown, saved))
    grades = list(MemberAppraisal.objects.values_list("grade", flat=True))
    assert grades.count("优秀") == 3 and grades.count("合格") == 11
    assert costs[1] == costs[2], costs


def test_the_one_third_warning_after_saving(client, tree, secretary_a, admin_user):
    members = fill_branch(tree.branch_a, admin_user, 3)
    round_ = make_round(tree.branch_a, actor=secretary_a)
    client.force_login(secretary_a)
    data = grade_data(members, **{m.name: "优秀" for m in members})
    response = client.post(
        reverse("assessments:round_grades_save", args=[round_.pk, tree.branch_a.code]), data, follow=True
    )
    assert "超过参评党员（3名）的1/3" in response.content.decode()


# --- scope ----------------------------------------------------------------------------------------


def test_a_branch_sees_neither_another_branchs_agreements_nor_its_grades(
    client, tree, secretary_a, secretary_b, committee_staff, admin_user
):
    members = fill_branch(tree.branch_a, admin_user, 3)
    issued = sign_members(tree.branch_a, members, actor=secretary_a)
    round_ = make_round(tree.committee, actor=committee_staff)
    grade(round_, tree.branch_a, {m: "合格" for m in members}, actor=secretary_a)
    client.force_login(secretary_b)
    assert (
        client.get(reverse("assessments:agreement_detail", args=[issued.agreements[0].pk])).status_code == 404
    )
    assert client.get(sheet_url(tree.branch_a)).status_code == 404
    assert (
        client.get(reverse("assessments:round_grades", args=[round_.pk, tree.branch_a.code])).status_code
        == 404
    )
    roster = client.get(reverse("assessments:member_roster"))
    assert roster.context["listing"].count == 0
    results = client.get(reverse("assessments:appraisal_list"))
    assert results.context["listing"].count == 0
    # the committee's round covers branch B: its secretary opens it and sees only branch B's part
    page = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    assert [b.org.name for b in page.context["progress"].branches] == []
    assert page.context["within"] == tree.branch_b


# --- exports and printing ---------------------------------------------------------------------------


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_roster_exports_each_members_status(client, tree, secretary_a, admin_user):
    members = fill_branch(tree.branch_a, admin_user, 3)
    sign_members(tree.branch_a, members[1:2], actor=secretary_a)
    client.force_login(secretary_a)
    rows = rows_of(client.get(reverse("assessments:member_roster"), {"year": "2026", "format": "xlsx"}))
    assert rows[0] == ("姓名", "所在党组织", "签订情况", "签订日期", "免签原因")
    status = {r[0]: r[2] for r in rows[1:]}
    assert status[members[1].name] == "已签订" and status[members[0].name] == "未生成"


def test_the_printed_agreement_has_a_page_per_party_with_signature_lines(client, tree, secretary_a, member_a):
    [agreement] = sign_members(tree.branch_a, [member_a], actor=secretary_a).agreements
    client.force_login(secretary_a)
    page = client.get(reverse("assessments:agreement_print", args=[agreement.pk])).content.decode()
    assert page.count('class="sheet"') == 2
    assert "甲方留存" in page and "乙方留存" in page and "本人签字" in page and "负责人签字" in page
    assert "按时足额交纳党费" in page


def test_the_committee_issues_and_signs_its_branches_agreements_on_its_screen(client, tree, committee_staff):
    from tests.factories import make_template

    template = make_template(
        tree.county,
        actor=tree_admin(tree),
        level="ORGANIZATION",
        items=(("党员教育管理", "100", "查阅资料"),),
    )
    client.force_login(committee_staff)
    url = reverse("assessments:org_sheet_apply", args=[tree.committee.code, YEAR])
    response = client.post(
        url, {"action": "issue", "template": template.pk}
    )  # nothing ticked: all without one
    assert response.status_code == 302
    agreements = list(TargetAgreement.objects.filter(organization=tree.committee).order_by("subject__path"))
    assert [a.subject.name for a in agreements] == ["各甫村党支部", "新华社区党支部"]
    assert all(a.status == AgreementStatus.PENDING for a in agreements)
    client.post(url, {"action": "sign", "signed_on": "2026-01-20", "pick": [agreements[0].subject_id]})
    assert TargetAgreement.objects.get(pk=agreements[0].pk).signed_on == dt.date(2026, 1, 20)


def tree_admin(tree):
    from organizations.models import User

    return User.objects.get(username="admin")


def test_scoring_through_the_page_and_the_ranking_export(client, tree, county_staff):
    from tests.factories import sign_orgs

    [agreement] = sign_orgs(tree.county, [tree.committee], actor=county_staff)
    items = list(agreement.items.order_by("order"))
    client.force_login(county_staff)
    data = {"scored_on": "2026-11-20", "reward_kind": "REWARD", "reward_note": "通报表扬", "version": "0"}
    for item, score in zip(items, ("38", "27.5", "30"), strict=True):
        data[f"score_{item.pk}"] = score
        data[f"why_{item.pk}"] = ""
    response = client.post(reverse("assessments:agreement_score", args=[agreement.pk]), data)
    assert response.status_code == 302
    rows = rows_of(
        client.get(reverse("assessments:ranking", args=[tree.county.code, YEAR]), {"format": "xlsx"})
    )
    assert rows[0][:4] == ("名次", "党组织", "总分", "考核等次")
    assert rows[1][:4] == (1, "新华镇党委", 95.5, "优秀")


def test_rating_a_village_branch_through_its_checklist(client, tree, committee_staff):
    from assessments.models import StarRating

    client.force_login(committee_staff)
    url = reverse("assessments:rating_new", args=[tree.branch_a.code])
    ticks = {"c_team": "on", "c_members": "on", "c_mechanism": "on", "c_results": "on"}
    response = client.post(url, {"year": "2026", "result": "BASIC", "rated_on": "2026-11-20", **ticks})
    assert response.status_code == 302
    rating = StarRating.objects.get()
    assert (rating.met_count, rating.result) == (4, "BASIC")
    response = client.post(url, {"year": "2026", "result": "ACHIEVED", "rated_on": "2026-11-20"})
    assert "各甫村党支部2026年度已评定" in response.content.decode()


def test_a_removal_links_the_leaving_record(client, tree, secretary_a, member_a):
    from assessments.services.appraisals import follow_up_decide

    round_ = make_round(tree.branch_a, actor=secretary_a)
    grade(round_, tree.branch_a, {member_a: "不合格"}, actor=secretary_a)
    follow_up = follow_up_decide(
        actor=secretary_a,
        appraisal=MemberAppraisal.objects.get(),
        disposal="REMOVE",
        decided_on=dt.date(2026, 11, 24),
        document_no="各支〔2026〕9号",
    )
    client.force_login(secretary_a)
    page = client.get(reverse("assessments:follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "除名（2026年11月24日，各支〔2026〕9号）" in page
    listed = client.get(reverse("members:departure_list"), {"reason": "REMOVED", "org": tree.branch_a.code})
    assert listed.context["listing"].count == 1
