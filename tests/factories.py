"""Builders for the cast and the common records, through the services (so history and audit rows are real).

Plain functions, keyword arguments for everything a test may want to vary.
The fixtures in ``tests/conftest.py`` (the fixed cast) and in each app's
``conftest.py`` are built on these; a test that needs one more record calls
the builder itself::

    member = make_member(tree.branch_a, actor=admin_user, name="黄志明", seq=7)
    applicant = make_applicant(tree.branch_a, actor=secretary_a)
    advance(applicant, 15, ctx)  # the standard walk up to the admission meeting

The development walk (``DATES``, ``PUBLICITY``, ``advance``) runs on branch A
(各甫村党支部): application 2023-03-01, activist 2023-04-10, candidate
2024-04-10, admission meeting 2024-07-08, probation ends 2025-07-08,
archive 2025-08-01; its tests freeze "today" at ``TODAY``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from core.idcard import check_char
from members.models import Confirmation, ImportJob
from members.models.development import Outcome, PublicityResult, Step, VettingResult
from members.services.care import care_visit_create
from members.services.development import (
    applicant_create,
    confirmation_record,
    publicity_close,
    publicity_create,
    step_record,
)
from members.services.member import member_register
from members.services.transfers import (
    certificate_issue,
    lost_contact_record,
    member_depart,
    mobile_register,
    transfer_issue,
)
from organizations.choices import OrgCategory, OrgKind, Role
from organizations.models import User
from organizations.services import org_create, post_appoint

PASSWORD = "demo-pass-2026"

#: The day every organization of the cast was established.
DAY0 = dt.date(2000, 1, 1)


# --- people --------------------------------------------------------------------------------------


def make_id(birth: dt.date, seq: int = 1, male: bool = True, region: str = "452628") -> str:
    """A valid ID number (GB 11643) for a birth date; the 17th digit is odd for men."""
    order = f"{seq % 100:02d}{(seq % 5) * 2 + (1 if male else 0)}"
    first17 = f"{region}{birth:%Y%m%d}{order}"
    return first17 + check_char(first17)


def make_user(username: str, role: str, org: Any, **extra: Any) -> User:
    """A user of ``role`` in ``org`` whose password is ``PASSWORD``."""
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, organization=org, full_name=username, **extra
    )


def make_admin() -> User:
    """The superuser that builds the cast's organizations and members."""
    return User.objects.create_superuser(username="admin", password=PASSWORD, role=Role.ADMIN)


#: The cast's users: fixture name → (username, role, attribute of ``make_tree``'s namespace).
CAST_USERS: dict[str, tuple[str, str, str]] = {
    "county_staff": ("county", Role.COUNTY_STAFF, "county"),
    "committee_staff": ("committee", Role.COMMITTEE_STAFF, "committee"),
    "secretary_a": ("secretary_a", Role.BRANCH_SECRETARY, "branch_a"),
    "secretary_b": ("secretary_b", Role.BRANCH_SECRETARY, "branch_b"),
    "auditor": ("auditor", Role.AUDITOR, "county"),
}


def make_cast_user(name: str, tree: SimpleNamespace) -> User:
    """The cast's user ``name`` (a key of ``CAST_USERS``) in the organizations of ``make_tree``."""
    username, role, org = CAST_USERS[name]
    return make_user(username, role, getattr(tree, org))


# --- organizations -------------------------------------------------------------------------------


def make_org(parent: Any, code: str, name: str, *, actor: Any, **fields: Any) -> Any:
    """An organization under ``parent`` (a branch of a village unless told), established on ``DAY0``."""
    fields = {"kind": OrgKind.BRANCH, "category": OrgCategory.VILLAGE, "established_on": DAY0, **fields}
    return org_create(actor=actor, parent=parent, code=code, name=name, **fields)


def make_tree(actor: Any) -> SimpleNamespace:
    """The cast's organizations: a county, two township committees, three branches."""
    t = SimpleNamespace()
    t.county = make_org(
        None, "C01", "富宁县委", actor=actor, kind=OrgKind.COUNTY_COMMITTEE, category=OrgCategory.ORGAN
    )
    t.committee = make_org(
        t.county,
        "C01T01",
        "新华镇党委",
        actor=actor,
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        can_approve_members=True,
    )
    t.branch_a = make_org(t.committee, "C01T01B01", "各甫村党支部", actor=actor)
    t.branch_b = make_org(
        t.committee, "C01T01B02", "新华社区党支部", actor=actor, category=OrgCategory.COMMUNITY
    )
    t.other_committee = make_org(
        t.county,
        "C01T02",
        "睦伦乡党委",
        actor=actor,
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        can_approve_members=True,
    )
    t.branch_c = make_org(t.other_committee, "C01T02B01", "睦伦村党支部", actor=actor)
    return t


