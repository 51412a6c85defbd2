"""The 2008 dues standards (中组发〔2008〕3号) and default remittance shares, as the rows a fresh database starts with.

Seeded by ``dues/migrations/0002_seed_standards`` (and again by the test
suite after a transactional test empties the tables).  An administrator
changes them in the admin: a new standard is new rows from a later month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

DOCUMENT = "中组发〔2008〕3号"
EFFECTIVE = dt.date(2008, 4, 1)

BRACKETS = [
    # category, above, up to, rate %
    ("IN_SERVICE", None, "3000.00", "0.5"),
    ("IN_SERVICE", "3000.00", "5000.00", "1"),
    ("IN_SERVICE", "5000.00", "10000.00", "1.5"),
    ("IN_SERVICE", "10000.00", None, "2"),
    ("RETIRED", None, "5000.00", "0.5"),
    ("RETIRED", "5000.00", None, "1"),
]
FIXED = [
    # category, default, min, max, note
    ("FARMER", "1.00", "0.20", "1.00", "农民党员每月交纳党费0.2元至1元"),
    ("STUDENT", "0.20", None, None, "学生党员每月交纳党费0.2元"),
    ("UNEMPLOYED", "0.20", None, None, "下岗失业的党员每月交纳党费0.2元"),
    ("RELIEF", "0.20", None, None, "依靠抚恤或救济生活的党员、领取当地最低生活保障金的党员每月交纳党费0.2元"),
    ("EXEMPT", "0.00", None, None, "生活确有困难的，经支部委员会讨论、上级党委批准，可以免交"),
]


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def seed_standards(rule: Any = None, share: Any = None) -> None:
    """Write the 2008 rows and the default shares unless there are standards already (models may be historical)."""
    if rule is None or share is None:
        from .models import DuesRule, RemittanceRule

        rule, share = DuesRule, RemittanceRule
    if not rule.objects.exists():
        rule.objects.bulk_create(
            [
                rule(
                    category=category,
                    effective_from=EFFECTIVE,
                    income_above=_dec(above),
                    income_upto=_dec(upto),
                    rate=_dec(rate),
                    document_no=DOCUMENT,
                )
                for category, above, upto, rate in BRACKETS
            ]
            + [
                rule(
                    category=category,
                    effective_from=EFFECTIVE,
                    amount=_dec(amount),
                    amount_min=_dec(low),
                    amount_max=_dec(high),
                    document_no=DOCUMENT,
                    note=note,
                )
                for category, amount, low, high, note in FIXED
            ]
        )
    if not share.objects.exists():
        share.objects.create(
            effective_from=EFFECTIVE,
            branch_retains=Decimal("0"),
            general_branch_retains=Decimal("0"),
            committee_retains=Decimal("50"),
            county_retains=Decimal("50"),
            retired_branch_return=Decimal("40"),
            note="默认值：党支部、党总支全额上缴，基层党委和县委各留存一半；按本省规定在后台修改",
        )
