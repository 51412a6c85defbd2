"""Reads of the development pipeline, split along its seams.

- ``rules``: the national time limits, step order, probation and the applicant's timeline;
- ``lists``: the applicants, 公示 and plans a user may see;
- ``worklist``: what is due and overdue in a user's scope;
- ``figures``: new members and their structure, plan completion, pipeline counts, warnings (reports reuse these);
- ``lookups``: the candidates the development forms offer.

Everything is re-exported here, so callers import from ``members.selectors.development``.
"""

from .figures import (
    ADMISSION_REASONS,
    BranchWarning,
    NewMemberStructure,
    PipelineCounts,
    PlanCompletion,
    PlanRow,
    admissions,
    branches_without_new,
    new_member_structure,
    new_members,
    pipeline_counts,
    plan_completion,
    plan_total,
    rate,
)
from .lists import applicant_list, plans_for, publicity_list
from .lookups import approving_orgs_for, committees_for_plans, contact_candidates, upper_orgs_for
from .rules import (
    ACTIVIST_MIN_YEARS,
    EXTENSION_MAX_MONTHS,
    EXTENSION_MIN_MONTHS,
    MIN_AGE,
    PROBATION_NOTICE_DAYS,
    PROBATION_YEARS,
    REVIEW_INTERVAL_MONTHS,
    TALK_DEADLINE_MONTHS,
    TRAINING_MIN_DAYS,
    TRAINING_MIN_HOURS,
    PhaseRow,
    StepRow,
    Timeline,
    admitted_on,
    applicant_timeline,
    available_steps,
    extension_of,
    first_day,
    probation_ends_on,
    sequence_error,
    step_deadline,
)
from .worklist import WorkItem, Worklist, open_applicants, worklist

__all__ = [
    "ACTIVIST_MIN_YEARS",
    "ADMISSION_REASONS",
    "EXTENSION_MAX_MONTHS",
    "EXTENSION_MIN_MONTHS",
    "MIN_AGE",
    "PROBATION_NOTICE_DAYS",
    "PROBATION_YEARS",
    "REVIEW_INTERVAL_MONTHS",
    "TALK_DEADLINE_MONTHS",
    "TRAINING_MIN_DAYS",
    "TRAINING_MIN_HOURS",
    "BranchWarning",
    "NewMemberStructure",
    "PhaseRow",
    "PipelineCounts",
    "PlanCompletion",
    "PlanRow",
    "StepRow",
    "Timeline",
    "WorkItem",
    "Worklist",
    "admissions",
    "admitted_on",
    "applicant_list",
    "applicant_timeline",
    "approving_orgs_for",
    "available_steps",
    "branches_without_new",
    "committees_for_plans",
    "contact_candidates",
    "extension_of",
    "first_day",
    "new_member_structure",
    "new_members",
    "open_applicants",
    "pipeline_counts",
    "plan_completion",
    "plan_total",
    "plans_for",
    "probation_ends_on",
    "publicity_list",
    "rate",
    "sequence_error",
    "step_deadline",
    "upper_orgs_for",
    "worklist",
]