def make_post(org: Any, *, actor: Any, title: str = "ORGANIZATION", **fields: Any) -> Any:
    """A leadership post held in ``org`` since 2020-01-01."""
    fields = {"holder_name": "农光明", "start_on": dt.date(2020, 1, 1), **fields}
    return post_appoint(actor=actor, org=org, title=title, **fields)


# --- members -------------------------------------------------------------------------------------


def member_fields(**overrides: Any) -> dict[str, Any]:
    """Valid fields for a full member born 1949-12-31 (ID 11010519491231002X is female)."""
    fields: dict[str, Any] = dict(
        name="张桂芳",
        gender="F",
        ethnicity="壮族",
        birth_date=dt.date(1949, 12, 31),
        id_number="11010519491231002X",
        education="HIGH_SCHOOL",
        occupation="FARMER",
        status="FULL",
        joined_on=dt.date(1975, 7, 1),
        full_on=dt.date(1976, 7, 1),
        is_rural=True,
    )
    fields.update(overrides)
    return fields


def make_member(org: Any, *, actor: Any, **overrides: Any) -> Any:
    """Register a member of ``org`` through ``member_register`` (so its MemberPeriod history is written).

    Without overrides it is ``member_fields()``'s 张桂芳; pass ``birth_date`` and
    ``seq`` without ``id_number`` to get a valid ID number for that birth date.
    """
    if "id_number" not in overrides and ("seq" in overrides or "birth_date" in overrides):
        birth = overrides.get("birth_date", dt.date(1949, 12, 31))
        overrides["id_number"] = make_id(birth, overrides.pop("seq", 1), overrides.get("gender", "F") == "M")
    return member_register(actor=actor, organization=org, **member_fields(**overrides))


#: The cast's members: member_a (branch A), member_b (branch B), member_c (branch C), member_a2 (branch A).
CAST_MEMBERS: dict[str, dict[str, Any]] = {
    "member_a": {},
    "member_b": dict(
        name="李明",
        gender="M",
        birth_date=dt.date(1880, 1, 1),
        id_number="440524188001010014",
        ethnicity="汉族",
        joined_on=dt.date(1921, 7, 1),
        full_on=dt.date(1922, 7, 1),
    ),
    "member_c": dict(
        name="王强",
        gender="M",
        birth_date=dt.date(1982, 1, 13),
        id_number="513101198201130014",
        ethnicity="瑶族",
        joined_on=dt.date(2005, 7, 1),
        full_on=dt.date(2006, 7, 1),
    ),
    "member_a2": dict(
        name="黄志明",
        gender="M",
        birth_date=dt.date(1970, 2, 3),
        id_number=make_id(dt.date(1970, 2, 3), 7, True),
        joined_on=dt.date(1995, 7, 1),
        full_on=dt.date(1996, 7, 1),
    ),
}


# --- applicants and the development walk ---------------------------------------------------------

#: The day the walk's tests run on unless they travel elsewhere.
TODAY = dt.date(2026, 6, 30)

#: The day each of the 25 steps is recorded on in the standard walk.
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

#: A five-working-day 公示 ending before steps 3 and 12, and the 转正公示 between steps 22 and 23.
PUBLICITY: dict[int, tuple[dt.date, dt.date]] = {
    3: (dt.date(2023, 3, 27), dt.date(2023, 3, 31)),
    12: (dt.date(2024, 6, 4), dt.date(2024, 6, 11)),  # over 端午节 (Monday 10 June): 5 working days
    22: (dt.date(2025, 6, 24), dt.date(2025, 6, 30)),  # after the application (2025-06-23)
}
#: The step each 公示 must come before (the 转正公示, subject 22, before the meeting of step 23).
PUBLICITY_BEFORE = {3: 3, 12: 12, 23: 22}

APPROVER_STEPS = (Step.ADMISSION_APPROVAL, Step.CONFIRMATION_APPROVAL)


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


