"""The year-end work summary (issue 12 items 4–5): figures in sentences, links to the records, narrative, Word file."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from reports.indicators import compute
from reports.models import NarrativeStatus, SummaryNarrative
from reports.narratives import narrative_save
from reports.periods import Period
from reports.summary import build_summary
from tests.factories import make_certificate, make_id, make_member

TODAY = dt.date(2026, 6, 15)
Y2025 = Period.parse("2025")


@pytest.fixture
def admitted(tree, admin_user):
    with time_machine.travel(TODAY, tick=False):
        return make_member(
            tree.branch_a,
            actor=admin_user,
            name="韦小兰",
            gender="F",
            birth_date=dt.date(1998, 4, 2),
            id_number=make_id(dt.date(1998, 4, 2), 31, False),
            status="PROBATIONARY",
            joined_on=dt.date(2025, 5, 1),
            full_on=None,
        )


@time_machine.travel(TODAY, tick=False)
def test_the_summary_prints_the_figures_in_the_references_register(
    client, county_staff, tree, member_a, admitted
):
    client.force_login(county_staff)
    page = client.get(reverse("reports:summary", args=["C01", "2025"])).content.decode()
    assert "富宁县委2025年党的基层组织建设工作总结" in page
    assert "一、主要做法和成效" in page and "四、下步工作打算" in page
    assert "全年发展新党员" in page and ">1</a>" in page or ">1</span>" in page
    # a rate beside the counts it comes from; none where the denominator is 0 (no plan was set)
    assert "占全年计划" not in page
    assert "女性" in page and "100" in page
    # the families of training, lectures, AV, agreements, life meetings, regulations each have their sentence
    for clause in (
        "个县级单位的",
        "电教培训",
        "名党员与所在支部签订责任书",
        "个党支部召开民主生活会",
        "个党委完善各项制度",
    ):
        assert clause in page, clause


@time_machine.travel(TODAY, tick=False)
def test_a_figures_link_lists_exactly_the_records_it_counts(
    client, county_staff, tree, member_a, admitted, admin_user
):
    make_certificate(
        member_a, actor=admin_user, issued_on=dt.date(2025, 3, 1), valid_until=dt.date(2025, 5, 31)
    )
    values = compute(tree.county, Y2025)
    summary = build_summary(tree.county, Y2025, values, {}, [])
    figures = {f.key: f for f in summary.figures()}
    client.force_login(county_staff)
    members = client.get(figures["members.total"].link).context["page_obj"]
    assert len(list(members)) == values["members.total"] == 2
    certificates = client.get(figures["certificates.issued"].link).context["listing"].count
    assert certificates == values["certificates.issued"] == 1
    probationary = client.get(figures["members.probationary"].link).context["page_obj"]
    assert [m.name for m in probationary] == ["韦小兰"]


@time_machine.travel(TODAY, tick=False)
def test_the_narrative_is_saved_as_a_draft_then_final_and_shows_in_the_summary(client, secretary_a, tree):
    client.force_login(secretary_a)
    edit = reverse("reports:summary_edit", args=[tree.branch_a.code, "2025"])
    response = client.post(edit, {"problems": "1、党员老化。\n2、经费不足。", "version": 0})
    assert response.status_code == 302
    narrative = SummaryNarrative.objects.get()
    assert narrative.status == NarrativeStatus.DRAFT
    client.post(edit, {"problems": "1、党员老化。", "plans": "抓好制度建设。", "final": "on", "version": 1})
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.FINAL and narrative.texts["plans"] == "抓好制度建设。"
    page = client.get(reverse("reports:summary", args=[tree.branch_a.code, "2025"])).content.decode()
    assert "1、党员老化。" in page and "抓好制度建设。" in page


def test_another_branch_cannot_write_the_narrative_and_control_characters_are_refused(
    tree, secretary_b, secretary_a
):
    with pytest.raises(Http404):
        narrative_save(actor=secretary_b, organization=tree.branch_a, period=Y2025, texts={"plans": "x"})
    with pytest.raises(ValidationError) as refused:
        narrative_save(
            actor=secretary_a, organization=tree.branch_a, period=Y2025, texts={"plans": "a\u202eb"}
        )
    assert "plans" in refused.value.message_dict
    assert not SummaryNarrative.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_word_file_opens_with_its_sections_and_east_asian_fonts(
    client, county_staff, tree, member_a, admitted
):
    client.force_login(county_staff)
    response = client.get(reverse("reports:summary_docx", args=["C01", "2025"]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "富宁县委2025年党的基层组织建设工作总结"
    assert {"一、主要做法和成效", "二、几点体会", "三、存在问题", "四、下步工作打算"} <= set(texts)
    assert any(t.startswith("全年发展新党员1名") for t in texts)
    title_fonts = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("全年发展新党员"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "PAGE" in document.sections[0].footer.paragraphs[0]._element.xml


def test_a_committee_gets_its_own_summary_and_not_the_countys(client, committee_staff, tree):
    client.force_login(committee_staff)
    assert client.get(reverse("reports:summary", args=["C01T01", "2025"])).status_code == 200
    assert client.get(reverse("reports:summary", args=["C01", "2025"])).status_code == 404
    assert client.get(reverse("reports:summary_docx", args=["C01T02", "2025"])).status_code == 404


def test_a_long_list_of_organizations_not_submitted_is_summed_up_in_each_clause_and_the_note():
    from reports.periods import Period
    from reports.summary import Summary, named

    assert named(["甲党支部", "乙党支部"]) == "甲党支部、乙党支部"
    many = [f"第{i}党支部" for i in range(1, 401)]
    assert named(many) == "第1党支部、第2党支部、第3党支部、第4党支部、第5党支部等400个党组织"
    note = Summary(title="", org=None, period=Period.parse("2025"), sections=[], missing=many).missing_note
    assert note.startswith("第1党支部、") and "第30党支部等400个党组织" in note and "第31党支部" not in note
