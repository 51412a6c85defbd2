"""The development pipeline end to end in the browser: one applicant walked from application to full member.

The branch secretary of 各甫村党支部 records every step on the applicant's
page (the step forms open in place with htmx), posts and closes the three
公示, and the staff of 新华镇党委 (which may approve new members) record the
two approvals from their worklist.  All dates lie in the past, so the time
rules hold without freezing the clock:

    application 2022-03-01 · activist 2022-05-05 · 发展对象 2023-05-10 ·
    admission meeting 2023-07-01 · probation ends 2024-07-01 · archive 2024-07-20
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

from core.idcard import check_char
from members.models import Member
from members.models.development import Applicant, Step
from members.services.member import member_register
from tests.browser.conftest import log_in
from tests.conftest import member_fields

pytestmark = pytest.mark.browser

APPLICANT = "韦小红"
BIRTH = dt.date(1998, 4, 12)

#: Each step's date (ISO, as a date input takes it).
DATES: dict[int, str] = {
    2: "2022-03-15",
    3: "2022-05-05",
    4: "2022-05-10",
    5: "2022-05-12",
    6: "2022-11-10",
    7: "2023-05-10",
    8: "2023-05-15",
    9: "2023-05-20",
    10: "2023-06-01",
    11: "2023-06-10",
    12: "2023-06-20",
    13: "2023-06-25",
    14: "2023-06-28",
    15: "2023-07-01",
    16: "2023-07-10",
    17: "2023-08-01",
    18: "2023-08-10",
    19: "2023-08-15",
    20: "2023-09-01",
    21: "2024-01-10",
    22: "2024-06-12",
    23: "2024-07-01",
    24: "2024-07-15",
    25: "2024-07-20",
}

#: A 公示 of five working days before steps 3 and 12, and the 转正公示 after step 22 (before 23).
PUBLICITY: dict[int, tuple[str, str]] = {
    3: ("2022-04-25", "2022-04-29"),
    12: ("2023-06-12", "2023-06-16"),
    22: ("2024-06-13", "2024-06-19"),
}


def id_number(birth: dt.date, order: str) -> str:
    first17 = f"452628{birth:%Y%m%d}{order}"
    return first17 + check_char(first17)


@pytest.fixture
def branch_a_members(tree, admin_user, member_a) -> dict[str, Member]:
    """Three full members of 各甫村党支部 to serve as 培养联系人 and 入党介绍人."""
    extra = {
        "黄志刚": dict(gender="M", birth_date=dt.date(1970, 3, 8), order="011"),
        "农丽萍": dict(gender="F", birth_date=dt.date(1975, 9, 20), order="022"),
    }
    members = {member_a.name: member_a}
    for name, spec in extra.items():
        members[name] = member_register(
            actor=admin_user,
            organization=tree.branch_a,
            **member_fields(
                name=name,
                gender=spec["gender"],
                birth_date=spec["birth_date"],
                id_number=id_number(spec["birth_date"], spec["order"]),
                joined_on=dt.date(2000, 7, 1),
                full_on=dt.date(2001, 7, 1),
            ),
        )
    return members


def open_step(page: Page, number: int) -> Locator:
    """Open step ``number``'s form from the applicant page's 办理下一步 card (htmx loads it in place)."""
    page.locator(f'a.btn[data-hx-get$="/steps/{number}/"]').click()
    form = page.locator(f'#step-panel form[action$="/steps/{number}/"]')
    expect(form).to_be_visible()
    return form


def submit_step(page: Page, form: Locator, number: int) -> None:
    """Record the step and wait for the applicant page to come back saying so."""
    form.get_by_role("button", name="记录").click()
    expect(
        page.locator(".alert-success", has_text=f"已记录第{number}步“{Step(number).label}”")
    ).to_be_visible()


def record_step(page: Page, number: int, fill: Callable[[Locator], None] | None = None) -> None:
    form = open_step(page, number)
    form.locator('[name="day"]').fill(DATES[number])
    if fill is not None:
        fill(form)
    submit_step(page, form, number)


def post_publicity(page: Page, number: int) -> None:
    """Post the 公示 before step ``number`` and record that it ended with no objection."""
    page.get_by_role("link", name="登记公示").click()
    expect(page.get_by_role("heading", name=f"登记公示：{APPLICANT}")).to_be_visible()
    page.get_by_label("公示事项").select_option(str(number))
    starts, ends = PUBLICITY[number]
    page.get_by_label("公示开始日期").fill(starts)
    page.get_by_label("公示截止日期").fill(ends)
    page.get_by_label("公示地点/范围").fill("各甫村村务公开栏")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success", has_text="已登记公示")).to_be_visible()
    page.get_by_role("link", name="登记结果").click()
    page.get_by_label("公示结果").select_option(label="无异议")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success", has_text="已登记公示结果")).to_be_visible()
    expect(page.get_by_text(f"{starts} 至 {ends} · 各甫村村务公开栏")).to_be_visible()


def choose(**selections: str) -> Callable[[Locator], None]:
    """Pick options by their visible label in the step form's selects."""

    def fill(form: Locator) -> None:
        for name, label in selections.items():
            form.locator(f'[name="{name}"]').select_option(label=label)

    return fill


