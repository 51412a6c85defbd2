"""Demo step: a year of dues for the demo county, shaped like the reference.

- every member assessed from October of last year: farmers 1 元 (some 0.5 元),
  students and members on relief 0.2 元, a few exempt, in-service members
  by their salary and retired members by their pension;
- a salary rise (增资) of the organs' and institutions' staff from July,
  recorded in October: most paid the difference back (补交) then, the rest
  show in the self-inspection (“去年增资后…补缴了增资后所欠党费”);
- fourteen months of payments (October last year to November), receipts
  numbered per branch; realistic arrears: a few members stopped paying (some
  for six months and more: flagged), others missed a month or two, and
  November is being collected; retired-cadre branches pay by the quarter;
- three special payments (一次性1000元以上) at 七一;
- four quarterly remittances (last year's fourth quarter, this year's first
  three) from the branches through the committees to the county and on to
  the prefecture, each level keeping its share; a few branches late with
  the third quarter;
- the county's retained-dues ledger: last year's balance, 6万元 of AV
  equipment, Party-building books, and the 七一 care visits' 2万元 posted from
  the care step's visits paid from retained dues; committees' own spending.

Rows are written with ``bulk_create`` (generated data, no audit rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from core.demo import DemoContext
from members.models import CareFunding, CareVisit, Member, Transfer, TransferKind
from organizations.choices import COMMITTEE_KINDS, OrgCategory, OrgKind
from organizations.models import Organization

from . import months as m
from .choices import DuesCategory, LedgerPurpose, PaymentKind
from .models import DuesAssessment, DuesPayment, DuesSchedule, ReceiptSequence, Remittance, RetainedFundEntry
from .selectors.levy import Standards, load_terms
from .selectors.paid_until import paid_until_many
from .selectors.remittance import reconcile_many
from .services.ledger import follow_care_visit

PREFECTURE = "中共文山州委组织部"
RAISE_CATEGORIES = (OrgCategory.ORGAN, OrgCategory.INSTITUTION, OrgCategory.SCHOOL)


class Row(dict):
    """One row to insert: attribute name → value (what a model instance would hold, without building one)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def fast_insert(model: type[models.Model], rows: list[Row], chunk: int = 10000) -> None:
    """Insert rows with one ``executemany`` per chunk (no signals, no model instances, no keys read back).

    The demo writes some 130,000 payments: ``bulk_create`` spends most of its
    time building instances and turning each value into its database form;
    here each distinct value of a column is converted once (amounts, dates and
    keys repeat throughout) and missing columns take the field's default.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        else f.get_default()
        for f in fields
    }
    converters = []
    for field in fields:
        cache: dict[Any, Any] = {}

        def convert(raw: Any, field: models.Field = field, cache: dict[Any, Any] = cache) -> Any:
            try:
                return cache[raw]
            except KeyError:
                value = cache[raw] = field.get_db_prep_save(raw, connection)
                return value

        converters.append((field.attname, convert))
    values = [[convert(row.get(name, defaults[name])) for name, convert in converters] for row in rows]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(values), chunk):
            cursor.executemany(sql, values[i : i + chunk])


def _yuan(value: float) -> Decimal:
    return Decimal(str(round(value / 10) * 10)).quantize(Decimal("0.01"))


def _category(member: Member, rng) -> tuple[str, Decimal | None, Decimal | None, str]:
    """A member's category, income base and fixed amount, from their record."""
    if member.is_hardship and rng.random() < 0.5:
        if rng.random() < 0.25:
            return DuesCategory.EXEMPT, None, None, "生活困难，经支委会讨论、上级党委批准免交"
        return DuesCategory.RELIEF, None, None, "领取最低生活保障金"
    if member.occupation == "STUDENT":
        return DuesCategory.STUDENT, None, None, ""
    if member.is_retired or member.occupation == "RETIRED":
        return DuesCategory.RETIRED, _yuan(rng.uniform(2300, 7800)), None, ""
    if member.occupation == "FARMER" or member.is_rural:
        return DuesCategory.FARMER, None, (Decimal("0.50") if rng.random() < 0.2 else None), ""
    return DuesCategory.IN_SERVICE, _yuan(rng.triangular(2600, 12500, 4200)), None, ""


