"""training.*, lectures.*, av.*: sessions and person-times by kind and level, party lectures, AV education."""

from __future__ import annotations

from typing import Any

from training.selectors.av import av_figures
from training.selectors.figures import training_figures
from training.selectors.lectures import lecture_figures

from ..periods import Period
from .base import amount, count, family

SLICES = (
    ("theory", "理论培训", "统计期内举办的理论培训"),
    ("technical", "科技培训", "统计期内举办的科技培训（农村实用技术）"),
    ("county", "县委培训", "统计期内县委举办的培训"),
    ("committee", "党委培训", "统计期内各基层党委举办的培训"),
    ("branch", "支部培训", "统计期内各党支部、党总支举办的培训"),
    ("av", "电教培训", "统计期内以电化教育形式开展的培训"),
    ("av_theory", "电教理论培训", "统计期内电化教育形式的理论培训"),
    ("av_technical", "电教科技培训", "统计期内电化教育形式的科技培训"),
)


@family(
    "training",
    *(
        indicator
        for key, label, definition in SLICES
        for indicator in (
            count(f"training.{key}_sessions", f"{label}期数", "期", definition),
            count(
                f"training.{key}_person_times", f"{label}人次", "人次", f"{definition}的参训人次（按签到计）"
            ),
        )
    ),
    count("lectures.units", "讲党课的县级单位", "个", "统计期内有领导干部讲党课的县级单位"),
    count("lectures.leaders", "讲党课的领导干部", "名", "统计期内讲党课的领导干部"),
    count("lectures.branches", "听党课的党支部", "个", "统计期内领导干部讲党课的党支部"),
    count("lectures.sessions", "讲党课期数", "期", "统计期内领导干部讲党课的次数"),
    count("lectures.person_times", "听党课人次", "人次", "统计期内听党课的人次"),
    count("av.sets_delivered", "配备电教设备", "套", "统计期内配发的电教设备套数"),
    amount("av.amount", "电教设备金额", "统计期内配发电教设备的金额"),
    count("av.committees_equipped", "配备电教设备的党委", "个", "统计期内配发了电教设备的基层党委"),
    count("av.branches_equipped", "配备电教设备的党支部", "个", "统计期内配发了电教设备的党支部"),
    count("av.township_committees_covered", "电教覆盖乡镇党委", "个", "期末有可用电教设备的乡镇党委"),
    count("av.village_branches_covered", "电教覆盖村党支部", "个", "期末有可用电教设备的村党支部"),
)
def training_family(org: Any, period: Period) -> dict[str, Any]:
    values: dict[str, Any] = {}
    values.update(training_figures(org, period.start, period.end).as_indicators())
    values.update(lecture_figures(org, period.start, period.end).as_indicators())
    values.update(av_figures(org, period.start, period.end).as_indicators())
    return values
