"""Demo step: AV education — equipment, its coverage, films ordered and handed out, publications.

“今年县委组织部从留存党费中拿出6万元继续为10个乡镇的8个党委和47个党支部配备55套
电教设备。目前电教网络已经覆盖了全县的15个乡镇党委、145个村党支部”: this year's
delivery (55 sets, 60,000 元 of retained dues, to 8 township committees and 47
village branches in 10 townships) completes the coverage that earlier
deliveries (fiscal money and sets from above) had begun; three old sets broke
down this autumn where a newer set still works.  Each township committee
ordered films from the province's AV centre and handed them out; a few of
November's orders wait.  Every committee subscribes to 《支部生活》 and
《党员特刊》 for its branches.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.demo import DemoContext
from organizations.choices import OrgCategory, OrgKind

from ..choices import EquipmentEventKind, EquipmentStatus, Funding
from ..models import AVEquipment, AVEquipmentEvent, FilmOrder, Publication, Subscription
from .common import Tree, existed

THIS_YEAR_COMMITTEES = 8
THIS_YEAR_BRANCHES = 47
THIS_YEAR_TOWNSHIPS = 10
THIS_YEAR_AMOUNT = Decimal("60000.00")
ITEMS = "电视机、影碟机、卫星接收设备"


def _villages(tree: Tree, committee) -> list:
    return [o for o in tree.below(committee, kinds=(OrgKind.BRANCH,)) if o.category == OrgCategory.VILLAGE]


def build(ctx: DemoContext) -> None:
    """Deliveries (this year's 55 sets and the earlier ones), breakdowns, film orders, subscriptions."""
    rng, year, today = ctx.rng, ctx.year, ctx.today
    shared = ctx.extra["training"]
    tree: Tree = shared["tree"]
    townships = [c for c in tree.committees if c.category == OrgCategory.TOWNSHIP]
    delivered_on = dt.date(year, 5, 18)
    # This year: the last 10 townships' committees (8 of them) and 47 of their village branches.
    these = townships[-THIS_YEAR_TOWNSHIPS:]
    committees_now = these[-THIS_YEAR_COMMITTEES:]
    pool = [v for t in these for v in _villages(tree, t) if existed(v, delivered_on)]
    branches_now = sorted(rng.sample(pool, min(len(pool), THIS_YEAR_BRANCHES)), key=lambda o: o.path)
    recipients = committees_now + branches_now
    # 60,000 元 in all, in whole tens a set, the rest on the last.
    price = (THIS_YEAR_AMOUNT / max(len(recipients), 1)).quantize(Decimal("10"), rounding="ROUND_DOWN")
    amounts = [price] * len(recipients)
    if amounts:
        amounts[-1] += THIS_YEAR_AMOUNT - price * len(recipients)
    equipment = [
        AVEquipment(
            organization=org,
            delivered_on=delivered_on,
            sets=1,
            items=ITEMS,
            amount=amount,
            funding=Funding.RETAINED_DUES,
            status_on=delivered_on,
            created_by=ctx.users.get("county"),
            note="县委组织部从留存党费中列支",
        )
        for org, amount in zip(recipients, amounts, strict=True)
    ]
    # Earlier years: every other township committee and village branch (fiscal money, sets from above).
    done = {o.pk for o in recipients}
    earlier = [c for c in townships if c.pk not in done]
    earlier += [v for t in townships for v in _villages(tree, t) if v.pk not in done]
    for org in earlier:
        day = dt.date(year - rng.randint(1, 5), rng.randint(3, 10), rng.randint(1, 28))
        day = max(day, org.established_on)
        equipment.append(
            AVEquipment(
                organization=org,
                delivered_on=day,
                sets=1,
                items=ITEMS,
                amount=Decimal(rng.choice(("980.00", "1050.00", "1200.00"))),
                funding=rng.choice((Funding.FISCAL, Funding.SUPERIOR)),
                status_on=day,
            )
        )
    # Three villages keep an old set from 2016 that broke down this autumn (their newer set still works).
    old_hosts = [o for o in earlier if o.kind == OrgKind.BRANCH][:3]
    broken = [
        AVEquipment(
            organization=org,
            delivered_on=max(dt.date(2016, 4, 12), org.established_on),
            sets=1,
            items="电视机、录像机",
            amount=Decimal("850.00"),
            funding=Funding.SUPERIOR,
            status=EquipmentStatus.BROKEN,
            status_on=dt.date(year, 9 + i, 12),
        )
        for i, org in enumerate(old_hosts)
    ]
    AVEquipment.objects.bulk_create(equipment + broken)
    AVEquipmentEvent.objects.bulk_create(
        AVEquipmentEvent(
            equipment=e, kind=EquipmentEventKind.BROKEN, happened_on=e.status_on, note="显像管损坏，待修"
        )
        for e in broken
    )
    # Films: each township committee ordered three to five titles in spring and handed them out.
    films = shared["films"]
    orders = []
    for committee in townships:
        for film in rng.sample(films, rng.randint(3, 5)):
            ordered = dt.date(year, rng.randint(3, 4), rng.randint(1, 28))
            orders.append(
                FilmOrder(
                    organization=committee,
                    film=film,
                    copies=rng.randint(2, 6),
                    amount=Decimal(rng.choice(("30.00", "45.00", "60.00"))),
                    ordered_on=ordered,
                    distributed_on=ordered + dt.timedelta(days=rng.randint(14, 30)),
                )
            )
    for committee in townships[:3]:
        orders.append(
            FilmOrder(
                organization=committee,
                film=rng.choice(films),
                copies=3,
                amount=Decimal("45.00"),
                ordered_on=today - dt.timedelta(days=rng.randint(3, 12)),
                note="冬春训用片",
            )
        )
    FilmOrder.objects.bulk_create(orders)
    # Publications: every committee subscribes for its branches.
    # The data migration seeds these two; get_or_create keeps the demo whole on a database emptied since.
    publications = {
        name: Publication.objects.get_or_create(name=name, defaults={"publisher": "省委组织部"})[0]
        for name in ("《支部生活》", "《党员特刊》")
    }
    subscriptions = []
    for committee in tree.committees:
        branches = len(tree.below(committee, kinds=(OrgKind.BRANCH,)))
        for name, copies, price in (
            ("《支部生活》", branches + 2, Decimal("18.00")),
            ("《党员特刊》", branches // 2 + 1, Decimal("9.60")),
        ):
            if name in publications:
                subscriptions.append(
                    Subscription(
                        organization=committee,
                        publication=publications[name],
                        year=year,
                        copies=copies,
                        amount=price * copies,
                    )
                )
    Subscription.objects.bulk_create(subscriptions)
    ctx.log(
        f"电化教育：今年为{len(committees_now)}个党委和{len(branches_now)}个党支部配备{len(recipients)}套电教设备，"
        f"{sum(amounts, Decimal('0'))}元；{len(broken)}套旧设备故障停用；电教片订购{len(orders)}笔；"
        f"党刊征订{sum(s.copies for s in subscriptions)}份"
    )
