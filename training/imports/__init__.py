"""The training workbooks on the shared importer (core.recordimports), registered from ``TrainingConfig.ready()``.

``sessions`` 培训及参训人员 and ``lectures`` 讲党课及听课人员 (an event sheet and an
attendance sheet, ``events``), ``meetings`` 三会一课和主题党日 (one sheet).
See docs/conventions.md, "An import kind".
"""

from .lectures import PartyLecturesKind
from .meetings import OrgMeetingsKind
from .sessions import TrainingSessionsKind

KINDS = (TrainingSessionsKind, PartyLecturesKind, OrgMeetingsKind)

__all__ = ["KINDS", "OrgMeetingsKind", "PartyLecturesKind", "TrainingSessionsKind"]
