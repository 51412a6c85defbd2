"""Demo step: 介绍信, certificates, mobile members, leaving and lost contact.

Consistent with the members step's history: every transfer that step wrote
(moves inside the county, arrivals from outside, departures out of it) gets
its 介绍信 here, with the letter number the history carries.  Then the year is
topped up to about 23 completed transfers in and out of the county (the
reference: 办理了23名党员的组织关系转入、转出) — more members leave on a
receipt's date, more arrive with a letter — and a few letters stay open:
some overdue (no receipt past validity), some waiting for acceptance, one of
them addressed to the demo secretary's branch.  Beside them: 党员身份证明 for
short absences, a 流动党员 registration for every member flagged mobile (and a
few who came back), a departure record for every member who died or left
the Party this year, and a few members who lost contact (第24条: some lost
six months and more, so 停止党籍 is to be proposed; one suspended two years ago,
so 除名 is to be considered; one suspended last year and restored, 恢复党籍).

Rows are written with ``bulk_create``/``bulk_update`` (generated data, no
audit rows), and dates come from ``ctx.today``, never the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.dates import add_months
from core.demo import DemoContext
from members.choices import LeaveReason, MemberStatus, PeriodReason
from members.models import (
    Certificate,
    Departure,
    LostContact,
    Member,
    MemberPeriod,
    MobileRegistration,
    Restoration,
    Transfer,
    TransferKind,
    TransferStatus,
)
from members.models.person import TRANSFER_PERSON_FIELDS, person_snapshot
from organizations.choices import OrgKind
from organizations.demo import names
from organizations.models import Organization

from .members import MemberFactory

#: Completed transfers in and out of the county in the year (default size).
IN_OUT_TARGET = 23
CERTIFICATES = 15
RETURNED_MOBILE = 10
LETTER_DAYS = 30
SENDER = "富组转"  # the county organization department's letter series

EXTERNAL_ORGS = (
    "中共文山州委组织部",
    "中共百色市右江区委组织部",
    "中共广南县委组织部",
    "中共麻栗坡县委组织部",
    "中共昆明市五华区委组织部",
    "中共南宁市青秀区委组织部",
    "中共东莞市委组织部",
    "中共砚山县委组织部",
)
OUT_REASONS = ("工作调动", "随配偶迁居", "考入外地公务员", "退休后随子女生活", "外出经商定居")
IN_REASONS = ("工作调动", "回乡创业", "退役安置", "随配偶迁居")
DESTINATIONS = (
    "广东省东莞市长安镇",
    "广东省深圳市宝安区",
    "浙江省义乌市",
    "广西南宁市西乡塘区",
    "云南省昆明市官渡区",
    "福建省晋江市",
    "广东省佛山市顺德区",
)
WORK = ("电子厂务工", "建筑工地务工", "个体经营", "物流公司司机", "餐饮服务", "服装厂务工")
CERTIFICATE_REASONS = ("外出务工", "外出就医", "短期培训学习", "探亲", "外出参加考察")
LOST_MEASURES = (
    "支部书记多次电话联系未果；走访其家属，家属称已外出务工，无固定地址。",
    "通过微信、短信联系无回复；委托在外务工党员帮助寻找。",
    "向其户籍所在村委会了解情况，家属表示长期无联系。",
)


def _day(rng: Any, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class Letters:
    """Numbers the county's letters and keeps every letter number unique per kind."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.next = 1
        self.used: set[tuple[str, str]] = set()

    def ours(self, kind: str) -> str:
        while True:
            number = names.document_no(SENDER, self.year, self.next)
            self.next += 1
            if (kind, number) not in self.used:
                self.used.add((kind, number))
                return number

    def claim(self, kind: str, number: str) -> bool:
        """Take ``number`` if it is free; False when another letter already has it."""
        if not number or (kind, number) in self.used:
            return False
        self.used.add((kind, number))
        return True


def _person(member: Member, day: dt.date) -> dict[str, Any]:
    full = member.full_on is not None and member.full_on <= day
    # The letter shows the member as on ``day`` (a probationary member confirmed later was not yet full).
    return {
        **person_snapshot(member, TRANSFER_PERSON_FIELDS, prefix="person_"),
        "person_status": MemberStatus.FULL if full else MemberStatus.PROBATIONARY,
        "person_full_on": member.full_on if full else None,
    }