def make_applicant(org: Any, *, actor: Any, applied_on: dt.date = DATES[1], **overrides: Any) -> Any:
    """An applicant of ``org`` with step 1 (递交入党申请书) on ``applied_on``; ``overrides`` go to ``person``."""
    return applicant_create(actor=actor, organization=org, applied_on=applied_on, **person(**overrides))


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
    # Branch A has two full members (member_a, member_a2): only full members vote.
    if number == Step.ADMISSION_MEETING:
        return {"votes_entitled": 2, "votes_present": 2, "votes_for": 2, "document_no": "各支〔2024〕3号"}
    if number == Step.CONFIRMATION_MEETING:
        return {"votes_entitled": 2, "votes_present": 2, "votes_for": 2, "outcome": Outcome.ON_TIME}
    if number in APPROVER_STEPS:
        return {"approving_org": ctx["committee"], "document_no": "新党发〔2024〕8号"}
    return {}


def post_publicity(applicant: Any, number: int, actor: Any, start: dt.date, end: dt.date) -> Any:
    """A 公示 for step ``number`` from ``start`` to ``end``, closed with no objection."""
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
    """Record every missing step up to ``upto`` with valid particulars (公示 posted where needed).

    ``ctx`` holds ``secretary_a`` (records the steps), ``committee_staff`` and
    ``committee`` (approve), ``member_a`` and ``member_a2`` (contacts, introducers).
    """
    dates = {**DATES, **(dates or {})}
    overrides = overrides or {}
    done = set(applicant.steps.values_list("number", flat=True))
    if applicant.member_id:  # steps 23 and 24 are the member's 转正记录
        for c in Confirmation.objects.filter(member_id=applicant.member_id):
            done |= {Step.CONFIRMATION_MEETING} | ({Step.CONFIRMATION_APPROVAL} if c.decision else set())
    for number in range(2, upto + 1):
        if number in done:
            continue
        actor = ctx["committee_staff"] if number in APPROVER_STEPS else ctx["secretary_a"]
        if number in PUBLICITY_BEFORE:
            kind = PUBLICITY_BEFORE[number]
            start, end = PUBLICITY[kind]
            post_publicity(applicant, kind, ctx["secretary_a"], start, end)
        particulars = {**default_particulars(number, ctx), **overrides.get(number, {})}
        step_record(actor=actor, applicant=applicant, number=number, day=dates[number], **particulars)
        applicant.refresh_from_db()


def make_probationary(org: Any, *, actor: Any, joined_on: dt.date, seq: int = 31, **overrides: Any) -> Any:
    """A 预备党员 of ``org`` registered from records (no applicant), admitted on ``joined_on``."""
    birth = overrides.pop("birth_date", dt.date(1995, 3, 8))
    return make_member(
        org,
        actor=actor,
        **{
            "name": "韦小燕",
            "birth_date": birth,
            "seq": seq,
            "status": "PROBATIONARY",
            "joined_on": joined_on,
            "full_on": None,
            **overrides,
        },
    )


def make_pending_confirmation(member: Any, *, actor: Any, day: dt.date, voters: int = 1) -> Any:
    """A 按期转正 discussion of ``member`` on ``day`` waiting for the committee (``voters`` full members voting)."""
    return confirmation_record(
        actor=actor,
        member=member,
        day=day,
        outcome=Outcome.ON_TIME,
        votes_entitled=voters,
        votes_present=voters,
        votes_for=voters,
    )


def make_running_publicity(applicant: Any, *, actor: Any, step: int = 3, days: int = 9) -> Any:
    """A 公示 for ``step`` that starts today and is still open (step 2 recorded first when missing)."""
    if not applicant.steps.filter(number=2).exists():
        step_record(actor=actor, applicant=applicant, number=2, day=DATES[2])
    today = dt.date.today()
    return publicity_create(
        actor=actor,
        applicant=applicant,
        step=step,
        starts_on=today,
        ends_on=today + dt.timedelta(days=days),
        place="村务公开栏",
    )


# --- members in motion: letters, certificates, mobile members, leaving, lost contact -------------


def make_transfer(member: Any, *, actor: Any, **fields: Any) -> Any:
    """A 介绍信 issued today sending ``member`` out of the county."""
    fields = {
        "kind": "OUT",
        "issued_on": dt.date.today(),
        "to_external": "中共百色市右江区委组织部",
        **fields,
    }
    return transfer_issue(actor=actor, member=member, **fields)


