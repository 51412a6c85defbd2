"""training.*, lectures.* and av.* for one organization's subtree and one period (INDICATORS.md).

Every figure counts records: a session counts where its organizer stood in
the tree on its start date (``within_then``), its person-times (人次) are its
attendance rows — members, wherever in the organizer's subtree they came
from — never a typed number.  AV sessions (form 电化教育) count in the theory
or technical figures as well as in the AV ones.  The reports app reads
:func:`training_indicators`; the overview page shows the same dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from organizations.models import Organization

from ..choices import Level, TrainingForm, TrainingKind
from ..models import Attendance, TrainingSession
from .av import av_figures
from .lectures import lecture_figures


@dataclass(frozen=True)
class Tally:
    """Sessions (期) and person-times (人次) of one slice, with the non-members (群众) who also came."""

    sessions: int = 0
    person_times: int = 0
    non_members: int = 0


@dataclass(frozen=True)
class TrainingFigures:
    """training.* for one subtree and period."""

    total: Tally
    theory: Tally
    technical: Tally
    county: Tally
    committee: Tally
    branch: Tally
    av: Tally
    av_theory: Tally
    av_technical: Tally

    def as_indicators(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name in (
            "theory",
            "technical",
            "county",
            "committee",
            "branch",
            "av",
            "av_theory",
            "av_technical",
        ):
            tally: Tally = getattr(self, name)
            out[f"training.{name}_sessions"] = tally.sessions
            out[f"training.{name}_person_times"] = tally.person_times
        return out


SLICES: dict[str, Q] = {
    "total": Q(),
    "theory": Q(kind=TrainingKind.THEORY),
    "technical": Q(kind=TrainingKind.TECHNICAL),
    "county": Q(level=Level.COUNTY),
    "committee": Q(level=Level.COMMITTEE),
    "branch": Q(level=Level.BRANCH),
    "av": Q(form=TrainingForm.AV),
    "av_theory": Q(form=TrainingForm.AV, kind=TrainingKind.THEORY),
    "av_technical": Q(form=TrainingForm.AV, kind=TrainingKind.TECHNICAL),
}


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` on a related model (``session__kind`` …)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [(f"{prefix}{key}", value) for key, value in q.children]  # type: ignore[misc]
    return clone


def sessions_of(org: Organization, start: dt.date, end: dt.date) -> Any:
    """Sessions organized in ``org``'s subtree (as it stood on each start date) that started in the period."""
    return TrainingSession.objects.within_then(org, "start_on").filter(start_on__gte=start, start_on__lte=end)


def training_figures(org: Organization, start: dt.date, end: dt.date) -> TrainingFigures:
    """Sessions and person-times by kind, level and AV (two queries)."""
    sessions = sessions_of(org, start, end)
    counts = sessions.aggregate(
        **{f"{name}_sessions": Count("id", filter=q) for name, q in SLICES.items()},
        **{f"{name}_non_members": Sum("non_member_count", filter=q) for name, q in SLICES.items()},
    )
    people = Attendance.objects.filter(session__in=sessions.values("pk")).aggregate(
        **{name: Count("id", filter=_prefixed(q, "session__")) for name, q in SLICES.items()}
    )
    return TrainingFigures(
        **{
            name: Tally(counts[f"{name}_sessions"], people[name], counts[f"{name}_non_members"] or 0)
            for name in SLICES
        }
    )


def members_person_times(org: Organization, start: dt.date, end: dt.date) -> int:
    """Attendances of ``org``'s members (where each stood on the day) at anyone's sessions in the period."""
    return (
        Attendance.objects.within_then(org, "session__start_on")
        .filter(session__start_on__gte=start, session__start_on__lte=end)
        .count()
    )


def training_indicators(org: Organization, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every training.*, lectures.* and av.* key of INDICATORS.md for ``org``'s subtree and the period."""
    return {
        **training_figures(org, start, end).as_indicators(),
        **lecture_figures(org, start, end).as_indicators(),
        **av_figures(org, start, end).as_indicators(),
    }