def _letter(
    kind: str,
    member: Member,
    number: str,
    issued_on: dt.date,
    *,
    from_org: Organization | None = None,
    to_org: Organization | None = None,
    from_external: str = "",
    to_external: str = "",
    done_on: dt.date | None = None,
    reason: str = "",
    actor: Any = None,
) -> Transfer:
    """A letter; completed on ``done_on`` (accepted inside/into the county, receipted out of it)."""
    transfer = Transfer(
        kind=kind,
        letter_no=number,
        member=member,
        from_org=from_org,
        to_org=to_org,
        from_external=from_external,
        to_external=to_external,
        issued_on=issued_on,
        validity_days=LETTER_DAYS,
        valid_until=issued_on + dt.timedelta(days=LETTER_DAYS),
        dues_paid_until=dt.date(issued_on.year, issued_on.month, 1),
        reason=reason,
        issued_by=actor,
        **_person(member, issued_on),
    )
    if done_on is not None:
        transfer.status = TransferStatus.COMPLETED
        transfer.completed_on = done_on
        transfer.receipt_on = done_on
        if kind != TransferKind.OUT:
            transfer.accepted_on = done_on
            transfer.accepted_by = actor
    return transfer


def _letters_for_history(ctx: DemoContext, letters: Letters) -> tuple[list[Transfer], list[MemberPeriod]]:
    """The 介绍信 behind every transfer the members step wrote into this year's history."""
    rng, start = ctx.rng, dt.date(ctx.year, 1, 1)
    actor = ctx.users.get("county")
    transfers: list[Transfer] = []
    renumbered: list[MemberPeriod] = []
    periods = (
        MemberPeriod.objects.filter(start_reason__in=(PeriodReason.TRANSFER_IN, PeriodReason.MOVED))
        .filter(start_on__gte=start, start_on__lte=ctx.today)
        .select_related("member", "organization")
        .order_by("start_on", "id")
    )
    periods = list(periods)
    previous = {
        (p.member_id, p.end_on): p.organization
        for p in MemberPeriod.objects.filter(end_reason=PeriodReason.MOVED, end_on__gte=start)
        .select_related("organization")
        .order_by("id")
    }
    # A whole branch moved by a reorganization shares one document and day;
    # an individual transfer (the ones a 介绍信 documents) stands alone.
    group_size: dict[tuple[str, dt.date], int] = {}
    for period in periods:
        key = (period.document_no, period.start_on)
        group_size[key] = group_size.get(key, 0) + 1
    for period in periods:
        if (
            period.start_reason == PeriodReason.MOVED
            and group_size[(period.document_no, period.start_on)] > 1
        ):
            continue
        member = period.member
        kind = TransferKind.IN if period.start_reason == PeriodReason.TRANSFER_IN else TransferKind.INTERNAL
        number = period.document_no.removeprefix("介绍信").strip()
        if not letters.claim(kind, number):
            number = letters.ours(kind) if kind == TransferKind.INTERNAL else f"{number}-{period.pk}"
            letters.claim(kind, number)
            period.document_no = number if kind == TransferKind.INTERNAL else f"介绍信 {number}"
            renumbered.append(period)
        issued = period.start_on - dt.timedelta(days=rng.randint(2, 20))
        if kind == TransferKind.IN:
            transfers.append(
                _letter(
                    kind,
                    member,
                    number,
                    issued,
                    to_org=period.organization,
                    from_external=rng.choice(EXTERNAL_ORGS),
                    done_on=period.start_on,
                    reason=rng.choice(IN_REASONS),
                    actor=actor,
                )
            )
        else:
            from_org = previous.get((member.pk, period.start_on))
            if from_org is None:
                continue
            transfers.append(
                _letter(
                    kind,
                    member,
                    number,
                    issued,
                    from_org=from_org,
                    to_org=period.organization,
                    done_on=period.start_on,
                    reason="工作调动",
                    actor=actor,
                )
            )
    gone = (
        Member.objects.filter(leave_reason=LeaveReason.TRANSFERRED_OUT, left_on__gte=start)
        .select_related("organization")
        .order_by("left_on", "id")
    )
    for member in gone:
        issued = member.left_on - dt.timedelta(days=rng.randint(10, 25))
        number = letters.ours(TransferKind.OUT)
        transfers.append(
            _letter(
                TransferKind.OUT,
                member,
                number,
                issued,
                from_org=member.organization,
                to_external=rng.choice(EXTERNAL_ORGS),
                done_on=member.left_on,
                reason=rng.choice(OUT_REASONS),
                actor=actor,
            )
        )
    return transfers, renumbered


