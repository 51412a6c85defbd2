"""The annual assessment cycle's records: agreements and their scores, inspections, life meetings, appraisals, ratings."""

from .agreements import AgreementItem, AgreementTemplate, AssessmentScore, TargetAgreement, TemplateItem
from .appraisals import AppraisalFollowUp, AppraisalRound, MemberAppraisal, TeamAppraisal
from .inspections import Inspection, InspectionFinding
from .meetings import LifeMeeting
from .ratings import StarRating

__all__ = [
    "AgreementItem",
    "AgreementTemplate",
    "AppraisalFollowUp",
    "AppraisalRound",
    "AssessmentScore",
    "Inspection",
    "InspectionFinding",
    "LifeMeeting",
    "MemberAppraisal",
    "StarRating",
    "TargetAgreement",
    "TeamAppraisal",
    "TemplateItem",
]
