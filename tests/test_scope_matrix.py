"""The permission matrix, generated over every URL of the project × every role.

For each named URL of our apps a ``Case`` says how to build its arguments from
the cast (objects living in branch A, or in 新华镇党委 for committee-level
pages).  Then, for each URL:

- anonymous → redirect to the log-in page;
- the outsider (a user whose scope does not hold the object) → 404, for a GET
  and for a POST to a page that writes (and nothing is written);
- the auditor (read-only) → 403 or 405 for a POST to *every* URL (a read-only
  page is ``require_safe``: it answers POST with 405, never 200); on GET, 403 on
  every page that writes (``core.views.write_view``), 200 on the rest;
- every insider → 200 (405 for POST-only actions).

A URL that has no case fails ``test_every_url_has_a_case``, so a new page
cannot skip the matrix.  The objects come from ``tests/factories.py``.  Per-view
tests elsewhere check rules and content, not these four answers again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import Applicant, Member
from tests.factories import (
    grade,
    make_applicant,
    make_assessment,
    make_care_visit,
    make_certificate,
    make_finding,
    make_import_job,
    make_inspection,
    make_ledger_entry,
    make_life_meeting,
    make_lost_contact,
    make_mobile,
    make_payments,
    make_pending_confirmation,
    make_post,
    make_probationary,
    make_rating,
    make_regulation,
    make_remittance,
    make_round,
    make_running_publicity,
    make_template,
    make_transfer,
    sign_members,
    suspend,
)

APP_NAMESPACES = {
    "organizations",
    "members",
    "dues",
    "training",
    "assessments",
    "reports",
    "audit",
    "imports",
}
PROJECT_URLS = {"home"}
BRANCH_INSIDERS = ("secretary_a", "committee_staff", "county_staff")
COMMITTEE_INSIDERS = ("committee_staff", "county_staff")


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[Any], dict[str, Any]] | None = None  # None: no object, no outsider
    insiders: tuple[str, ...] = BRANCH_INSIDERS
    outsider: str | None = "secretary_b"
    get_allowed: bool = True  # False for POST-only actions
    query: str = ""
    extra: dict = field(default_factory=dict)


def _org(attr: str) -> Callable[[Any], dict[str, Any]]:
    return lambda c: {"code": getattr(c.tree, attr).code}


CASES: dict[str, Case] = {
    "home": Case(),
    "organizations:tree": Case(),
    "organizations:detail": Case(kwargs=_org("branch_a")),
    "organizations:vacancies": Case(),
    "organizations:warnings": Case(),
    "organizations:import": Case(),
    "organizations:import_template": Case(),
    **{
        f"organizations:{n}": Case(kwargs=lambda c: {"pk": _org_import_job(c).pk})
        for n in ("import_job", "import_job_progress")
    },
    **{f"organizations:{n}": Case(kwargs=_org("branch_a")) for n in ("create_child", "edit", "appoint")},
    # a branch is renamed, moved, merged or dissolved by its superior's staff, not its secretary
    **{
        f"organizations:{n}": Case(kwargs=_org("branch_a"), insiders=COMMITTEE_INSIDERS)
        for n in ("rename", "move", "merge", "dissolve")
    },
    "organizations:end_post": Case(
        kwargs=lambda c: {
            "code": c.tree.branch_a.code,
            "pk": make_post(c.tree.branch_a, actor=c.admin_user).pk,
        }
    ),
    "members:list": Case(),
    "members:detail": Case(kwargs=lambda c: {"pk": c.member_a.pk}),
    # a full ID number: county and committee staff (members.permissions.may_reveal_id); POST only, recorded
    "members:reveal_id": Case(
        kwargs=lambda c: {"pk": c.member_a.pk}, insiders=COMMITTEE_INSIDERS, get_allowed=False
    ),
    "members:create": Case(),
    "members:edit": Case(kwargs=lambda c: {"pk": c.member_a.pk}),
    "members:move": Case(kwargs=lambda c: {"pk": c.member_a.pk}, insiders=COMMITTEE_INSIDERS),
    "members:import": Case(),
    "members:import_jobs": Case(),
    "members:import_template": Case(),
    "members:export": Case(),
    **{
        f"members:{n}": Case(kwargs=lambda c: {"pk": _import_job(c).pk})
        for n in ("import_job", "import_job_progress", "import_job_errors")
    },
    **{
        f"members:{n}": Case(kwargs=lambda c: {"pk": _import_job(c).pk}, get_allowed=False)
        for n in ("import_job_confirm", "import_job_cancel")
    },
    **{
        f"members:{n}": Case(kwargs=lambda c: {"pk": _import_job(c).pk}, get_allowed=False)
        for n in ("import_job_confirm", "import_job_cancel")
    },
    # transfers, certificates, mobile members, leaving, lost contact, care visits
    **{
        f"members:{n}": Case()
        for n in (
            "transfer_list",
            "transfer_queue",
            "transfer_issue",
            "transfer_incoming",
            "member_pick",
            "certificate_list",
            "certificate_new",
            "mobile_list",
            "mobile_new",
            "departure_list",
            "departure_new",
            "lost_contact_list",
            "lost_contact_flags",
            "lost_contact_new",
            "care_list",
            "care_new",
        )
    },
    **{
        f"members:transfer_{n}": Case(kwargs=lambda c: {"pk": _transfer(c).pk})
        for n in ("detail", "reissue", "print")
    },
    **{
        f"members:transfer_{n}": Case(kwargs=lambda c: {"pk": _transfer(c).pk}, get_allowed=False)
        for n in ("accept", "receipt", "void")
    },
    **{
        f"members:certificate_{n}": Case(kwargs=lambda c: {"pk": _certificate(c).pk})
        for n in ("detail", "print")
    },
    "members:mobile_return": Case(kwargs=lambda c: {"pk": _mobile(c).pk}),
    "members:departure_remove": Case(kwargs=lambda c: {"member_pk": _suspended(c).pk}),
    "members:member_restore": Case(kwargs=lambda c: {"member_pk": _suspended(c).pk}),
    "members:lost_contact_detail": Case(kwargs=lambda c: {"pk": _lost_contact(c).pk}),
    "members:lost_contact_suspend": Case(kwargs=lambda c: {"pk": _lost_contact(c).pk}),
    **{
        f"members:lost_contact_{n}": Case(kwargs=lambda c: {"pk": _lost_contact(c).pk}, get_allowed=False)
        for n in ("update", "resolve")
    },
    **{
        f"members:care_{n}": Case(kwargs=lambda c: {"pk": _care_visit(c).pk})
        for n in ("detail", "edit", "add_members")
    },
    **{
        f"members:care_recipient_{n}": Case(
            kwargs=lambda c: {"pk": _care_visit(c).recipients.get().pk}, get_allowed=False
        )
        for n in ("amount", "remove")
    },
    # development pipeline
    **{
        f"members:{n}": Case()
        for n in (
            "development_index",
            "applicant_list",
            "applicant_create",
            "publicity_list",
            "development_plans",
        )
    },
    **{
        f"members:applicant_{n}": Case(kwargs=lambda c: {"pk": _applicant(c).pk})
        for n in ("detail", "edit", "withdraw")
    },
    "members:applicant_step": Case(kwargs=lambda c: {"pk": _applicant(c).pk, "number": 2}),
    "members:publicity_create": Case(kwargs=lambda c: {"pk": _applicant(c).pk}),
    "members:publicity_result": Case(kwargs=lambda c: {"pk": _publicity(c).pk}),
    # 转正 on the member's page: the branch's discussion, the committee's answer
    "members:confirmation_new": Case(kwargs=lambda c: {"pk": _probationary(c).pk}),
    "members:confirmation_decide": Case(kwargs=lambda c: {"pk": _pending_confirmation(c).pk}),
    # dues: the grid, standards, payments, arrears, remittances, the retained-dues ledger
    **{
        f"dues:{n}": Case()
        for n in (
            "index",
            "rules",
            "inspection",
            "assessments",
            "special_new",
            "payments",
            "arrears",
            "reconciliation",
            "remittances",
            "ledger",
            "ledger_new",
        )
    },
    **{
        f"dues:{n}": Case(kwargs=_org("branch_a"))
        for n in ("grid", "register", "assess_many", "schedule", "back_pay")
    },
    **{f"dues:{n}": Case(kwargs=lambda c: {"pk": c.member_a.pk}) for n in ("member", "assessment_new")},
    "dues:assessment_edit": Case(kwargs=lambda c: {"pk": _dues_assessment(c).pk}),
    **{f"dues:{n}": Case(kwargs=lambda c: {"pk": _dues_payment(c).pk}) for n in ("receipt", "payment_void")},
    "dues:remit": Case(kwargs=lambda c: {"code": c.tree.branch_a.code, "year": 2026, "quarter": 1}),
    "dues:remittance_void": Case(kwargs=lambda c: {"pk": _dues_remittance(c).pk}),
    "dues:returns": Case(kwargs=lambda c: {"code": c.tree.branch_a.code, "year": 2026}),
    "dues:ledger_reverse": Case(
        kwargs=lambda c: {"pk": make_ledger_entry(c.tree.branch_a, actor=c.secretary_a, purpose="OPENING").pk}
    ),
    # the access records (访问记录): the county's accounts (and superusers), read only
    "audit:access": Case(insiders=("county_staff",), outsider=None),
    # plans are set from above the committees: county staff only
    "members:development_plan_edit": Case(
        kwargs=lambda c: {"year": 2026}, insiders=("county_staff",), outsider=None
    ),
    # reports: the indicators of an organization in scope, and 报送 (a superior returns)
    "reports:index": Case(),
    "reports:json": Case(kwargs=lambda c: {"code": c.tree.branch_a.code, "period": "2025"}),
    **{
        f"reports:{n}": Case(kwargs=lambda c: {"code": c.tree.branch_a.code, "period": "2025"})
        for n in ("summary", "summary_docx", "summary_edit", "statistics", "statistics_xlsx", "dashboard")
    },
    "reports:batch_start": Case(
        kwargs=lambda c: {"code": c.tree.branch_a.code, "period": "2025"}, get_allowed=False
    ),
    **{f"reports:{n}": Case(kwargs=lambda c: {"pk": _batch(c).pk}) for n in ("batch", "batch_download")},
    "reports:submissions": Case(),
    "reports:submit": Case(get_allowed=False),
    "reports:return_submission": Case(
        kwargs=lambda c: {"pk": _submission(c).pk}, insiders=COMMITTEE_INSIDERS, get_allowed=False
    ),
}


# 制度建设 (organizations) and the annual assessment cycle (assessments)
CASES.update(
    {
        **{f"organizations:{n}": Case() for n in ("regulation_list", "regulation_new")},
        **{
            f"organizations:regulation_{n}": Case(kwargs=lambda c: {"pk": _regulation(c).pk})
            for n in ("detail", "edit")
        },
        "organizations:regulation_checklist": Case(kwargs=_org("branch_a")),
        **{
            f"assessments:{n}": Case()
            for n in (
                "index",
                "agreement_list",
                "member_roster",
                "template_list",
                "template_new",
                "inspection_list",
                "inspection_new",
                "rectification_list",
                "life_meeting_list",
                "life_meeting_new",
                "life_meeting_completion",
                "round_list",
                "round_new",
                "appraisal_list",
                "follow_up_list",
                "rating_list",
            )
        },
        **{
            f"assessments:template_{n}": Case(kwargs=lambda c: {"pk": _member_template(c).pk})
            for n in ("detail", "edit")
        },
        **{
            f"assessments:{n}": Case(kwargs=lambda c: {"code": c.tree.branch_a.code, "year": 2026})
            for n in ("org_sheet", "member_sheet", "member_sheet_print", "ranking")
        },
        **{
            f"assessments:{n}": Case(
                kwargs=lambda c: {"code": c.tree.branch_a.code, "year": 2026}, get_allowed=False
            )
            for n in ("org_sheet_apply", "member_sheet_apply")
        },
        **{
            f"assessments:agreement_{n}": Case(kwargs=lambda c: {"pk": _member_agreement(c).pk})
            for n in ("detail", "edit", "items", "score", "print")
        },
        # a committee's inspection of branch A: the branch reports its rectification, the committee the rest
        **{
            f"assessments:{n}": Case(kwargs=lambda c: {"pk": _inspection(c).pk}, insiders=COMMITTEE_INSIDERS)
            for n in ("inspection_detail", "inspection_edit", "inspection_notice", "finding_new")
        },
        "assessments:finding_edit": Case(
            kwargs=lambda c: {"pk": _finding(c).pk}, insiders=COMMITTEE_INSIDERS
        ),
        "assessments:finding_rectify": Case(kwargs=lambda c: {"pk": _finding(c).pk}),
        **{
            f"assessments:life_meeting_{n}": Case(kwargs=lambda c: {"pk": _life_meeting(c).pk})
            for n in ("detail", "edit")
        },
        **{
            f"assessments:{n}": Case(kwargs=lambda c: {"pk": _round(c).pk})
            for n in ("round_detail", "round_edit", "team_votes")
        },
        "assessments:round_close": Case(kwargs=lambda c: {"pk": _round(c).pk}, get_allowed=False),
        "assessments:round_grades": Case(kwargs=lambda c: {"pk": _round(c).pk, "code": c.tree.branch_a.code}),
        "assessments:round_grades_save": Case(
            kwargs=lambda c: {"pk": _round(c).pk, "code": c.tree.branch_a.code}, get_allowed=False
        ),
        "assessments:follow_up_new": Case(kwargs=lambda c: {"pk": _unqualified(c).pk}),
        **{
            f"assessments:follow_up_{n}": Case(kwargs=lambda c: {"pk": _follow_up(c).pk})
            for n in ("detail", "conclude")
        },
        # 三级联创: the level above rates a village branch
        "assessments:rating_new": Case(kwargs=_org("branch_a"), insiders=COMMITTEE_INSIDERS),
        "assessments:rating_detail": Case(kwargs=lambda c: {"pk": _rating(c).pk}),
        "assessments:rating_edit": Case(kwargs=lambda c: {"pk": _rating(c).pk}, insiders=COMMITTEE_INSIDERS),
    }
)


def _regulation(c: Any) -> Any:
    return make_regulation(c.tree.branch_a, actor=c.secretary_a)


def _member_template(c: Any) -> Any:
    from assessments.models import AgreementTemplate

    existing = AgreementTemplate.objects.filter(organization=c.tree.branch_a).first()
    return existing or make_template(c.tree.branch_a, actor=c.secretary_a)


def _member_agreement(c: Any) -> Any:
    from assessments.models import TargetAgreement

    existing = TargetAgreement.objects.filter(member=c.member_a).first()
    if existing:
        return existing
    return sign_members(
        c.tree.branch_a, [c.member_a], actor=c.secretary_a, template=_member_template(c)
    ).agreements[0]


def _inspection(c: Any) -> Any:
    from assessments.models import Inspection

    return Inspection.objects.first() or make_inspection(c.tree.committee, actor=c.committee_staff)


def _finding(c: Any) -> Any:
    return make_finding(_inspection(c), c.tree.branch_a, actor=c.committee_staff)


def _life_meeting(c: Any) -> Any:
    from assessments.models import LifeMeeting

    return LifeMeeting.objects.filter(organization=c.tree.branch_a).first() or make_life_meeting(
        c.tree.branch_a, actor=c.secretary_a
    )


def _round(c: Any) -> Any:
    from assessments.models import AppraisalRound

    return AppraisalRound.objects.filter(organization=c.tree.branch_a).first() or make_round(
        c.tree.branch_a, actor=c.secretary_a
    )


def _unqualified(c: Any) -> Any:
    from assessments.models import MemberAppraisal

    existing = MemberAppraisal.objects.filter(member=c.member_a).first()
    if existing:
        return existing
    grade(_round(c), c.tree.branch_a, {c.member_a: "不合格"}, actor=c.secretary_a)
    return MemberAppraisal.objects.get(member=c.member_a)


def _follow_up(c: Any) -> Any:
    from assessments.models import AppraisalFollowUp
    from assessments.services.appraisals import follow_up_decide

    existing = AppraisalFollowUp.objects.filter(appraisal=_unqualified(c)).first()
    return existing or follow_up_decide(
        actor=c.secretary_a,
        appraisal=_unqualified(c),
        disposal="CORRECTION",
        decided_on=dt.date(2026, 11, 22),
    )


def _rating(c: Any) -> Any:
    from assessments.models import StarRating

    return StarRating.objects.filter(organization=c.tree.branch_a).first() or make_rating(
        c.tree.branch_a, actor=c.committee_staff
    )


def _applicant(c: Any) -> Any:
    existing = Applicant.objects.filter(organization=c.tree.branch_a).first()
    return existing or make_applicant(
        c.tree.branch_a,
        actor=c.secretary_a,
        applied_on=dt.date(2023, 3, 1),
        birth_date=dt.date(1982, 1, 13),
        id_number="513101198201130014",
    )


def _probationary(c: Any) -> Any:
    """A 预备党员 of branch A whose probation ended a month ago."""
    existing = Member.objects.filter(organization=c.tree.branch_a, status="PROBATIONARY").first()
    return existing or make_probationary(
        c.tree.branch_a, actor=c.admin_user, joined_on=dt.date.today() - dt.timedelta(days=400)
    )


def _pending_confirmation(c: Any) -> Any:
    member = _probationary(c)
    return member.confirmations.first() or make_pending_confirmation(
        member, actor=c.secretary_a, day=dt.date.today() - dt.timedelta(days=5)
    )


def _publicity(c: Any) -> Any:
    applicant = _applicant(c)
    return applicant.publicities.first() or make_running_publicity(applicant, actor=c.secretary_a)


def _transfer(c: Any) -> Any:
    return make_transfer(c.member_a, actor=c.secretary_a)


def _certificate(c: Any) -> Any:
    return make_certificate(c.member_a, actor=c.secretary_a)


def _mobile(c: Any) -> Any:
    return make_mobile(c.member_a, actor=c.secretary_a)


def _lost_contact(c: Any) -> Any:
    return make_lost_contact(c.member_a, actor=c.secretary_a)


def _suspended(c: Any) -> Any:
    return suspend(c.member_a, actor=c.secretary_a)


def _batch(c: Any) -> Any:
    from reports.batches import summary_batch_start
    from reports.periods import Period

    return summary_batch_start(actor=c.secretary_a, organization=c.tree.branch_a, period=Period.parse("2025"))


def _submission(c: Any) -> Any:
    from reports.periods import Period
    from reports.submissions import submission_submit

    return submission_submit(actor=c.secretary_a, organization=c.tree.branch_a, period=Period.parse("2025"))


def _care_visit(c: Any) -> Any:
    return make_care_visit(c.tree.branch_a, actor=c.secretary_a, entries=[(c.member_a, "100.00")])


def _dues_assessment(c: Any) -> Any:
    return c.member_a.dues_assessments.first() or make_assessment(c.member_a, actor=c.secretary_a)


def _dues_payment(c: Any) -> Any:
    _dues_assessment(c)
    month = dt.date.today().replace(day=1)
    existing = c.member_a.dues_payments.filter(month=month).first()
    return (
        existing
        or make_payments(c.tree.branch_a, actor=c.secretary_a, entries=[(c.member_a, month, "1.00")])[0]
    )


def _dues_remittance(c: Any) -> Any:
    payment = _dues_payment(c)
    year, quarter = payment.paid_on.year, (payment.paid_on.month - 1) // 3 + 1
    return make_remittance(c.tree.branch_a, actor=c.secretary_a, year=year, quarter=quarter, amount="1.00")


def _org_import_job(c: Any) -> Any:
    from organizations.models import OrgImportJob

    return OrgImportJob.objects.create(
        created_by=c.secretary_a, organization=c.tree.branch_a, file_name="党组织.xlsx"
    )


def _import_job(c: Any) -> Any:
    return make_import_job(c.tree.branch_a, created_by=c.secretary_a)


# --- training: sessions and attendance, hours, lectures, AV education, 三会一课, publications -------

CASES.update(
    {
        **{
            f"training:{n}": Case()
            for n in (
                "index",
                "session_list",
                "session_new",
                "attendance_list",
                "hours",
                "hours_branches",
                "lecture_list",
                "lecture_new",
                "av_list",
                "av_new",
                "av_coverage",
                "film_list",
                "film_order_list",
                "meeting_list",
                "meeting_new",
                "compliance",
                "activity_day_list",
                "subscription_list",
                "subscription_new",
            )
        },
        **{
            f"training:session_{n}": Case(kwargs=lambda c: {"pk": _training_session(c).pk})
            for n in ("detail", "edit", "attendance")
        },
        "training:session_delete": Case(kwargs=lambda c: {"pk": _training_session(c).pk}, get_allowed=False),
        **{
            f"training:lecture_{n}": Case(kwargs=lambda c: {"pk": _lecture(c).pk})
            for n in ("detail", "edit", "attendance")
        },
        "training:lecture_delete": Case(kwargs=lambda c: {"pk": _lecture(c).pk}, get_allowed=False),
        **{
            f"training:av_{n}": Case(kwargs=lambda c: {"pk": _equipment(c).pk})
            for n in ("detail", "edit", "status")
        },
        # the film catalogue is the county's; films are ordered by committees
        "training:film_new": Case(insiders=("county_staff",)),
        "training:film_edit": Case(
            kwargs=lambda c: {"pk": _film(c).pk}, insiders=("county_staff",), outsider=None
        ),
        "training:film_order_new": Case(insiders=COMMITTEE_INSIDERS),
        "training:film_order_edit": Case(
            kwargs=lambda c: {"pk": _film_order(c).pk}, insiders=COMMITTEE_INSIDERS
        ),
        **{
            f"training:meeting_{n}": Case(kwargs=lambda c: {"pk": _meeting(c).pk})
            for n in ("detail", "edit", "photo")
        },
        "training:meeting_delete": Case(kwargs=lambda c: {"pk": _meeting(c).pk}, get_allowed=False),
        "training:activity_day_edit": Case(kwargs=_org("branch_a")),
        "training:subscription_edit": Case(kwargs=lambda c: {"pk": _subscription(c).pk}),
    }
)


# --- the shared record imports (core.recordimports): kinds, files, jobs --------------------------

CASES.update(
    {
        "imports:index": Case(),
        **{
            f"imports:{n}": Case(kwargs=lambda c: {"kind": "dues_payments"}, outsider=None)
            for n in ("kind", "template", "export")
        },
        **{
            f"imports:{n}": Case(kwargs=lambda c: {"pk": _record_import_job(c).pk})
            for n in ("job", "job_progress", "job_errors")
        },
        **{
            f"imports:{n}": Case(kwargs=lambda c: {"pk": _record_import_job(c).pk}, get_allowed=False)
            for n in ("job_confirm", "job_cancel")
        },
    }
)


def _record_import_job(c: Any) -> Any:
    from core.models import RecordImportJob

    return RecordImportJob.objects.create(
        kind="dues_payments",
        created_by=c.secretary_a,
        organization_path=c.tree.branch_a.path,
        file_name="党费.xlsx",
        status="REJECTED",
        errors=[[2, "金额", "金额应大于0"]],
    )


def _training_session(c: Any) -> Any:
    from tests.factories import make_session

    return make_session(c.tree.branch_a, actor=c.secretary_a, present=[c.member_a])


def _lecture(c: Any) -> Any:
    from tests.factories import make_lecture

    return make_lecture(c.tree.branch_a, actor=c.secretary_a, present=[c.member_a])


def _equipment(c: Any) -> Any:
    from tests.factories import make_equipment

    return make_equipment(c.tree.branch_a, actor=c.county_staff)


def _film(c: Any) -> Any:
    from training.models import AVFilm

    return AVFilm.objects.get_or_create(title="科学养猪", defaults={"kind": "TECHNICAL"})[0]


def _film_order(c: Any) -> Any:
    from training.services.av import film_order_create

    return film_order_create(
        actor=c.county_staff,
        organization=c.tree.committee,
        film=_film(c),
        copies=2,
        ordered_on=dt.date(2026, 3, 1),
    )


def _meeting(c: Any) -> Any:
    from tests.factories import make_meeting, photo_upload

    return make_meeting(c.tree.branch_a, actor=c.secretary_a, photo=photo_upload())


def _subscription(c: Any) -> Any:
    from training.models import Publication
    from training.services.publications import subscription_create

    return subscription_create(
        actor=c.secretary_a,
        organization=c.tree.branch_a,
        # get_or_create: a live-server test's flush empties what the data migration seeded
        publication=Publication.objects.get_or_create(name="《支部生活》")[0],
        year=2026,
        copies=2,
        amount="36.00",
    )


def _named_urls() -> dict[str, Any]:
    """url name → view callable, for our apps' named URL patterns."""
    found: dict[str, Any] = {}

    def walk(patterns: list, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns == "admin" or (p.namespace and p.namespace not in APP_NAMESPACES):
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if namespace in APP_NAMESPACES or name in PROJECT_URLS:
                    found[name] = p.callback

    walk(get_resolver().url_patterns, None)
    return found


URLS = _named_urls()


class Cast:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return self._request.getfixturevalue(name)


@pytest.fixture
def cast(request, tree, county_staff, committee_staff, secretary_a, secretary_b, auditor, member_a):
    return Cast(request)


def _url(name: str, cast: Cast) -> str:
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(cast) if case.kwargs else None)
    return url + (f"?{case.query}" if case.query else "")


