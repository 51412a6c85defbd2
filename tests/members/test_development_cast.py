"""The development tests' cast: applicants of branch A, a second full member, and a walk through the steps.

No tests here; the test modules import the fixtures and helpers they need.

Dates of the standard walk (branch A, 各甫村党支部): application 2023-03-01,
activist 2023-04-10, candidate 2024-04-10, admission meeting 2024-07-08,
probation ends 2025-07-08, archive 2025-08-01.  "Today" is frozen where the
rule depends on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from core.idcard import check_char
from members.models.development import Outcome, PublicityResult, Step, VettingResult
from members.services.development import applicant_create, publicity_close, publicity_create, step_record
from members.services.member import member_register
from tests.conftest import member_fields

#: The fixtures, for ``from .test_development_cast import *`` in the test modules.
__all__ = ["applicant_a", "ctx", "frozen", "member_a2"]

#: The day the walk's tests run on unless they travel elsewhere.
TODAY = dt.date(2026, 6, 30)

DATES: dict[int, dt.date] = {
    1: dt.date(2023, 3, 1),
    2: dt.date(2023, 3, 20),
    3: dt.date(2023, 4, 10),
    4: dt.date(2023, 4, 20),
    5: dt.date(2023, 4, 25),
    6: dt.date(2023, 10, 25),
    7: dt.date(2024, 4, 10),
    8: dt.date(2024, 4, 20),
    9: dt.date(2024, 5, 6),
    10: dt.date(2024, 5, 20),
    11: dt.date(2024, 6, 3),
    12: dt.date(2024, 6, 17),
    13: dt.date(2024, 6, 24),
    14: dt.date(2024, 7, 1),
    15: dt.date(2024, 7, 8),
    16: dt.date(2024, 7, 15),
    17: dt.date(2024, 8, 1),
    18: dt.date(2024, 8, 10),
    19: dt.date(2024, 8, 15),
    20: dt.date(2024, 8, 20),
    21: dt.date(2025, 1, 20),
    22: dt.date(2025, 6, 23),
    23: dt.date(2025, 7, 8),
    24: dt.date(2025, 7, 20),
    25: dt.date(2025, 8, 1),
}

#: A five-working-day 公示 (Monday to Friday) ending before steps 3, 12 and 22.
PUBLICITY: dict[int, tuple[dt.date, dt.date]] = {
    3: (dt.date(2023, 3, 27), dt.date(2023, 3, 31)),
    12: (dt.date(2024, 6, 4), dt.date(2024, 6, 11)),  # over 端午节 (Monday 10 June): 5 working days
    22: (dt.date(2025, 6, 16), dt.date(2025, 6, 20)),
}

APPROVER_STEPS = (Step.ADMISSION_APPROVAL, Step.CONFIRMATION_APPROVAL)


def make_id(birth: dt.date, seq: int = 1, male: bool = True, region: str = "452628") -> str:
    """A valid ID number (GB 11643) for a birth date; the 17th digit is odd for men."""
    order = f"{seq % 100:02d}{(seq % 5) * 2 + (1 if male else 0)}"
    first17 = f"{region}{birth:%Y%m%d}{order}"
    return first17 + check_char(first17)


def person(**overrides: Any) -> dict[str, Any]:
    """Valid personal fields of an applicant (a young Zhuang farmer, male)."""
    birth = overrides.pop("birth_date", dt.date(1998, 5, 4))
    male = overrides.get("gender", "M") == "M"
    fields = dict(
        name="陆文华",
        gender="M",
        ethnicity="壮族",
        birth_date=birth,
        id_number=make_id(birth, overrides.pop("seq", 1), male),
        education="HIGH_SCHOOL",
        occupation="FARMER",
        is_frontline=True,
        is_rural=True,
        phone="13800000000",
        work_unit="各甫村",
    )
    fields.update(overrides)
    return fields


def default_particulars(number: int, ctx: dict[str, Any]) -> dict[str, Any]:
    """Particulars that satisfy every rule of the step."""
    if number == Step.CONTACTS:
        return {"first_contact": ctx["member_a"], "second_contact": ctx["member_a2"]}
    if number == Step.INTRODUCERS:
        return {"first_introducer": ctx["member_a"], "second_introducer": ctx["member_a2"]}
    if number == Step.VETTING:
        return {"vetting_result": VettingResult.PASSED}
    if number == Step.TRAINING:
        return {"training_days": 3, "training_hours": 24}
    if number == Step.ADMISSION_MEETING:
        return {"votes_entitled": 10, "votes_present": 8, "votes_for": 8, "document_no": "各支〔2024〕3号"}
    if number == Step.CONFIRMATION_MEETING:
        return {"votes_entitled": 10, "votes_present": 9, "votes_for": 9, "outcome": Outcome.ON_TIME}
    if number in APPROVER_STEPS:
        return {"approving_org": ctx["committee"], "document_no": "新党发〔2024〕8号"}
    return {}


def post_publicity(applicant: Any, number: int, actor: Any, start: dt.date, end: dt.date) -> Any:
    publicity = publicity_create(
        actor=actor, applicant=applicant, step=number, starts_on=start, ends_on=end, place="村务公开栏"
    )
    return publicity_close(actor=actor, publicity=publicity, result=PublicityResult.NO_OBJECTION)


def advance(
    applicant: Any,
    upto: int,
    ctx: dict[str, Any],
    *,
    dates: dict[int, dt.date] | None = None,
    overrides: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Record every missing step up to ``upto`` with valid particulars (公示 posted where needed)."""
    dates = {**DATES, **(dates or {})}
    overrides = overrides or {}
    done = set(applicant.steps.values_list("number", flat=True))
    for number in range(2, upto + 1):
        if number in done:
            continue
        actor = ctx["committee_staff"] if number in APPROVER_STEPS else ctx["secretary_a"]
        if number in PUBLICITY:
            start, end = PUBLICITY[number]
            post_publicity(applicant, number, ctx["secretary_a"], start, end)
        particulars = {**default_particulars(number, ctx), **overrides.get(number, {})}
        step_record(actor=actor, applicant=applicant, number=number, day=dates[number], **particulars)
    applicant.refresh_from_db()


@pytest.fixture
def frozen():
    """Freeze today at TODAY (the business day of the walk)."""
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def member_a2(tree, admin_user):
    """A second full member of branch A (introducer and contact)."""
    return member_register(
        actor=admin_user,
        organization=tree.branch_a,
        **member_fields(
            name="黄志明",
            gender="M",
            birth_date=dt.date(1970, 2, 3),
            id_number=make_id(dt.date(1970, 2, 3), 7, True),
            joined_on=dt.date(1995, 7, 1),
            full_on=dt.date(1996, 7, 1),
        ),
    )


@pytest.fixture
def ctx(tree, secretary_a, committee_staff, member_a, member_a2) -> dict[str, Any]:
    return {
        "tree": tree,
        "committee": tree.committee,
        "secretary_a": secretary_a,
        "committee_staff": committee_staff,
        "member_a": member_a,
        "member_a2": member_a2,
    }


@pytest.fixture
def applicant_a(frozen, ctx):
    """An applicant of branch A who handed in the application on 2023-03-01 (step 1 only)."""
    return applicant_create(
        actor=ctx["secretary_a"], organization=ctx["tree"].branch_a, applied_on=DATES[1], **person()
    )