class Pool:
    """Current members a demo record may use, each at most once, in a fixed order."""

    def __init__(self, ctx: DemoContext) -> None:
        self.rng = ctx.rng
        self.members = list(
            Member.objects.filter(left_on__isnull=True).select_related("organization").order_by("id")
        )
        self.open_period = {
            p.member_id: p for p in MemberPeriod.objects.filter(end_on__isnull=True).order_by("id")
        }
        self.used: set[int] = set(
            Transfer.objects.filter(status=TransferStatus.PENDING).values_list("member_id", flat=True)
        )

    def take(self, k: int, test: Any = lambda m: True) -> list[Member]:
        pool = [m for m in self.members if m.pk not in self.used and test(m)]
        chosen = sorted(self.rng.sample(pool, min(k, len(pool))), key=lambda m: m.pk)
        self.used.update(m.pk for m in chosen)
        return chosen


def _extra_departures(
    ctx: DemoContext, pool: Pool, letters: Letters, k: int
) -> tuple[list[Transfer], list[Member], list[MemberPeriod]]:
    """More members leaving the county this year: the letter, then the receipt's day ends membership."""
    rng, start, today = ctx.rng, dt.date(ctx.year, 1, 1), ctx.today
    actor = ctx.users.get("county")
    transfers, members, periods = [], [], []
    chosen = pool.take(
        k,
        lambda m: m.status == MemberStatus.FULL
        and not m.is_mobile
        and m.organization.kind == OrgKind.BRANCH
        and pool.open_period[m.pk].start_on < start,
    )
    for member in chosen:
        left = _day(rng, start + dt.timedelta(days=30), today - dt.timedelta(days=5))
        issued = left - dt.timedelta(days=rng.randint(8, 25))
        number = letters.ours(TransferKind.OUT)
        destination = rng.choice(EXTERNAL_ORGS)
        transfers.append(
            _letter(
                TransferKind.OUT,
                member,
                number,
                issued,
                from_org=member.organization,
                to_external=destination,
                done_on=left,
                reason=rng.choice(OUT_REASONS),
                actor=actor,
            )
        )
        member.left_on = left
        member.leave_reason = LeaveReason.TRANSFERRED_OUT
        member.leave_note = f"介绍信{number}，转至{destination}"
        members.append(member)
        period = pool.open_period[member.pk]
        period.end_on = left
        period.end_reason = PeriodReason.TRANSFER_OUT
        periods.append(period)
    return transfers, members, periods


def _extra_arrivals(ctx: DemoContext, letters: Letters, k: int) -> list[tuple[Member, Transfer, dt.date]]:
    """More members arriving from outside the county this year (new records, TRANSFER_IN history)."""
    rng, start, today, year = ctx.rng, dt.date(ctx.year, 1, 1), ctx.today, ctx.year
    homes = [
        h
        for h in ctx.extra.get("member_homes", [])
        if h.final_org.is_active and h.final_org.kind == OrgKind.BRANCH
    ]
    if not homes or k <= 0:
        return []
    factory = MemberFactory(ctx)
    taken = set(Member.objects.values_list("id_number", flat=True))
    actor = ctx.users.get("county")
    arrivals = []
    attempts = 0
    while len(arrivals) < k and attempts < k * 50:
        attempts += 1
        draft = factory.draft(rng.choice(homes))
        member = draft.member
        if (
            member.status != MemberStatus.FULL
            or member.full_on is None
            or member.full_on.year >= year - 1
            or member.id_number in taken
        ):
            continue
        taken.add(member.id_number)
        member.organization = draft.home.final_org
        member.is_mobile = False
        day = _day(rng, start + dt.timedelta(days=20), today - dt.timedelta(days=5))
        number = f"{rng.choice(('文组转', '百组转', '昆组转', '南组转'))}〔{year}〕{rng.randint(100, 999)}号"
        if not letters.claim(TransferKind.IN, number):
            continue
        transfer = _letter(
            TransferKind.IN,
            member,
            number,
            day - dt.timedelta(days=rng.randint(3, 20)),
            to_org=member.organization,
            from_external=rng.choice(EXTERNAL_ORGS),
            done_on=day,
            reason=rng.choice(IN_REASONS),
            actor=actor,
        )
        arrivals.append((member, transfer, day))
    return arrivals


