"""The annual assessment's to-dos on the 工作台 (registered in ``AssessmentsConfig.ready``; see ``organizations.todos``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core.scopes import can_write, scope_root, sees_everything
from members.models import Member
from organizations.todos import Action, Todo, TodoGroup

from ..choices import AgreementStatus
from ..models import InspectionFinding, MemberAppraisal, TargetAgreement
from .appraisals import follow_ups_due, rounds_for

#: A 限期改正 whose deadline is this close counts as due.
DUE_SOON_DAYS = 30


def _rounds_url(user: Any, rounds: list[Any]) -> str:
    """A branch in one open round goes straight to its grade sheet; everyone else to the rounds."""
    root = scope_root(user)
    if len(rounds) == 1 and root is not None and root.kind in ("BRANCH", "GENERAL_BRANCH"):
        return reverse("assessments:round_grades", args=[rounds[0].pk, root.code])
    return reverse("assessments:round_list")


def assessment_todos(user: Any, today: dt.date) -> list[TodoGroup]:
    """Agreements, rectifications, appraisal, follow-ups: six queries (seven while a round is open).

    1 the year's agreements not signed, 2 members with no agreement of the
    year, 3 rectification items past their deadline, 4 the open appraisal
    rounds covering the scope, (5 members not yet appraised in them), 6–7 the
    不合格 without a decision and the 限期改正 falling due.
    """
    if not sees_everything(user) and scope_root(user) is None:
        return []
    year = today.year
    roster = reverse("assessments:member_roster")
    pending = (
        TargetAgreement.objects.visible_to(user)
        .filter(year=year, signed_on__isnull=True, exemption="")
        .count()
    )
    of_year = TargetAgreement.objects.filter(year=year, member=OuterRef("pk"))
    without = Member.objects.visible_to(user).current().filter(~Exists(of_year)).count()
    overdue = InspectionFinding.objects.visible_to(user).overdue_on(today).count()
    rounds = list(
        rounds_for(user)
        .filter(closed_on__isnull=True, year__gte=year - 1)
        .select_related("organization")
        .order_by("-year", "pk")
    )
    not_graded = 0
    if rounds:
        covered = Q()
        for r in rounds:
            covered |= Q(organization__path__subtree=r.organization.path)
        graded = MemberAppraisal.objects.filter(year__in={r.year for r in rounds}, member=OuterRef("pk"))
        not_graded = Member.objects.visible_to(user).current().filter(covered).filter(~Exists(graded)).count()
    undecided, due = follow_ups_due(user, today, DUE_SOON_DAYS)
    todos = [
        Todo(
            "assessments.unsigned",
            f"{year}年度责任书待签订",
            pending,
            f"{roster}?{urlencode({'year': year, 'status': AgreementStatus.PENDING})}",
            "warning",
            hint="已生成、尚未登记签订日期",
        ),
        Todo(
            "assessments.not_issued",
            f"{year}年度未生成责任书的党员",
            without,
            f"{roster}?{urlencode({'year': year, 'status': AgreementStatus.NONE})}",
            hint="符合免签条件的也应登记免签原因" if without else "",
        ),
        Todo(
            "assessments.rectifications",
            "逾期未整改的问题",
            overdue,
            f"{reverse('assessments:rectification_list')}?overdue=on",
            "danger",
        ),
        Todo(
            "assessments.rounds",
            "民主评议进行中",
            len(rounds),
            _rounds_url(user, rounds),
            hint=f"尚有{not_graded}名党员未录入评议等次" if rounds else "",
        ),
        Todo(
            "assessments.follow_ups",
            "不合格党员待处置",
            undecided + due,
            reverse("assessments:follow_up_list"),
            "danger",
            hint="，".join(
                part
                for part in (
                    f"未作处置 {undecided}" if undecided else "",
                    f"{DUE_SOON_DAYS}天内到期或已到期的限期改正 {due}" if due else "",
                )
                if part
            ),
        ),
    ]
    actions = []
    if can_write(user):
        root = scope_root(user)
        if root is not None and root.kind in ("BRANCH", "GENERAL_BRANCH"):
            actions.append(
                Action(
                    "签订党员责任书", reverse("assessments:member_sheet", args=[root.code, year]), "bi-pen"
                )
            )
        actions.append(Action("登记民主生活会", reverse("assessments:life_meeting_new"), "bi-people"))
    return [
        TodoGroup(
            key="assessments",
            title="考核评议",
            order=60,
            todos=todos,
            actions=actions,
            icon="bi-clipboard-check",
            url=reverse("assessments:index"),
        )
    ]
