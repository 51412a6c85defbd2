"""The training app's to-dos on the 工作台 (registered in ``TrainingConfig.ready``; see ``organizations.todos``).

Built on the selectors behind the pages the counts link to (the compliance
table, the hours list, the equipment list), so a count is the number of rows
found one click later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from core.scopes import can_write, scope_root, sees_everything
from organizations.todos import MAX_ITEMS, Action, Todo, TodoGroup, TodoItem

from ..choices import MeetingKind
from ..models import TrainingSession
from ..periods import Period
from .av import out_of_service
from .compliance import branch_compliance, compliance_branches
from .hours import PROGRESS, below_count, minimums


def training_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Sessions without attendance, branches behind on 三会一课 / 主题党日, members behind on hours, broken
    equipment: 11 queries.

    compliance: 1 the branches of the scope, 2 the rules, 3 their groups, 4 their
    full members, 5 the meetings, 6 the lectures, 7 the activity days; hours:
    8 the two minimums, 9 the count; 10 the broken sets (their organizations
    joined in); 11 the sessions without attendance.
    """
    if not sees_everything(user) and scope_root(user) is None:
        return []
    period = Period(today.year)
    rows = branch_compliance(compliance_branches(user, period, today), period, today)
    meetings_behind = [r for r in rows if any(req.behind for req in r.requirements[:4])]
    days_behind = [r for r in rows if r.activity_day.behind]
    compliance_url = reverse("training:compliance")
    rule = minimums(today.year, today, PROGRESS)
    below = below_count(user, rule, today)
    broken = list(out_of_service(user).select_related("organization").order_by("status_on", "pk"))
    unrecorded = TrainingSession.objects.visible_to(user).filter(attendances__isnull=True).count()
    todos = [
        Todo(
            "training.sessions_unrecorded",
            "尚未登记参训党员的培训",
            unrecorded,
            f"{reverse('training:session_list')}?{urlencode({'unrecorded': 'on'})}",
            "warning",
            hint="人次按参训名单统计，请逐个党支部勾选到会党员" if unrecorded else "",
        ),
        Todo(
            "training.meetings_behind",
            f"{today.year}年三会一课未按期开展的党支部",
            len(meetings_behind),
            f"{compliance_url}?{urlencode({'behind': 'on'})}",
            "warning",
            hint="已结束的月份、季度中缺少支部党员大会、支委会、党小组会或党课" if meetings_behind else "",
            items=tuple(
                TodoItem(
                    r.org.name,
                    f"{compliance_url}?{urlencode({'org': r.org.code})}",
                    "、".join(r.behind_kinds),
                )
                for r in meetings_behind[:MAX_ITEMS]
            ),
        ),
        Todo(
            "training.activity_day_behind",
            f"{today.year}年主题党日未按期开展的党支部",
            len(days_behind),
            f"{compliance_url}?{urlencode({'behind': 'on', 'kind': MeetingKind.ACTIVITY_DAY})}",
            "warning",
        ),
        Todo(
            "training.hours_below",
            "培训学时落后进度的党员",
            below,
            f"{reverse('training:hours')}?{urlencode({'measure': PROGRESS, 'below': 'on'})}",
            "info",
            hint=(
                f"按全年{rule.member}学时（书记{rule.secretary}学时）、已过{rule.months}个月折算"
                if below
                else ""
            ),
        ),
        Todo(
            "training.av_broken",
            "故障停用的电教设备",
            len(broken),
            f"{reverse('training:av_list')}?{urlencode({'status': 'BROKEN'})}",
            "warning",
            items=tuple(
                TodoItem(e.organization.name, e.get_absolute_url(), f"{e.status_on:%Y-%m-%d}起停用")
                for e in broken[:MAX_ITEMS]
            ),
        ),
    ]
    actions = (
        [
            Action("登记培训", reverse("training:session_new"), "bi-mortarboard"),
            Action("登记三会一课", reverse("training:meeting_new"), "bi-journal-check"),
        ]
        if can_write(user)
        else []
    )
    return [
        TodoGroup(
            key="training",
            title="教育培训与组织生活",
            order=60,
            todos=todos,
            actions=actions,
            icon="bi-journal-text",
            url=reverse("training:index"),
        )
    ]