def test_every_url_has_a_case():
    missing = sorted(set(URLS) - set(CASES))
    assert not missing, f"URLs without a scope-matrix case: {missing}"


def _names() -> list[str]:
    return sorted(n for n in URLS if n in CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names())
def test_anonymous_is_sent_to_login(client, cast, name):
    response = client.get(_url(name, cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in _names() if CASES[n].kwargs and CASES[n].outsider])
def test_outsider_gets_404(client, cast, name):
    client.force_login(getattr(cast, CASES[name].outsider))
    method = client.get if CASES[name].get_allowed else client.post
    assert method(_url(name, cast)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [n for n in _names() if CASES[n].kwargs and CASES[n].outsider and getattr(URLS[n], "writes_data", False)],
)
def test_outsider_post_to_a_write_page_gets_404(client, cast, name):
    client.force_login(getattr(cast, CASES[name].outsider))
    url = _url(name, cast)
    entries = LogEntry.objects.count()
    assert client.post(url, CASES[name].extra).status_code == 404
    assert LogEntry.objects.count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names())
def test_auditor_reads_but_never_writes(client, cast, name):
    client.force_login(cast.auditor)
    url = _url(name, cast)
    if getattr(URLS[name], "writes_data", False):
        assert client.get(url).status_code == 403
    elif CASES[name].get_allowed:
        assert client.get(url).status_code == 200
    else:
        assert client.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names())
def test_auditor_post_is_refused_everywhere(client, cast, name):
    """Whatever the view, an auditor's POST is forbidden (a write page) or not allowed (a read-only page)."""
    client.force_login(cast.auditor)
    url = _url(name, cast)  # builds the case's objects first
    entries = LogEntry.objects.count()
    assert client.post(url, CASES[name].extra).status_code in (403, 405)
    assert LogEntry.objects.count() == entries  # no service ran: nothing audited, nothing written


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), [(n, r) for n in _names() for r in CASES[n].insiders])
def test_insider_gets_the_page(client, cast, name, role):
    client.force_login(getattr(cast, role))
    response = client.get(_url(name, cast))
    assert response.status_code == (200 if CASES[name].get_allowed else 405)