def _assess(ctx: DemoContext, members: list[Member], start: dt.date, orgs: dict[int, Organization]) -> int:
    rng = ctx.rng
    rows: list[Row] = []
    raised = 0
    secretary = ctx.users.get("secretary")
    recorder = secretary.pk if secretary is not None else None
    for member in members:
        category, income, amount, note = _category(member, rng)
        rows.append(
            Row(
                member_id=member.pk,
                effective_from=start,
                category=category,
                income=income,
                amount=amount,
                note=note,
                recorded_by_id=recorder,
            )
        )
        org = orgs.get(member.organization_id)
        # The salary rise of the organs, institutions and schools from July, recorded in October.
        if (
            category == DuesCategory.IN_SERVICE
            and org is not None
            and org.category in RAISE_CATEGORIES
            and member.left_on is None
        ):
            rows.append(
                Row(
                    member_id=member.pk,
                    effective_from=dt.date(ctx.year, 7, 1),
                    category=category,
                    income=(income * Decimal("1.12"))
                    .quantize(Decimal("10"), rounding=ROUND_HALF_UP)
                    .quantize(Decimal("0.01")),
                    note=f"{ctx.year}年7月起调整工资（{ctx.year}年10月核定）",
                    recorded_by_id=recorder,
                )
            )
            raised += 1
    fast_insert(DuesAssessment, rows)
    return raised


def _paid_on(rng, month: dt.date, quarterly: bool, today: dt.date) -> dt.date:
    if quarterly:
        last = m.quarter_months(*m.quarter_of(month))[-1]
        day = dt.date(last.year, last.month, rng.randint(10, 26))
    else:
        day = dt.date(month.year, month.month, rng.randint(5, 28))
    return min(day, today)


def build(ctx: DemoContext) -> None:
    """A year of dues, arrears, a salary rise with back payment, four quarterly remittances, ledger spending."""
    rng = ctx.rng
    today = ctx.today
    start = dt.date(ctx.year - 1, 10, 1)
    lo, hi = m.index(start), m.index(m.month_of(today))
    orgs = {o.pk: o for o in Organization.objects.order_by("pk")}
    quarterly = {
        pk for pk, o in orgs.items() if o.kind == OrgKind.BRANCH and o.category == OrgCategory.RETIRED
    }
    DuesSchedule.objects.bulk_create(
        DuesSchedule(
            organization_id=pk,
            quarterly=True,
            agreed_on=dt.date(ctx.year - 1, 9, 20),
            note="经支部党员大会同意按季度交纳",
        )
        for pk in sorted(quarterly)
    )
    members = list(Member.objects.order_by("pk"))
    raised = _assess(ctx, members, start, orgs)

    # Who pays what: most every month; some stopped, some missed a month or two.
    stopped: dict[int, int] = {}
    missed: dict[int, set[int]] = {}
    for member in members:
        draw = rng.random()
        if draw < 0.012:
            stopped[member.pk] = hi - rng.randint(6, 9)  # flagged: six months and more unpaid
        elif draw < 0.03:
            stopped[member.pk] = hi - rng.randint(2, 4)
        elif draw < 0.07:
            missed[member.pk] = {rng.randint(lo, hi - 1) for _ in range(rng.randint(1, 2))}
    terms = load_terms([mb.pk for mb in members], lo, hi)
    standards = Standards.load()
    payments: list[Row] = []
    back: list[Row] = []
    raise_month = m.index(dt.date(ctx.year, 7, 1))
    for member in members:
        member_terms = terms.get(member.pk)
        if member_terms is None:
            continue
        old_due: dict[int, Decimal] = {}
        back_day = dt.date(ctx.year, 10, rng.randint(20, 30))  # the member pays the difference back at once
        pays_back = rng.random() < 0.85  # …or has not yet: the self-inspection finds them
        if member_terms.assessments and len(member_terms.assessments) > 1:
            first = sorted(member_terms.assessments)[0]
            for i in range(raise_month, raise_month + 3):
                old_due[i] = standards.charge(first[1], first[2], first[3], i)
        for levy in member_terms.levies(standards, lo, hi):
            if not levy.amount or levy.amount <= 0:
                continue
            month = m.from_index(levy.month)
            if member.pk in stopped and levy.month >= stopped[member.pk]:
                continue
            if levy.month in missed.get(member.pk, ()):
                continue
            is_quarterly = levy.organization_id in quarterly
            if levy.month == hi and (is_quarterly or rng.random() < 0.3):
                continue  # November is still being collected
            paid_on = _paid_on(rng, month, is_quarterly, today)
            amount = levy.amount
            # July–September paid at the old rate before the rise was recorded in October.
            if (
                levy.month in old_due
                and old_due[levy.month] is not None
                and paid_on < dt.date(ctx.year, 10, 1)
            ):
                amount = old_due[levy.month]
            payments.append(
                Row(
                    member_id=member.pk,
                    organization_id=levy.organization_id,
                    month=month,
                    kind=PaymentKind.REGULAR,
                    amount=amount,
                    due=amount,
                    paid_on=paid_on,
                )
            )
            if amount < levy.amount and pays_back:
                back.append(
                    Row(
                        member_id=member.pk,
                        organization_id=levy.organization_id,
                        month=month,
                        kind=PaymentKind.BACK,
                        amount=levy.amount - amount,
                        due=levy.amount,
                        paid_on=back_day,
                        basis_id=levy.basis_id,
                        note="基数调整后补交",
                    )
                )
    specials = []
    retirees = [mb for mb in members if mb.is_retired and mb.left_on is None and mb.organization_id in orgs]
    for member in sorted(rng.sample(retirees, min(3, len(retirees))), key=lambda mb: mb.pk):
        specials.append(
            Row(
                member_id=member.pk,
                organization_id=member.organization_id,
                month=dt.date(ctx.year, 7, 1),
                kind=PaymentKind.SPECIAL,
                amount=Decimal(rng.choice(("1000.00", "2000.00", "5000.00"))),
                paid_on=dt.date(ctx.year, 7, 1),
                note="“七一”自愿交纳特殊党费",
            )
        )
    everything = payments + back + specials
    _number_receipts(everything)
    fast_insert(DuesPayment, everything)
    remitted = _remit(ctx, orgs)
    spent = _ledger(ctx, orgs)
    _letters(ctx)
    flagged = sum(1 for pk, since in stopped.items() if hi - since >= 6)
    ctx.log(
        f"党费：{len(payments)}笔按月交纳、{len(back)}笔补交（{raised}名党员7月起增资）、{len(specials)}笔特殊党费；"
        f"连续6个月以上未交{flagged}名；上缴{remitted}笔；留存党费支出{spent}元"
    )


