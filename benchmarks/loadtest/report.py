"""The load test's figures: p50/p95 per page, as a table for docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections import defaultdict
from pathlib import Path
from typing import Any

from .check import HOT_PER_BRANCH
from .driver import Sample, Tally

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
DOC_BEGIN = "<!-- loadtest:begin -->"
DOC_END = "<!-- loadtest:end -->"
LOGIN_PAGES = ("登录页", "登录")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def summary(tally: Tally) -> list[tuple[str, int, float, float, float, int]]:
    """Per page: requests, p50, p95, max (ms) and 5xx answers."""
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in tally.samples:
        by_page[sample.page].append(sample)
    rows = []
    for page, samples in by_page.items():
        times = [s.seconds * 1000 for s in samples]
        errors = sum(1 for s in samples if s.status >= 500)
        rows.append((page, len(samples), percentile(times, 0.5), percentile(times, 0.95), max(times), errors))
    return rows


def markdown(
    rows: list[tuple[str, int, float, float, float, int]],
    *,
    users: int,
    seconds: float,
    members: int,
    tally: Tally,
    verdict: dict[str, Any],
    login_seconds: float,
) -> str:
    clicks = sum(r[1] for r in rows if r[0] not in LOGIN_PAGES)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        DOC_BEGIN,
        f"测量于 {dt.date.today():%Y-%m-%d}（`make loadtest`），{os.cpu_count()} 核，Python {platform.python_version()}，"
        f"SQLite；gunicorn 2 个同步工作进程，仅 127.0.0.1；演示县 {members} 名党员；{users} 名用户各登录一次"
        f"（登录阶段 {login_seconds:.0f} 秒），随后点击 {seconds:.0f} 秒，共 {clicks} 次请求（{clicks / seconds:.1f} 次/秒），"
        f"每次点击之间停 0.2–1 秒。结束时机器负载（1/5/15 分钟）{load}。",
        "",
        "| 页面 | 请求数 | p50 | p95 | 最长 | 5xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = [
        "登录页",
        "登录",
        "工作台",
        "党员列表",
        "党员列表翻页",
        "党员搜索",
        "党员信息",
        "党组织树",
        "导出党员名册 .xlsx",
        "修改党员信息（打开）",
        "修改党员信息（保存）",
    ]
    for page, count, p50, p95, longest, errors in sorted(
        rows, key=lambda r: order.index(r[0]) if r[0] in order else 99
    ):
        lines.append(
            f"| {page} | {count} | {p50:.0f} 毫秒 | {p95:.0f} 毫秒 | {longest:.0f} 毫秒 | {errors} |"
        )
    lines += [
        "",
        f"同时修改同一批党员（每个支部 {HOT_PER_BRANCH} 名，由能看到该支部的干事、组织员和支部书记一起改）："
        f"保存被接受 {len(tally.accepted)} 次，因页面已过期被拒绝 {len(tally.refused)} 次；"
        f"运行后核对数据库：{verdict['members']} 名党员的记录和审计日志与被接受的保存一一对应，"
        f"{'无丢失的修改' if not verdict['problems'] else '发现问题：' + '；'.join(verdict['problems'])}。"
        f"服务器错误（5xx）{sum(r[5] for r in rows)} 次。",
        DOC_END,
    ]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if DOC_BEGIN in doc and DOC_END in doc:
        before, rest = doc.split(DOC_BEGIN, 1)
        after = rest.split(DOC_END, 1)[1]
        doc = before + text + after
    else:
        doc = doc.rstrip("\n") + "\n\n### 负载测试（make loadtest）\n\n" + text + "\n"
    DOC.write_text(doc, encoding="utf-8")
