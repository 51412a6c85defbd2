"""报送: who has submitted a period's data, the superior's return, and the summary's ``missing``.

The organizations that submit are the base committees, general branches and
counted branches below the report's organization, as the tree stood at period
end.  A figure that sums what organizations enter (training, lectures, life
meetings, appraisal, dues — ``ENTERED_PREFIXES``) lists in ``missing`` those
of them whose submission for the period is not in.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.audit import service
from core.scopes import can_write, check_can_edit, in_scope
from core.versioning import lock_for_update, save_changed
from organizations.choices import COMMITTEE_KINDS, NOT_COUNTED_FORMS, OrgKind
from organizations.models import Organization

from .indicators import INDICATORS
from .models import Submission, SubmissionStatus
from .periods import Period

ENTERED_PREFIXES = ("training.", "lectures.", "life_meetings.", "appraisal.", "dues.")
SUBMITTING = Q(kind__in=[*COMMITTEE_KINDS, OrgKind.GENERAL_BRANCH]) | (
    Q(kind=OrgKind.BRANCH) & ~Q(form__in=NOT_COUNTED_FORMS)
)


def submitters(org: Organization, period: Period) -> QuerySet[Organization]:
    """The organizations below ``org`` that report for ``period`` (the tree at period end)."""
    return (
        Organization.objects.within_on(org, period.end)
        .existing_on(period.end)
        .filter(SUBMITTING)
        .exclude(pk=org.pk)
        .order_by("path")
    )


def not_submitted(org: Organization, period: Period) -> list[Organization]:
    """Those of :func:`submitters` whose data for the period is not in (never submitted, or returned)."""
    done = Submission.objects.filter(period=period.key, status=SubmissionStatus.SUBMITTED).values(
        "organization"
    )
    return list(submitters(org, period).exclude(pk__in=done))


def missing_for(org: Organization, period: Period) -> list[dict[str, Any]]:
    """The ``missing`` list of the JSON: for each figure of entered data, the organizations not submitted."""
    keys = [key for key in INDICATORS if key.startswith(ENTERED_PREFIXES)]
    if not keys:
        return []
    names = [o.name for o in not_submitted(org, period)]
    return [{"indicator": key, "organizations": names} for key in keys] if names else []


@service
def submission_submit(*, actor: Any, organization: Organization, period: Period) -> Submission:
    """Submit (or submit again after a return) ``organization``'s data for ``period``."""
    check_can_edit(actor, organization)
    if period.start > timezone.localdate():
        raise ValidationError({"period": f"{period.label}尚未开始，不能报送"})
    submission = Submission.objects.filter(organization=organization, period=period.key).first()
    now = timezone.now()
    if submission is None:
        submission = Submission(
            organization=organization,
            period=period.key,
            status=SubmissionStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=now,
        )
        submission.full_clean()
        submission.save()
        return submission
    lock_for_update(Submission, submission)
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError(f"{organization.name}{period.label}的数据已报送")
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by = actor
    submission.submitted_at = now
    save_changed(submission, ["status", "submitted_by", "submitted_at"])
    return submission


def may_return(actor: Any, submission: Submission) -> bool:
    """The superior returns: a writer whose scope holds the submitting organization's parent."""
    parent = submission.organization.parent
    return parent is not None and can_write(actor) and in_scope(actor, parent)


@service
def submission_return(*, actor: Any, submission: Submission, comment: str) -> Submission:
    """Return a submission for correction, with the superior's comment."""
    if not in_scope(actor, submission.organization):
        raise Http404("未找到该记录或无权查看")
    if not may_return(actor, submission):
        raise PermissionDenied("只有上级党组织可以退回报送")
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见"})
    lock_for_update(Submission, submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError("该报送已退回")
    submission.status = SubmissionStatus.RETURNED
    submission.returned_by = actor
    submission.returned_at = timezone.now()
    submission.comment = comment
    save_changed(submission, ["status", "returned_by", "returned_at", "comment"])
    return submission


def submitted_period_refusal(org: Organization, day: Any) -> str | None:
    """core.periodlock's check: ``day`` lies in a year or half-year ``org`` has submitted (one query)."""
    half = Period(day.year, 1 if day.month <= 6 else 2)
    keys = [str(day.year), half.key]
    submitted = (
        Submission.objects.filter(organization=org, period__in=keys, status=SubmissionStatus.SUBMITTED)
        .values_list("period", flat=True)
        .first()
    )
    if submitted is None:
        return None
    label = Period.parse(submitted).label
    return f"{org.name}{label}的数据已报送，不能再修改；如需更正，请上级党组织退回报送"
