"""Demo step (assessments): a year of the annual assessment cycle at the reference's proportions.

What the reference summary reports for the year, and what this step records:

- 目标管理责任书 signed level by level at the start of the year: the county with
  every committee, each committee with its general branches and branches, each
  general branch with its branches, every branch with its members — 7844 of
  8789 members (89.25%); the members the rules exempt (高龄农村党员, 离退休党员)
  are partly exempt with the reason (“除部分60岁以上农村党员和机关、企事业单位离退休党员外”),
  a few agreements still wait for their signature; last year's agreements of the
  committees (and of 新华镇党委's branches) are scored, so the ranking has figures;
- 督促检查: the county's mid-year inspection of every committee, with its notice
  and rectification items (two still overdue), and an ad hoc inspection by 新华镇党委;
- 民主生活会 from mid-August to the end of September in all 20 committees, 14
  general branches and 385 branches, 富办发〔YEAR〕24号, 238 of the committees'
  247 leaders attending (96.4%);
- 民主评议党员 from November with the reference's grades 优秀、称职、不称职, about
  7800 members graded (各甫村党支部, the demo secretary's, and a few others not yet),
  two branches over the one-third share, the 不称职 members partly followed up;
  the committees' teams voted on;
- 三级联创: last year's ratings of the 15 township committees and the village branches;
- 制度建设: regulations the committees and their branches adopted in the first half year,
  and 新华镇党委's branches' older registries (the checklist of 各甫村党支部 mostly filled).

Rows are written with ``bulk_create`` (generated data, no audit rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from core.dates import add_months, years_before
from core.demo import DemoContext, DemoStep
from members.models import Member, MemberPeriod
from organizations.choices import (
    BASIC_REGULATIONS,
    COMMITTEE_KINDS,
    DEVELOPMENT_REGULATIONS,
    MEMBER_HOLDING_KINDS,
    NOT_COUNTED_FORMS,
    OrgCategory,
    OrgKind,
    RegulationCategory,
)
from organizations.models import Organization, Regulation
from organizations.rules import GradeBands, rules_in_force

from .choices import (
    RATING_CRITERIA,
    AgreementLevel,
    Disposal,
    Exemption,
    FindingKind,
    GradeCategory,
    InspectionKind,
    RatingResult,
    RatingStandard,
    RewardKind,
)
from .models import (
    AgreementItem,
    AgreementTemplate,
    AppraisalFollowUp,
    AppraisalRound,
    AssessmentScore,
    Inspection,
    InspectionFinding,
    LifeMeeting,
    MemberAppraisal,
    StarRating,
    TargetAgreement,
    TeamAppraisal,
    TemplateItem,
)
from .services.agreements import PARTY_KINDS, grade_for

#: The reference: 7844 of 8789 members signed.
SIGNED_SHARE = Decimal("7844") / Decimal("8789")
#: Agreements issued but not yet signed (a share of the members).
PENDING_SHARE = 0.003
#: The committees' leaders at their life meetings: 238 of 247 (96.4%).
LEADERS_EXPECTED, LEADERS_ATTENDED = 247, 238
#: Branches (besides the demo secretary's) whose grades are not entered yet.
UNGRADED_BRANCHES = 5
GRADES = ("优秀", "称职", "不称职")

ORG_ITEMS = (
    ("加强领导班子建设，班子团结、配备齐全，书记履行第一责任人职责", "15", "查阅会议记录、个别谈话"),
    ("落实“三会一课”、主题党日、民主生活会和组织生活会制度", "20", "查阅记录，抽查党支部"),
    ("完成年度发展党员计划，坚持“十六字”方针，程序规范", "20", "对照计划和发展档案"),
    ("开展党员理论和实用技术培训，党员年均学时达标", "15", "查阅培训签到、学时台账"),
    ("按时足额收缴、上交党费，留存党费使用规范", "15", "查阅党费台账"),
    ("健全各项制度并上墙，开展“三级联创”、民主评议党员", "15", "实地查看、查阅资料"),
)
MEMBER_ITEMS = (
    ("按时参加支部党员大会、党小组会和主题党日活动", "25", "查阅会议签到"),
    ("按时足额交纳党费", "15", "查阅党费收缴记录"),
    ("参加理论和实用技术培训，全年不少于32学时", "20", "查阅培训签到"),
    ("带头致富、带领群众致富，至少联系帮扶1户群众", "25", "群众评议、支部核实"),
    ("遵守党的纪律，发挥先锋模范作用", "15", "民主评议"),
)
STRENGTHS = (
    "党委书记认真履行第一责任人职责，年初与各党支部层层签订目标管理责任书。",
    "“三会一课”制度落实较好，会议记录完整规范。",
    "发展党员工作坚持标准、程序规范，公示制、票决制执行到位。",
    "党员电化教育阵地作用发挥明显，上半年开展科技培训多期。",
    "党费收缴及时，按季度足额上交。",
)
PROBLEMS = (
    (
        "部分村党支部“三会一课”记录不全，主题党日活动内容单一。",
        "逐支部检查会议记录，补齐缺项，规范主题党日活动。",
    ),
    ("个别党支部长期未发展党员，入党积极分子培养不足。", "制定培养计划，明确培养联系人，年内确定发展对象。"),
    ("党费收缴台账不规范，部分党员增资后未及时调整交纳标准。", "重新核定交纳标准，补交所欠党费，规范台账。"),
    ("制度上墙不全，部分制度未结合实际修订。", "对照13项基层组织制度和发展党员5项制度逐项完善并上墙。"),
)
TOPICS = "深入学习贯彻“三个代表”重要思想，对照检查思想、作风、纪律方面存在的问题，开展批评与自我批评"
ISSUES = "理论学习不够深入系统；深入基层调查研究不够；抓落实的力度有待加强。"
RECTIFICATION = "制定整改方案，明确责任人和时限，班子成员每季度至少一次深入联系点调研，年底前整改到位。"
ABSENCE_REASONS = ("因公出差", "参加上级培训", "病假", "外出学习")
SURNAMES = "黄陆农梁韦李王罗覃卢"


def _day(ctx: DemoContext, start: dt.date, span_days: int) -> dt.date:
    return start + dt.timedelta(days=ctx.rng.randint(0, max(span_days, 0)))


def _templates(ctx: DemoContext, year: int) -> tuple[AgreementTemplate, AgreementTemplate]:
    org = AgreementTemplate(
        organization=ctx.county,
        year=year,
        level=AgreementLevel.ORGANIZATION,
        title=f"{year}年度基层党建目标管理责任书",
        note="县委与各党委、各党委与所属党总支和党支部签订",
    )
    member = AgreementTemplate(
        organization=ctx.county,
        year=year,
        level=AgreementLevel.MEMBER,
        title=f"{year}年度党员目标管理责任书",
        note="党支部与党员签订",
    )
    AgreementTemplate.objects.bulk_create([org, member])
    items = [
        TemplateItem(template=t, order=n, content=c, points=Decimal(p), measure=m)
        for t, rows in ((org, ORG_ITEMS), (member, MEMBER_ITEMS))
        for n, (c, p, m) in enumerate(rows, start=1)
    ]
    TemplateItem.objects.bulk_create(items)
    return org, member


def _copy_items(agreements: list[TargetAgreement], rows: tuple) -> list[AgreementItem]:
    return [
        AgreementItem(agreement=a, order=n, content=c, points=Decimal(p), measure=m)
        for a in agreements
        if not a.exemption
        for n, (c, p, m) in enumerate(rows, start=1)
    ]


def _parties(on_day: dt.date) -> list[Organization]:
    """Organizations that sign with their parent: committees, general branches, counted branches (by path)."""
    return list(
        Organization.objects.existing_on(on_day)
        .filter(kind__in=PARTY_KINDS, parent__isnull=False)
        .exclude(form__in=NOT_COUNTED_FORMS)
        .select_related("parent")
        .order_by("path")
    )


def _org_agreements(ctx: DemoContext, year: int, template: AgreementTemplate) -> list[TargetAgreement]:
    """The county with its committees (mid-January), the committees and general branches with theirs (to mid-February)."""
    rng = ctx.rng
    end = dt.date(year, 12, 31)
    parties = _parties(min(ctx.today, end))
    pending = set(rng.sample([p.pk for p in parties if p.kind == OrgKind.BRANCH], 3))
    rows = []
    for party in parties:
        if party.parent.kind == OrgKind.COUNTY_COMMITTEE:
            day = _day(ctx, dt.date(year, 1, 12), 6)
        elif party.parent.kind in COMMITTEE_KINDS:
            day = _day(ctx, dt.date(year, 1, 20), 20)
        else:
            day = _day(ctx, dt.date(year, 2, 8), 10)
        day = max(day, party.established_on + dt.timedelta(days=10))
        rows.append(
            TargetAgreement(
                year=year,
                level=AgreementLevel.ORGANIZATION,
                organization=party.parent,
                subject=party,
                template=template,
                title=template.title,
                signed_on=None if party.pk in pending or day > ctx.today else day,
                created_by=ctx.users.get("county"),
            )
        )
    TargetAgreement.objects.bulk_create(rows, batch_size=500)
    AgreementItem.objects.bulk_create(_copy_items(rows, ORG_ITEMS), batch_size=2000)
    return rows


def _member_agreements(ctx: DemoContext, year: int, template: AgreementTemplate) -> tuple[int, int, int, int]:
    """Every member in a branch on 1 March: signed (to 89.25% of the year-end roll), exempt by the rules, pending."""
    rng = ctx.rng
    placed_on = dt.date(year, 3, 1)
    end = dt.date(year, 12, 31)
    orgs = {o.pk: o for o in Organization.objects.filter(kind__in=MEMBER_HOLDING_KINDS).order_by("pk")}
    org_of = dict(
        MemberPeriod.objects.on(placed_on)
        .filter(organization__in=list(orgs))
        .order_by("member_id")
        .values_list("member_id", "organization_id")
    )
    members = list(Member.objects.filter(pk__in=list(org_of)).order_by("pk"))
    rules = rules_in_force("agreement_exempt_rural_age", "agreement_exempt_retired")
    age = int(rules["agreement_exempt_rural_age"])
    old = years_before(placed_on, age)

    def reason(m: Member) -> tuple[str, str] | None:
        if m.is_rural and m.birth_date <= old:
            return Exemption.RURAL_ELDERLY, f"年满{age}岁的农村党员"
        if m.is_retired and int(rules["agreement_exempt_retired"]):
            return Exemption.RETIRED, "机关、企事业单位离退休党员"
        return None

    total_at_end = MemberPeriod.objects.on(end).count()
    target = int((Decimal(total_at_end) * SIGNED_SHARE).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    eligible = [m for m in members if reason(m)]
    others = [m for m in members if not reason(m)]
    pending = set(m.pk for m in rng.sample(others, min(len(others), round(len(members) * PENDING_SHARE))))
    signing = [m for m in others if m.pk not in pending]
    # 部分60岁以上农村党员和离退休党员 sign all the same: the younger of them, until the share is reached.
    eligible.sort(key=lambda m: (-m.birth_date.toordinal(), m.pk))
    extra = max(0, min(len(eligible), target - len(signing)))
    signing += eligible[:extra]
    exempt = eligible[extra:]
    if len(signing) > target:  # a county where few are exempt: the rest wait for their signature
        pending |= {m.pk for m in signing[target:]}
        signing = signing[:target]
    day_of: dict[int, dt.date] = {}
    rows = []

    def agreement(m: Member, signed: bool, why: tuple[str, str] | None = None) -> TargetAgreement:
        org = orgs[org_of[m.pk]]
        day = day_of.setdefault(org.pk, _day(ctx, dt.date(year, 2, 16), 12))
        return TargetAgreement(
            year=year,
            level=AgreementLevel.MEMBER,
            organization=org,
            subject=org,
            member=m,
            template=template,
            title=template.title,
            signed_on=day if signed and day <= ctx.today else None,
            exemption=why[0] if why else "",
            exemption_note=why[1] if why else "",
            created_by=ctx.users.get("secretary"),
        )

    rows += [agreement(m, True) for m in signing]
    rows += [agreement(m, False) for m in members if m.pk in pending]
    rows += [agreement(m, False, reason(m)) for m in exempt]
    rows.sort(key=lambda a: (orgs[a.subject_id].path, a.member_id))
    TargetAgreement.objects.bulk_create(rows, batch_size=1000)
    AgreementItem.objects.bulk_create(_copy_items(rows, MEMBER_ITEMS), batch_size=4000)
    return len(signing), len(exempt), len(pending), total_at_end


def _last_years_scores(ctx: DemoContext) -> int:
    """Last year's agreements of the committees (and of 新华镇党委's branches), scored in December."""
    rng = ctx.rng
    year = ctx.year - 1
    template = AgreementTemplate(
        organization=ctx.county,
        year=year,
        level=AgreementLevel.ORGANIZATION,
        title=f"{year}年度基层党建目标管理责任书",
    )
    template.save()
    TemplateItem.objects.bulk_create(
        TemplateItem(template=template, order=n, content=c, points=Decimal(p), measure=m)
        for n, (c, p, m) in enumerate(ORG_ITEMS, start=1)
    )
    day = dt.date(year, 12, 31)
    committees = [c for c in ctx.committees if c.established_on <= dt.date(year, 1, 10)]
    xinhua = next((c for c in ctx.committees if c.name == "新华镇党委"), None)
    branches = (
        list(
            Organization.objects.existing_on(day)
            .filter(parent=xinhua, kind=OrgKind.BRANCH)
            .exclude(form__in=NOT_COUNTED_FORMS)
            .order_by("path")
        )
        if xinhua
        else []
    )
    rows = [
        TargetAgreement(
            year=year,
            level=AgreementLevel.ORGANIZATION,
            organization=ctx.county if party in committees else xinhua,
            subject=party,
            template=template,
            title=template.title,
            signed_on=dt.date(year, 1, 15) if party in committees else dt.date(year, 1, 25),
        )
        for party in [*committees, *branches]
    ]
    TargetAgreement.objects.bulk_create(rows)
    items = _copy_items(rows, ORG_ITEMS)
    bands = GradeBands(str(rules_in_force("assessment_grade_bands")["assessment_grade_bands"]))
    by_agreement: dict[int, list[AgreementItem]] = defaultdict(list)
    for item in items:
        by_agreement[id(item.agreement)].append(item)
    scores = []
    totals = []
    for agreement in rows:
        total = Decimal(0)
        slack = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 6))  # how far this organization fell short
        for item in by_agreement[id(agreement)]:
            lost = Decimal(rng.randint(0, slack * 2)) / 2
            item.score = max(Decimal(0), item.points - lost)
            item.score_note = "" if not lost else "台账资料不全，酌情扣分"
            total += item.score
        totals.append((total, agreement))
    AgreementItem.objects.bulk_create(items, batch_size=2000)
    ranked = sorted(totals, key=lambda t: -t[0])
    best = {id(a) for _, a in ranked[:3]}
    worst = {id(a) for _, a in ranked[-1:]}
    for total, agreement in totals:
        kind = (
            RewardKind.REWARD
            if id(agreement) in best
            else RewardKind.PENALTY
            if id(agreement) in worst
            else RewardKind.NONE
        )
        note = {"REWARD": "通报表扬，奖励党建工作经费3000元", "PENALTY": "通报批评，限期整改"}.get(kind, "")
        scores.append(
            AssessmentScore(
                agreement=agreement,
                total=total,
                grade=grade_for(total, Decimal(100), bands),
                reward_kind=kind,
                reward_note=note,
                scored_on=dt.date(year, 12, 20)
                if agreement.organization_id == ctx.county.pk
                else dt.date(year, 12, 15),
                assessors="县委考核工作组"
                if agreement.organization_id == ctx.county.pk
                else "新华镇党委考核组",
            )
        )
    AssessmentScore.objects.bulk_create(scores)
    return len(scores)


def _inspections(ctx: DemoContext) -> tuple[int, int]:
    """The county's mid-year inspection of every committee (with its notice), and 新华镇党委's of its branches."""
    rng = ctx.rng
    year = ctx.year
    start = dt.date(year, 6, 10)
    if start > ctx.today:
        return 0, 0
    county = Inspection(
        organization=ctx.county,
        year=year,
        kind=InspectionKind.MID_YEAR,
        title=f"{year}年年中党建目标管理责任制落实情况督查",
        started_on=start,
        ended_on=dt.date(year, 6, 20),
        inspectors="县委组织部副部长带队，组织部各股室负责人",
        summary="检查组采取听取汇报、查阅资料、个别谈话和实地查看的方式，对各党委上半年落实党建目标管理责任书的情况进行了全面检查。从检查情况看，各党委对党建工作普遍重视，目标任务基本落实。",
        notice_no=f"富组通〔{year}〕12号",
        notice_issued_on=dt.date(year, 6, 28),
        created_by=ctx.users.get("county"),
    )
    xinhua = next((c for c in ctx.committees if c.name == "新华镇党委"), ctx.committees[0])
    adhoc = Inspection(
        organization=xinhua,
        year=year,
        kind=InspectionKind.AD_HOC,
        title=f"{year}年新华镇村党支部“三会一课”落实情况抽查",
        started_on=dt.date(year, 4, 22),
        ended_on=dt.date(year, 4, 23),
        inspectors="新华镇党委组织委员、组织员",
        created_by=ctx.users.get("committee"),
    )
    Inspection.objects.bulk_create([county, adhoc])
    committees = sorted(ctx.committees, key=lambda c: c.path)
    county.targets.set(committees)
    findings = []
    problem_committees = set(c.pk for c in rng.sample(committees, min(8, len(committees))))
    overdue = set(rng.sample(sorted(problem_committees), min(2, len(problem_committees))))
    for committee in committees:
        findings.append(
            InspectionFinding(
                inspection=county,
                organization=committee,
                kind=FindingKind.STRENGTH,
                content=rng.choice(STRENGTHS),
            )
        )
        if committee.pk in problem_committees:
            content, requirement = rng.choice(PROBLEMS)
            done = committee.pk not in overdue
            findings.append(
                InspectionFinding(
                    inspection=county,
                    organization=committee,
                    kind=FindingKind.PROBLEM,
                    content=content,
                    requirement=requirement,
                    deadline=dt.date(year, 8, 31),
                    rectified_on=_day(ctx, dt.date(year, 7, 20), 35) if done else None,
                    rectification="已对照问题逐项整改，补齐资料，整改情况已书面报县委组织部。"
                    if done
                    else "",
                )
            )
    branches = list(
        Organization.objects.active()
        .filter(parent=xinhua, kind=OrgKind.BRANCH, category=OrgCategory.VILLAGE)
        .order_by("path")[:4]
    )
    adhoc.targets.set(branches)
    for n, branch in enumerate(branches):
        if n % 2:
            findings.append(
                InspectionFinding(
                    inspection=adhoc, organization=branch, kind=FindingKind.STRENGTH, content=STRENGTHS[1]
                )
            )
        else:
            findings.append(
                InspectionFinding(
                    inspection=adhoc,
                    organization=branch,
                    kind=FindingKind.PROBLEM,
                    content=PROBLEMS[0][0],
                    requirement=PROBLEMS[0][1],
                    deadline=dt.date(year, 12, 15),
                )
            )
    InspectionFinding.objects.bulk_create(findings)
    return 2, sum(1 for f in findings if f.kind == FindingKind.PROBLEM)


def _leader_counts(ctx: DemoContext, committees: list[Organization]) -> dict[int, tuple[int, int]]:
    """247 leaders over the committees, 9 of them absent (at the default 20 committees)."""
    n = len(committees)
    expected = {
        c.pk: LEADERS_EXPECTED // n + (1 if i < LEADERS_EXPECTED % n else 0) for i, c in enumerate(committees)
    }
    absent = dict.fromkeys(expected, 0)
    order = ctx.rng.sample([c.pk for c in committees], n)
    for i in range(LEADERS_EXPECTED - LEADERS_ATTENDED):
        absent[order[i % min(n, 7)]] += 1
    return {pk: (expected[pk], expected[pk] - absent[pk]) for pk in expected}


def _life_meetings(ctx: DemoContext) -> tuple[int, int, int, int, int]:
    rng = ctx.rng
    year = ctx.year
    first, last = dt.date(year, 8, 15), dt.date(year, 9, 30)
    if first > ctx.today:
        return 0, 0, 0, 0, 0
    committees = sorted(ctx.committees, key=lambda c: c.path)
    leaders = _leader_counts(ctx, committees)
    orgs = [
        *committees,
        *sorted(ctx.general_branches, key=lambda o: o.path),
        *sorted((b for b in ctx.branches if b.form not in NOT_COUNTED_FORMS), key=lambda o: o.path),
    ]
    rows = []
    for org in orgs:
        if org.pk in leaders:
            expected, attended = leaders[org.pk]
        else:
            expected = rng.choice((3, 3, 5, 5, 7))
            attended = expected - (1 if rng.random() < 0.04 else 0)
        absent = expected - attended
        rows.append(
            LifeMeeting(
                organization=org,
                year=year,
                held_on=_day(ctx, first, (last - first).days),
                document_no=f"富办发〔{year}〕24号",
                leaders_expected=expected,
                leaders_attended=attended,
                absentees="；".join(
                    f"{rng.choice(SURNAMES)}某某（{rng.choice(ABSENCE_REASONS)}）" for _ in range(absent)
                ),
                supervisors="县委督导组" if org.pk in leaders else "",
                topics=TOPICS,
                issues=ISSUES,
                rectification=RECTIFICATION,
            )
        )
    LifeMeeting.objects.bulk_create(rows, batch_size=500)
    held = sum(1 for r in rows if r.organization_id in leaders)
    return (
        held,
        len(ctx.general_branches),
        len(rows) - held - len(ctx.general_branches),
        sum(leaders[pk][1] for pk in leaders),
        sum(leaders[pk][0] for pk in leaders),
    )


def _appraisal(ctx: DemoContext) -> tuple[int, dict[str, int]]:
    """The county's round from 1 November with 优秀、称职、不称职; most branches have entered their grades."""
    rng = ctx.rng
    year = ctx.year
    start = dt.date(year, 11, 1)
    if start > ctx.today:
        return 0, {}
    round_ = AppraisalRound(
        organization=ctx.county,
        year=year,
        title=f"{year}年度民主评议党员",
        grade_set="、".join(GRADES),
        starts_on=start,
        ends_on=dt.date(year, 12, 31),
        note="按年初制定的党建目标对照落实情况，评出优秀党员、称职党员和不称职党员三个等次，并民主测评党委和党支部班子",
    )
    round_.save()
    signed = list(
        TargetAgreement.objects.filter(
            year=year, level=AgreementLevel.MEMBER, signed_on__isnull=False, member__left_on__isnull=True
        )
        .values_list("member_id", "member__organization_id")
        .order_by("member_id")
    )
    secretary_org = getattr(ctx.users.get("secretary"), "organization_id", None)
    branch_ids = sorted({org for _, org in signed} - {secretary_org})
    waiting = set(rng.sample(branch_ids, min(UNGRADED_BRANCHES, len(branch_ids)))) | {secretary_org}
    by_org: dict[int, list[int]] = defaultdict(list)
    for member_id, org_id in signed:
        if org_id not in waiting:
            by_org[org_id].append(member_id)
    generous = set(rng.sample(sorted(by_org), min(2, len(by_org))))  # over the one-third share
    category = {
        "优秀": GradeCategory.EXCELLENT,
        "称职": GradeCategory.QUALIFIED,
        "不称职": GradeCategory.UNQUALIFIED,
    }
    rows = []
    for org_id in sorted(by_org):
        day = _day(ctx, dt.date(year, 11, 5), 14)
        share = 0.42 if org_id in generous else 0.18
        for member_id in by_org[org_id]:
            roll = rng.random()
            grade = "不称职" if roll < 0.004 else "优秀" if roll < 0.004 + share else "称职"
            rows.append(
                MemberAppraisal(
                    round=round_,
                    year=year,
                    member_id=member_id,
                    organization_id=org_id,
                    grade=grade,
                    category=category[grade],
                    appraised_on=min(day, ctx.today),
                )
            )
    MemberAppraisal.objects.bulk_create(rows, batch_size=2000)
    unqualified = [r for r in rows if r.category == GradeCategory.UNQUALIFIED]
    decided = unqualified[: len(unqualified) // 2]
    AppraisalFollowUp.objects.bulk_create(
        AppraisalFollowUp(
            appraisal=r,
            organization_id=r.organization_id,
            disposal=Disposal.CORRECTION,
            decided_on=min(r.appraised_on + dt.timedelta(days=3), ctx.today),
            deadline=add_months(min(r.appraised_on + dt.timedelta(days=3), ctx.today), 6),
            note="经支部大会研究，给予限期改正",
        )
        for r in decided
    )
    votes = []
    for committee in sorted(ctx.committees, key=lambda c: c.path):
        voters = rng.randint(60, 180)
        dissatisfied = rng.randint(0, 4)
        basic = rng.randint(5, 20)
        votes.append(
            TeamAppraisal(
                round=round_,
                organization=committee,
                satisfied=voters - basic - dissatisfied,
                basically_satisfied=basic,
                dissatisfied=dissatisfied,
            )
        )
    TeamAppraisal.objects.bulk_create(votes)
    counts = defaultdict(int)
    for r in rows:
        counts[r.grade] += 1
    return len(rows), dict(counts)


def _ratings(ctx: DemoContext) -> tuple[int, int]:
    """Last year's 三级联创: every township committee (“六个好”) and village branch (“五个好”)."""
    rng = ctx.rng
    year = ctx.year - 1
    day = dt.date(year, 12, 20)
    rated = list(
        Organization.objects.existing_on(day)
        .filter(category__in=(OrgCategory.TOWNSHIP, OrgCategory.VILLAGE))
        .filter(kind__in=(*COMMITTEE_KINDS, OrgKind.BRANCH))
        .exclude(form__in=NOT_COUNTED_FORMS)
        .order_by("path")
    )
    rows = []
    for org in rated:
        if org.category == OrgCategory.TOWNSHIP and org.kind in COMMITTEE_KINDS:
            standard = RatingStandard.SIX_GOOD
        elif org.category == OrgCategory.VILLAGE and org.kind == OrgKind.BRANCH:
            standard = RatingStandard.FIVE_GOOD
        else:
            continue
        keys = [key for key, _ in RATING_CRITERIA[standard]]
        roll = rng.random()
        missing = 0 if roll < 0.68 else 1 if roll < 0.92 else 2
        met = sorted(rng.sample(keys, len(keys) - missing), key=keys.index)
        result = (RatingResult.ACHIEVED, RatingResult.BASIC, RatingResult.NOT_ACHIEVED)[missing]
        rows.append(
            StarRating(
                organization=org,
                year=year,
                standard=standard,
                criteria=",".join(met),
                result=result,
                rated_on=day,
            )
        )
    StarRating.objects.bulk_create(rows, batch_size=500)
    return sum(1 for r in rows if r.standard == RatingStandard.SIX_GOOD), sum(
        1 for r in rows if r.standard == RatingStandard.FIVE_GOOD
    )


REGULATION_TITLES = {
    c: label.strip("“”").replace("“", "").replace("”", "") for c, label in RegulationCategory.choices
}


def _regulations(ctx: DemoContext) -> tuple[int, int, int]:
    """H1: most committees adopt or revise a few systems, many branches one or two; 新华镇's branches' older ones."""
    rng = ctx.rng
    year = ctx.year
    rows = []
    standard = [*BASIC_REGULATIONS, *DEVELOPMENT_REGULATIONS]
    committees = sorted(ctx.committees, key=lambda c: c.path)
    improving = rng.sample(committees, min(16, len(committees)))
    for committee in sorted(improving, key=lambda c: c.path):
        for category in rng.sample(standard, rng.randint(3, 6)):
            rows.append(
                Regulation(
                    organization=committee,
                    title=REGULATION_TITLES[category].replace("党委（支部）", "党委"),
                    category=category,
                    adopted_on=_day(ctx, dt.date(year, 2, 15), 120),
                    document_no=f"{committee.name[:2]}党发〔{year}〕{rng.randint(3, 30)}号",
                    posted_on_wall=rng.random() < 0.8,
                )
            )
    below = sorted(
        (o for o in [*ctx.general_branches, *ctx.branches] if o.form not in NOT_COUNTED_FORMS),
        key=lambda o: o.path,
    )
    for org in below:
        if rng.random() < 0.6:
            for category in rng.sample(standard, rng.randint(1, 2)):
                rows.append(
                    Regulation(
                        organization=org,
                        title=REGULATION_TITLES[category].replace("党委（支部）", "党支部"),
                        category=category,
                        adopted_on=max(org.established_on, _day(ctx, dt.date(year, 3, 1), 110)),
                        posted_on_wall=rng.random() < 0.7,
                    )
                )
    committee_items = sum(1 for r in rows if r.organization.kind in COMMITTEE_KINDS)
    h1 = len(rows)
    xinhua = next((c for c in ctx.committees if c.name == "新华镇党委"), None)
    older = [b for b in below if xinhua and b.parent_id == xinhua.pk]
    for org in older:
        taken = {r.category for r in rows if r.organization_id == org.pk}
        for category in standard:
            if category in taken or rng.random() < 0.25:
                continue
            rows.append(
                Regulation(
                    organization=org,
                    title=REGULATION_TITLES[category].replace("党委（支部）", "党支部"),
                    category=category,
                    adopted_on=max(org.established_on, _day(ctx, dt.date(year - 3, 3, 1), 600)),
                    posted_on_wall=rng.random() < 0.85,
                )
            )
    Regulation.objects.bulk_create(rows, batch_size=1000)
    return len(improving), committee_items, h1 - committee_items


def build(ctx: DemoContext) -> None:
    """A year of agreements, inspections, life meetings, appraisal, ratings and regulations."""
    year = ctx.year
    org_template, member_template = _templates(ctx, year)
    orgs = _org_agreements(ctx, year, org_template)
    signed, exempt, pending, total = _member_agreements(ctx, year, member_template)
    scored = _last_years_scores(ctx)
    inspections, problems = _inspections(ctx)
    committees, general, branches, attended, expected = _life_meetings(ctx)
    appraised, grades = _appraisal(ctx)
    townships, villages = _ratings(ctx)
    improving, items, subordinate = _regulations(ctx)
    rate = (Decimal(signed) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else Decimal(0)
    ctx.log(
        f"目标管理责任书：{year}年党组织责任书{len(orgs)}份；党员签订{signed}名，占党员总数{total}名的{rate}%，"
        f"免签{exempt}名，待签订{pending}名；{year - 1}年考核评分{scored}份"
    )
    ctx.log(f"督促检查：{inspections}次，发现问题{problems}项")
    ctx.log(
        f"民主生活会：{committees}个基层党委、{general}个党总支、{branches}个党支部召开，"
        f"党委班子成员参会{attended}/{expected}人"
    )
    ctx.log(
        f"民主评议党员：已评议{appraised}名（"
        + "，".join(f"{g}{grades.get(g, 0)}名" for g in GRADES)
        + f"）；三级联创{year - 1}年评定乡镇党委{townships}个、村党支部{villages}个"
    )
    ctx.log(f"制度建设：上半年{improving}个党委完善各项制度{items}条，指导下级党组织建立制度{subordinate}条")


STEPS: list[DemoStep] = [("assessments", build)]
