"""The printed 目标管理责任书 (one A4 page per party's copy, with its signature lines) and the 督查通报 on A4."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import log_in
from tests.browser.test_print import A4_POINTS, page_size, printed, text_of
from tests.factories import make_finding, make_inspection, make_member, make_template, sign_members, sign_orgs

pytestmark = pytest.mark.browser

LONG_ITEMS = tuple(
    (
        f"第{n}项：认真落实党建工作目标管理责任制，按时参加组织生活，带头学习党的理论和实用技术",
        "10",
        "查阅记录、个别谈话、实地查看",
    )
    for n in range(1, 11)
)


def test_an_agreement_prints_one_a4_page_for_each_party(page: Page, county_staff, tree, admin_user):
    template = make_template(tree.county, actor=admin_user, level="ORGANIZATION", items=LONG_ITEMS)
    [agreement] = sign_orgs(tree.county, [tree.committee], actor=admin_user, template=template)
    log_in(page, "county")
    pdf = printed(page, f"/assessments/agreements/{agreement.pk}/print/")
    assert len(pdf.pages) == 2
    assert page_size(pdf, 0) == A4_POINTS and page_size(pdf, 1) == A4_POINTS
    text = text_of(pdf)
    assert text.count("负责人签字") == 4  # both parties' lines on each copy
    assert "甲方留存" in text and "乙方留存" in text and "第10项" in text


def test_a_branch_prints_a_page_per_signing_member(page: Page, secretary_a, tree, admin_user, member_a):
    second = make_member(
        tree.branch_a,
        actor=admin_user,
        seq=51,
        name="黄文军",
        birth_date=dt.date(1990, 3, 1),
        joined_on=dt.date(2015, 7, 1),
        full_on=dt.date(2016, 7, 1),
    )
    sign_members(tree.branch_a, [member_a, second], actor=secretary_a, year=2026)
    log_in(page, "secretary_a")
    pdf = printed(page, f"/assessments/agreements/members/{tree.branch_a.code}/2026/print/")
    assert len(pdf.pages) == 2
    text = text_of(pdf)
    assert "文军" in text and "本人签字" in text  # 黄 may read back as a radical form


def test_the_notice_prints_on_a4(page: Page, committee_staff, tree):
    inspection = make_inspection(tree.committee, actor=committee_staff, notice_no="新党通〔2026〕3号")
    make_finding(inspection, tree.branch_a, actor=committee_staff)
    log_in(page, "committee")
    pdf = printed(page, f"/assessments/inspections/{inspection.pk}/notice/")
    assert page_size(pdf) == A4_POINTS
    text = text_of(pdf)
    assert (
        "的通报" in text
        and "新党通〔2026〕3号" in text
        and "会议记录,于2026年8月31日前整改到位" in text  # 齐 reads back as a radical form
    )