def type_in(**values: str | int) -> Callable[[Locator], None]:
    def fill(form: Locator) -> None:
        for name, value in values.items():
            form.locator(f'[name="{name}"]').fill(str(value))

    return fill


def both(*fills: Callable[[Locator], None]) -> Callable[[Locator], None]:
    def fill(form: Locator) -> None:
        for f in fills:
            f(form)

    return fill


def approve_as_committee(staff_page: Page, applicant_url: str, number: int, document_no: str) -> None:
    """Committee staff find the approval on their worklist and record it with 新华镇党委 as approver."""
    staff_page.goto("/members/development/")
    waiting = staff_page.locator(".card", has=staff_page.locator(".card-header", has_text="等待上级党委审批"))
    row = waiting.locator("tr", has_text=APPLICANT)
    expect(row).to_contain_text(f"第{number}步 上级党委审批")
    row.get_by_role("link", name=APPLICANT).click()
    staff_page.wait_for_url(f"**{applicant_url}")
    form = open_step(staff_page, number)
    form.get_by_label("审批党委").select_option(label="新华镇党委")
    form.locator('[name="day"]').fill(DATES[number])
    form.locator('[name="document_no"]').fill(document_no)
    submit_step(staff_page, form, number)


def register_applicant(page: Page) -> str:
    """Step 1: the secretary registers the applicant; returns the applicant page's path."""
    page.goto("/members/development/")
    page.get_by_role("link", name="登记入党申请人").click()
    expect(page.get_by_label("所在党支部")).to_contain_text("各甫村党支部")
    page.get_by_label("姓名").fill(APPLICANT)
    page.get_by_label("性别").select_option(label="女")
    page.get_by_label("民族").select_option(label="壮族")
    page.get_by_label("出生日期").fill(BIRTH.isoformat())
    page.get_by_label("公民身份号码").fill(id_number(BIRTH, "042"))
    page.get_by_label("学历").select_option(label="大学专科")
    page.get_by_label("人员类别").select_option(label="农牧渔民")
    page.get_by_label("生产一线").check()
    page.get_by_label("农村人员").check()
    page.get_by_label("手机号码").fill("13907761234")
    page.get_by_label("工作单位及职务").fill("各甫村 村民小组长")
    page.get_by_label("递交入党申请书日期").fill("2022-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success", has_text=f"已登记入党申请人“{APPLICANT}”")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("申请入党")
    return urlparse(page.url).path


def stage_badge(page: Page) -> Locator:
    return page.locator("h1 .badge")


