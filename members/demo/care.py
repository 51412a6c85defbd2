"""Demo step: care visits (走访慰问), shaped like the reference.

“七一”期间，县委组织部从留存党费中拿出2万元，由县委领导和各党委领导带队对
19个党委246个党支部的326名困难党员、老党员进行走访慰问 — so the year holds
one 七一 visit organized by the county reaching about 326 members (hardship
and old members first) in about 246 branches of 19 committees, 20,000 元 in
all (scaled with ``--members``).  Earlier visits (last year's 春节 and 重阳,
organized by a few committees) fill the list without touching this year's
figures.  Members are placed where history says they were on the visit day.

Rows are written with ``bulk_create`` (generated data, no audit rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from core.demo import DemoContext
from members.models import CareFunding, CareOccasion, CareVisit, CareVisitMember, Member, MemberPeriod
from organizations.choices import COMMITTEE_KINDS, OrgKind
from organizations.models import Organization

#: The reference's figures at the default size (8,800 members).
MEMBERS = 326
BRANCHES = 246
COMMITTEES = 19
AMOUNT = Decimal("20000.00")
OLD_AGE = 70
BASE_AMOUNT = Decimal("60.00")


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _amounts(n: int, total: Decimal) -> list[Decimal]:
    """``n`` amounts of at least 50 元 in steps of 10 元 adding up to ``total`` exactly."""
    if n == 0:
        return []
    base = min(BASE_AMOUNT, (total / n).quantize(Decimal("10"), rounding="ROUND_DOWN"))
    amounts = [base] * n
    rest = total - base * n
    i = 0
    while rest >= Decimal("20"):  # a few get 80 instead of 60
        amounts[i % n] += Decimal("20")
        rest -= Decimal("20")
        i += 1
    amounts[-1] += rest
    return amounts


class Placement:
    """Who belonged where on a day: member → organization, organization → committee."""

    def __init__(self, ctx: DemoContext, day: dt.date) -> None:
        self.orgs = {o.pk: o for o in Organization.objects.all().order_by("pk")}
        committees = sorted(
            (o for o in self.orgs.values() if o.kind in COMMITTEE_KINDS), key=lambda o: -len(o.path)
        )
        # The nearest committee above (or at) each organization, by path prefix.
        self.committee_of = {
            pk: next((c for c in committees if org.path.startswith(c.path)), None)
            for pk, org in self.orgs.items()
        }
        self.org_of = dict(
            MemberPeriod.objects.on(day).order_by("member_id").values_list("member_id", "organization_id")
        )


def _candidates(ctx: DemoContext, day: dt.date, placement: Placement) -> dict[int, list[Member]]:
    """Branch → its members on ``day``, the ones a visit reaches first in front.

    Hardship and old (≥ 70) members first, then members over 60 and retired
    members, then the others oldest first (a branch without old members
    still has someone in difficulty the visit reaches).
    """
    first: dict[int, list[Member]] = defaultdict(list)
    second: dict[int, list[Member]] = defaultdict(list)
    third: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.order_by("id"):
        if member.pk not in placement.org_of:
            continue
        org = placement.orgs[placement.org_of[member.pk]]
        if org.kind != OrgKind.BRANCH:
            continue
        age = _age(member.birth_date, day)
        if member.is_hardship or age >= OLD_AGE:
            first[org.pk].append(member)
        elif age >= 60 or member.is_retired:
            second[org.pk].append(member)
        else:
            third[org.pk].append(member)
    return {
        pk: first[pk] + second[pk] + sorted(third[pk], key=lambda m: (m.birth_date, m.pk))
        for pk in sorted(set(first) | set(second) | set(third))
    }


def _july_first(ctx: DemoContext, scale: float) -> tuple[CareVisit, list[CareVisitMember]] | None:
    rng = ctx.rng
    day = dt.date(ctx.year, 7, 1)
    if day > ctx.today:
        return None
    placement = Placement(ctx, day)
    by_branch = _candidates(ctx, day, placement)
    by_committee: dict[int, list[int]] = defaultdict(list)
    for branch_pk in sorted(by_branch):
        committee = placement.committee_of.get(branch_pk)
        if committee is not None:
            by_committee[committee.pk].append(branch_pk)
    want_committees = min(len(by_committee), max(1, round(COMMITTEES * min(scale, 1) ** 0.5)))
    # The committees with the most branches to visit (the reference: all but one).
    committees = sorted(sorted(by_committee, key=lambda c: (-len(by_committee[c]), c))[:want_committees])
    branch_pool = [b for c in committees for b in by_committee[c]]
    want_branches = min(len(branch_pool), max(want_committees, round(BRANCHES * scale)))
    # Every chosen committee gets at least one branch, the rest are drawn from all of theirs.
    branches = {by_committee[c][0] for c in committees}
    rest = [b for b in branch_pool if b not in branches]
    branches |= set(rng.sample(rest, max(0, min(len(rest), want_branches - len(branches)))))
    branches_sorted = sorted(branches)
    chosen: list[Member] = [by_branch[b][0] for b in branches_sorted]  # the neediest of each
    spare = [m for b in branches_sorted for m in by_branch[b][1:]]
    needy = [m for m in spare if m.is_hardship or _age(m.birth_date, day) >= OLD_AGE]
    needy_pks = {m.pk for m in needy}
    others = [m for m in spare if m.pk not in needy_pks]
    missing = max(0, round(MEMBERS * scale) - len(chosen))
    picked = rng.sample(needy, min(len(needy), missing))
    chosen += picked + rng.sample(others, min(len(others), missing - len(picked)))
    chosen.sort(key=lambda m: (placement.orgs[placement.org_of[m.pk]].path, m.pk))
    # 20,000 元 at the reference's size; a smaller county gets its share, in whole tens.
    total = (AMOUNT * Decimal(str(round(scale, 4))) / 10).quantize(Decimal("1")) * 10 if scale < 1 else AMOUNT
    visit = CareVisit(
        organization=ctx.county,
        visited_on=day,
        occasion=CareOccasion.JULY_FIRST,
        visitors="县委领导、各党委领导带队",
        funding=CareFunding.RETAINED_DUES,
        note="县委组织部从留存党费中列支，慰问困难党员、老党员",
        created_by=ctx.users.get("county"),
    )
    recipients = [
        CareVisitMember(visit=visit, member=m, organization_id=placement.org_of[m.pk], amount=amount)
        for m, amount in zip(chosen, _amounts(len(chosen), total), strict=True)
    ]
    return visit, recipients


def _earlier_visits(ctx: DemoContext) -> list[tuple[CareVisit, list[CareVisitMember]]]:
    """Last year's 春节 and 重阳 visits by a few township committees (outside this year's figures)."""
    rng = ctx.rng
    result = []
    occasions = (
        (dt.date(ctx.year - 1, 1, 25), CareOccasion.SPRING_FESTIVAL, CareFunding.FISCAL, Decimal("200.00")),
        (
            dt.date(ctx.year - 1, 10, 11),
            CareOccasion.DOUBLE_NINTH,
            CareFunding.RETAINED_DUES,
            Decimal("100.00"),
        ),
    )
    committees = sorted(ctx.committees, key=lambda c: c.pk)[:3]
    for day, occasion, funding, amount in occasions:
        placement = Placement(ctx, day)
        by_branch = _candidates(ctx, day, placement)
        for committee in committees:
            members = [
                m
                for b in sorted(by_branch)
                if placement.orgs[b].path.startswith(committee.path)
                for m in by_branch[b]
            ]
            chosen = sorted(rng.sample(members, min(len(members), 12)), key=lambda m: m.pk)
            if not chosen:
                continue
            visit = CareVisit(
                organization=committee,
                visited_on=day,
                occasion=occasion,
                visitors=f"{committee.name}书记、组织委员",
                funding=funding,
                created_by=ctx.users.get("committee"),
            )
            result.append(
                (
                    visit,
                    [
                        CareVisitMember(
                            visit=visit, member=m, organization_id=placement.org_of[m.pk], amount=amount
                        )
                        for m in chosen
                    ],
                )
            )
    return result


def build(ctx: DemoContext) -> None:
    """The year's 七一 visit (≈326 members, 246 branches, 19 committees, 2万元) and earlier visits."""
    scale = ctx.member_count / 8800
    visits = _earlier_visits(ctx)
    july = _july_first(ctx, scale)
    if july is not None:
        visits.append(july)
    CareVisit.objects.bulk_create([visit for visit, _ in visits])
    rows = []
    for visit, recipients in visits:
        for r in recipients:
            r.visit = visit
        rows += recipients
    CareVisitMember.objects.bulk_create(rows, batch_size=1000)
    if july is not None:
        visit, recipients = july
        branches = {r.organization_id for r in recipients}
        committees = _committees_of(recipients)
        ctx.log(
            f"走访慰问：{ctx.year}年七一慰问{len(recipients)}名困难党员、老党员（{len(committees)}个党委"
            f"{len(branches)}个党支部），慰问金{sum((r.amount for r in recipients), Decimal('0'))}元"
        )


def _committees_of(recipients: list[CareVisitMember]) -> set[int]:
    paths = {
        o.pk: o.path
        for o in Organization.objects.filter(pk__in={r.organization_id for r in recipients}).order_by("pk")
    }
    committees = list(Organization.objects.filter(kind__in=COMMITTEE_KINDS).values_list("pk", "path"))
    return {pk for r in recipients for pk, path in committees if paths[r.organization_id].startswith(path)}