def make_certificate(member: Any, *, actor: Any, **fields: Any) -> Any:
    """A 证明信 issued today for 外出务工, valid 90 days."""
    today = dt.date.today()
    fields = {
        "issued_on": today,
        "destination": "广东省东莞市",
        "reason": "外出务工",
        "valid_until": today + dt.timedelta(days=90),
        **fields,
    }
    return certificate_issue(actor=actor, member=member, **fields)


def make_mobile(member: Any, *, actor: Any, **fields: Any) -> Any:
    """``member`` registered as a mobile member since today."""
    fields = {"destination": "广东省东莞市", "contact": "13800000001", "since": dt.date.today(), **fields}
    return mobile_register(actor=actor, member=member, **fields)


def make_lost_contact(member: Any, *, actor: Any, days_ago: int = 30) -> Any:
    """``member`` out of contact since ``days_ago`` days."""
    return lost_contact_record(
        actor=actor, member=member, since=dt.date.today() - dt.timedelta(days=days_ago)
    )


def suspend(member: Any, *, actor: Any) -> Any:
    """``member`` suspended (停止党籍) today."""
    member_depart(
        actor=actor, member=member, reason="SUSPENDED", day=dt.date.today(), document_no="新党发〔2026〕1号"
    )
    return member


# --- care visits and import jobs -----------------------------------------------------------------


def make_care_visit(org: Any, *, actor: Any, entries: Sequence[tuple[Any, str]] = (), **fields: Any) -> Any:
    """A 七一 visit by the branch secretary today, paid from retained dues."""
    fields = {
        "visited_on": dt.date.today(),
        "occasion": "JULY_FIRST",
        "visitors": "支部书记",
        "funding": "RETAINED_DUES",
        **fields,
    }
    return care_visit_create(actor=actor, organization=org, entries=list(entries), **fields)


def make_import_job(org: Any, *, created_by: Any, **fields: Any) -> Any:
    """An import job row (nothing run) for ``org``."""
    return ImportJob.objects.create(
        created_by=created_by, organization=org, **{"file_name": "党员.xlsx", **fields}
    )


# --- dues: standards, payments, remittances, the retained-dues ledger -----------------------------


def make_assessment(member: Any, *, actor: Any, **fields: Any) -> Any:
    """``member`` assessed from January 2026: a farmer at the default 1.00 元 unless told."""
    from dues.services.assessments import dues_assessment_create

    fields = {"effective_from": dt.date(2026, 1, 1), "category": "FARMER", **fields}
    return dues_assessment_create(actor=actor, member=member, **fields)


def make_payments(
    org: Any, *, actor: Any, entries: Sequence[tuple[Any, dt.date, Any]], paid_on: dt.date | None = None
) -> list[Any]:
    """Monthly dues of ``org``'s members recorded as the grid does: (member, month, amount) each."""
    from dues.services.payments import dues_record_payments

    return dues_record_payments(
        actor=actor,
        organization=org,
        entries=[(member.pk, month, amount) for member, month, amount in entries],
        paid_on=paid_on or dt.date.today(),
    )


def make_remittance(org: Any, *, actor: Any, year: int, quarter: int, amount: Any, **fields: Any) -> Any:
    """``org`` remits ``amount`` for a quarter, today (the county names its receiver outside the system)."""
    from dues.services.remittances import dues_remit

    fields = {"remitted_on": dt.date.today(), "to_external": "中共文山州委组织部", **fields}
    return dues_remit(actor=actor, organization=org, year=year, quarter=quarter, amount=amount, **fields)


def make_ledger_entry(org: Any, *, actor: Any, **fields: Any) -> Any:
    """An expenditure of ``org``'s retained dues today: 1,200 元 of AV equipment unless told."""
    from dues.services.ledger import ledger_record

    fields = {
        "entry_on": dt.date.today(),
        "purpose": "AV_EQUIPMENT",
        "amount": "1200.00",
        "description": "配备电教设备1套",
        **fields,
    }
    return ledger_record(actor=actor, organization=org, **fields)


# --- training: sessions, lectures, AV equipment, 三会一课 ------------------------------------------


def make_session(org: Any, *, actor: Any, present: Sequence[Any] = (), **fields: Any) -> Any:
    """A theory session (以会代训, 4 学时) organized by ``org`` on 2026-03-10; ``present`` members marked present."""
    from training.services.sessions import session_attendance_record, session_create

    fields = {
        "title": "党员冬春训",
        "kind": "THEORY",
        "form": "MEETING",
        "start_on": dt.date(2026, 3, 10),
        "hours": Decimal("4"),
        **fields,
    }
    session = session_create(actor=actor, organization=org, **fields)
    by_org: dict[Any, list[int]] = {}
    for member in present:
        by_org.setdefault(member.organization, []).append(member.pk)
    for unit, ids in by_org.items():
        session_attendance_record(actor=actor, session=session, organization=unit, present=ids)
    return session


