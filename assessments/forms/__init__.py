"""Forms of the assessment pages (parsing and checking input; every change is a service)."""

from .agreements import (
    ACTIONS,
    AgreementEditForm,
    AgreementItemsForm,
    IssueOrgsForm,
    MemberSheetForm,
    ScoreForm,
    TemplateForm,
)
from .records import (
    CloseRoundForm,
    FindingForm,
    FollowUpConcludeForm,
    FollowUpDecideForm,
    GradeSheetForm,
    InspectionForm,
    LifeMeetingForm,
    RatingForm,
    RectifyForm,
    RoundForm,
    TeamVotesForm,
)

__all__ = [
    "ACTIONS",
    "AgreementEditForm",
    "AgreementItemsForm",
    "CloseRoundForm",
    "FindingForm",
    "FollowUpConcludeForm",
    "FollowUpDecideForm",
    "GradeSheetForm",
    "InspectionForm",
    "IssueOrgsForm",
    "LifeMeetingForm",
    "MemberSheetForm",
    "RatingForm",
    "RectifyForm",
    "RoundForm",
    "ScoreForm",
    "TeamVotesForm",
    "TemplateForm",
]