def _open_letters(ctx: DemoContext, pool: Pool, letters: Letters) -> list[Transfer]:
    """Letters still open on ``ctx.today``: overdue ones, ones waiting for acceptance, one voided."""
    rng, today = ctx.rng, ctx.today
    actor = ctx.users.get("county")
    branches = sorted((b for b in ctx.branches if b.is_active), key=lambda b: b.pk)
    demo_branch = getattr(ctx.users.get("secretary"), "organization", None)
    result: list[Transfer] = []
    full_in_branch = lambda m: m.status == MemberStatus.FULL and m.organization.kind == OrgKind.BRANCH  # noqa: E731

    for member in pool.take(3, full_in_branch):  # out of the county, no receipt, past validity
        issued = today - dt.timedelta(days=rng.randint(45, 110))
        result.append(
            _letter(
                TransferKind.OUT,
                member,
                letters.ours(TransferKind.OUT),
                issued,
                from_org=member.organization,
                to_external=rng.choice(EXTERNAL_ORGS),
                reason=rng.choice(OUT_REASONS),
                actor=actor,
            )
        )
    senders = pool.take(3, lambda m: full_in_branch(m) and m.organization != demo_branch)
    for i, member in enumerate(senders):  # inside the county, waiting for the receiving branch
        targets = [b for b in branches if b.pk != member.organization_id]
        to_org = demo_branch if i == 0 and demo_branch is not None else rng.choice(targets)
        age = rng.randint(40, 60) if i == 2 else rng.randint(1, 12)  # the last one is overdue
        result.append(
            _letter(
                TransferKind.INTERNAL,
                member,
                letters.ours(TransferKind.INTERNAL),
                today - dt.timedelta(days=age),
                from_org=member.organization,
                to_org=to_org,
                reason="工作调动",
                actor=actor,
            )
        )
    for member in pool.take(1, full_in_branch):  # voided: the member stayed
        issued = today - dt.timedelta(days=rng.randint(100, 150))
        letter = _letter(
            TransferKind.OUT,
            member,
            letters.ours(TransferKind.OUT),
            issued,
            from_org=member.organization,
            to_external=rng.choice(EXTERNAL_ORGS),
            reason="外出务工",
            actor=actor,
        )
        letter.status = TransferStatus.VOID
        letter.voided_on = issued + dt.timedelta(days=12)
        letter.void_reason = "本人放弃外出，介绍信收回作废"
        result.append(letter)
    return result


def _certificates(ctx: DemoContext, pool: Pool, k: int) -> list[Certificate]:
    rng, start, today = ctx.rng, dt.date(ctx.year, 1, 1), ctx.today
    actor = ctx.users.get("county")
    result = []
    chosen = pool.take(k, lambda m: m.joined_on < start)
    for i, member in enumerate(sorted(chosen, key=lambda m: m.pk), start=1):
        issued = _day(rng, start, today)
        result.append(
            Certificate(
                member=member,
                organization=member.organization,
                number=names.document_no("富组证", ctx.year, i),
                issued_on=issued,
                destination=rng.choice(DESTINATIONS),
                reason=rng.choice(CERTIFICATE_REASONS),
                valid_until=add_months(issued, rng.randint(1, 6)),
                issued_by=actor,
            )
        )
    return result


def _mobile(ctx: DemoContext, pool: Pool) -> list[MobileRegistration]:
    """A registration for every current member flagged mobile, and a few who came back."""
    rng, today = ctx.rng, ctx.today
    result = []
    flagged = [m for m in pool.members if m.is_mobile and m.left_on is None]
    for i, member in enumerate(flagged, start=1):
        since = max(today - dt.timedelta(days=rng.randint(30, 1000)), member.joined_on)
        result.append(
            MobileRegistration(
                member=member,
                organization=member.organization,
                destination=rng.choice(DESTINATIONS),
                work_unit=rng.choice(WORK),
                contact=member.phone or f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
                since=since,
                card_no=names.document_no("富流证", since.year, i),
            )
        )
    for member in pool.take(RETURNED_MOBILE, lambda m: not m.is_mobile and m.is_rural):
        since = max(today - dt.timedelta(days=rng.randint(400, 900)), member.joined_on)
        result.append(
            MobileRegistration(
                member=member,
                organization=member.organization,
                destination=rng.choice(DESTINATIONS),
                work_unit=rng.choice(WORK),
                contact=member.phone or "（未留）",
                since=since,
                until=_day(rng, since + dt.timedelta(days=60), today - dt.timedelta(days=10)),
                note="已返乡，恢复参加支部组织生活",
            )
        )
    return result


