"""Demo step: member development — plans, the year's admissions with their 25 steps, applicants at every stage.

Consistent with the members step: every member it admitted since the start
of last year (a probationary member, or one made full exactly a year after
the branch meeting) gets the ``Applicant`` record and step history that led
there — step 15 on the member's 入党日期, the 转正 application and the 转正公示
after it, and the 转正记录 (steps 23 and 24, approved) ending the probation on
the 转正日期 — so the development figures and the member roster agree, and no
member is added.  A few histories end otherwise, so every outcome can be
seen and every 预备党员 has a legal way on: one admission refused at step 17
(reversed in the member's history), one probation cancelled, one extended,
one 转正 waiting for the committee, one probation over and not yet discussed;
and a few 预备党员 registered from records (建档录入) have no pipeline record at
all, their 转正 recorded on the member's page.
Beside them, applicants not yet admitted stand at every earlier stage
(申请入党, 入党积极分子, 发展对象, a few 已终止) across the branches, with
some talks overdue, reviews due and 公示 running on "today" (``ctx.today``).
Every history obeys the rules the services enforce (order, 18 years of age,
one year as activist, 公示 of the configured working days, two full members
as introducers, votes of no more than the branch's full members that day,
approval within three months by the nearest committee with approval authority).

Annual plans (发展党员计划) are set for every base committee for this year and
last year, in proportion to its members, about 526 in all at the default size.

Rows are written with ``bulk_create`` (no audit rows: generated, not a user's change).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.dates import add_months, add_years
from core.demo import DemoContext
from core.holidays import WorkCalendar
from core.idcard import check_char
from members.choices import Gender, LeaveReason, MemberStatus, PeriodReason
from members.models import (
    Applicant,
    Confirmation,
    DevelopmentPlan,
    DevelopmentStep,
    Member,
    MemberPeriod,
    Publicity,
    age_on,
)
from members.models.development import Decision, Outcome, PublicityResult, Step, VettingResult, WithdrawKind
from members.models.person import person_snapshot
from members.selectors.development import probation_ends_on
from organizations.choices import OrgKind
from organizations.demo import names
from organizations.models import Organization
from organizations.rules import get_rule

from .members import MINORITIES, PHONE_PREFIXES, PROFILES, pick

#: Plans in all (default county size) and the open pipeline per 8,800 members.
PLAN_TOTAL = 526
OPEN_APPLICANTS = {"APPLICANT": 160, "ACTIVIST": 320, "CANDIDATE": 110, "WITHDRAWN": 25}
WITHDRAW_REASONS = (
    (WithdrawKind.WITHDRAWN, "本人外出务工，申请撤回入党申请"),
    (WithdrawKind.WITHDRAWN, "本人因家庭原因申请暂缓"),
    (WithdrawKind.REJECTED, "考察期间表现较差，支部委员会决定不再列为培养对象"),
    (WithdrawKind.REJECTED, "群众反映问题经核实，决定终止培养"),
)
PLACES = ("村务公开栏", "单位公示栏", "社区公示栏", "党务公开栏及微信群")
TRAININGS = ((3, 24), (3, 26), (4, 32), (5, 40))


def publicity_window(before: dt.date, working: int, calendar: WorkCalendar) -> tuple[dt.date, dt.date]:
    """A 公示 of ``working`` working days that ends on the last working day before ``before``."""
    end = calendar.add_working_days(before, -1)
    return calendar.add_working_days(end, 1 - working), end


@dataclass
class History:
    """One applicant being generated: the person, the steps, the 公示 records and the 转正记录."""

    applicant: Applicant
    steps: list[DevelopmentStep] = field(default_factory=list)
    publicities: list[Publicity] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)

    def add(self, number: int, day: dt.date, **particulars: Any) -> None:
        self.steps.append(DevelopmentStep(number=number, day=day, **particulars))

    def day_of(self, number: int) -> dt.date | None:
        return next((s.day for s in self.steps if s.number == number), None)


class Generator:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.year = ctx.year
        self.working = int(get_rule("publicity_working_days"))
        # Generated history may reach a year the holiday table does not cover: Monday to Friday there.
        self.calendar = WorkCalendar(lenient=True)
        self.orgs_by_path = {o.path: o for o in Organization.objects.exclude(kind=OrgKind.GROUP)}
        self.full_by_org: dict[int, list[Member]] = defaultdict(list)
        for m in sorted(ctx.members, key=lambda m: m.pk):
            if m.left_on is None and m.status == MemberStatus.FULL:
                self.full_by_org[m.organization_id].append(m)
        # The history: who was a full member of a branch on a meeting day (only they vote), and
        # where each member was on a day.
        self.full_spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        self.periods: dict[int, list[MemberPeriod]] = defaultdict(list)
        for p in MemberPeriod.objects.order_by("member_id", "start_on", "id"):
            self.periods[p.member_id].append(p)
            if p.status == MemberStatus.FULL:
                self.full_spans[p.organization_id].append((p.start_on, p.end_on))
        self.ids = set(Member.objects.values_list("id_number", flat=True))
        self.doc_numbers: dict[tuple[str, int], int] = {}
        self._subtree: dict[int, list[Member]] = {}

    # -- helpers ------------------------------------------------------------------
    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(low, high))

    def doc(self, prefix: str, year: int) -> str:
        n = self.doc_numbers.get((prefix, year), self.rng.randint(5, 20)) + self.rng.randint(1, 3)
        self.doc_numbers[(prefix, year)] = n
        return names.document_no(prefix, year, n)

    def approver(self, branch: Organization) -> Organization:
        """The nearest ancestor with authority to approve new members."""
        for path in reversed(branch.ancestor_paths()):
            org = self.orgs_by_path.get(path)
            if org is not None and org.can_approve_members:
                return org
        return self.ctx.county

    def upper(self, branch: Organization) -> Organization:
        parent = self.orgs_by_path.get(branch.ancestor_paths()[-1]) if branch.ancestor_paths() else None
        return parent or self.ctx.county

    def full_members(self, branch: Organization, day: dt.date, k: int) -> list[Member]:
        """``k`` full members of the branch (or, in a small branch, of its parent's subtree) full on ``day``."""
        pool = [m for m in self.full_by_org.get(branch.pk, []) if m.full_on and m.full_on <= day]
        if len(pool) < k:
            pool = [m for m in self.subtree_members(self.upper(branch)) if m.full_on and m.full_on <= day]
        return self.rng.sample(pool, k) if len(pool) >= k else []

    def subtree_members(self, org: Organization) -> list[Member]:
        if org.pk not in self._subtree:
            self._subtree[org.pk] = [
                m
                for path, o in sorted(self.orgs_by_path.items())
                if path.startswith(org.path)
                for m in self.full_by_org.get(o.pk, [])
            ]
        return self._subtree[org.pk]

    def full_on_day(self, org_id: int, day: dt.date) -> int:
        return sum(
            1 for start, end in self.full_spans.get(org_id, ()) if start <= day and (end is None or end > day)
        )

    def org_on(self, member: Member, day: dt.date) -> int:
        """The member's organization on ``day`` (the first one before the history starts)."""
        periods = self.periods.get(member.pk, [])
        for p in periods:
            if p.start_on <= day and (p.end_on is None or p.end_on > day):
                return p.organization_id
        return periods[0].organization_id if periods else member.organization_id

    def votes(self, org_id: int, day: dt.date) -> dict[str, int] | None:
        """A passing vote of the branch's full members on ``day`` (None: nobody could vote that day)."""
        entitled = self.full_on_day(org_id, day)
        if entitled < 1:
            return None
        present = entitled - self.rng.randint(0, max(0, (entitled - 1) // 4))
        yes = present - (1 if present * 2 - 2 > entitled and self.rng.random() < 0.3 else 0)
        return {"votes_entitled": entitled, "votes_present": present, "votes_for": yes}

    def publicity(
        self, h: History, number: int, before: dt.date, result: str = PublicityResult.NO_OBJECTION
    ) -> None:
        start, end = publicity_window(before, self.working, self.calendar)
        h.publicities.append(
            Publicity(step=number, starts_on=start, ends_on=end, place=self.rng.choice(PLACES), result=result)
        )

    def running_publicity(self, h: History, number: int) -> None:
        """A 公示 posted in the last few days and still running today."""
        start = max(self.today - self.days(0, 3), max(s.day for s in h.steps))
        end = self.calendar.add_working_days(start - dt.timedelta(days=1), self.working)
        h.publicities.append(
            Publicity(step=number, starts_on=start, ends_on=end, place=self.rng.choice(PLACES))
        )

    def id_number(self, birth: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(1 if male else 0, 1000, 2)
            first17 = f"{names.HOME_REGION}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    # -- the early steps, shared by every history -----------------------------------
    def early_steps(self, h: History, branch: Organization, activist_on: dt.date, until: dt.date) -> None:
        """Steps 1–6 ending with the activist's reviews up to ``until`` (step 3 on ``activist_on``)."""
        rng = self.rng
        self.publicity(h, Step.ACTIVIST, activist_on)
        talk = h.publicities[-1].starts_on - self.days(5, 120)
        applied = talk - (self.days(32, 60) if rng.random() < 0.05 else self.days(7, 28))
        h.add(Step.APPLICATION, applied)
        h.add(
            Step.TALK,
            talk,
            handled_by=f"支部委员 {rng.choice(names.SURNAMES['壮族'])}{rng.choice(names.GIVEN_MALE)}",
        )
        h.add(Step.ACTIVIST, activist_on, note="经党员推荐、支部委员会研究确定")
        self.after(
            h,
            Step.ACTIVIST_FILING,
            activist_on + self.days(5, 12),
            until,
            approving_org=self.approver(branch),
        )
        contacts = self.full_members(branch, activist_on, 2)
        if contacts:
            self.after(
                h,
                Step.CONTACTS,
                activist_on + self.days(15, 25),
                until,
                first_contact=contacts[0],
                second_contact=contacts[1],
            )
        review = add_months(activist_on, 6)
        while review <= until and any(s.number == Step.CONTACTS for s in h.steps):
            h.add(Step.ACTIVIST_REVIEW, review, note="表现良好，继续培养")
            review = add_months(review, 6)

    def after(self, h: History, number: int, day: dt.date, until: dt.date, **particulars: Any) -> bool:
        """Add the step if its day has come by ``until`` and every earlier step is there."""
        if day > until or not self._complete(h, number):
            return False
        h.add(number, day, **particulars)
        return True

    @staticmethod
    def _complete(h: History, number: int) -> bool:
        done = {s.number for s in h.steps}
        return all(k in done for k in range(1, number))

    def candidate_steps(
        self, h: History, branch: Organization, candidate_on: dt.date, until: dt.date, last: int
    ) -> None:
        """Steps 7–``last`` (at most 14) from ``candidate_on``, those whose day has come by ``until``."""
        year = candidate_on.year
        plan = [
            (Step.CANDIDATE, candidate_on, {}),
            (
                Step.CANDIDATE_FILING,
                candidate_on + dt.timedelta(days=7),
                {"approving_org": self.approver(branch)},
            ),
        ]
        introducers = self.full_members(branch, candidate_on + dt.timedelta(days=20), 2)
        if introducers:
            plan.append(
                (
                    Step.INTRODUCERS,
                    candidate_on + dt.timedelta(days=20),
                    {"first_introducer": introducers[0], "second_introducer": introducers[1]},
                )
            )
        days, hours = self.rng.choice(TRAININGS)
        plan += [
            (Step.VETTING, candidate_on + dt.timedelta(days=30), {"vetting_result": VettingResult.PASSED}),
            (
                Step.TRAINING,
                candidate_on + dt.timedelta(days=40),
                {"training_days": days, "training_hours": hours, "note": "县委党校发展对象培训班"},
            ),
            (Step.BRANCH_COMMITTEE_REVIEW, candidate_on + dt.timedelta(days=56), {}),
            (
                Step.PRE_REVIEW,
                candidate_on + dt.timedelta(days=63),
                {"approving_org": self.approver(branch), "document_no": self.doc("预审", year)},
            ),
            (Step.APPLICATION_FORM, candidate_on + dt.timedelta(days=70), {}),
        ]
        for number, day, particulars in plan:
            if number > last:
                if number == Step.BRANCH_COMMITTEE_REVIEW and self.rng.random() < 0.3:
                    self.running_publicity(h, number)  # the 公示 before the branch committee's review
                return
            if number == Step.BRANCH_COMMITTEE_REVIEW:
                if day > until:
                    if self.rng.random() < 0.4:
                        self.running_publicity(h, number)
                    return
                self.publicity(h, number, day)
            if not self.after(h, number, day, until, **particulars):
                return

    # -- admitted members ------------------------------------------------------------------
    def admitted(self, member: Member) -> History | None:
        """The history that led to ``member``'s admission (None if the dates leave no room for it)."""
        branch = member.organization
        joined = member.joined_on
        ends = probation_ends_on(joined)
        candidate_on = joined - self.days(74, 120)
        activist_on = add_years(candidate_on, -1) - self.days(0, 150)
        applicant = Applicant(
            **person_snapshot(member),
            organization=branch,
            member=member,
        )
        h = History(applicant)
        self.early_steps(h, branch, activist_on, candidate_on - dt.timedelta(days=1))
        applied = h.steps[0].day
        if age_on(member.birth_date, applied) < 18 or len(h.steps) < 6:
            return None
        self.candidate_steps(h, branch, candidate_on, joined, Step.APPLICATION_FORM)
        if not self._complete(h, Step.ADMISSION_MEETING):
            return None
        votes = self.votes(self.org_on(member, joined), joined)
        if votes is None:
            return None
        h.add(Step.ADMISSION_MEETING, joined, document_no=self.doc("支发", joined.year), **votes)
        approval = joined + self.days(20, 85)
        until = (
            min(self.today, ends - dt.timedelta(days=1)) if member.status != MemberStatus.FULL else self.today
        )
        later = [
            (Step.COMMITTEE_TALK, joined + dt.timedelta(days=7), {"handled_by": "党委组织委员"}),
            (
                Step.ADMISSION_APPROVAL,
                approval,
                {
                    "approving_org": self.approver(branch),
                    "decision": Decision.APPROVED,
                    "document_no": self.doc("党审", approval.year),
                },
            ),
            (Step.ADMISSION_FILING, approval + dt.timedelta(days=10), {"approving_org": self.ctx.county}),
            (Step.GROUP_ASSIGNMENT, approval + dt.timedelta(days=12), {}),
            (Step.OATH, approval + dt.timedelta(days=15), {"note": "面向党旗宣誓"}),
        ]
        for number, day, particulars in later:
            if not self.after(h, number, day, until, **particulars):
                return h
        review = add_months(h.steps[-1].day, 6)
        while review < ends - dt.timedelta(days=40) and review <= until:
            h.add(Step.PROBATION_REVIEW, review, note="表现良好")
            review = add_months(review, 6)
        if not any(s.number == Step.PROBATION_REVIEW for s in h.steps):
            return h
        if not self.confirmation_request(h, ends, until):
            return h
        if member.status != MemberStatus.FULL or ends > self.today:
            return h
        if self.discuss(h, member, ends, Outcome.ON_TIME) is None:
            return None  # nobody could vote that day: the member stays without a pipeline record
        self.after(h, Step.ARCHIVE, h.confirmations[-1].approved_on + self.days(5, 20), self.today)
        return h

    def confirmation_request(self, h: History, meeting: dt.date, until: dt.date) -> bool:
        """Step 22 and the 转正公示 after it, ending before ``meeting`` (False: not yet by ``until``)."""
        if self.working:
            start, end = publicity_window(meeting, self.working, self.calendar)
        else:
            start = end = meeting - dt.timedelta(days=1)
        request = start - self.days(1, 6)
        if request > until:
            return False
        h.add(Step.CONFIRMATION_REQUEST, request)
        if self.working and start <= self.today:
            result = PublicityResult.NO_OBJECTION if end < self.today else ""
            h.publicities.append(
                Publicity(
                    step=Step.CONFIRMATION_REQUEST,
                    starts_on=start,
                    ends_on=end,
                    place=self.rng.choice(PLACES),
                    result=result,
                )
            )
        return True

    def discuss(
        self,
        h: History,
        member: Member,
        day: dt.date,
        outcome: str,
        *,
        approve: bool = True,
        extension: int | None = None,
        note: str = "",
    ) -> Confirmation | None:
        """A 转正 discussion on ``day`` and, when ``approve``, its approval by the nearest approving committee."""
        org_id = self.org_on(member, day)
        votes = self.votes(org_id, day)
        if votes is None:
            return None
        branch = member.organization
        approval = min(day + self.days(10, 30), self.today)
        confirmation = Confirmation(
            member=member,
            organization_id=org_id,
            meeting_on=day,
            outcome=outcome,
            extension_months=extension,
            document_no=self.doc("支发", day.year),
            note=note,
            **votes,
        )
        if approve:
            confirmation.approved_on = approval
            confirmation.decision = Decision.APPROVED
            confirmation.approving_org = self.approver(branch)
            confirmation.approval_document_no = self.doc("党审", approval.year)
        h.confirmations.append(confirmation)
        return confirmation

    # -- applicants not yet admitted --------------------------------------------------------------
    def person(self, branch: Organization, applied_by: dt.date) -> Applicant:
        rng = self.rng
        profile = PROFILES.get(branch.category, PROFILES["ORGAN"])
        male = rng.random() >= max(profile.female, 0.3)
        ethnicity = pick(rng, MINORITIES) if rng.random() < profile.minority else "汉族"
        age = int(rng.triangular(19, 42, 26))
        birth = add_years(applied_by, -age) - self.days(0, 364)
        pool = names.SURNAMES.get(ethnicity, names.SURNAMES["other"])
        given = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        occupation = pick(rng, profile.occupation)
        if occupation == "RETIRED":
            occupation = "OTHER"
        unit = self.ctx.extra.get("units", {}).get(branch.pk, branch.name)
        return Applicant(
            name=rng.choice(pool)
            + "".join(rng.choice(given) for _ in range(2 if rng.random() < 0.75 else 1)),
            gender=Gender.MALE if male else Gender.FEMALE,
            ethnicity=ethnicity,
            birth_date=birth,
            id_number=self.id_number(birth, male),
            education=pick(rng, profile.education),
            occupation=occupation,
            is_frontline=occupation in ("FARMER", "WORKER"),
            is_rural=branch.category == "VILLAGE",
            phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            work_unit=str(unit)[:100],
            organization=branch,
        )

    def open_applicant(self, branch: Organization, stage: str) -> History:
        rng, today = self.rng, self.today
        if stage == "APPLICANT":
            applied = today - self.days(3, 300)
            h = History(self.person(branch, applied))
            h.add(Step.APPLICATION, applied, note="递交入党申请书")
            talk = applied + self.days(7, 28)
            if talk <= today and rng.random() > 0.12:
                h.add(Step.TALK, talk, handled_by="支部书记")
                if rng.random() < 0.15 and talk < today - dt.timedelta(days=3):
                    self.running_publicity(h, Step.ACTIVIST)
            return h
        if stage == "CANDIDATE":
            candidate_on = today - self.days(5, 200)
            activist_on = add_years(candidate_on, -1) - self.days(0, 200)
        else:
            activist_on = today - self.days(15, 640)
            candidate_on = today
        h = History(self.person(branch, activist_on - dt.timedelta(days=200)))
        until = candidate_on - dt.timedelta(days=1)
        if stage == "ACTIVIST" and rng.random() < 0.2:
            until = max(activist_on, until - dt.timedelta(days=190))  # a half-yearly review is overdue
        self.early_steps(h, branch, activist_on, until)
        if stage == "CANDIDATE" and self._complete(h, Step.CANDIDATE):
            self.candidate_steps(h, branch, candidate_on, today, rng.choice((8, 10, 11, 11, 12, 13, 14)))
        if stage == "WITHDRAWN":
            last = max(s.day for s in h.steps)
            kind, reason = rng.choice(WITHDRAW_REASONS)
            h.applicant.withdrawn_on = min(today, last + self.days(10, 90))
            h.applicant.withdraw_kind = kind
            h.applicant.withdraw_reason = reason
        return h


def _plans(ctx: DemoContext) -> list[DevelopmentPlan]:
    """Quotas for this year and last, in proportion to each committee's current members (≈526 in all)."""
    by_org: dict[int, int] = defaultdict(int)
    for m in ctx.members:
        if m.left_on is None:
            by_org[m.organization_id] += 1
    paths = dict(Organization.objects.values_list("pk", "path"))
    sizes = []
    for c in ctx.committees:
        sizes.append(sum(n for pk, n in by_org.items() if paths.get(pk, "").startswith(c.path)))
    total = max(len(ctx.committees), round(PLAN_TOTAL * ctx.member_count / 8800))
    whole = sum(sizes) or 1
    plans = []
    for year, factor in ((ctx.year, 1.0), (ctx.year - 1, 0.95)):
        for c, size in zip(ctx.committees, sizes, strict=True):
            quota = max(1, round(total * factor * size / whole))
            plans.append(DevelopmentPlan(committee=c, year=year, quota=quota, note="县委组织部下达"))
    return plans


# -- the histories that end otherwise ----------------------------------------------------------------

REFUSAL_REASON = "经审查，该同志入党动机不够端正，群众反映的问题尚未查清"
CANCEL_NOTE = "预备期间多次无故不参加组织生活，经教育仍不改正"
EXTENSION_NOTE = "理想信念还不够坚定，需要继续教育考察"


@dataclass
class Endings:
    """The rows the special endings change in the members step's records."""

    members: list[Member] = field(default_factory=list)
    periods: list[MemberPeriod] = field(default_factory=list)
    dropped_periods: list[int] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def _special_endings(gen: Generator, admitted: list[History]) -> Endings:
    """One history of each ending besides 按期转正: refused at 17, cancelled, extended, awaiting approval, overdue.

    Each changes the member's record and history as the services would have.
    """
    today, rng = gen.today, gen.rng
    done = Endings()
    taken: set[int] = set()

    def single(h: History, n: int) -> bool:
        member = h.applicant.member
        return len(gen.periods.get(member.pk, [])) == n and member.pk not in taken

    def pick(candidates: list[History]) -> History | None:
        candidates = [h for h in candidates if h.applicant.member.pk not in taken]
        if not candidates:
            return None
        h = rng.choice(candidates)
        taken.add(h.applicant.member.pk)
        return h

    def probationary(h: History) -> bool:
        """A 预备党员 who may leave in the demo (not one a small branch's 党小组 would be left empty by)."""
        member = h.applicant.member
        return member.status == MemberStatus.PROBATIONARY and single(h, 1) and member.party_group_id is None

    def confirmed(h: History, low: int, high: int) -> bool:
        ends = probation_ends_on(h.applicant.member.joined_on)
        member = h.applicant.member
        return member.status == MemberStatus.FULL and single(h, 2) and low <= (today - ends).days <= high

    def back_to_probation(h: History) -> None:
        """The member is not full yet: the 转正 split of the history is undone."""
        member = h.applicant.member
        first, full = gen.periods[member.pk]
        first.end_on, first.end_reason = None, ""
        member.status, member.full_on = MemberStatus.PROBATIONARY, None
        gen.full_spans[full.organization_id].remove((full.start_on, full.end_on))  # no vote from then on
        h.steps = [s for s in h.steps if s.number != Step.ARCHIVE]
        h.confirmations = []
        done.members.append(member)
        done.periods.append(first)
        done.dropped_periods.append(full.pk)

    # 不予批准 at step 17: the admission reversed, the application ended.
    h = pick([h for h in admitted if probationary(h) and h.day_of(Step.ADMISSION_APPROVAL)])
    if h is not None:
        member, day = h.applicant.member, h.day_of(Step.ADMISSION_APPROVAL)
        h.steps = [s for s in h.steps if s.number <= Step.ADMISSION_APPROVAL]
        h.publicities = [p for p in h.publicities if p.step != Step.CONFIRMATION_REQUEST]
        approval = next(s for s in h.steps if s.number == Step.ADMISSION_APPROVAL)
        approval.decision, approval.refusal_reason = Decision.REFUSED, REFUSAL_REASON
        approval.document_no = gen.doc("党审", day.year)
        h.applicant.withdrawn_on = day
        h.applicant.withdraw_kind = WithdrawKind.NOT_APPROVED
        h.applicant.withdraw_reason = REFUSAL_REASON
        period = gen.periods[member.pk][0]
        period.end_on, period.end_reason = day, PeriodReason.NOT_APPROVED
        member.left_on, member.leave_reason = day, LeaveReason.NOT_APPROVED
        member.leave_note = f"{approval.approving_org.name}不予批准：{REFUSAL_REASON}"[:200]
        done.members.append(member)
        done.periods.append(period)
        done.log.append(f"{member.name}（第17步不予批准）")

    # 取消预备资格 in the middle of the probation, approved.
    def cancellable(h: History) -> bool:
        last = max(s.day for s in h.steps)
        return probationary(h) and h.day_of(Step.OATH) is not None and last < today - dt.timedelta(days=60)

    h = pick([h for h in admitted if cancellable(h)])
    if h is not None:
        member = h.applicant.member
        day = max(s.day for s in h.steps) + gen.days(15, 40)
        c = gen.discuss(h, member, day, Outcome.CANCELLED, note=CANCEL_NOTE)
        if c is not None:
            h.publicities = [p for p in h.publicities if p.step != Step.CONFIRMATION_REQUEST or p.result]
            period = gen.periods[member.pk][0]
            period.end_on, period.end_reason = c.approved_on, PeriodReason.LEFT
            member.left_on, member.leave_reason, member.leave_note = (
                c.approved_on,
                LeaveReason.PROBATION_CANCELLED,
                CANCEL_NOTE,
            )
            done.members.append(member)
            done.periods.append(period)
            done.log.append(f"{member.name}（取消预备资格）")

    # 延长预备期 six months, approved: still a 预备党员, the probation running on.
    h = pick([h for h in admitted if confirmed(h, 40, 150)])
    if h is not None:
        member = h.applicant.member
        ends = probation_ends_on(member.joined_on)
        back_to_probation(h)
        gen.discuss(h, member, ends, Outcome.EXTENDED, extension=6, note=EXTENSION_NOTE)
        done.log.append(f"{member.name}（延长预备期6个月）")

    # 按期转正 discussed, the committee's answer still to come.
    h = pick([h for h in admitted if confirmed(h, 35, 90)])
    if h is not None:
        member = h.applicant.member
        back_to_probation(h)
        gen.discuss(h, member, probation_ends_on(member.joined_on), Outcome.ON_TIME, approve=False)
        done.log.append(f"{member.name}（转正待审批）")

    # The probation is over and nobody has discussed it yet: on the worklist as overdue.
    h = pick([h for h in admitted if confirmed(h, 35, 330)])
    if h is not None:
        back_to_probation(h)
        done.log.append(f"{h.applicant.member.name}（预备期满未讨论）")
    _revote(gen, admitted)
    return done


def _revote(gen: Generator, histories: list[History]) -> None:
    """Meetings held after a member above went back to probation count one voter fewer: vote again."""
    for h in histories:
        member = h.applicant.member
        meetings = [s for s in h.steps if s.number == Step.ADMISSION_MEETING] + h.confirmations
        for meeting in meetings:
            day = meeting.day if isinstance(meeting, DevelopmentStep) else meeting.meeting_on
            org_id = meeting.organization_id if isinstance(meeting, Confirmation) else gen.org_on(member, day)
            if meeting.votes_entitled > gen.full_on_day(org_id, day):
                for key, value in (gen.votes(org_id, day) or {}).items():
                    setattr(meeting, key, value)


#: The share of 预备党员 whose development file stayed on paper: registered from records, no applicant.
ON_PAPER = 0.06


def _on_paper(gen: Generator, member: Member, registered: list[MemberPeriod]) -> bool:
    """A 预备党员 registered from records (建档录入), a few across the county: 转正 without an ``Applicant``."""
    if member.status != MemberStatus.PROBATIONARY or len(gen.periods.get(member.pk, [])) != 1:
        return False
    if gen.rng.random() >= ON_PAPER:
        return False
    _register(gen, member, registered)
    return True


def _register(gen: Generator, member: Member, registered: list[MemberPeriod]) -> None:
    period = gen.periods[member.pk][0]
    period.start_reason = PeriodReason.REGISTERED
    registered.append(period)


def build(ctx: DemoContext) -> None:
    """Plans, the admitted members' histories and the open pipeline of the county."""
    gen = Generator(ctx)
    since = dt.date(ctx.year - 1, 1, 1)
    admitted_ids = set(
        MemberPeriod.objects.filter(start_reason=PeriodReason.ADMITTED, start_on__gte=since).values_list(
            "member_id", flat=True
        )
    )
    histories: list[History] = []
    registered: list[MemberPeriod] = []
    for m in sorted(ctx.members, key=lambda m: m.pk):
        regular = m.status == MemberStatus.PROBATIONARY or m.full_on == probation_ends_on(m.joined_on)
        if m.pk in admitted_ids and m.left_on is None and m.joined_on >= since and regular:
            if _on_paper(gen, m, registered):
                continue
            h = gen.admitted(m)
            if h is not None:
                histories.append(h)
            elif m.status == MemberStatus.PROBATIONARY and len(gen.periods.get(m.pk, [])) == 1:
                _register(gen, m, registered)  # no history fits the dates: on record as registered
    MemberPeriod.objects.bulk_update(registered, ["start_reason"])
    admitted = len(histories)
    endings = _special_endings(gen, histories)
    endings.log.append(f"{len(registered)}名预备党员的发展材料未录入系统（建档录入，转正在党员档案中办理）")
    Member.objects.bulk_update(
        endings.members, ["status", "full_on", "left_on", "leave_reason", "leave_note"]
    )
    MemberPeriod.objects.filter(pk__in=endings.dropped_periods).delete()
    MemberPeriod.objects.bulk_update(endings.periods, ["end_on", "end_reason"])

    scale = ctx.member_count / 8800
    branches = [b for b in ctx.branches if b.is_active]
    weights = [len(gen.full_by_org.get(b.pk, [])) + 1 for b in branches]
    demo_branch = getattr(ctx.users.get("secretary"), "organization", None)
    stages = []
    if demo_branch is not None:
        stages += [
            (demo_branch, s)
            for s in ("APPLICANT", "APPLICANT", "ACTIVIST", "ACTIVIST", "CANDIDATE", "CANDIDATE", "WITHDRAWN")
        ]
    for stage, per_county in OPEN_APPLICANTS.items():
        for _ in range(max(1, round(per_county * scale))):
            stages.append((ctx.rng.choices(branches, weights=weights)[0], stage))
    for branch, stage in stages:
        h = gen.open_applicant(branch, stage)
        if age_on(h.applicant.birth_date, h.steps[0].day) >= 18:
            histories.append(h)

    Applicant.objects.bulk_create([h.applicant for h in histories], batch_size=1000)
    steps, publicities, confirmations = [], [], []
    for h in histories:
        for s in h.steps:
            s.applicant = h.applicant
            steps.append(s)
        for p in h.publicities:
            p.applicant = h.applicant
            publicities.append(p)
        confirmations += h.confirmations
    DevelopmentStep.objects.bulk_create(steps, batch_size=2000)
    Publicity.objects.bulk_create(publicities, batch_size=2000)
    Confirmation.objects.bulk_create(confirmations, batch_size=2000)
    plans = _plans(ctx)
    DevelopmentPlan.objects.bulk_create(plans)
    this_year = sum(p.quota for p in plans if p.year == ctx.year)
    ctx.extra["development"] = {"applicants": histories}
    ctx.log(
        f"发展党员：{ctx.year}年计划{this_year}名；已接收党员的发展档案{admitted}份，"
        f"培养中及已终止的入党申请人{len(histories) - admitted}名，发展步骤{len(steps)}条，公示{len(publicities)}条，"
        f"转正记录{len(confirmations)}条；另有{'、'.join(endings.log) or '无'}"
    )
