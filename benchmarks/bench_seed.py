"""Seeding the demo county: total and per-step time, rows written."""

from __future__ import annotations

from benchmarks import BenchContext


def run(ctx: BenchContext) -> None:
    from members.models import Member, MemberPeriod
    from organizations.models import LeadershipPost, Organization

    ctx.record("生成演示县（合计）", round(ctx.seed_seconds, 2), "秒", f"{len(ctx.demo.members)}名党员")
    for step, seconds in ctx.step_seconds.items():
        ctx.record(f"步骤 {step}", round(seconds, 2), "秒")
    ctx.record("党组织", Organization.objects.count(), "个", "经 org_create 等服务写入（含审计记录）")
    ctx.record("党员", Member.objects.count(), "名", "bulk_create")
    ctx.record("组织关系记录", MemberPeriod.objects.count(), "条", "bulk_create")
    ctx.record("班子职务", LeadershipPost.objects.count(), "条", "bulk_create")
    if ctx.seed_seconds:
        ctx.record(
            "党员生成速度", round(len(ctx.demo.members) / ctx.seed_seconds), "名/秒", "整个种子过程平均"
        )
