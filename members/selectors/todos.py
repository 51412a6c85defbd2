"""The members app's to-dos on the 工作台 (registered in ``MembersConfig.ready``; see ``organizations.todos``).

Read-only and built on the selectors behind the pages the counts link to
(the development worklist, the transfer queue, the lost-contact flags), so a
count on the home page is the number of rows the user finds one click later.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.urls import reverse

from core.scopes import can_write, scope_root, sees_everything
from organizations.models import Organization
from organizations.todos import Action, Todo, TodoGroup

from ..models import TransferKind
from ..models.development import Step
from .development import WorkItem, Worklist, worklist
from .transfers import FLAG_LABELS, lost_contact_flags, transfer_list, transfer_queue

#: Deadlines this close count as "due soon".
DUE_SOON_DAYS = 30
#: Steps with a row of their own: the committee's approvals and the 转正 meeting (预备期将满).
OWN_ROW_STEPS = (Step.ADMISSION_APPROVAL, Step.CONFIRMATION_APPROVAL, Step.CONFIRMATION_MEETING)


def member_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Development, transfers and lost contact: 10 queries (11 for a committee that approves).

    worklist: 2 rule reads, the open applicants, the running 公示; approvals:
    the approving organizations of the scope (only for a committee with
    approval authority); transfers: overdue letters, letters to accept,
    letters out of the county waiting for their receipt; lost contact: the
    two rules in one read, the open records, the suspended members.
    """
    if not sees_everything(user) and scope_root(user) is None:
        return []  # no scope, nothing to count
    writer = can_write(user)
    return [
        _development(user, today, worklist(user, today), writer),
        _transfers(user, today, writer),
        _members(user, today, writer),
    ]


def approvals_for(user: Any, items: list[WorkItem]) -> list[WorkItem]:
    """The approvals (steps 17 and 24) that are this user's committee's act.

    An approval belongs to the nearest committee above the branch of the
    applicant (step 17) or 预备党员 (step 24) with approval authority (``approving_orgs_for``).  A user sees it when that
    committee is their own organization; an administrator sees them all; a
    branch or a committee without authority has none to give.
    """
    if sees_everything(user):
        return items
    root = scope_root(user)
    if root is None or not root.can_approve_members:
        return []
    approving = list(
        Organization.objects.visible_to(user).filter(can_approve_members=True).values_list("path", flat=True)
    )

    def approver(branch_path: str) -> str | None:
        above = [p for p in approving if branch_path.startswith(p) and p != branch_path]
        return max(above, key=len, default=None)

    return [item for item in items if approver(item.organization.path) == root.path]


def _development(user: Any, today: dt.date, work: Worklist, writer: bool) -> TodoGroup:
    index = reverse("members:development_index")
    last = today + dt.timedelta(days=DUE_SOON_DAYS)
    due_soon = [
        item
        for item in work.due
        if item.due_on
        and not item.earliest
        and item.step not in OWN_ROW_STEPS
        and today <= item.due_on <= last
    ]
    todos = [
        Todo("development.overdue", "逾期未办的发展步骤", len(work.overdue), index, "danger"),
        Todo(
            "development.due",
            f"{DUE_SOON_DAYS}天内到期的发展步骤",
            len(due_soon),
            index,
            "warning",
        ),
        Todo(
            "development.publicity",
            "公示中（待录入公示结果）",
            len(work.publicity),
            reverse("members:publicity_list"),
        ),
        Todo(
            "development.probation",
            "预备期30天内期满",
            len(work.probation_ending),
            f"{index}#probation",
            "warning",
            hint="应及时讨论转正" if work.probation_ending else "",
        ),
        Todo(
            "development.probation_overdue",
            "预备期已满未转正",
            len(work.probation_overdue),
            f"{index}#overdue",
            "danger",
            hint="应经支部大会讨论转正、延长预备期或取消预备资格" if work.probation_overdue else "",
        ),
    ]
    root = scope_root(user)
    if sees_everything(user) or (root is not None and root.can_approve_members):
        approvals = approvals_for(user, work.approvals)
        kinds = Counter(item.step for item in approvals)
        hint = "，".join(f"{label} {kinds[step]}" for step, label in _APPROVAL_LABELS if kinds[step])
        todos.append(Todo("development.approvals", "待上级党委审批", len(approvals), index, hint=hint))
    actions = (
        [Action("登记入党申请人", reverse("members:applicant_create"), "bi-person-plus")] if writer else []
    )
    return TodoGroup(
        key="development",
        title="发展党员",
        order=20,
        todos=todos,
        actions=actions,
        icon="bi-person-plus",
        url=index,
    )


_APPROVAL_LABELS = ((Step.ADMISSION_APPROVAL, "接收预备党员"), (Step.CONFIRMATION_APPROVAL, "预备党员转正"))


def _transfers(user: Any, today: dt.date, writer: bool) -> TodoGroup:
    queue = transfer_queue(user, today)
    waiting_receipt = transfer_list(user).pending().filter(kind=TransferKind.OUT).count()
    queue_url = reverse("members:transfer_queue")
    todos = [
        Todo("transfers.accept", "介绍信待接收", len(queue.awaiting_acceptance), queue_url, "warning"),
        Todo(
            "transfers.receipt",
            "转出县外待回执",
            waiting_receipt,
            f"{reverse('members:transfer_list')}?kind={TransferKind.OUT}&status=PENDING",
        ),
        Todo("transfers.overdue", "介绍信逾期未办结", len(queue.overdue), queue_url, "danger"),
    ]
    actions = (
        [
            Action("开具介绍信", reverse("members:transfer_issue"), "bi-envelope-paper"),
            Action("登记县外转入", reverse("members:transfer_incoming"), "bi-box-arrow-in-right"),
        ]
        if writer
        else []
    )
    return TodoGroup(
        key="transfers",
        title="组织关系转接",
        order=30,
        todos=todos,
        actions=actions,
        icon="bi-arrow-left-right",
        url=reverse("members:transfer_list"),
    )


def _members(user: Any, today: dt.date, writer: bool) -> TodoGroup:
    flags = lost_contact_flags(user, today)
    kinds = Counter(flag.kind for flag in flags)
    hint = "，".join(f"{label} {kinds[kind]}" for kind, label in FLAG_LABELS.items() if kinds[kind])
    todos = [
        Todo(
            "members.lost_contact",
            "失联党员待处置",
            len(flags),
            reverse("members:lost_contact_flags"),
            "danger",
            hint=hint,
        ),
    ]
    actions = (
        [
            Action("登记党员", reverse("members:create"), "bi-person-plus-fill"),
            Action("登记失联党员", reverse("members:lost_contact_new"), "bi-person-exclamation"),
        ]
        if writer
        else []
    )
    return TodoGroup(
        key="members",
        title="党员管理",
        order=40,
        todos=todos,
        actions=actions,
        icon="bi-people",
        url=reverse("members:list"),
    )