def _number_receipts(payments: list[Row]) -> None:
    """One receipt per member, organization and day, numbered per organization and year in date order."""
    counters: dict[tuple[int, int], int] = defaultdict(int)
    numbers: dict[tuple[int, int, dt.date], str] = {}
    for p in sorted(payments, key=lambda p: (p.organization_id, p.paid_on, p.member_id)):
        key = (p.organization_id, p.member_id, p.paid_on)
        if key not in numbers:
            counters[(p.organization_id, p.paid_on.year)] += 1
            numbers[key] = f"{p.paid_on.year}-{counters[(p.organization_id, p.paid_on.year)]:04d}"
        p["receipt_no"] = numbers[key]
    ReceiptSequence.objects.bulk_create(
        ReceiptSequence(organization_id=org_id, year=year, last_number=n)
        for (org_id, year), n in sorted(counters.items())
    )


def _remit(ctx: DemoContext, orgs: dict[int, Organization]) -> int:
    """Four quarters remitted level by level, deepest first; a few branches late with the last quarter."""
    rng = ctx.rng
    quarters = [(ctx.year - 1, 4), (ctx.year, 1), (ctx.year, 2), (ctx.year, 3)]
    collecting = sorted(
        (o for o in orgs.values() if o.kind != OrgKind.GROUP and o.dissolved_on is None),
        key=lambda o: (-o.depth, o.path),
    )
    depths = sorted({o.depth for o in collecting}, reverse=True)
    made = 0
    for year, quarter in quarters:
        _, last = m.quarter_span(year, quarter)
        late = year == ctx.year and quarter == 3
        for depth in depths:
            level = [o for o in collecting if o.depth == depth]
            recs = reconcile_many(level, year, quarter)
            rows, shares = [], []
            for rec in recs:
                org = rec.organization
                if rec.outstanding <= 0 or (late and org.kind == OrgKind.BRANCH and rng.random() < 0.03):
                    continue
                lag = {OrgKind.BRANCH: (3, 12), OrgKind.GENERAL_BRANCH: (8, 14)}.get(org.kind, (15, 25))
                if org.kind == OrgKind.COUNTY_COMMITTEE:
                    lag = (26, 28)
                day = min(last + dt.timedelta(days=rng.randint(*lag)), ctx.today)
                remittance = Remittance(
                    from_org=org,
                    to_org_id=org.parent_id,
                    to_external="" if org.parent_id else PREFECTURE,
                    year=year,
                    quarter=quarter,
                    amount=rec.outstanding_ordinary,
                    special_amount=max(rec.outstanding_special, Decimal("0.00")),
                    remitted_on=day,
                    reference=f"{year}Q{quarter}-{org.code}",
                    recorded_by=ctx.users.get("committee") if org.kind in COMMITTEE_KINDS else None,
                )
                if remittance.amount < 0:
                    continue
                rows.append(remittance)
                if rec.retained:
                    shares.append((remittance, rec))
            Remittance.objects.bulk_create(rows)
            RetainedFundEntry.objects.bulk_create(
                RetainedFundEntry(
                    organization=rec.organization,
                    entry_on=remittance.remitted_on,
                    purpose=LedgerPurpose.RETAINED_SHARE,
                    amount=rec.retained,
                    description=f"{rec.label}留存党费（{rec.share.normalize():f}%）",
                    year=year,
                    quarter=quarter,
                    remittance=remittance,
                )
                for remittance, rec in shares
            )
            made += len(rows)
    return made