def _departures(ctx: DemoContext) -> list[Departure]:
    """The record behind every death or 出党 the members step wrote into this year."""
    start = dt.date(ctx.year, 1, 1)
    left = (
        Member.objects.filter(left_on__gte=start)
        .exclude(leave_reason=LeaveReason.TRANSFERRED_OUT)
        .select_related("organization")
        .order_by("left_on", "id")
    )
    return [
        Departure(
            member=m,
            organization=m.organization,
            reason=m.leave_reason,
            day=m.left_on,
            note=m.leave_note or ("病故" if m.leave_reason == LeaveReason.DEATH else ""),
        )
        for m in left
    ]


def _lost_contact(
    ctx: DemoContext, pool: Pool
) -> tuple[
    list[LostContact],
    list[Departure],
    list[Member],
    list[MemberPeriod],
    list[MemberPeriod],
    list[Restoration],
]:
    """Members out of contact, as 党员教育管理工作条例 (2019) 第24条 handles them.

    One lost for a few weeks (nothing to decide yet); some lost six months and
    more, so the branch should propose 停止党籍 (one of them in the demo
    secretary's branch); two whose contact came back in time; one suspended two
    years ago and still not reachable (除名 to consider); one suspended last
    year who came back and was restored (恢复党籍).
    """
    rng, today = ctx.rng, ctx.today
    records: list[LostContact] = []
    departures: list[Departure] = []
    members: list[Member] = []
    closed: list[MemberPeriod] = []
    opened: list[MemberPeriod] = []
    restorations: list[Restoration] = []
    secretary = ctx.users.get("secretary")
    home = secretary.organization_id if secretary is not None else None

    def long_standing(m: Member) -> bool:
        return m.status == MemberStatus.FULL and pool.open_period[m.pk].start_on < today - dt.timedelta(
            days=1200
        )

    def lost(member: Member, since: dt.date, **end: Any) -> None:
        records.append(
            LostContact(
                member=member,
                organization=member.organization,
                since=since,
                measures=rng.choice(LOST_MEASURES),
                **end,
            )
        )

    def suspend(member: Member, day: dt.date, since: dt.date) -> str:
        document = names.document_no("新党发", day.year, rng.randint(1, 30))
        lost(member, since, resolved_on=day, resolution="停止党籍")
        departures.append(
            Departure(
                member=member,
                organization=member.organization,
                reason=LeaveReason.SUSPENDED,
                day=day,
                document_no=document,
                note=f"{since:%Y-%m-%d}起失去联系，满6个月经多方查找仍无法取得联系，经支部大会讨论、党委批准停止党籍",
            )
        )
        period = pool.open_period[member.pk]
        period.end_on = day
        period.end_reason = PeriodReason.LEFT
        closed.append(period)
        return document

    here = pool.take(1, lambda m: long_standing(m) and m.organization_id == home)
    spans = [(0, 1), (7, 11), (8, 12)]  # months out of contact: not yet, then 停止党籍 to propose
    for (low, high), member in zip(spans, pool.take(len(spans), long_standing), strict=False):
        since = add_months(today, -rng.randint(low, high)) - dt.timedelta(days=rng.randint(3, 20))
        lost(member, since)
    for member in here:  # the secretary's branch: lost seven months ago, the proposal is due
        lost(member, add_months(today, -7))
    for member in pool.take(2, long_standing):  # contact came back before six months
        since = add_months(today, -rng.randint(7, 14))
        lost(
            member,
            since,
            resolved_on=_day(rng, since + dt.timedelta(days=60), since + dt.timedelta(days=170)),
            resolution="已恢复联系，按时参加组织生活并补交党费",
        )
    for member in pool.take(1, long_standing):  # suspended two years ago: 除名 to be considered
        suspended = add_months(today, -25)
        since = add_months(suspended, -8)
        if pool.open_period[member.pk].start_on >= since:
            continue
        document = suspend(member, suspended, since)
        member.left_on = suspended
        member.leave_reason = LeaveReason.SUSPENDED
        member.leave_note = document
        members.append(member)
    for member in pool.take(1, long_standing):  # suspended last year, came back: 恢复党籍
        suspended = add_months(today, -rng.randint(12, 16))
        since = add_months(suspended, -rng.randint(6, 9))
        if pool.open_period[member.pk].start_on >= since:
            continue
        suspend(member, suspended, since)
        restored = add_months(today, -rng.randint(1, 3))
        document = names.document_no("新党发", restored.year, rng.randint(31, 60))
        restorations.append(
            Restoration(
                member=member,
                organization=member.organization,
                suspended_on=suspended,
                day=restored,
                document_no=document,
                note="本人返乡后主动与党组织取得联系，说明外出务工情况，经支部大会讨论、党委批准恢复党籍",
            )
        )
        opened.append(
            MemberPeriod(
                member=member,
                organization=member.organization,
                status=member.status,
                start_on=restored,
                start_reason=PeriodReason.RESTORED,
                document_no=document,
            )
        )
    return records, departures, members, closed, opened, restorations


