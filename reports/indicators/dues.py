"""dues.*: levied and paid for the months of the period, arrears at its end, remitted and spent in it."""

from __future__ import annotations

from typing import Any

from dues.selectors.figures import dues_figures

from ..periods import Period
from .base import amount, count, family, rate, rate_of


@family(
    "dues",
    amount("dues.levied", "应交党费", "统计期各月按标准应交的党费"),
    amount("dues.paid", "实交党费", "统计期各月实际交纳的党费"),
    rate_of("dues.collection_rate", "党费收缴率", "实交党费占应交党费的比例", ("dues.paid", "dues.levied")),
    count("dues.members_in_arrears", "欠交党费党员", "名", "期末有未交月份的党员"),
    amount("dues.remitted", "上缴党费", "统计期内向上级党组织上缴的党费"),
    amount("dues.retained_spent", "留存党费支出", "统计期内留存党费的支出"),
    amount("dues.retained_spent_av", "留存党费用于电教", "统计期内留存党费用于电化教育设备的支出"),
    amount("dues.retained_spent_care", "留存党费用于慰问", "统计期内留存党费用于慰问困难党员的支出"),
)
def dues_family(org: Any, period: Period) -> dict[str, Any]:
    """The dues app's own figures for the subtree and period (a fixed number of queries)."""
    figures = dues_figures(org, period.start, period.end)
    return {
        "dues.levied": figures.levied,
        "dues.paid": figures.paid,
        "dues.collection_rate": rate(figures.paid, figures.levied),
        "dues.members_in_arrears": figures.members_in_arrears,
        "dues.remitted": figures.remitted,
        "dues.retained_spent": figures.retained_spent,
        "dues.retained_spent_av": figures.retained_spent_av,
        "dues.retained_spent_care": figures.retained_spent_care,
    }
