"""The load test's Django side, run in a subprocess with the run's environment: its users, and the check afterwards."""

from __future__ import annotations

import secrets
from collections import defaultdict
from typing import Any

#: The run's users by role: (share of --users, organization name from the demo county, role).
GROUPS = (
    ("county", 0.28, "富宁县委", "COUNTY_STAFF"),
    ("committee", 0.20, "新华镇党委", "COMMITTEE_STAFF"),
    ("branch_a", 0.16, "各甫村党支部", "BRANCH_SECRETARY"),
    ("branch_b", 0.16, "新华社区党支部", "BRANCH_SECRETARY"),
    ("auditor", 0.20, "富宁县委", "AUDITOR"),
)
#: Members of each demo branch every editor of that branch edits during the run.
HOT_PER_BRANCH = 3
STALE_MESSAGE = "您的修改未保存"


def setup(users: int) -> dict[str, Any]:
    """Create the run's users and pick the hot members; return the plan the driver follows."""
    from django.contrib.auth.hashers import make_password

    from members.models import Member
    from organizations.models import Organization, User

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # once: fifty PBKDF2 hashes would cost most of a minute
    orgs = {name: Organization.objects.active().get(name=name) for _, _, name, _ in GROUPS}
    counts = [max(1, round(users * share)) for _, share, _, _ in GROUPS]
    counts[0] += users - sum(counts)
    plan: dict[str, Any] = {"password": password, "users": [], "groups": {}, "hot": {}}
    made = []
    for (key, _, org_name, role), count in zip(GROUPS, counts, strict=True):
        for i in range(1, count + 1):
            username = f"load_{key}_{i:02d}"
            made.append(
                User(
                    username=username,
                    password=hashed,
                    role=role,
                    organization=orgs[org_name],
                    full_name=f"负载{key}{i}",
                )
            )
            plan["users"].append({"username": username, "group": key})
    User.objects.bulk_create(made)
    for key, _, org_name, _ in GROUPS:
        sample = User.objects.filter(username__startswith=f"load_{key}_").first()
        if sample is None:
            continue  # a run with fewer users than groups
        visible = Member.objects.visible_to(sample).current()
        ids = list(visible.order_by("?").values_list("pk", flat=True)[:300])
        names = list(visible.order_by("?").values_list("name", flat=True)[:40])
        branches = list(
            Organization.objects.visible_to(sample)
            .active()
            .filter(kind="BRANCH", members__isnull=False)
            .distinct()
            .order_by("?")
            .values_list("code", flat=True)[:20]
        )
        plan["groups"][key] = {"members": ids, "names": names, "branches": branches, "org": org_name}
    for key, org_name in (("branch_a", GROUPS[2][2]), ("branch_b", GROUPS[3][2])):
        org = orgs[org_name]
        hot = Member.objects.filter(organization=org).current().order_by("pk")[:HOT_PER_BRANCH]
        plan["hot"][key] = [{"pk": m.pk, "version": m.version, "work_unit": m.work_unit} for m in hot]
        if not plan["hot"][key]:
            raise SystemExit(f"演示县中“{org.name}”没有党员，无法测试同时修改；请用更多党员生成（--members）")
    return plan


def verify(plan: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """Check the database against what the driver saw: every accepted save recorded, nothing else."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from members.models import Member

    content_type = ContentType.objects.get_for_model(Member)
    accepted: dict[int, dict[str, str]] = defaultdict(dict)
    for pk, marker, username in results["accepted"]:
        accepted[pk][marker] = username
    refused = {marker for _, marker, _ in results["refused"]}
    problems: list[str] = []
    checked = 0
    for hot in [m for members in plan["hot"].values() for m in members]:
        pk = hot["pk"]
        member = Member.objects.get(pk=pk)
        entries = [
            (e.changes_dict["work_unit"][1], e.actor.username if e.actor else None)
            for e in LogEntry.objects.filter(
                content_type=content_type, object_id=pk, action=LogEntry.Action.UPDATE
            )
            .select_related("actor")
            .order_by("pk")
            if "work_unit" in e.changes_dict
        ]
        logged = dict(entries)
        mine = accepted[pk]
        if len(entries) != len(mine) or logged != mine:
            lost = sorted(set(mine) - set(logged))
            phantom = sorted(set(logged) - set(mine))
            wrong = sorted(m for m in set(mine) & set(logged) if mine[m] != logged[m])
            problems.append(
                f"党员{pk}：审计记录与被接受的保存不符（缺{lost}，多{phantom}，操作人不符{wrong}）"
            )
        if entries and member.work_unit != entries[-1][0]:
            problems.append(f"党员{pk}：记录中的工作单位“{member.work_unit}”不是最后一次被接受的保存")
        if member.version != hot["version"] + len(mine):
            problems.append(f"党员{pk}：版本{member.version}，应为{hot['version']}+{len(mine)}")
        if member.work_unit in refused or refused & set(logged):
            problems.append(f"党员{pk}：被拒绝的保存出现在记录或审计日志中")
        checked += 1
    return {"members": checked, "accepted": sum(len(v) for v in accepted.values()), "problems": problems}