def build(ctx: DemoContext) -> None:
    """Letters for the year's transfers (topped up to ~23 in and out), open letters, and the registers."""
    scale = ctx.member_count / 8800
    letters = Letters(ctx.year)
    transfers, renumbered = _letters_for_history(ctx, letters)
    MemberPeriod.objects.bulk_update(renumbered, ["document_no"])
    pool = Pool(ctx)
    pool.used.update(t.member_id for t in transfers if t.member_id)

    done = sum(1 for t in transfers if t.kind != TransferKind.INTERNAL)
    missing = max(0, round(IN_OUT_TARGET * scale) - done)
    extra_out, left_members, closed = _extra_departures(ctx, pool, letters, missing // 2)
    arrivals = _extra_arrivals(ctx, letters, missing - len(extra_out))
    transfers += extra_out
    transfers += _open_letters(ctx, pool, letters)

    lost, suspended, gone, suspended_periods, restored_periods, restorations = _lost_contact(ctx, pool)
    Member.objects.bulk_update(left_members + gone, ["left_on", "leave_reason", "leave_note"])
    MemberPeriod.objects.bulk_update(closed + suspended_periods, ["end_on", "end_reason"])
    MemberPeriod.objects.bulk_create(restored_periods)
    Restoration.objects.bulk_create(restorations)
    new_members = [member for member, _, _ in arrivals]
    Member.objects.bulk_create(new_members)
    MemberPeriod.objects.bulk_create(
        MemberPeriod(
            member=member,
            organization=member.organization,
            status=member.status,
            start_on=day,
            start_reason=PeriodReason.TRANSFER_IN,
            document_no=f"介绍信 {transfer.letter_no}",
        )
        for member, transfer, day in arrivals
    )
    for member, transfer, _ in arrivals:
        transfer.member = member
        transfers.append(transfer)
    ctx.members.extend(new_members)
    Transfer.objects.bulk_create(transfers, batch_size=500)

    certificates = _certificates(ctx, pool, max(2, round(CERTIFICATES * scale)))
    Certificate.objects.bulk_create(certificates)
    mobile = _mobile(ctx, pool)
    MobileRegistration.objects.bulk_create(mobile, batch_size=1000)
    departures = _departures(ctx) + suspended
    Departure.objects.bulk_create(departures)
    LostContact.objects.bulk_create(lost)

    completed = [t for t in transfers if t.status == TransferStatus.COMPLETED]
    ctx.log(
        f"组织关系转接：本年办结{len(completed)}件（转入"
        f"{sum(1 for t in completed if t.kind == TransferKind.IN)}、转出"
        f"{sum(1 for t in completed if t.kind == TransferKind.OUT)}、县内"
        f"{sum(1 for t in completed if t.kind == TransferKind.INTERNAL)}），办理中"
        f"{sum(1 for t in transfers if t.status == TransferStatus.PENDING)}件；党员身份证明{len(certificates)}份；"
        f"流动党员{sum(1 for r in mobile if r.until is None)}名；出党及死亡等记录{len(departures)}条；"
        f"失联党员{sum(1 for r in lost if r.resolved_on is None)}名；恢复党籍{len(restorations)}名"
    )