def _ledger(ctx: DemoContext, orgs: dict[int, Organization]) -> Decimal:
    """The county's and the committees' spending from retained dues."""
    rng = ctx.rng
    county = ctx.county
    year = ctx.year
    entries = [
        RetainedFundEntry(
            organization=county,
            entry_on=dt.date(year, 1, 5),
            purpose=LedgerPurpose.OPENING,
            amount=Decimal("168500.00"),
            description=f"{year - 1}年留存党费结余",
            document_no=f"{year - 1}年度党费台账",
        ),
        RetainedFundEntry(
            organization=county,
            entry_on=dt.date(year, 3, 18),
            purpose=LedgerPurpose.TRAINING,
            amount=Decimal("-8640.00"),
            description="征订《支部生活》《党员特刊》及党建辅导丛书",
            document_no=f"富组发〔{year}〕9号",
        ),
        RetainedFundEntry(
            organization=county,
            entry_on=dt.date(year, 5, 20),
            purpose=LedgerPurpose.AV_EQUIPMENT,
            amount=Decimal("-60000.00"),
            description="为10个乡镇的8个党委和47个党支部配备电教设备55套",
            document_no=f"富组发〔{year}〕15号",
        ),
    ]
    for committee in sorted(
        (o for o in orgs.values() if o.kind in COMMITTEE_KINDS and o.dissolved_on is None),
        key=lambda o: o.path,
    ):
        if rng.random() < 0.6:
            entries.append(
                RetainedFundEntry(
                    organization=committee,
                    entry_on=dt.date(year, rng.randint(2, 10), rng.randint(1, 28)),
                    purpose=rng.choice((LedgerPurpose.TRAINING, LedgerPurpose.CARE, LedgerPurpose.OTHER)),
                    amount=-Decimal(rng.randint(8, 60) * 100),
                    description=rng.choice(
                        ("党员冬春训资料", "春节慰问困难党员", "党支部活动阵地维护", "订阅党报党刊")
                    ),
                )
            )
    RetainedFundEntry.objects.bulk_create(entries)
    # The care visits paid from retained dues (the 七一 2万元 …) post themselves, as the hook does for a user.
    for visit in CareVisit.objects.filter(funding=CareFunding.RETAINED_DUES).order_by("visited_on", "pk"):
        follow_care_visit(visit, None)
    spent = RetainedFundEntry.objects.filter(amount__lt=0, entry_on__year=year).values_list(
        "amount", flat=True
    )
    return -sum(spent, Decimal("0.00"))


def _letters(ctx: DemoContext) -> None:
    """The demo's letters out say 党费缴到 as the payments now say (the members step wrote the issue month)."""
    letters = list(Transfer.objects.exclude(kind=TransferKind.IN).filter(member__isnull=False).order_by("pk"))
    until = paid_until_many({t.member_id for t in letters}, today=ctx.today)
    for letter in letters:
        letter.dues_paid_until = until.get(letter.member_id)
    Transfer.objects.bulk_update(letters, ["dues_paid_until"], batch_size=500)


STEPS = [("dues", build)]