def make_lecture(org: Any, *, actor: Any, present: Sequence[Any] = (), **fields: Any) -> Any:
    """A lecture at ``org`` on 2026-04-15 by the head of 县财政局 (正科级, a county-level unit)."""
    from training.services.lectures import lecture_attendance_record, lecture_create

    fields = {
        "given_on": dt.date(2026, 4, 15),
        "topic": "学习党章，做合格党员",
        "lecturer_name": "韦国强",
        "unit_name": "县财政局",
        "lecturer_post": "局长",
        "lecturer_rank": "SECTION_CHIEF",
        **fields,
    }
    lecture = lecture_create(actor=actor, organization=org, **fields)
    by_org: dict[Any, list[int]] = {}
    for member in present:
        by_org.setdefault(member.organization, []).append(member.pk)
    for unit, ids in by_org.items():
        lecture_attendance_record(actor=actor, lecture=lecture, organization=unit, present=ids)
    return lecture


def make_equipment(org: Any, *, actor: Any, **fields: Any) -> Any:
    """One set of AV equipment delivered to ``org`` on 2025-05-20, 1,200 元 from retained dues."""
    from training.services.av import equipment_create

    fields = {
        "delivered_on": dt.date(2025, 5, 20),
        "sets": 1,
        "amount": Decimal("1200.00"),
        "funding": "RETAINED_DUES",
        **fields,
    }
    return equipment_create(actor=actor, organization=org, **fields)