def test_a_branch_secretary_walks_an_applicant_to_full_membership_with_committee_approvals(
    page: Page, another_page, tree, secretary_a, committee_staff, branch_a_members
) -> None:
    log_in(page, secretary_a.username)
    staff_page = another_page()
    log_in(staff_page, committee_staff.username)

    # 1. 申请入党
    applicant_url = register_applicant(page)
    record_step(page, 2, type_in(handled_by="李文书记"))

    # 2. 入党积极分子
    post_publicity(page, 3)
    record_step(page, 3)
    expect(stage_badge(page)).to_have_text("入党积极分子")
    record_step(page, 4, choose(approving_org="新华镇党委"))
    record_step(
        page, 5, choose(first_contact="黄志刚（各甫村党支部）", second_contact="农丽萍（各甫村党支部）")
    )
    expect(page.get_by_text("培养联系人：黄志刚、农丽萍")).to_be_visible()
    record_step(page, 6, type_in(note="表现良好"))

    # 3. 发展对象 — first tried too early: the rule is shown on the form and nothing advances.
    form = open_step(page, 7)
    form.locator('[name="day"]').fill("2023-03-01")
    form.get_by_role("button", name="记录").click()
    expect(page.locator("#step-panel .invalid-feedback")).to_have_text(
        "确定为入党积极分子（2022-05-05）满1年后方可确定为发展对象（最早2023-05-05）"
    )
    assert not Applicant.objects.get(name=APPLICANT).steps.filter(number=Step.CANDIDATE).exists()
    page.goto(applicant_url)
    expect(stage_badge(page)).to_have_text("入党积极分子")
    record_step(page, 7)
    expect(stage_badge(page)).to_have_text("发展对象")
    record_step(page, 8, choose(approving_org="新华镇党委"))
    record_step(
        page, 9, choose(first_introducer="张桂芳（各甫村党支部）", second_introducer="黄志刚（各甫村党支部）")
    )
    expect(page.get_by_text("入党介绍人：张桂芳、黄志刚")).to_be_visible()
    record_step(page, 10, choose(vetting_result="合格"))
    record_step(page, 11, type_in(training_days=3, training_hours=24))
    expect(page.get_by_text("培训3天24学时")).to_be_visible()

    # 4. 接收预备党员
    post_publicity(page, 12)
    record_step(page, 12)
    record_step(page, 13, choose(approving_org="新华镇党委"))
    record_step(page, 14)
    record_step(
        page,
        15,
        type_in(votes_entitled=3, votes_present=3, votes_for=3, document_no="各甫支〔2023〕2号"),
    )
    expect(stage_badge(page)).to_have_text("预备党员")
    expect(page.get_by_text("应到3人，实到3人，赞成3票")).to_be_visible()
    record_step(page, 16, type_in(handled_by="新华镇党委组织委员"))
    approve_as_committee(staff_page, applicant_url, 17, "新党发〔2023〕15号")
    page.goto(applicant_url)
    record_step(page, 18, choose(approving_org="富宁县委"))

    # 5. 预备期与转正
    record_step(page, 19)
    record_step(page, 20)
    record_step(page, 21, type_in(note="预备期表现良好"))
    record_step(page, 22)
    post_publicity(page, 22)  # the 转正公示 comes after the application
    # Only the branch's three full members vote (the applicant, a 预备党员, does not).
    record_step(
        page,
        23,
        both(type_in(votes_entitled=3, votes_present=3, votes_for=3), choose(outcome="按期转正")),
    )
    expect(stage_badge(page)).to_have_text("预备党员")  # 转正 takes effect when the committee approves
    approve_as_committee(staff_page, applicant_url, 24, "新党发〔2024〕21号")
    page.goto(applicant_url)
    expect(stage_badge(page)).to_have_text("正式党员")
    record_step(page, 25)

    # Every one of the 25 steps is done, with its date, and nothing is left to do.
    timeline = page.locator(".col-lg-8")
    expect(timeline.locator(".bi-check-circle-fill")).to_have_count(25)
    for day in DATES.values():
        expect(timeline.get_by_text(day, exact=True).first).to_be_visible()
    expect(page.get_by_text("办理下一步")).to_have_count(0)

    # The member: full since the end of the one-year probation, with the history to show for it.
    page.get_by_role("link", name="正式党员").click()
    expect(page.locator("h1")).to_contain_text(APPLICANT)
    expect(page.locator("h1 .badge")).to_have_text("正式党员")
    facts = page.locator(".card", has=page.locator(".card-header", has_text="党籍信息"))
    expect(facts.locator("dt:has-text('所在党组织') + dd")).to_have_text("各甫村党支部")
    expect(facts.locator("dt:has-text('入党日期') + dd")).to_have_text("2023-07-01")
    expect(facts.locator("dt:has-text('转正日期') + dd")).to_have_text("2024-07-01")
    periods = page.locator(".card", has=page.locator(".card-header", has_text="组织关系记录")).locator(
        "tbody tr"
    )
    expect(periods).to_have_count(2)
    expect(periods.filter(has_text="预备党员")).to_contain_text("2023-07-01")
    expect(periods.filter(has_text="预备党员")).to_contain_text("2024-07-01")
    expect(periods.filter(has_text="预备党员")).to_contain_text("新发展")
    expect(periods.filter(has_text="预备党员")).to_contain_text("各甫支〔2023〕2号")
    expect(periods.filter(has_text="正式党员")).to_contain_text("2024-07-01")
    expect(periods.filter(has_text="正式党员")).to_contain_text("至今")
    history = page.locator(".card", has=page.locator(".card-header", has_text="修改记录")).locator("tbody tr")
    expect(history.filter(has_text="新建")).to_have_count(1)
    expect(history.filter(has_text="修改").filter(has_text="正式党员")).not_to_have_count(0)

    # … and in the branch's member list, ID masked.
    page.goto("/members/")
    row = page.locator("tbody tr", has_text=APPLICANT)
    expect(row).to_contain_text("正式党员")
    expect(row).to_contain_text("2023-07-01")
    expect(row).to_contain_text("2024-07-01")
    expect(row).not_to_contain_text(id_number(BIRTH, "042"))

    member = Member.objects.get(name=APPLICANT)
    assert (member.organization, member.status, member.joined_on, member.full_on) == (
        tree.branch_a,
        "FULL",
        dt.date(2023, 7, 1),
        dt.date(2024, 7, 1),
    )
