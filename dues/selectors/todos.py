"""The dues app's to-dos on the 工作台 (registered in ``DuesConfig.ready``; see ``organizations.todos``).

Built on the selectors behind the pages the counts link to (arrears,
standards, reconciliation), so a count is the number of rows found one click
later.  Twelve queries whatever the size of the scope: the member status scan
(eight), the warning rule, last quarter's reconciliation (five, only for a
user bound to an organization that remits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core.scopes import can_write, scope_root, sees_everything
from members.models import Member
from organizations.choices import OrgKind
from organizations.todos import MAX_ITEMS, Action, Todo, TodoGroup, TodoItem

from .. import months as m
from .arrears import dues_status, warning_months
from .remittance import reconcile

#: The to-dos read this far back: a year holds every current run of unpaid months worth flagging.
WINDOW_MONTHS = 12


def _last_quarter(today: dt.date) -> tuple[int, int]:
    year, quarter = m.quarter_of(today)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def dues_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Members flagged (连续6个月未交), in arrears, not yet paying this period, not assessed; the quarter not remitted."""
    root = scope_root(user)
    if not sees_everything(user) and root is None:
        return []
    members = Member.objects.visible_to(user).current()
    since = m.from_index(m.index(today) - WINDOW_MONTHS)
    status = dues_status(members, today, since=since, open_period=True)
    threshold = warning_months()
    flagged = sorted((s for s in status if s.longest_run >= threshold), key=lambda s: -s.longest_run)
    arrears = [s for s in status if s.unpaid]
    open_unpaid = [s for s in status if s.open_unpaid]
    unassessed = [s for s in status if s.unassessed]
    arrears_url = reverse("dues:arrears")
    todos = [
        Todo(
            key="dues.flagged",
            label=f"连续{threshold}个月未交党费",
            count=len(flagged),
            url=f"{arrears_url}?flagged=on",
            level="danger",
            hint="没有正当理由连续6个月不交纳党费的，视为自行脱党，支部应及时教育处理" if flagged else "",
            items=tuple(
                TodoItem(
                    s.member.name, reverse("dues:member", args=[s.member.pk]), f"连续{s.longest_run}个月"
                )
                for s in flagged[:MAX_ITEMS]
            ),
        ),
        Todo(
            key="dues.arrears",
            label="逾期未交党费的党员",
            count=len(arrears),
            url=arrears_url,
            level="warning",
        ),
        Todo(
            key="dues.unpaid",
            label=f"本期（{today.month}月）尚未交纳党费",
            count=len(open_unpaid),
            url=reverse("dues:grid", args=[root.code])
            if root is not None and can_write(user)
            else arrears_url,
            level="info",
        ),
        Todo(
            key="dues.unassessed",
            label="未核定党费标准的党员",
            count=len(unassessed),
            url=reverse("dues:assessments") + "?unassessed=on",
            level="warning",
            hint="核定类别和基数后才能计算应交党费" if unassessed else "",
        ),
    ]
    if root is not None and root.kind != OrgKind.GROUP:
        year, quarter = _last_quarter(today)
        rec = reconcile(root, year, quarter)
        todos.append(
            Todo(
                key="dues.remit",
                label=f"{rec.label}党费未上缴",
                count=1 if rec.outstanding > 0 else 0,
                url=reverse("dues:reconciliation") + f"?org={root.code}&year={year}&quarter={quarter}",
                level="warning",
                hint=f"尚应上缴{rec.outstanding}元" if rec.outstanding > 0 else "",
            )
        )
    actions = []
    if can_write(user) and root is not None and root.kind != OrgKind.GROUP:
        actions = [
            Action("党费收缴登记", reverse("dues:grid", args=[root.code]), "bi-grid-3x3"),
            Action("上缴对账", reverse("dues:reconciliation"), "bi-arrow-up-circle"),
        ]
    return [
        TodoGroup(
            key="dues",
            title="党费",
            order=50,
            todos=todos,
            actions=actions,
            icon="bi-cash-coin",
            url=reverse("dues:index"),
        )
    ]