#: A red pixel as a PNG file: a photo the upload check accepts.
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc8\xc3\xc0\x00\x00\x02h\x00\xcd%\xe2\x9cn\x00\x00\x00\x00IEND\xaeB`\x82"
)


def photo_upload(content: bytes = TINY_PNG, name: str = "会议.png") -> Any:
    """An uploaded photo (a PNG pixel unless told)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def make_meeting(org: Any, *, actor: Any, **fields: Any) -> Any:
    """A 支部党员大会 of ``org`` on 2026-03-05, 20 expected and 18 present (``photo=photo_upload()`` adds one)."""
    from training.services.meetings import meeting_create

    fields = {
        "kind": "ASSEMBLY",
        "held_on": dt.date(2026, 3, 5),
        "topic": "学习传达上级会议精神",
        "expected": 20,
        "present": 18,
        **fields,
    }
    return meeting_create(actor=actor, organization=org, **fields)


# --- assessments: agreements, inspections, life meetings, appraisal, ratings, regulations ---------

#: The year the assessment builders work in, and the day the year's agreements are signed.
ASSESS_YEAR = 2026
SIGN_DAY = dt.date(2026, 2, 20)

#: Target items of a member agreement (content, points, measure).
MEMBER_ITEMS = (
    ("按时参加组织生活和党员活动日", "30", "查看会议记录"),
    ("按时足额交纳党费", "20", "查看党费收缴记录"),
    ("参加学习培训不少于32学时", "30", "查看培训签到"),
    ("带头致富、联系服务群众", "20", "群众评议"),
)


def make_template(
    org: Any, *, actor: Any, level: str = "MEMBER", year: int = ASSESS_YEAR, **fields: Any
) -> Any:
    """A template of ``org`` for ``level`` agreements of ``year`` (the four member items unless ``items``)."""
    from assessments.services.agreements import ItemSpec, template_create

    items = fields.pop("items", MEMBER_ITEMS)
    title = fields.pop("title", f"{year}年度{'党员' if level == 'MEMBER' else '党建'}目标管理责任书")
    return template_create(
        actor=actor,
        organization=org,
        year=year,
        level=level,
        title=title,
        items=[ItemSpec(c, Decimal(p), m) for c, p, m in items],
        **fields,
    )


def sign_members(org: Any, members: Sequence[Any], *, actor: Any, template: Any = None, **fields: Any) -> Any:
    """The year's agreements of ``members`` of ``org``, signed on ``SIGN_DAY`` (a template made when none given)."""
    from assessments.services.agreements import agreements_issue_to_members

    template = template or make_template(org, actor=actor)
    fields = {"year": template.year, "signed_on": SIGN_DAY, **fields}
    return agreements_issue_to_members(
        actor=actor, organization=org, template=template, members=list(members), **fields
    )


def sign_orgs(org: Any, parties: Sequence[Any], *, actor: Any, template: Any = None, **fields: Any) -> Any:
    """Agreements between ``org`` and ``parties`` signed on ``SIGN_DAY``."""
    from assessments.services.agreements import agreements_issue_to_orgs

    template = template or make_template(
        org,
        actor=actor,
        level="ORGANIZATION",
        items=(
            ("党员教育管理", "40", "查阅资料"),
            ("发展党员", "30", "对照计划"),
            ("党费收缴", "30", "查账"),
        ),
    )
    fields = {"year": template.year, "signed_on": SIGN_DAY, **fields}
    return agreements_issue_to_orgs(
        actor=actor, organization=org, template=template, parties=list(parties), **fields
    )


def make_inspection(org: Any, *, actor: Any, **fields: Any) -> Any:
    """A mid-year inspection by ``org`` on 2026-06-15."""
    from assessments.services.inspections import inspection_create

    fields = {
        "kind": "MID_YEAR",
        "title": "2026年年中党建目标责任制落实情况督查",
        "started_on": dt.date(2026, 6, 15),
        "inspectors": "组织部检查组",
        **fields,
    }
    return inspection_create(actor=actor, organization=org, **fields)


def make_finding(inspection: Any, org: Any, *, actor: Any, **fields: Any) -> Any:
    """A problem found at ``org``, to be rectified by 2026-08-31."""
    from assessments.services.inspections import finding_add

    fields = {
        "kind": "PROBLEM",
        "content": "会议记录不全",
        "requirement": "补齐会议记录",
        "deadline": dt.date(2026, 8, 31),
        **fields,
    }
    return finding_add(actor=actor, inspection=inspection, organization=org, **fields)


def make_life_meeting(org: Any, *, actor: Any, **fields: Any) -> Any:
    """``org``'s democratic life meeting of 2026-09-10, 5 of 5 team members present."""
    from assessments.services.meetings import life_meeting_record

    fields = {
        "held_on": dt.date(2026, 9, 10),
        "document_no": "富办发〔2026〕24号",
        "leaders_expected": 5,
        "leaders_attended": 5,
        "topics": "对照检查，开展批评与自我批评",
        **fields,
    }
    return life_meeting_record(actor=actor, organization=org, **fields)


def make_round(org: Any, *, actor: Any, **fields: Any) -> Any:
    """An appraisal round of ``org`` from 2026-11-01 (the grades in force unless ``grade_set``)."""
    from assessments.services.appraisals import round_open

    fields = {
        "year": ASSESS_YEAR,
        "title": "2026年度民主评议党员",
        "starts_on": dt.date(2026, 11, 1),
        "ends_on": dt.date(2026, 12, 31),
        **fields,
    }
    return round_open(actor=actor, organization=org, **fields)


def grade(
    round_: Any, org: Any, grades: dict[Any, str], *, actor: Any, day: dt.date = dt.date(2026, 11, 20)
) -> Any:
    """Enter ``grades`` (member → grade) for ``org`` in ``round_``."""
    from assessments.services.appraisals import GradeEntry, grades_save

    entries = [GradeEntry(m, g) for m, g in grades.items()]
    return grades_save(actor=actor, round=round_, organization=org, entries=entries, appraised_on=day)


def make_regulation(org: Any, *, actor: Any, **fields: Any) -> Any:
    """《议事、表决制度》 adopted by ``org`` on 2026-03-01, posted on the wall."""
    from organizations.regulations import regulation_create

    fields = {
        "title": "议事、表决制度",
        "category": "DELIBERATION",
        "adopted_on": dt.date(2026, 3, 1),
        "posted_on_wall": True,
        **fields,
    }
    return regulation_create(actor=actor, organization=org, **fields)


def make_rating(org: Any, *, actor: Any, **fields: Any) -> Any:
    """A 2026 rating of ``org`` meeting every criterion of its standard (达标) on 2026-11-10."""
    from assessments.choices import RATING_CRITERIA
    from assessments.services.ratings import rating_record, standard_for

    standard = standard_for(org)
    fields = {
        "year": ASSESS_YEAR,
        "criteria": [key for key, _ in RATING_CRITERIA.get(standard, ())],
        "result": "ACHIEVED",
        "rated_on": dt.date(2026, 11, 10),
        **fields,
    }
    return rating_record(actor=actor, organization=org, **fields)
